internal import Foundation
internal import GRDB

/// The embedded metadata store: one SQLite database (WAL, `synchronous=FULL`, so a committed write
/// survives `kill -9` and power loss) in the data directory.
///
/// GRDB runs every statement on its own dispatch queues, never on Swift's cooperative threads. The
/// database may be opened by several processes at once (`folio keys create` beside a running
/// server): writers wait up to 5 s for each other.
public final class SQLiteMetadataStore: MetadataStore {
    private let database: DatabasePool

    /// Opens (creating and migrating) the database at `path`.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        database = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(database)
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE api_key (
                        id TEXT PRIMARY KEY, tenant TEXT NOT NULL, hash TEXT NOT NULL UNIQUE, prefix TEXT NOT NULL,
                        is_admin INTEGER NOT NULL, created_at_ms INTEGER NOT NULL, revoked_at_ms INTEGER);
                    CREATE TABLE file (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, tenant TEXT NOT NULL,
                        filename TEXT NOT NULL, purpose TEXT NOT NULL, bytes INTEGER NOT NULL, sha256 TEXT NOT NULL,
                        created_at INTEGER NOT NULL, expires_at INTEGER, status TEXT NOT NULL,
                        status_details TEXT NOT NULL);
                    CREATE INDEX file_by_tenant ON file (tenant, seq);
                    CREATE TABLE pass (
                        id TEXT PRIMARY KEY, tenant TEXT NOT NULL, product_id TEXT NOT NULL,
                        price_minor_units INTEGER NOT NULL, currency TEXT NOT NULL,
                        granted_at_ms INTEGER NOT NULL, expires_at_ms INTEGER NOT NULL, revoked_at_ms INTEGER);
                    CREATE INDEX pass_by_tenant ON pass (tenant);
                    CREATE TABLE context_cache (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, tenant TEXT NOT NULL,
                        name TEXT NOT NULL, description TEXT NOT NULL, model TEXT NOT NULL, content BLOB NOT NULL,
                        metadata BLOB NOT NULL, tags BLOB NOT NULL, tokens INTEGER NOT NULL, status TEXT NOT NULL,
                        created_at INTEGER NOT NULL, expired_at INTEGER NOT NULL);
                    CREATE INDEX cache_by_tenant ON context_cache (tenant, seq);
                    CREATE TABLE cache_tag (
                        tenant TEXT NOT NULL, tag TEXT NOT NULL, cache_id TEXT NOT NULL, created_at INTEGER NOT NULL,
                        PRIMARY KEY (tenant, tag));
                    """)
        }
        return migrator
    }

    // MARK: Keys

    public func insertKey(_ key: APIKeyRecord) async throws {
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO api_key (id, tenant, hash, prefix, is_admin, created_at_ms, revoked_at_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    key.id, key.tenant, key.hash, key.prefix, key.isAdmin, key.createdAtMilliseconds,
                    key.revokedAtMilliseconds,
                ])
        }
    }

    public func key(hash: String) async throws -> APIKeyRecord? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM api_key WHERE hash = ?", arguments: [hash]).map(Self.key)
        }
    }

    public func keys(tenant: String?) async throws -> [APIKeyRecord] {
        try await database.read { db in
            let rows =
                if let tenant {
                    try Row.fetchAll(
                        db, sql: "SELECT * FROM api_key WHERE tenant = ? ORDER BY created_at_ms", arguments: [tenant])
                } else {
                    try Row.fetchAll(db, sql: "SELECT * FROM api_key ORDER BY tenant, created_at_ms")
                }
            return rows.map(Self.key)
        }
    }

    public func revokeKey(id: String, atMilliseconds time: Int64) async throws -> Bool {
        try await database.write { db in
            try db.execute(
                sql: "UPDATE api_key SET revoked_at_ms = ? WHERE id = ? AND revoked_at_ms IS NULL",
                arguments: [time, id])
            return db.changesCount > 0
        }
    }

    private static func key(_ row: Row) -> APIKeyRecord {
        APIKeyRecord(
            id: row["id"], tenant: row["tenant"], hash: row["hash"], prefix: row["prefix"], isAdmin: row["is_admin"],
            createdAtMilliseconds: row["created_at_ms"], revokedAtMilliseconds: row["revoked_at_ms"])
    }

    // MARK: Files

    public func insertFile(_ file: FileRecord, quota: TenantQuota) async throws {
        try await database.write { db in
            let usage = try Row.fetchOne(
                db, sql: "SELECT COUNT(*) AS n, COALESCE(SUM(bytes), 0) AS total FROM file WHERE tenant = ?",
                arguments: [file.tenant])!
            try quota.check(files: usage["n"], bytes: usage["total"], adding: file.bytes)
            try db.execute(
                sql: """
                    INSERT INTO file (id, tenant, filename, purpose, bytes, sha256, created_at, expires_at, status,
                        status_details)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    file.id, file.tenant, file.filename, file.purpose, file.bytes, file.sha256, file.createdAt,
                    file.expiresAt, file.status, file.statusDetails,
                ])
        }
    }

    public func usage(tenant: String) async throws -> (files: Int, bytes: Int64) {
        try await database.read { db in
            let row = try Row.fetchOne(
                db, sql: "SELECT COUNT(*) AS n, COALESCE(SUM(bytes), 0) AS total FROM file WHERE tenant = ?",
                arguments: [tenant])!
            return (row["n"], row["total"])
        }
    }

    public func file(id: String, tenant: String) async throws -> FileRecord? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM file WHERE id = ? AND tenant = ?", arguments: [id, tenant])
                .map(Self.file)
        }
    }

    public func files(tenant: String, purpose: String?, after: String?, limit: Int, ascending: Bool) async throws
        -> [FileRecord]
    {
        try await database.read { db in
            var sql = "SELECT * FROM file WHERE tenant = ?"
            var arguments: StatementArguments = [tenant]
            if let purpose {
                sql += " AND purpose = ?"
                arguments += [purpose]
            }
            if let after {
                // A cursor that is not the tenant's file pages from nowhere: an empty page, not another
                // tenant's position.
                sql += " AND seq \(ascending ? ">" : "<") (SELECT seq FROM file WHERE id = ? AND tenant = ?)"
                arguments += [after, tenant]
            }
            sql += " ORDER BY seq \(ascending ? "ASC" : "DESC") LIMIT ?"
            arguments += [limit]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.file)
        }
    }

    public func deleteFile(id: String, tenant: String) async throws -> FileRecord? {
        try await database.write { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT * FROM file WHERE id = ? AND tenant = ?", arguments: [id, tenant])
            else { return nil }
            try db.execute(sql: "DELETE FROM file WHERE id = ?", arguments: [id])
            return Self.file(row)
        }
    }

    public func allFileIDs() async throws -> Set<String> {
        try await database.read { db in Set(try String.fetchAll(db, sql: "SELECT id FROM file")) }
    }

    private static func file(_ row: Row) -> FileRecord {
        FileRecord(
            id: row["id"], tenant: row["tenant"], filename: row["filename"], purpose: row["purpose"],
            bytes: row["bytes"], sha256: row["sha256"], createdAt: row["created_at"], expiresAt: row["expires_at"],
            status: row["status"], statusDetails: row["status_details"])
    }

    // MARK: Passes

    public func insertPass(_ pass: PassRecord) async throws {
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO pass (id, tenant, product_id, price_minor_units, currency, granted_at_ms,
                        expires_at_ms, revoked_at_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    pass.id, pass.tenant, pass.productID, pass.priceMinorUnits, pass.currency,
                    pass.grantedAtMilliseconds, pass.expiresAtMilliseconds, pass.revokedAtMilliseconds,
                ])
        }
    }

    public func passes(tenant: String?) async throws -> [PassRecord] {
        try await database.read { db in
            let rows =
                if let tenant {
                    try Row.fetchAll(
                        db, sql: "SELECT * FROM pass WHERE tenant = ? ORDER BY granted_at_ms", arguments: [tenant])
                } else {
                    try Row.fetchAll(db, sql: "SELECT * FROM pass ORDER BY tenant, granted_at_ms")
                }
            return rows.map { row in
                PassRecord(
                    id: row["id"], tenant: row["tenant"], productID: row["product_id"],
                    priceMinorUnits: row["price_minor_units"], currency: row["currency"],
                    grantedAtMilliseconds: row["granted_at_ms"], expiresAtMilliseconds: row["expires_at_ms"],
                    revokedAtMilliseconds: row["revoked_at_ms"])
            }
        }
    }

    public func revokePass(id: String, atMilliseconds time: Int64) async throws -> Bool {
        try await database.write { db in
            try db.execute(
                sql: "UPDATE pass SET revoked_at_ms = ? WHERE id = ? AND revoked_at_ms IS NULL", arguments: [time, id])
            return db.changesCount > 0
        }
    }

    // MARK: Caches

    public func insertCache(_ cache: CacheRecord) async throws {
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO context_cache (id, tenant, name, description, model, content, metadata, tags, tokens,
                        status, created_at, expired_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: Self.arguments(cache))
        }
    }

    public func cache(id: String, tenant: String) async throws -> CacheRecord? {
        try await database.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM context_cache WHERE id = ? AND tenant = ?", arguments: [id, tenant]
            ).map(Self.cache)
        }
    }

    public func caches(tenant: String) async throws -> [CacheRecord] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM context_cache WHERE tenant = ? ORDER BY seq", arguments: [tenant])
                .map(Self.cache)
        }
    }

    public func updateCache(_ cache: CacheRecord) async throws {
        try await database.write { db in
            try db.execute(
                sql: """
                    UPDATE context_cache SET name = ?, description = ?, metadata = ?, tags = ?, status = ?,
                        expired_at = ?
                    WHERE id = ? AND tenant = ?
                    """,
                arguments: [
                    cache.name, cache.description, Data(JSONValue.strings(cache.metadata).encoded()),
                    Data(JSONValue.array(cache.tags.map(JSONValue.string)).encoded()), cache.status, cache.expiredAt,
                    cache.id, cache.tenant,
                ])
        }
    }

    public func deleteCache(id: String, tenant: String) async throws -> Bool {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM context_cache WHERE id = ? AND tenant = ?", arguments: [id, tenant])
            let deleted = db.changesCount > 0
            // A tag never outlives its cache.
            try db.execute(sql: "DELETE FROM cache_tag WHERE cache_id = ? AND tenant = ?", arguments: [id, tenant])
            return deleted
        }
    }

    private static func arguments(_ cache: CacheRecord) -> StatementArguments {
        [
            cache.id, cache.tenant, cache.name, cache.description, cache.model, Data(cache.content.encoded()),
            Data(JSONValue.strings(cache.metadata).encoded()),
            Data(JSONValue.array(cache.tags.map(JSONValue.string)).encoded()), cache.tokens, cache.status,
            cache.createdAt, cache.expiredAt,
        ]
    }

    private static func cache(_ row: Row) -> CacheRecord {
        let content = JSONValue.parse([UInt8](row["content"] as Data)) ?? .null
        let metadata = JSONValue.parse([UInt8](row["metadata"] as Data))?.objectValue ?? [:]
        let tags = JSONValue.parse([UInt8](row["tags"] as Data))?.arrayValue ?? []
        return CacheRecord(
            id: row["id"], tenant: row["tenant"], name: row["name"], description: row["description"],
            model: row["model"], content: content, metadata: metadata.compactMapValues(\.stringValue),
            tags: tags.compactMap(\.stringValue), tokens: row["tokens"], status: row["status"],
            createdAt: row["created_at"], expiredAt: row["expired_at"])
    }

    // MARK: Tags

    public func insertTag(_ tag: TagRecord) async throws {
        try await database.write { db in
            let exists = try Bool.fetchOne(
                db, sql: "SELECT 1 FROM cache_tag WHERE tenant = ? AND tag = ?", arguments: [tag.tenant, tag.tag])
            guard exists == nil else { throw StoreError.conflict("tag \(tag.tag) already exists") }
            try db.execute(
                sql: "INSERT INTO cache_tag (tenant, tag, cache_id, created_at) VALUES (?, ?, ?, ?)",
                arguments: [tag.tenant, tag.tag, tag.cacheID, tag.createdAt])
        }
    }

    public func tag(_ name: String, tenant: String) async throws -> TagRecord? {
        try await database.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM cache_tag WHERE tenant = ? AND tag = ?", arguments: [tenant, name]
            ).map(Self.tag)
        }
    }

    public func tags(tenant: String) async throws -> [TagRecord] {
        try await database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM cache_tag WHERE tenant = ? ORDER BY created_at, tag", arguments: [tenant]
            ).map(Self.tag)
        }
    }

    public func deleteTag(_ name: String, tenant: String) async throws -> Bool {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM cache_tag WHERE tenant = ? AND tag = ?", arguments: [tenant, name])
            return db.changesCount > 0
        }
    }

    private static func tag(_ row: Row) -> TagRecord {
        TagRecord(tag: row["tag"], tenant: row["tenant"], cacheID: row["cache_id"], createdAt: row["created_at"])
    }
}

extension JSONValue {
    static func strings(_ dictionary: [String: String]) -> JSONValue { .object(dictionary.mapValues(JSONValue.string)) }
}
