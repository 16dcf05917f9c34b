internal import Foundation
public import Logging
internal import NIOCore
internal import PostgresNIO
internal import Synchronization

/// The fleet's metadata store: one PostgreSQL database that every `folio serve` node shares.
///
/// - Every call runs on a pooled connection (``PostgresConnectionURL`` says how many), the
///   per-request lookups as named prepared statements, within ``timeout``: a database that is down
///   or does not answer is ``StoreError/unavailable(_:)`` (503 with `Retry-After`), never a hang.
/// - Invariants are the database's: ids and a tenant's tags are unique (constraints); a tenant's
///   file count and bytes are checked and written in one transaction that holds the tenant's row
///   lock, so concurrent uploads on any nodes cannot pass the quota together.
/// - The schema is versioned (``PostgresSchema``) and applied with `migrate`, under an advisory lock.
public final class PostgresMetadataStore: MetadataStore {
    let client: PostgresClient
    let logger: Logger
    /// The longest one call may take, waiting for a connection included.
    public let timeout: Duration
    private let runner: Task<Void, Never>
    public let url: PostgresConnectionURL
    /// Set by a call that found the database unreachable, cleared by one that reached it: while
    /// set, calls wait at most ``timeoutWhileDown`` so that clients get their 503 at once.
    private let seemsDown = Atomic<Bool>(false)
    /// The deadline of calls while the database seems down.
    public let timeoutWhileDown: Duration = .milliseconds(500)

    /// Connects (lazily: the pool opens connections as calls need them) and prepares the schema.
    ///
    /// - Parameter migrate: Apply missing migrations; otherwise a schema that is behind is an error.
    /// - Throws: ``StoreError/invalidConfiguration(_:)`` or ``StoreError/unavailable(_:)``; the client
    ///   is closed first.
    public init(url text: String, migrate: Bool, timeout: Duration = .seconds(5), logger: Logger) async throws {
        let url = try PostgresConnectionURL(text)
        self.url = url
        self.logger = logger
        self.timeout = timeout
        let client = PostgresClient(configuration: url.configuration, backgroundLogger: logger)
        self.client = client
        runner = Task { await client.run() }
        do {
            // Opening may wait for other nodes' migrations (the advisory lock) and a busy server.
            let applied = try await Self.bounded(max(timeout, Self.openingTimeout), "opening \(url.redacted)") {
                try await PostgresSchema.prepare(client, migrate: migrate, logger: logger)
            }
            if !applied.isEmpty {
                logger.notice("migrated the database to schema version \(PostgresSchema.latestVersion)")
            }
        } catch {
            runner.cancel()
            await runner.value
            throw error
        }
    }

    /// The longest opening (connecting, taking the migration lock, migrating) may take.
    static let openingTimeout: Duration = .seconds(30)

    /// Closes the pool's connections.
    public func close() async {
        runner.cancel()
        await runner.value
    }

    /// Opens a store, runs `body` with it and closes it, whether `body` returns or throws.
    public static func withStore<T: Sendable>(
        url: String, migrate: Bool, logger: Logger, _ body: (PostgresMetadataStore) async throws -> T
    ) async throws -> T {
        let store = try await PostgresMetadataStore(url: url, migrate: migrate, logger: logger)
        do {
            let result = try await body(store)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }

    // MARK: Calls

    /// Runs `body` within ``timeout``, database errors as the gateway should see them.
    func call<T: Sendable>(_ what: String, _ body: @escaping @Sendable (PostgresClient) async throws -> T)
        async throws -> T
    {
        let client = client
        let down = seemsDown.load(ordering: .relaxed)
        do {
            let value = try await Self.bounded(down ? timeoutWhileDown : timeout, what) { try await body(client) }
            if down { seemsDown.store(false, ordering: .relaxed) }
            return value
        } catch let error as StoreError {
            if case .unavailable = error, !down { seemsDown.store(true, ordering: .relaxed) }
            throw error
        }
    }

    /// Within `timeout`: the value, or the error mapped (``StoreError/unavailable(_:)`` for a
    /// connection that cannot be had or was lost, ``StoreError/conflict(_:)`` for a unique key).
    static func bounded<T: Sendable>(
        _ timeout: Duration, _ what: String, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        do {
            return try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask { try await body() }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let value = first else {
                    throw StoreError.unavailable("\(what): no answer within \(timeout)")
                }
                return value
            }
        } catch {
            throw mapped(error, what)
        }
    }

