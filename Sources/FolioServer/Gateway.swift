public import Folio
internal import FolioSystem
internal import Foundation
public import Hummingbird
public import Logging
public import CoreMetrics
internal import Metrics
internal import Prometheus
internal import ServiceLifecycle
internal import Synchronization
internal import UnixSignals

#if canImport(Glibc)
internal import Glibc
#endif

/// The Folio gateway: Moonshot's and OpenAI's file, tokenizer and context-cache APIs, and Folio's own
/// chunk, search and pack endpoints, over one ``Engine``.
///
/// It embeds the engine as any user's gateway would (`import Folio`): CPU work runs as the engine's
/// jobs in the caller's service class, so a pass holder's request is served first and a free one is
/// told honestly when to come back (429, `Retry-After`).
public final class Gateway: Sendable {
    public let configuration: GatewayConfiguration
    public let engine: Engine
    public let store: any MetadataStore
    let vault: FileVault
    /// Uploaded bytes every node can read (a fleet); nil: the data directory alone.
    let blobs: (any BlobStore)?
    /// The PostgreSQL store when the gateway opened one (closed when it stops).
    let postgres: PostgresMetadataStore?
    let fleet: FleetMonitor?
    let tokenizers: [String: BPETokenizer]
    let logger: Logger
    let metrics: GatewayMetrics
    let keyCache: LookupCache<Principal?>
    let passCache: LookupCache<Bool>
    let rateLimiter: RateLimiter?
    /// Requests in flight, and whether the gateway is draining (SIGTERM): new requests get 503.
    let traffic = Mutex<Traffic>(Traffic())

    struct Traffic {
        var inFlight = 0
        var draining = false
    }

    /// Opens the data directory (creating it), its metadata database and the engine.
    ///
    /// - Parameter store: Another metadata store (PostgreSQL); default: SQLite in the data directory.
    /// - Throws: ``APIError`` or the store's error when the directory or database cannot be used.
    public init(
        configuration: GatewayConfiguration, store: (any MetadataStore)? = nil,
        logger: Logger = Logger(label: "folio.gateway")
    ) async throws {
        self.configuration = configuration
        self.logger = logger
        let directory = configuration.dataDirectory
        do {
            try FileSystem.createDirectories(directory, permissions: 0o700)
        } catch {
            throw APIError.server("cannot create the data directory \(directory): \(error)")
        }
        var engineConfiguration = configuration.engine
        engineConfiguration.cacheDirectory = configuration.cacheDirectory ?? directory + "/cache"
        engineConfiguration.maxInputBytes = max(engineConfiguration.maxInputBytes, configuration.maxUploadBytes)
        if engineConfiguration.scheduler == nil {
            var standard = ServiceClass.standard
            standard.maxWait = configuration.standardMaxWait
            var scheduler = try SchedulerConfiguration(
                workers: engineConfiguration.workers, classes: [.priority, standard])
            scheduler.workerNiceness = configuration.workerNiceness
            if let headroom = configuration.peakHeadroom {
                scheduler.peakHeadroom = min(max(0, headroom), engineConfiguration.workers - 1)
            }
            engineConfiguration.scheduler = scheduler
        }
        var postgres: PostgresMetadataStore?
        if store == nil, let url = configuration.database, PostgresConnectionURL.isPostgres(url) {
            postgres = try await PostgresMetadataStore(url: url, migrate: configuration.migrate, logger: logger)
            if configuration.shareProcessedDocuments, let postgres {
                engineConfiguration.sharedEntries = PostgresEntryStore(store: postgres)
            }
        } else if let url = configuration.database, !url.hasSuffix(".sqlite"), store == nil {
            throw StoreError.invalidConfiguration("--database must be a postgres:// URL (or leave it out for SQLite)")
        }
        self.postgres = postgres
        do {
            engine = try Engine(configuration: engineConfiguration)
        } catch {
            await postgres?.close()
            throw error
        }
        self.store =
            try store ?? postgres ?? SQLiteMetadataStore(path: configuration.database ?? directory + "/folio.sqlite")
        vault = try FileVault(directory: directory, engine: engine)
        if let blobDirectory = configuration.blobDirectory {
            blobs = try DirectoryBlobStore(directory: blobDirectory, engine: engine)
        } else if let postgres {
            blobs = PostgresBlobStore(store: postgres, engine: engine)
        } else {
            blobs = nil
        }
        var tokenizers: [String: BPETokenizer] = [engine.configuration.encoding: engine.tokenizer]
        for name in ["cl100k_base", "o200k_base"] where tokenizers[name] == nil {
            tokenizers[name] = try BPETokenizer.named(name)
        }
        self.tokenizers = tokenizers
        metrics = GatewayMetrics()
        keyCache = LookupCache(timeToLive: configuration.lookupCacheTimeToLive)
        passCache = LookupCache(timeToLive: configuration.lookupCacheTimeToLive)
        rateLimiter = configuration.requestsPerMinute.map { RateLimiter(perMinute: $0) }
        if let postgres {
            let nodeID = configuration.nodeName ?? "\(ProcessInfo.processInfo.hostName)-\(getpid())"
            fleet = FleetMonitor(
                store: postgres, pool: engine.pool, nodeID: nodeID,
                address: "\(configuration.host):\(configuration.port)", interval: configuration.heartbeat,
                logger: logger, metrics: metrics)
        } else {
            fleet = nil
        }
        // What a crash left: staged uploads, and committed files no record names (never promised).
        let ids = try await self.store.allFileIDs()
        let removed = try await vault.sweep(keeping: ids)
        if removed > 0 { logger.info("removed \(removed) unfinished uploads left by an earlier run") }
        // Shared bytes no record names, old enough that no node is still between bytes and record.
        if let blobs {
            let orphans = try await blobs.sweep(keeping: ids, olderThan: .seconds(3_600))
            if orphans > 0 { logger.info("removed \(orphans) stored uploads that no file record names") }
        }
    }

