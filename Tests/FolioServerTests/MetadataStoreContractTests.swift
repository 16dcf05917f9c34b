import FolioServer
import Foundation
import Logging
import Testing

/// What every ``MetadataStore`` promises, checked on the embedded SQLite store and on PostgreSQL
/// (when the test cluster is there): the gateway above cannot tell them apart.
@Suite(.serialized) struct MetadataStoreContractTests {
    enum Kind: String, CaseIterable, CustomTestStringConvertible {
        case sqlite, postgres
        var testDescription: String { rawValue }
    }

    /// SQLite always; PostgreSQL when `FOLIO_TEST_POSTGRES_URL` names the test cluster.
    static let kinds: [Kind] = TestPostgres.isAvailable ? [.sqlite, .postgres] : [.sqlite]

    /// A fresh store of `kind` for `body`, closed and removed after.
    static func withStore(_ kind: Kind, _ body: (any MetadataStore) async throws -> Void) async throws {
        switch kind {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "folio-store-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            try await body(try SQLiteMetadataStore(path: directory.path + "/folio.sqlite"))
        case .postgres:
            try await PostgresMetadataStore.withStore(
                url: try TestPostgres.makeDatabase(), migrate: true, logger: Logger(label: "test"), body)
        }
    }

    static func file(_ id: String, tenant: String = "acme", bytes: Int64 = 10, purpose: String = "file-extract")
        -> FileRecord
    {
        FileRecord(
            id: id, tenant: tenant, filename: id + ".txt", purpose: purpose, bytes: bytes, sha256: "00", createdAt: 1,
            expiresAt: id.hasSuffix("x") ? 99 : nil)
    }

    @Test(arguments: kinds) func keysAreFoundByHashAndRevokedOnce(kind: Kind) async throws {
        try await Self.withStore(kind) { store in
            let key = APIKeyRecord(
                id: "key-1", tenant: "acme", hash: "abc", prefix: "sk-AbCd", isAdmin: true, createdAtMilliseconds: 5)
            try await store.insertKey(key)
            try await store.insertKey(
                APIKeyRecord(
                    id: "key-2", tenant: "other", hash: "def", prefix: "sk-EfGh", isAdmin: false,
                    createdAtMilliseconds: 6))
            #expect(try await store.key(hash: "abc") == key)
            #expect(try await store.key(hash: "nope") == nil)
            #expect(try await store.keys(tenant: "acme").map(\.id) == ["key-1"])
            #expect(try await store.keys(tenant: nil).map(\.id) == ["key-1", "key-2"])
            #expect(try await store.revokeKey(id: "key-1", atMilliseconds: 9))
            #expect(try await !store.revokeKey(id: "key-1", atMilliseconds: 10))
            #expect(try await !store.revokeKey(id: "key-missing", atMilliseconds: 10))
            #expect(try await store.key(hash: "abc")?.revokedAtMilliseconds == 9)
        }
    }

