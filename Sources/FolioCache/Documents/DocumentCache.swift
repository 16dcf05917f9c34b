internal import Dispatch
internal import FolioSystem
internal import Synchronization

/// Sizes and lifetimes of the document cache's tiers.
public struct DocumentCacheConfiguration: Hashable, Sendable {
    /// The memory tier's budget in bytes (``CacheableValue/residentByteCount`` of the values kept).
    public var memoryCapacityBytes: Int
    /// The disk tier's directory; nil keeps the cache in memory only.
    public var directory: String?
    /// The disk tier's budget in bytes of entry files.
    public var diskCapacityBytes: Int
    /// How long an entry lives when a lookup names no time to live; nil: until evicted or invalidated.
    public var defaultTimeToLive: Duration?
    /// Whether a computed entry is written to disk behind the lookup (default) rather than before
    /// it returns. Encoding, compressing and `fsync`ing a large entry can take longer than computing
    /// it; behind, callers get the value at once and ``DocumentCache/waitForPendingWrites()`` waits
    /// for the disk.
    public var writesBehind: Bool

    /// - Throws: ``CacheError/Code/invalidConfiguration`` for a negative capacity or a time to live ≤ 0.
    public init(
        memoryCapacityBytes: Int = 512 << 20, directory: String? = nil, diskCapacityBytes: Int = 8 << 30,
        defaultTimeToLive: Duration? = nil, writesBehind: Bool = true
    ) throws(CacheError) {
        guard memoryCapacityBytes >= 0, diskCapacityBytes >= 0 else {
            throw CacheError(
                .invalidConfiguration,
                "capacities must be ≥ 0 bytes (memory \(memoryCapacityBytes), disk \(diskCapacityBytes))")
        }
        if let defaultTimeToLive, defaultTimeToLive <= .zero {
            throw CacheError(.invalidConfiguration, "a time to live must be positive, not \(defaultTimeToLive)")
        }
        self.memoryCapacityBytes = memoryCapacityBytes
        self.directory = directory
        self.diskCapacityBytes = diskCapacityBytes
        self.defaultTimeToLive = defaultTimeToLive
        self.writesBehind = writesBehind
    }
}

/// A two-tier, content-addressed cache of processed documents, private per tenant.
///
/// Method of ``value(for:timeToLive:compute:)``:
/// 1. The memory tier (least recently used out first, within a byte budget) answers at once.
/// 2. Otherwise the lookup joins the key's flight, or starts one: only one computation per key
///    runs at a time, and every concurrent lookup gets its result (single-flight).
/// 3. The flight maps the disk entry and verifies every checksum first; a damaged or truncated
///    entry is deleted, counted in ``TierStatistics/discardedCorrupt``, and never served. Segments
///    are inflated from private copies, checked again (see ``CachedSegments``).
/// 4. On a miss in both tiers it runs `compute`, keeps the value in memory, answers the lookups,
///    and writes the entry atomically (temporary file, `fsync`, `rename`) behind them
///    (``waitForPendingWrites()``; ``DocumentCacheConfiguration/writesBehind``).
///
/// Keys carry their ``CacheScope``: a tenant's entries live under that tenant's scope, flights are
/// per key, so a lookup in another scope never finds, joins or waits for them — its answer takes
/// as long as if the entry did not exist. Only ``CacheScope/shared`` entries are shared.
///
/// - Important: A cancelled lookup stops waiting at once; the flight goes on for the others, and is
///   cancelled when no lookup waits for it any more.
public final class DocumentCache<Value: CacheableValue>: Sendable {
    public let configuration: DocumentCacheConfiguration
    let disk: DiskStore?
    /// Writes entries behind the lookups that computed them, one at a time, on a thread of its own
    /// (compressing is synchronous work that must not hold one of Swift's cooperative threads).
    private let writer = DispatchQueue(label: "folio.cache.writer", qos: .utility)
    private let pendingWrites = PendingWrites()
    /// Where flights (disk reads, checksums, decoding) run; nil: Swift's global executor.
    private let executor: (any TaskExecutor)?
    /// Other nodes' entries, asked after a disk miss (only with a disk tier).
    private let shared: (any SharedEntryStore)?
    let state: Mutex<State>

    struct MemoryEntry {
        var value: Value
        var byteCount: Int
        var lastUse: UInt64
        var expiresMilliseconds: UInt64?
    }

    struct DiskEntry {
        var byteCount: Int
        /// Nanoseconds since 1970 (see ``DiskStore/FileFacts/lastUse``).
        var lastUse: Int64
    }