    /// A store call failed for want of the database: readiness turns 503 until a heartbeat succeeds.
    func databaseTrouble() {
        fleet?.status.withLock { $0.lastSuccess = nil }
    }

    /// A swift-metrics factory on the registry `/metrics` renders: `folio serve` bootstraps it so the
    /// engine's pool metrics appear there too.
    public var metricsFactory: any MetricsFactory { metrics.factory }

    /// The routes, with the middleware that gives every response an `x-request-id`, turns every
    /// error into the envelope, logs one line and counts it.
    public func router() -> Router<GatewayContext> {
        let router = Router(context: GatewayContext.self)
        router.add(middleware: GatewayMiddleware(gateway: self))
        addHealthRoutes(to: router)
        addFileRoutes(to: router)
        addTokenizerRoutes(to: router)
        addCachingRoutes(to: router)
        addFolioRoutes(to: router)
        return router
    }

    /// Serves until SIGTERM or SIGINT, then drains: `/readyz` turns 503, new requests get 503 with
    /// `Retry-After`, requests in flight finish (up to ``GatewayConfiguration/drainTimeout``), the
    /// server closes and the engine stops.
    ///
    /// - Parameter onListening: Called with the bound port once connections are accepted.
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let app = Application(
            router: router(),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port)),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
        let drain = DrainService(gateway: self)
        // Shut down in reverse order: the drain first (refuse new work, wait for what is in flight),
        // then the server, then the heartbeat (the node leaves the fleet last).
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let fleet { services.append(.init(service: fleet)) }
        services += [.init(service: app), .init(service: drain)]
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            await engine.shutdown(.drain)
            await postgres?.close()
            throw error
        }
        await engine.shutdown(.drain)
        await postgres?.close()
    }

    // MARK: Draining

    var isDraining: Bool { traffic.withLock { $0.draining } }

    /// Starts refusing new requests and waits until none are in flight or the timeout passes.
    public func drain() async {
        traffic.withLock { $0.draining = true }
        logger.info("draining: refusing new requests, waiting for those in flight")
        let deadline = ContinuousClock.now + configuration.drainTimeout
        while ContinuousClock.now < deadline {
            if traffic.withLock({ $0.inFlight }) == 0 { break }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    // MARK: Callers

    /// The caller behind `Authorization: Bearer <key>`.
    /// - Throws: 401 for a missing, malformed, unknown or revoked key.
    func authenticate(_ request: Request) async throws -> Principal {
        guard let header = request.headers[.authorization] else {
            throw APIError.unauthorized("No API key provided: send Authorization: Bearer <key>")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", parts[1].hasPrefix("sk-"), parts[1].count < 200
        else {
            throw APIError.unauthorized("Invalid Authentication: the Authorization header is not Bearer sk-…")
        }
        let hash = Identifiers.hash(key: String(parts[1]))
        if let cached = keyCache.lookup(hash) {
            guard let principal = cached else { throw APIError.unauthorized("Invalid Authentication") }
            return principal
        }
        let record = try await store.key(hash: hash)
        let principal = record.flatMap { record in
            record.revokedAtMilliseconds == nil
                ? Principal(tenant: record.tenant, keyID: record.id, isAdmin: record.isAdmin) : nil
        }
        keyCache.store(hash, principal)
        guard let principal else { throw APIError.unauthorized("Invalid Authentication") }
        return principal
    }

    /// The caller's engine session: `priority` while its tenant holds an active pass, else
    /// `standard`; a request may lower its class (`service_tier: "flex"`), never raise it.
    func session(for principal: Principal, requestedTier: String?, context: GatewayContext) async throws -> Session {
        let holdsPass = try await holdsPass(principal.tenant)
        var serviceClass = holdsPass ? "priority" : "standard"
        switch requestedTier {
        case nil, "auto", "default", "priority": break  // never more than the tenant holds
        case "flex", "standard": serviceClass = "standard"
        default:
            throw APIError.invalidRequest(
                "service_tier must be one of auto, default, flex, priority", param: "service_tier")
        }
        context.notes.tier = serviceClass
        return Session(tenant: principal.tenant, id: principal.keyID, serviceClass: serviceClass)
    }

    /// Whether a tenant holds an active pass (remembered for ``GatewayConfiguration/lookupCacheTimeToLive``).
    func holdsPass(_ tenant: String) async throws -> Bool {
        if let cached = passCache.lookup(tenant) { return cached }
        let now = Self.nowMilliseconds()
        let holds = try await store.passes(tenant: tenant).contains { $0.isActive(atMilliseconds: now) }
        passCache.store(tenant, holds)
        return holds
    }

    /// The caller, authenticated and within its tenant's request rate.
    func caller(_ request: Request, _ context: GatewayContext) async throws -> Principal {
        let principal = try await authenticate(request)
        context.notes.tenant = principal.tenant
        if let rateLimiter, let wait = rateLimiter.take(principal.tenant) {
            throw APIError.rateLimited(retryAfter: wait)
        }
        return principal
    }

    /// The caller and its JSON body (an object of at most `limit` bytes, default
    /// ``GatewayConfiguration/maxJSONBodyBytes``).
    func jsonCall(_ request: Request, _ context: GatewayContext, limit: Int? = nil) async throws
        -> (principal: Principal, body: [String: JSONValue])
    {
        let principal = try await caller(request, context)
        var request = request
        return (principal, try await request.jsonObject(limit: limit ?? configuration.maxJSONBodyBytes))
    }

    /// An admin caller.
    /// - Throws: 403 for a key that is not an admin key.
    func admin(_ request: Request, _ context: GatewayContext) async throws -> Principal {
        let principal = try await caller(request, context)
        guard principal.isAdmin else { throw APIError.forbidden("this endpoint needs an admin key") }
        return principal
    }

    package static func nowMilliseconds() -> Int64 { Int64((Date().timeIntervalSince1970 * 1_000).rounded(.down)) }
    static func nowSeconds() -> Int64 { Int64(Date().timeIntervalSince1970) }

    /// The engine's error, or the error itself: what a handler rethrows.
    func apiError(_ error: any Error, names: [String: String] = [:]) -> any Error {
        switch error {
        case let error as EngineError: return APIError(error, names: names)
        case is SchedulerError: return APIError(EngineError.wrapping(error, documentName: nil), names: names)
        default: return error
        }
    }

    /// Runs `body` as a job of `session` on the engine's pool, errors as the client should see them.
    func job<T: Sendable>(_ session: Session, cost: Double, _ body: @escaping @Sendable () throws -> T) async throws
        -> T
    {
        do {
            return try await engine.pool.run(session, cost: cost) { _ in try body() }
        } catch {
            throw apiError(error)
        }
    }
}

/// Waits for the graceful-shutdown signal, then drains the gateway before the server closes.
struct DrainService: Service {
    let gateway: Gateway
    func run() async throws {
        try? await gracefulShutdown()
        await gateway.drain()
    }
}

/// Lookups (API keys by hash, whether a tenant holds a pass), remembered briefly so a busy tenant
/// does not reach the database on every request.
final class LookupCache<Value: Sendable>: Sendable {
    private let entries = Mutex<[String: (value: Value, expires: ContinuousClock.Instant)]>([:])
    private let timeToLive: Duration
    init(timeToLive: Duration) { self.timeToLive = timeToLive }

    /// The remembered value, or nil when there is none (for a key: `.some(nil)` is a bad key).
    func lookup(_ key: String) -> Value? {
        let now = ContinuousClock.now
        return entries.withLock { entries in
            guard let entry = entries[key], entry.expires > now else { return nil }
            return entry.value
        }
    }

    func store(_ key: String, _ value: Value) {
        guard timeToLive > .zero else { return }
        let expires = ContinuousClock.now + timeToLive
        entries.withLock { entries in
            if entries.count > 100_000 { entries.removeAll() }
            entries[key] = (value, expires)
        }
    }
}

/// A token bucket per tenant: `perMinute` requests, refilled evenly over a minute.
final class RateLimiter: Sendable {
    private let buckets = Mutex<[String: (tokens: Double, at: ContinuousClock.Instant)]>([:])
    let perMinute: Int
    init(perMinute: Int) { self.perMinute = max(1, perMinute) }

    /// nil when the request may go; otherwise how long until a token is there.
    func take(_ tenant: String) -> Duration? {
        let now = ContinuousClock.now
        let rate = Double(perMinute) / 60
        return buckets.withLock { buckets in
            var bucket = buckets[tenant] ?? (Double(perMinute), now)
            let elapsed = now - bucket.at
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            bucket.tokens = min(Double(perMinute), bucket.tokens + seconds * rate)
            bucket.at = now
            defer { buckets[tenant] = bucket }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                return nil
            }
            return .seconds((1 - bucket.tokens) / rate)
        }
    }
}