    /// A transaction's error is the first of its parts that failed; a database error as the gateway
    /// should see it; anything else as it is.
    static func mapped(_ error: any Error, _ what: String) -> any Error {
        switch error {
        case let error as PostgresTransactionError:
            guard let cause = error.beginError ?? error.closureError ?? error.commitError ?? error.rollbackError else {
                return StoreError.unavailable("\(what): the transaction failed")
            }
            return mapped(cause, what)
        case let error as PSQLError:
            return mapped(error, what)
        default:
            return error
        }
    }

    static func mapped(_ error: PSQLError, _ what: String) -> any Error {
        if error.code == .queryCancelled { return CancellationError() }
        guard let state = error.serverInfo?[.sqlState] else {
            // No server answer: the connection could not be made, or it was lost.
            return StoreError.unavailable("\(what): \(error.code)")
        }
        if state == "23505" { return StoreError.conflict("\(what): a record with that id exists") }
        // Connection exceptions, operator intervention (shutdown, restart), too many connections.
        if state.hasPrefix("08") || state.hasPrefix("57") || state == "53300" {
            return StoreError.unavailable("\(what): \(error.serverInfo?[.message] ?? state)")
        }
        return error
    }

    /// The rows of a prepared per-request lookup.
    func rows<Text: StatementText>(_ statement: Text.Type, _ bindings: PostgresBindings, _ what: String)
        async throws -> [Row]
    {
        try await call(what) { client in
            var rows: [Row] = []
            for try await row in try await client.execute(Prepared<Text>(bindings: bindings)) {
                rows.append(Row(row.makeRandomAccess()))
            }
            return rows
        }
    }

    /// The rows of an ad-hoc query (parameters bound, never spliced).
    func rows(_ query: PostgresQuery, _ what: String) async throws -> [Row] {
        let logger = logger
        return try await call(what) { client in
            var rows: [Row] = []
            for try await row in try await client.query(query, logger: logger) {
                rows.append(Row(row.makeRandomAccess()))
            }
            return rows
        }
    }

    /// How many rows a statement changed (the statement ends in `RETURNING 1`).
    func changes(_ query: PostgresQuery, _ what: String) async throws -> Int {
        try await rows(query, what).count
    }

    // MARK: Keys

    public func insertKey(_ key: APIKeyRecord) async throws {
        _ = try await rows(
            """
            INSERT INTO folio_api_key (id, tenant, hash, prefix, is_admin, created_at_ms, revoked_at_ms)
            VALUES (\(key.id), \(key.tenant), \(key.hash), \(key.prefix), \(key.isAdmin), \(key.createdAtMilliseconds),
                \(key.revokedAtMilliseconds))
            """, "inserting a key")
    }

    public func key(hash: String) async throws -> APIKeyRecord? {
        var bindings = PostgresBindings()
        bindings.append(hash)
        return try await rows(KeyByHash.self, bindings, "looking up a key").first.map(Self.key)
    }

    public func keys(tenant: String?) async throws -> [APIKeyRecord] {
        let query: PostgresQuery =
            if let tenant {
                "SELECT * FROM folio_api_key WHERE tenant = \(tenant) ORDER BY created_at_ms"
            } else {
                "SELECT * FROM folio_api_key ORDER BY tenant, created_at_ms"
            }
        return try await rows(query, "listing keys").map(Self.key)
    }

    public func revokeKey(id: String, atMilliseconds time: Int64) async throws -> Bool {
        try await changes(
            "UPDATE folio_api_key SET revoked_at_ms = \(time) WHERE id = \(id) AND revoked_at_ms IS NULL RETURNING 1",
            "revoking a key") > 0
    }

    static func key(_ row: Row) throws -> APIKeyRecord {
        APIKeyRecord(
            id: try row["id"], tenant: try row["tenant"], hash: try row["hash"], prefix: try row["prefix"],
            isAdmin: try row["is_admin"], createdAtMilliseconds: try row["created_at_ms"],
            revokedAtMilliseconds: try row["revoked_at_ms"])
    }