    struct State {
        var memory: [DocumentKey: MemoryEntry] = [:]
        var memoryBytes = 0
        var tick: UInt64 = 0
        var diskFiles: [String: DiskEntry] = [:]
        var diskBytes = 0
        var flights: [DocumentKey: Flight] = [:]
        var statistics = CacheStatistics()
        /// Counts invalidations per scope: a flight that began before one of its scope's stores nothing,
        /// so an invalidated entry (a departed tenant's, say) is not put back by a computation that was
        /// under way, while other scopes' entries, computed or waiting to be written, are kept.
        var invalidations: [CacheScope: UInt64] = [:]
    }

    /// - Parameter executor: Where a lookup that misses the memory tier does its work — mapping and
    ///   verifying the disk entry, decoding it, awaiting `compute` — so that it does not occupy one
    ///   of Swift's cooperative threads (an engine passes its pool's threads). Default: none.
    /// - Throws: ``CacheError/Code/io`` when the directory cannot be created.
    /// - Parameter shared: Entries other processes stored (``SharedEntryStore``): asked after a disk
    ///   miss, offered what this cache computes. Used only with a disk tier.
    /// - Important: The cache keeps `executor` alive; it must stay usable for the cache's life.
    public init(
        configuration: DocumentCacheConfiguration, executor: (any TaskExecutor)? = nil,
        shared: (any SharedEntryStore)? = nil
    ) throws(CacheError) {
        self.configuration = configuration
        self.executor = executor
        self.shared = configuration.directory == nil ? nil : shared
        var state = State()
        if let directory = configuration.directory {
            let store = try DiskStore(directory: directory)
            for file in store.scan() {
                state.diskFiles[file.path] = DiskEntry(byteCount: file.byteCount, lastUse: file.lastUse)
                state.diskBytes += file.byteCount
            }
            disk = store
        } else {
            disk = nil
        }
        self.state = Mutex(state)
    }

    // MARK: Lookup

    /// The value for `key`: from memory, from disk, from a concurrent computation, or computed now.
    ///
    /// - Parameter timeToLive: How long a newly stored entry lives (default: the configuration's).
    /// - Throws: What `compute` throws (no entry is stored then), or `CancellationError`.
    public func value(
        for key: DocumentKey, timeToLive: Duration? = nil, compute: @escaping @Sendable () async throws -> Value
    ) async throws -> CacheLookup<Value> {
        let now = Self.wallMilliseconds()
        let step: LookupStep = state.withLock { state in
            if let entry = state.memory[key] {
                if let expires = entry.expiresMilliseconds, expires <= now {
                    Self.removeFromMemory(key, in: &state)
                    state.statistics.memory.expirations += 1
                } else {
                    state.tick += 1
                    state.memory[key]!.lastUse = state.tick
                    state.statistics.memory.hits += 1
                    state.statistics.cachedTokens += entry.value.tokenCount
                    return .hit(CacheLookup(value: entry.value, source: .memory, key: key))
                }
            }
            state.statistics.memory.misses += 1
            // A flight every lookup gave up on is being cancelled: it cannot serve this one.
            if let flight = state.flights[key], flight.join() {
                state.statistics.singleFlightJoins += 1
                return .join(flight, leader: false)
            }
            let flight = Flight()
            _ = flight.join()
            state.flights[key] = flight
            return .join(flight, leader: true)
        }
        switch step {
        case .hit(let lookup):
            return lookup
        case .join(let flight, let leader):
            if leader {
                let ttl = timeToLive ?? configuration.defaultTimeToLive
                flight.start(on: executor) { [self] in
                    try await self.resolve(key, flight: flight, timeToLive: ttl, compute: compute)
                }
            }
            let (value, source) = try await flight.wait()
            if !leader {
                // Served without computing: billable as cached.
                state.withLock { $0.statistics.cachedTokens += value.tokenCount }
            }
            return CacheLookup(value: value, source: leader ? source : .joined, key: key)
        }
    }

    enum LookupStep {
        case hit(CacheLookup<Value>)
        case join(Flight, leader: Bool)
    }

