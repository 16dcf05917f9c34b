internal import Logging
internal import PostgresNIO

/// The PostgreSQL schema, as numbered migrations. A migration is applied once, in a transaction,
/// under an advisory lock, so that several nodes started at once (`folio serve --migrate` on each)
/// apply it exactly once and the others wait and find it done.
///
/// Append new migrations; never edit one that has shipped.
enum PostgresSchema {
    /// `pg_advisory_xact_lock` key: "folio" in ASCII.
    static let migrationLock: Int64 = 0x666F_6C69_6F00

    static let migrations: [(version: Int, name: String, sql: [String])] = [
        (
            1, "gateway metadata, file blobs, node heartbeats",
            [
                """
                CREATE TABLE folio_api_key (
                    id text PRIMARY KEY, tenant text NOT NULL, hash text NOT NULL UNIQUE, prefix text NOT NULL,
                    is_admin boolean NOT NULL, created_at_ms bigint NOT NULL, revoked_at_ms bigint)
                """,
                "CREATE INDEX folio_api_key_by_tenant ON folio_api_key (tenant, created_at_ms)",
                // One row per tenant that ever stored a file: the lock that makes "count, check the
                // quota, insert" one step under concurrent uploads on any node.
                "CREATE TABLE folio_tenant (tenant text PRIMARY KEY)",
                """
                CREATE TABLE folio_file (
                    seq bigserial PRIMARY KEY, id text NOT NULL UNIQUE,
                    tenant text NOT NULL REFERENCES folio_tenant (tenant),
                    filename text NOT NULL, purpose text NOT NULL, bytes bigint NOT NULL CHECK (bytes >= 0),
                    sha256 text NOT NULL, created_at bigint NOT NULL, expires_at bigint, status text NOT NULL,
                    status_details text NOT NULL)
                """,
                "CREATE INDEX folio_file_by_tenant ON folio_file (tenant, seq)",
                """
                CREATE TABLE folio_pass (
                    id text PRIMARY KEY, tenant text NOT NULL, product_id text NOT NULL,
                    price_minor_units bigint NOT NULL, currency text NOT NULL, granted_at_ms bigint NOT NULL,
                    expires_at_ms bigint NOT NULL, revoked_at_ms bigint)
                """,
                "CREATE INDEX folio_pass_by_tenant ON folio_pass (tenant, granted_at_ms)",
                """
                CREATE TABLE folio_context_cache (
                    seq bigserial PRIMARY KEY, id text NOT NULL UNIQUE, tenant text NOT NULL, name text NOT NULL,
                    description text NOT NULL, model text NOT NULL, content bytea NOT NULL, metadata bytea NOT NULL,
                    tags bytea NOT NULL, tokens bigint NOT NULL, status text NOT NULL, created_at bigint NOT NULL,
                    expired_at bigint NOT NULL)
                """,
                "CREATE INDEX folio_context_cache_by_tenant ON folio_context_cache (tenant, seq)",
                """
                CREATE TABLE folio_cache_tag (
                    tenant text NOT NULL, tag text NOT NULL, cache_id text NOT NULL, created_at bigint NOT NULL,
                    PRIMARY KEY (tenant, tag))
                """,
                // Uploaded bytes, in chunks of at most 1 MiB (stored as they are: compressing
                // documents that are mostly compressed already costs time and saves little).
                """
                CREATE TABLE folio_blob (
                    id text PRIMARY KEY, bytes bigint NOT NULL, sha256 text NOT NULL, chunks integer NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT now())
                """,
                """
                CREATE TABLE folio_blob_chunk (
                    blob_id text NOT NULL REFERENCES folio_blob (id) ON DELETE CASCADE, n integer NOT NULL,
                    data bytea NOT NULL, PRIMARY KEY (blob_id, n))
                """,
                "ALTER TABLE folio_blob_chunk ALTER COLUMN data SET STORAGE EXTERNAL",
                // Each node's load, rewritten every heartbeat: unlogged (no WAL; a crash of the
                // database empties it, and the next heartbeats fill it again).
                """
                CREATE UNLOGGED TABLE folio_node (
                    node_id text PRIMARY KEY, address text NOT NULL, started_at timestamptz NOT NULL,
                    beat_at timestamptz NOT NULL, workers bigint NOT NULL, peak boolean NOT NULL,
                    queued_seconds double precision[] NOT NULL, running bigint[] NOT NULL)
                """,
            ]
        ),
        (
            2, "processed documents shared between nodes",
            [
                // The engine's entries in its disk format (checksummed), by key hash; stored as they
                // are (their segments are compressed already).
                """
                CREATE TABLE folio_processed_entry (
                    name text PRIMARY KEY, bytes bytea NOT NULL, created_at timestamptz NOT NULL DEFAULT now())
                """,
                "ALTER TABLE folio_processed_entry ALTER COLUMN bytes SET STORAGE EXTERNAL",
            ]
        ),
    ]

    static var latestVersion: Int { migrations.last?.version ?? 0 }

    /// Applies what is missing (`migrate`), or checks that nothing is.
    /// - Returns: The versions applied now.
    /// - Throws: ``StoreError/invalidConfiguration(_:)`` for a schema that is behind (without
    ///   `migrate`) or ahead of this binary.
    static func prepare(_ client: PostgresClient, migrate: Bool, logger: Logger) async throws -> [Int] {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(migrationLock))", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS folio_schema_migration (
                    version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                """, logger: logger)
            var applied = Set<Int>()
            for try await version in try await connection.query(
                "SELECT version FROM folio_schema_migration", logger: logger
            ).decode(Int.self) {
                applied.insert(version)
            }
            if let newest = applied.max(), newest > latestVersion {
                throw StoreError.invalidConfiguration(
                    "the database's schema is at version \(newest), newer than this folio's \(latestVersion): "
                        + "upgrade folio")
            }
            let missing = migrations.filter { !applied.contains($0.version) }
            guard !missing.isEmpty else { return [] }
            guard migrate else {
                throw StoreError.invalidConfiguration(
                    "the database's schema is at version \(applied.max() ?? 0), this folio needs "
                        + "\(latestVersion): start one node with `folio serve --migrate`")
            }
            for migration in missing {
                for statement in migration.sql {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                let (version, name) = (migration.version, migration.name)
                try await connection.query(
                    "INSERT INTO folio_schema_migration (version, name) VALUES (\(version), \(name))", logger: logger)
            }
            return missing.map(\.version)
        }
    }
}