    // MARK: Files

    public func insertFile(_ file: FileRecord, quota: TenantQuota) async throws {
        let logger = logger
        try await call("recording a file") { client in
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query(
                    "INSERT INTO folio_tenant (tenant) VALUES (\(file.tenant)) ON CONFLICT DO NOTHING", logger: logger)
                // The tenant's row lock: concurrent inserts for the tenant, on any node, take turns here.
                try await connection.query(
                    "SELECT tenant FROM folio_tenant WHERE tenant = \(file.tenant) FOR UPDATE", logger: logger)
                var usage = (files: 0, bytes: Int64(0))
                for try await (count, total) in try await connection.query(
                    "SELECT count(*), COALESCE(sum(bytes), 0)::bigint FROM folio_file WHERE tenant = \(file.tenant)",
                    logger: logger
                ).decode((Int, Int64).self) {
                    usage = (count, total)
                }
                try quota.check(files: usage.files, bytes: usage.bytes, adding: file.bytes)
                try await connection.query(
                    """
                    INSERT INTO folio_file (id, tenant, filename, purpose, bytes, sha256, created_at, expires_at,
                        status, status_details)
                    VALUES (\(file.id), \(file.tenant), \(file.filename), \(file.purpose), \(file.bytes),
                        \(file.sha256), \(file.createdAt), \(file.expiresAt), \(file.status), \(file.statusDetails))
                    """, logger: logger)
            }
        }
    }

    public func file(id: String, tenant: String) async throws -> FileRecord? {
        var bindings = PostgresBindings()
        bindings.append(id)
        bindings.append(tenant)
        return try await rows(FileByID.self, bindings, "looking up a file").first.map(Self.file)
    }

    public func usage(tenant: String) async throws -> (files: Int, bytes: Int64) {
        var bindings = PostgresBindings()
        bindings.append(tenant)
        guard let row = try await rows(TenantUsage.self, bindings, "reading a tenant's usage").first else {
            return (0, 0)
        }
        return (try row["n"], try row["total"])
    }

    public func files(tenant: String, purpose: String?, after: String?, limit: Int, ascending: Bool) async throws
        -> [FileRecord]
    {
        var bindings = PostgresBindings()
        bindings.append(tenant)
        bindings.append(purpose ?? "")
        bindings.append(after ?? "")
        bindings.append(limit)
        let rows =
            if ascending {
                try await rows(FilesAscending.self, bindings, "listing files")
            } else {
                try await rows(FilesDescending.self, bindings, "listing files")
            }
        return try rows.map(Self.file)
    }

    public func deleteFile(id: String, tenant: String) async throws -> FileRecord? {
        try await rows("DELETE FROM folio_file WHERE id = \(id) AND tenant = \(tenant) RETURNING *", "deleting a file")
            .first.map(Self.file)
    }

    public func allFileIDs() async throws -> Set<String> {
        Set(try await rows("SELECT id FROM folio_file", "listing file ids").map { try $0["id"] as String })
    }

    static func file(_ row: Row) throws -> FileRecord {
        FileRecord(
            id: try row["id"], tenant: try row["tenant"], filename: try row["filename"], purpose: try row["purpose"],
            bytes: try row["bytes"], sha256: try row["sha256"], createdAt: try row["created_at"],
            expiresAt: try row["expires_at"], status: try row["status"], statusDetails: try row["status_details"])
    }

    // MARK: Passes

    public func insertPass(_ pass: PassRecord) async throws {
        _ = try await rows(
            """
            INSERT INTO folio_pass (id, tenant, product_id, price_minor_units, currency, granted_at_ms, expires_at_ms,
                revoked_at_ms)
            VALUES (\(pass.id), \(pass.tenant), \(pass.productID), \(pass.priceMinorUnits), \(pass.currency),
                \(pass.grantedAtMilliseconds), \(pass.expiresAtMilliseconds), \(pass.revokedAtMilliseconds))
            """, "granting a pass")
    }

    public func passes(tenant: String?) async throws -> [PassRecord] {
        let rows: [Row]
        if let tenant {
            var bindings = PostgresBindings()
            bindings.append(tenant)
            rows = try await self.rows(PassesOfTenant.self, bindings, "looking up passes")
        } else {
            rows = try await self.rows("SELECT * FROM folio_pass ORDER BY tenant, granted_at_ms", "listing passes")
        }
        return try rows.map { row in
            PassRecord(
                id: try row["id"], tenant: try row["tenant"], productID: try row["product_id"],
                priceMinorUnits: try row["price_minor_units"], currency: try row["currency"],
                grantedAtMilliseconds: try row["granted_at_ms"], expiresAtMilliseconds: try row["expires_at_ms"],
                revokedAtMilliseconds: try row["revoked_at_ms"])
        }
    }

    public func revokePass(id: String, atMilliseconds time: Int64) async throws -> Bool {
        try await changes(
            "UPDATE folio_pass SET revoked_at_ms = \(time) WHERE id = \(id) AND revoked_at_ms IS NULL RETURNING 1",
            "revoking a pass") > 0
    }

    // MARK: Caches

    public func insertCache(_ cache: CacheRecord) async throws {
        let (content, metadata, tags) = Self.encoded(cache)
        _ = try await rows(
            """
            INSERT INTO folio_context_cache (id, tenant, name, description, model, content, metadata, tags, tokens,
                status, created_at, expired_at)
            VALUES (\(cache.id), \(cache.tenant), \(cache.name), \(cache.description), \(cache.model), \(content),
                \(metadata), \(tags), \(cache.tokens), \(cache.status), \(cache.createdAt), \(cache.expiredAt))
            """, "storing a context cache")
    }

    public func cache(id: String, tenant: String) async throws -> CacheRecord? {
        var bindings = PostgresBindings()
        bindings.append(id)
        bindings.append(tenant)
        return try await rows(CacheByID.self, bindings, "looking up a context cache").first.map(Self.cache)
    }

    public func caches(tenant: String) async throws -> [CacheRecord] {
        try await rows("SELECT * FROM folio_context_cache WHERE tenant = \(tenant) ORDER BY seq", "listing caches")
            .map(Self.cache)
    }

    public func updateCache(_ cache: CacheRecord) async throws {
        let (_, metadata, tags) = Self.encoded(cache)
        _ = try await rows(
            """
            UPDATE folio_context_cache SET name = \(cache.name), description = \(cache.description),
                metadata = \(metadata), tags = \(tags), status = \(cache.status), expired_at = \(cache.expiredAt)
            WHERE id = \(cache.id) AND tenant = \(cache.tenant)
            """, "updating a context cache")
    }

    public func deleteCache(id: String, tenant: String) async throws -> Bool {
        let logger = logger
        return try await call("deleting a context cache") { client in
            try await client.withTransaction(logger: logger) { connection in
                var deleted = false
                for try await _ in try await connection.query(
                    "DELETE FROM folio_context_cache WHERE id = \(id) AND tenant = \(tenant) RETURNING 1",
                    logger: logger)
                {
                    deleted = true
                }
                // A tag never outlives its cache.
                try await connection.query(
                    "DELETE FROM folio_cache_tag WHERE cache_id = \(id) AND tenant = \(tenant)", logger: logger)
                return deleted
            }
        }
    }

    static func encoded(_ cache: CacheRecord) -> (content: ByteBuffer, metadata: ByteBuffer, tags: ByteBuffer) {
        (
            ByteBuffer(bytes: cache.content.encoded()), ByteBuffer(bytes: JSONValue.strings(cache.metadata).encoded()),
            ByteBuffer(bytes: JSONValue.array(cache.tags.map(JSONValue.string)).encoded())
        )
    }

    static func cache(_ row: Row) throws -> CacheRecord {
        func json(_ column: String) throws -> JSONValue? {
            var buffer: ByteBuffer = try row[column]
            return JSONValue.parse(buffer.readBytes(length: buffer.readableBytes) ?? [])
        }
        return CacheRecord(
            id: try row["id"], tenant: try row["tenant"], name: try row["name"], description: try row["description"],
            model: try row["model"], content: try json("content") ?? .null,
            metadata: (try json("metadata")?.objectValue ?? [:]).compactMapValues(\.stringValue),
            tags: (try json("tags")?.arrayValue ?? []).compactMap(\.stringValue), tokens: try row["tokens"],
            status: try row["status"], createdAt: try row["created_at"], expiredAt: try row["expired_at"])
    }

    // MARK: Tags

    public func insertTag(_ tag: TagRecord) async throws {
        do {
            _ = try await rows(
                """
                INSERT INTO folio_cache_tag (tenant, tag, cache_id, created_at)
                VALUES (\(tag.tenant), \(tag.tag), \(tag.cacheID), \(tag.createdAt))
                """, "tagging a cache")
        } catch StoreError.conflict {
            throw StoreError.conflict("tag \(tag.tag) already exists")
        }
    }

    public func tag(_ name: String, tenant: String) async throws -> TagRecord? {
        var bindings = PostgresBindings()
        bindings.append(tenant)
        bindings.append(name)
        return try await rows(TagByName.self, bindings, "looking up a tag").first.map(Self.tag)
    }

    public func tags(tenant: String) async throws -> [TagRecord] {
        try await rows(
            "SELECT * FROM folio_cache_tag WHERE tenant = \(tenant) ORDER BY created_at, tag", "listing tags"
        ).map(Self.tag)
    }

    public func deleteTag(_ name: String, tenant: String) async throws -> Bool {
        try await changes(
            "DELETE FROM folio_cache_tag WHERE tenant = \(tenant) AND tag = \(name) RETURNING 1", "deleting a tag")
            > 0
    }

    static func tag(_ row: Row) throws -> TagRecord {
        TagRecord(
            tag: try row["tag"], tenant: try row["tenant"], cacheID: try row["cache_id"],
            createdAt: try row["created_at"])
    }
}