    /// The flight's work: the disk tier, else `compute`; then both tiers are filled.
    private func resolve(
        _ key: DocumentKey, flight: Flight, timeToLive: Duration?, compute: @Sendable () async throws -> Value
    ) async throws -> (Value, CacheSource) {
        defer {
            // An abandoned flight may have been replaced by a newer one for the same key: leave that one.
            state.withLock { state in
                if state.flights[key] === flight { state.flights[key] = nil }
            }
        }
        let invalidations = state.withLock { $0.invalidations[key.scope, default: 0] }
        /// A verified entry from the disk tier (fetched from the shared store first, or not): counted
        /// and kept in memory unless the scope was invalidated meanwhile.
        func served(_ value: (value: Value, expires: UInt64?), count: (inout CacheStatistics) -> Void) -> Value {
            state.withLock { state in
                count(&state.statistics)
                state.statistics.cachedTokens += value.value.tokenCount
                if state.invalidations[key.scope, default: 0] == invalidations {
                    self.keepInMemory(key, value.value, expires: value.expires, in: &state)
                }
            }
            return value.value
        }
        if let disk, let value = readDisk(key, store: disk) {
            return (served(value) { $0.disk.hits += 1 }, .disk)
        }
        if disk != nil { state.withLock { $0.statistics.disk.misses += 1 } }
        if let shared, let disk, let bytes = await shared.entry(named: key.fileName),
            bytes.count <= configuration.diskCapacityBytes, (try? disk.write(bytes, to: disk.path(for: key))) != nil,
            let value = readDisk(key, store: disk)
        {
            return (served(value) { $0.sharedHits += 1 }, .disk)
        }
        let value = try await compute()
        try Task.checkCancellation()
        let created = Self.wallMilliseconds()
        let expires = timeToLive.map { created + UInt64(max(1, Self.milliseconds($0))) }
        let current = state.withLock { state in
            state.statistics.computations += 1
            state.statistics.uncachedTokens += value.tokenCount
            guard state.invalidations[key.scope, default: 0] == invalidations else { return false }
            self.keepInMemory(key, value, expires: expires, in: &state)
            return true
        }
        if current, let disk {
            // Behind, unless the queue already holds half the memory budget's worth of values: then this
            // lookup writes its own entry, so computing faster than the disk takes cannot grow memory.
            let byteCount = value.residentByteCount
            if configuration.writesBehind, pendingWrites.begin(byteCount, limit: configuration.memoryCapacityBytes / 2)
            {
                writer.async { [self] in
                    writeDisk(key, value, created: created, expires: expires, store: disk, invalidations: invalidations)
                    pendingWrites.end(byteCount)
                }
            } else {
                writeDisk(key, value, created: created, expires: expires, store: disk, invalidations: invalidations)
            }
        }
        return (value, .computed)
    }

    /// Waits until every entry computed so far is written to disk, or has failed to be (counted in
    /// ``TierStatistics/writeFailures``). With ``DocumentCacheConfiguration/writesBehind`` a process
    /// that wants its entries kept calls this before it exits.
    public func waitForPendingWrites() async {
        await pendingWrites.wait()
    }

    private func readDisk(_ key: DocumentKey, store: DiskStore) -> (value: Value, expires: UInt64?)? {
        let path = store.path(for: key)
        let file: MappedFile
        do {
            guard let copy = try DiskStore.open(path) else { return nil }
            file = copy
        } catch {
            return nil
        }
        do {
            let (header, segments) = try CacheEntryFile.decode(file, origin: path)
            guard header.key == key.description else {
                throw CacheError(.corrupt, "\(path): holds another key")
            }
            if header.expiresMilliseconds != 0, header.expiresMilliseconds <= Self.wallMilliseconds() {
                DiskStore.remove(path)
                state.withLock { state in
                    state.statistics.disk.expirations += 1
                    self.forgetDiskFile(path, in: &state)
                }
                return nil
            }
            let value = try Value(cacheSegments: segments)
            segments.onDiscard { [weak self] in self?.discardServed(key, path: path) }
            DiskStore.touch(path)
            state.withLock { state in
                if state.diskFiles[path] == nil {
                    state.diskFiles[path] = DiskEntry(byteCount: file.byteCount, lastUse: 0)
                    state.diskBytes += file.byteCount
                }
                state.diskFiles[path]!.lastUse = DiskStore.wallNanoseconds()
            }
            return (value, header.expiresMilliseconds == 0 ? nil : header.expiresMilliseconds)
        } catch {
            DiskStore.remove(path)
            state.withLock { state in
                state.statistics.disk.discardedCorrupt += 1
                self.forgetDiskFile(path, in: &state)
            }
            return nil
        }
    }

    /// An entry served from disk whose data failed on first use (``CachedSegments/discard()``): it
    /// leaves both tiers, so the next lookup recomputes the value. Should the key have been
    /// recomputed meanwhile, that value goes too: one needless recomputation, never a damaged hit.
    private func discardServed(_ key: DocumentKey, path: String) {
        state.withLock { state in
            Self.removeFromMemory(key, in: &state)
            self.forgetDiskFile(path, in: &state)
            state.statistics.disk.discardedCorrupt += 1
        }
        DiskStore.remove(path)
    }