    @Test(arguments: kinds) func filesArePagedPerTenantAndNeverAcrossTenants(kind: Kind) async throws {
        try await Self.withStore(kind) { store in
            let quota = TenantQuota(maxFiles: 100, maxBytes: 1 << 30)
            for index in 0..<5 {
                try await store.insertFile(
                    Self.file("file-a\(index)", purpose: index == 2 ? "batch" : "file-extract"), quota: quota)
            }
            try await store.insertFile(Self.file("file-bx", tenant: "bob"), quota: quota)
            #expect(try await store.file(id: "file-a1", tenant: "acme") == Self.file("file-a1"))
            #expect(try await store.file(id: "file-bx", tenant: "bob")?.expiresAt == 99)
            #expect(try await store.file(id: "file-a1", tenant: "bob") == nil)
            let newest = try await store.files(tenant: "acme", purpose: nil, after: nil, limit: 2, ascending: false)
            #expect(newest.map(\.id) == ["file-a4", "file-a3"])
            let next = try await store.files(
                tenant: "acme", purpose: nil, after: "file-a3", limit: 10, ascending: false)
            #expect(next.map(\.id) == ["file-a2", "file-a1", "file-a0"])
            let oldest = try await store.files(
                tenant: "acme", purpose: nil, after: "file-a1", limit: 2, ascending: true)
            #expect(oldest.map(\.id) == ["file-a2", "file-a3"])
            #expect(
                try await store.files(tenant: "acme", purpose: "batch", after: nil, limit: 10, ascending: true)
                    .map(\.id) == ["file-a2"])
            // Another tenant's id as a cursor pages from nowhere.
            #expect(
                try await store.files(tenant: "acme", purpose: nil, after: "file-bx", limit: 10, ascending: true)
                    .isEmpty)
            let usage = try await store.usage(tenant: "acme")
            #expect(usage.files == 5 && usage.bytes == 50)
            let none = try await store.usage(tenant: "nobody")
            #expect(none.files == 0 && none.bytes == 0)
            #expect(try await store.deleteFile(id: "file-a1", tenant: "bob") == nil)
            #expect(try await store.deleteFile(id: "file-a1", tenant: "acme")?.id == "file-a1")
            #expect(try await store.deleteFile(id: "file-a1", tenant: "acme") == nil)
            #expect(try await store.allFileIDs() == ["file-a0", "file-a2", "file-a3", "file-a4", "file-bx"])
        }
    }

    @Test(arguments: kinds) func theQuotaHoldsUnderConcurrentInserts(kind: Kind) async throws {
        try await Self.withStore(kind) { store in
            let quota = TenantQuota(maxFiles: 1_000, maxBytes: 120)
            // 50 inserts of 10 bytes at once against a 120-byte quota: exactly 12 may pass.
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for index in 0..<50 {
                    group.addTask {
                        do {
                            try await store.insertFile(Self.file("file-c\(index)"), quota: quota)
                            return true
                        } catch {
                            return false
                        }
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 12)
            let usage = try await store.usage(tenant: "acme")
            #expect(usage.files == 12 && usage.bytes == 120)
            await #expect(throws: StoreError.self) {
                try await store.insertFile(Self.file("file-late", bytes: 1), quota: quota)
            }
            let byCount = TenantQuota(maxFiles: 12, maxBytes: 1 << 30)
            await #expect {
                try await store.insertFile(Self.file("file-late", tenant: "acme"), quota: byCount)
            } throws: { error in
                guard case .quotaExceeded(let message) = error as? StoreError else { return false }
                return message.contains("max file count 12")
            }
        }
    }

    @Test(arguments: kinds) func passesAreListedAndRevokedOnce(kind: Kind) async throws {
        try await Self.withStore(kind) { store in
            let pass = PassRecord(
                id: "pass-1", tenant: "acme", productID: "peak-4d", priceMinorUnits: 520, currency: "CNY",
                grantedAtMilliseconds: 100, expiresAtMilliseconds: 200)
            try await store.insertPass(pass)
            try await store.insertPass(
                PassRecord(
                    id: "pass-2", tenant: "bob", productID: "peak-93d", priceMinorUnits: 9_900, currency: "CNY",
                    grantedAtMilliseconds: 50, expiresAtMilliseconds: 500))
            #expect(try await store.passes(tenant: "acme") == [pass])
            #expect(try await store.passes(tenant: nil).map(\.id) == ["pass-1", "pass-2"])
            #expect(try await store.revokePass(id: "pass-1", atMilliseconds: 150))
            #expect(try await !store.revokePass(id: "pass-1", atMilliseconds: 160))
            #expect(try await store.passes(tenant: "acme").first?.isActive(atMilliseconds: 151) == false)
        }
    }

    @Test(arguments: kinds) func cachesAndTagsKeepTheirContentAndUniqueness(kind: Kind) async throws {
        try await Self.withStore(kind) { store in
            var cache = CacheRecord(
                id: "cache-1", tenant: "acme", name: "n", description: "d", model: "moonshot-v1-8k",
                content: .object(["messages": .array([.object(["role": "system", "content": "hi 你好"])])]),
                metadata: ["k": "v"], tags: ["t"], tokens: 12, status: "ready", createdAt: 1, expiredAt: 2)
            try await store.insertCache(cache)
            #expect(try await store.cache(id: "cache-1", tenant: "acme") == cache)
            #expect(try await store.cache(id: "cache-1", tenant: "bob") == nil)
            cache.name = "renamed"
            cache.expiredAt = 99
            cache.metadata = [:]
            try await store.updateCache(cache)
            #expect(try await store.caches(tenant: "acme") == [cache])
            try await store.insertTag(TagRecord(tag: "t", tenant: "acme", cacheID: "cache-1", createdAt: 3))
            // The same tag for another tenant is another tag.
            try await store.insertTag(TagRecord(tag: "t", tenant: "bob", cacheID: "cache-9", createdAt: 3))
            await #expect(throws: StoreError.self) {
                try await store.insertTag(TagRecord(tag: "t", tenant: "acme", cacheID: "cache-2", createdAt: 4))
            }
            #expect(try await store.tag("t", tenant: "acme")?.cacheID == "cache-1")
            #expect(try await store.tags(tenant: "acme").count == 1)
            #expect(try await store.deleteCache(id: "cache-1", tenant: "acme"))
            #expect(try await store.tag("t", tenant: "acme") == nil)
            #expect(try await store.tag("t", tenant: "bob") != nil)
            #expect(try await !store.deleteCache(id: "cache-1", tenant: "acme"))
            #expect(try await !store.deleteTag("t", tenant: "acme"))
            #expect(try await store.deleteTag("t", tenant: "bob"))
        }
    }

    /// Migrations: refused without `migrate`, applied once by stores opened at the same time.
    @Test(.enabled(if: TestPostgres.isAvailable, Comment(rawValue: TestPostgres.skipMessage)))
    func migrationsAreAppliedOnceUnderConcurrentStarts() async throws {
        let url = try TestPostgres.makeDatabase()
        await #expect {
            _ = try await PostgresMetadataStore(url: url, migrate: false, logger: Logger(label: "test"))
        } throws: { error in
            guard case .invalidConfiguration(let message) = error as? StoreError else { return false }
            return message.contains("--migrate")
        }
        let stores = try await withThrowingTaskGroup(of: PostgresMetadataStore.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    try await PostgresMetadataStore(url: url, migrate: true, logger: Logger(label: "test"))
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(stores.count == 4)
        for store in stores { await store.close() }
        let versions = try TestPostgres.psql(
            url, "SELECT string_agg(version::text, ',' ORDER BY version) FROM folio_schema_migration")
        #expect(versions == "1,2\n")
        // A binary that knows fewer versions than the database refuses it.
        try TestPostgres.psql(url, "INSERT INTO folio_schema_migration (version, name) VALUES (99, 'future')")
        await #expect {
            _ = try await PostgresMetadataStore(url: url, migrate: true, logger: Logger(label: "test"))
        } throws: { error in
            guard case .invalidConfiguration(let message) = error as? StoreError else { return false }
            return message.contains("newer than this folio")
        }
    }

}