// MARK: Rows and prepared statements

extension PostgresMetadataStore {
    /// A row read by column name.
    struct Row: Sendable {
        let row: PostgresRandomAccessRow
        init(_ row: PostgresRandomAccessRow) { self.row = row }
        subscript<T: PostgresDecodable>(_ column: String) -> T {
            get throws { try row[column].decode(T.self) }
        }
    }
}

/// The SQL of a named prepared statement: each connection prepares it once, on first use.
protocol StatementText: SendableMetatype {
    static var sql: String { get }
}

struct Prepared<Text: StatementText>: PostgresPreparedStatement {
    typealias Row = PostgresRow
    static var name: String { "folio_" + String(describing: Text.self) }
    static var sql: String { Text.sql }
    var bindings: PostgresBindings
    func makeBindings() throws -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}

enum KeyByHash: StatementText {
    static let sql = "SELECT * FROM folio_api_key WHERE hash = $1"
}

enum FileByID: StatementText {
    static let sql = "SELECT * FROM folio_file WHERE id = $1 AND tenant = $2"
}

enum TenantUsage: StatementText {
    static let sql = "SELECT count(*) AS n, COALESCE(sum(bytes), 0)::bigint AS total FROM folio_file WHERE tenant = $1"
}

/// A page of a tenant's files: `$2` a purpose or '' for all, `$3` the cursor's id or '' for none,
/// `$4` the limit. A cursor that is not the tenant's file pages from nowhere: an empty page.
func filesPage(ascending: Bool) -> String {
    """
    SELECT * FROM folio_file WHERE tenant = $1 AND ($2 = '' OR purpose = $2)
        AND ($3 = '' OR seq \(ascending ? ">" : "<") (SELECT seq FROM folio_file WHERE id = $3 AND tenant = $1))
    ORDER BY seq \(ascending ? "ASC" : "DESC") LIMIT $4
    """
}

enum FilesDescending: StatementText {
    static let sql = filesPage(ascending: false)
}

enum FilesAscending: StatementText {
    static let sql = filesPage(ascending: true)
}

enum PassesOfTenant: StatementText {
    static let sql = "SELECT * FROM folio_pass WHERE tenant = $1 ORDER BY granted_at_ms"
}

enum CacheByID: StatementText {
    static let sql = "SELECT * FROM folio_context_cache WHERE id = $1 AND tenant = $2"
}

enum TagByName: StatementText {
    static let sql = "SELECT * FROM folio_cache_tag WHERE tenant = $1 AND tag = $2"
}