    /// Writes the entry, then keeps it only if no invalidation of its scope happened since the flight
    /// began (`invalidations`): an invalidation counts before it removes files, so either it removes
    /// this file or this check does.
    private func writeDisk(
        _ key: DocumentKey, _ value: Value, created: UInt64, expires: UInt64?, store: DiskStore, invalidations: UInt64
    ) {
        let header = CacheEntryFile.Header(
            key: key.description, createdMilliseconds: created, expiresMilliseconds: expires ?? 0,
            tokenCount: value.tokenCount)
        let bytes = CacheEntryFile.encode(header: header, segments: value.cacheSegments())
        let path = store.path(for: key)
        guard bytes.count <= configuration.diskCapacityBytes else { return }
        do {
            try store.write(bytes, to: path)
        } catch {
            state.withLock { $0.statistics.disk.writeFailures += 1 }
            return
        }
        let evicted: [String]? = state.withLock { state in
            self.forgetDiskFile(path, in: &state)
            guard state.invalidations[key.scope, default: 0] == invalidations else { return nil }
            state.diskFiles[path] = DiskEntry(byteCount: bytes.count, lastUse: DiskStore.wallNanoseconds())
            state.diskBytes += bytes.count
            var evicted: [String] = []
            while state.diskBytes > configuration.diskCapacityBytes,
                let oldest = state.diskFiles.filter({ $0.key != path }).min(by: {
                    ($0.value.lastUse, $0.key) < ($1.value.lastUse, $1.key)
                })
            {
                self.forgetDiskFile(oldest.key, in: &state)
                state.statistics.disk.evictions += 1
                evicted.append(oldest.key)
            }
            return evicted
        }
        guard let evicted else {
            DiskStore.remove(path)
            return
        }
        if let shared, bytes.count <= shared.maxEntryBytes {
            state.withLock { $0.statistics.sharedStores += 1 }
            Task { await shared.store(bytes, named: key.fileName) }
        }
        for file in evicted { DiskStore.remove(file) }
    }

    // MARK: Tiers

    private func keepInMemory(_ key: DocumentKey, _ value: Value, expires: UInt64?, in state: inout State) {
        let byteCount = value.residentByteCount
        guard byteCount <= configuration.memoryCapacityBytes else { return }
        Self.removeFromMemory(key, in: &state)
        while state.memoryBytes + byteCount > configuration.memoryCapacityBytes,
            let oldest = state.memory.min(by: { $0.value.lastUse < $1.value.lastUse })?.key
        {
            Self.removeFromMemory(oldest, in: &state)
            state.statistics.memory.evictions += 1
        }
        state.tick += 1
        state.memory[key] = MemoryEntry(
            value: value, byteCount: byteCount, lastUse: state.tick, expiresMilliseconds: expires)
        state.memoryBytes += byteCount
    }

    private static func removeFromMemory(_ key: DocumentKey, in state: inout State) {
        if let entry = state.memory.removeValue(forKey: key) { state.memoryBytes -= entry.byteCount }
    }

    private func forgetDiskFile(_ path: String, in state: inout State) {
        if let entry = state.diskFiles.removeValue(forKey: path) { state.diskBytes -= entry.byteCount }
    }

    // MARK: Invalidation and statistics

    /// Removes one entry from both tiers.
    ///
    /// A computation under way still answers its lookups, but stores its value in neither tier (nor
    /// does any other of the same scope that began before this call; other scopes' are kept).
    public func invalidate(_ key: DocumentKey) {
        let path = disk?.path(for: key)
        state.withLock { state in
            state.invalidations[key.scope, default: 0] += 1
            Self.removeFromMemory(key, in: &state)
            if let path { self.forgetDiskFile(path, in: &state) }
        }
        if let path { DiskStore.remove(path) }
    }

    /// Removes every entry of a scope (a tenant leaving, say) from both tiers.
    ///
    /// A computation of the scope under way still answers its lookups, but stores its value in neither
    /// tier, so nothing of the scope reappears afterwards; other scopes' entries, including those still
    /// waiting to be written behind, are kept.
    public func invalidate(scope: CacheScope) {
        state.withLock { state in
            state.invalidations[scope, default: 0] += 1
            for key in state.memory.keys where key.scope == scope { Self.removeFromMemory(key, in: &state) }
        }
        guard let disk else { return }
        let removed = disk.removeScope(scope)
        state.withLock { state in
            for path in removed { self.forgetDiskFile(path, in: &state) }
        }
    }

    /// Counts since the cache was created, with what each tier holds now.
    public var statistics: CacheStatistics {
        state.withLock { state in
            var statistics = state.statistics
            statistics.memory.entries = state.memory.count
            statistics.memory.bytes = state.memoryBytes
            statistics.disk.entries = state.diskFiles.count
            statistics.disk.bytes = state.diskBytes
            return statistics
        }
    }

    // MARK: Time

    static func wallMilliseconds() -> UInt64 { UInt64(WallClock.nanosecondsSince1970() / 1_000_000) }

    static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000 + duration.components.attoseconds / 1_000_000_000_000_000
    }

    // MARK: Single-flight

    /// One computation and the lookups waiting for it.
    ///
    /// Every lookup handed the flight (``join()``, under the cache's lock) is a participant until it
    /// gets the result or is cancelled. When the last participant is cancelled before the result, the
    /// flight is abandoned: its task is cancelled and no later lookup joins it. Counting participants
    /// from the moment they are handed the flight, not from when they start waiting, keeps a
    /// cancelled lookup from cancelling the flight under a joiner that has not started waiting yet.
    final class Flight: Sendable {
        struct FlightState {
            var waiters: [Int: CheckedContinuation<(Value, CacheSource), any Error>] = [:]
            var nextWaiter = 0
            var participants = 0
            var abandoned = false
            var result: Result<(Value, CacheSource), any Error>?
            var task: Task<Void, Never>?
        }
        let state = Mutex(FlightState())

        /// Adds a participant, who must then call ``wait()``; false when the flight was abandoned.
        func join() -> Bool {
            state.withLock { state in
                guard !state.abandoned else { return false }
                state.participants += 1
                return true
            }
        }

        func start(
            on executor: (any TaskExecutor)?, _ work: @escaping @Sendable () async throws -> (Value, CacheSource)
        ) {
            let task = Task(executorPreference: executor) {
                let result: Result<(Value, CacheSource), any Error>
                do { result = .success(try await work()) } catch { result = .failure(error) }
                let waiters = self.state.withLock { state in
                    state.result = result
                    defer { state.waiters = [:] }
                    return state.waiters
                }
                for waiter in waiters.values { waiter.resume(with: result) }
            }
            // Every participant may have been cancelled before the task existed.
            let abandoned = state.withLock { state in
                state.task = task
                return state.abandoned
            }
            if abandoned { task.cancel() }
        }

        func wait() async throws -> (Value, CacheSource) {
            let id = state.withLock { state in
                defer { state.nextWaiter += 1 }
                return state.nextWaiter
            }
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    let ready: Result<(Value, CacheSource), any Error>? = state.withLock { state in
                        if let result = state.result { return result }
                        // Cancelled before registering: the handler found nothing to resume.
                        if Task.isCancelled { return .failure(CancellationError()) }
                        state.waiters[id] = continuation
                        return nil
                    }
                    if let ready { continuation.resume(with: ready) }
                }
            } onCancel: {
                let (waiter, orphanedTask):
                    (CheckedContinuation<(Value, CacheSource), any Error>?, Task<Void, Never>?) =
                        state.withLock { state in
                            guard state.result == nil else { return (nil, nil) }
                            let waiter = state.waiters.removeValue(forKey: id)
                            state.participants -= 1
                            guard state.participants == 0 else { return (waiter, nil) }
                            state.abandoned = true
                            return (waiter, state.task)
                        }
                waiter?.resume(throwing: CancellationError())
                orphanedTask?.cancel()
            }
        }
    }
}

/// Counts entries queued for the disk and the bytes of their values, and wakes those waiting for
/// none to be left.
final class PendingWrites: Sendable {
    private struct State {
        var count = 0
        var byteCount = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state = Mutex(State())

    /// Queues a write of a value of `byteCount` bytes, unless that would pass `limit` bytes queued
    /// (one write is always accepted when none is queued).
    func begin(_ byteCount: Int, limit: Int) -> Bool {
        state.withLock { state in
            guard state.count == 0 || state.byteCount + byteCount <= limit else { return false }
            state.count += 1
            state.byteCount += byteCount
            return true
        }
    }

    func end(_ byteCount: Int) {
        let waiters = state.withLock { state in
            state.count -= 1
            state.byteCount -= byteCount
            guard state.count == 0 else { return [CheckedContinuation<Void, Never>]() }
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns when no write is queued.
    func wait() async {
        await withCheckedContinuation { continuation in
            let idle = state.withLock { state in
                guard state.count > 0 else { return true }
                state.waiters.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
    }
}
