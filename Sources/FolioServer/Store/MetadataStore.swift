/// The gateway's durable metadata: API keys (hashed), uploaded files, passes, context caches and
/// their tags. Everything above this protocol speaks only these records, so a PostgreSQL store can
/// stand in for the embedded SQLite one (``SQLiteMetadataStore``).
///
/// Every tenant-scoped call takes the tenant and never returns another tenant's record: a lookup
/// by id in the wrong tenant is `nil`, exactly like an id that does not exist.
public protocol MetadataStore: Sendable {
    // MARK: Keys
    func insertKey(_ key: APIKeyRecord) async throws
    /// The key whose SHA-256 (hex) is `hash`, revoked or not.
    func key(hash: String) async throws -> APIKeyRecord?
    func keys(tenant: String?) async throws -> [APIKeyRecord]
    /// Marks a key revoked; false when there is no such key or it was revoked already.
    func revokeKey(id: String, atMilliseconds time: Int64) async throws -> Bool

    // MARK: Files
    /// Inserts a file if the tenant stays within `quota` (checked and written in one transaction).
    /// - Throws: ``StoreError/quotaExceeded(_:)`` naming the limit.
    func insertFile(_ file: FileRecord, quota: TenantQuota) async throws
    func file(id: String, tenant: String) async throws -> FileRecord?
    /// How many files and bytes a tenant keeps.
    func usage(tenant: String) async throws -> (files: Int, bytes: Int64)
    /// A page of files, newest first unless `ascending`, strictly after the file `after` in that order.
    func files(tenant: String, purpose: String?, after: String?, limit: Int, ascending: Bool) async throws
        -> [FileRecord]
    /// Deletes a file's record and returns it; nil when the tenant has no such file.
    func deleteFile(id: String, tenant: String) async throws -> FileRecord?
    /// Every file record (for the restart check that stored bytes and records agree).
    func allFileIDs() async throws -> Set<String>

    // MARK: Passes
    func insertPass(_ pass: PassRecord) async throws
    func passes(tenant: String?) async throws -> [PassRecord]
    func revokePass(id: String, atMilliseconds time: Int64) async throws -> Bool

    // MARK: Context caches
    func insertCache(_ cache: CacheRecord) async throws
    func cache(id: String, tenant: String) async throws -> CacheRecord?
    func caches(tenant: String) async throws -> [CacheRecord]
    func updateCache(_ cache: CacheRecord) async throws
    func deleteCache(id: String, tenant: String) async throws -> Bool

    // MARK: Tags
    /// Points `tag` at a cache; fails with ``StoreError/conflict(_:)`` when the tenant has the tag.
    func insertTag(_ tag: TagRecord) async throws
    func tag(_ name: String, tenant: String) async throws -> TagRecord?
    func tags(tenant: String) async throws -> [TagRecord]
    func deleteTag(_ name: String, tenant: String) async throws -> Bool
}

/// Why the store refused a write.
public enum StoreError: Error, Sendable, Equatable {
    /// A tenant limit: the message is the one the client sees.
    case quotaExceeded(String)
    /// A record with that id or name exists.
    case conflict(String)
    /// The database cannot be reached or did not answer in time: the request may be retried
    /// (the gateway answers 503 with `Retry-After`).
    case unavailable(String)
    /// The store cannot be opened as configured (a bad URL, a schema this binary does not know).
    case invalidConfiguration(String)
}

extension StoreError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .quotaExceeded(let message), .conflict(let message): message
        case .unavailable(let message): "the metadata database is unavailable: \(message)"
        case .invalidConfiguration(let message): message
        }
    }
}

/// How much one tenant may keep.
public struct TenantQuota: Sendable, Hashable {
    public var maxFiles: Int
    public var maxBytes: Int64
    public init(maxFiles: Int, maxBytes: Int64) {
        self.maxFiles = maxFiles
        self.maxBytes = maxBytes
    }

    /// Whether a tenant keeping `files` files of `bytes` bytes may add one of `adding` bytes.
    /// - Throws: ``StoreError/quotaExceeded(_:)`` with Moonshot's wording.
    public func check(files: Int, bytes: Int64, adding: Int64) throws {
        guard files < maxFiles else {
            throw StoreError.quotaExceeded(
                "the number of files you have uploaded exceeded the max file count \(maxFiles), "
                    + "please delete previous uploaded files")
        }
        guard bytes + adding <= maxBytes else {
            throw StoreError.quotaExceeded(
                "the total size of files you have uploaded exceeded the limit of \(maxBytes) bytes, "
                    + "please delete previous uploaded files")
        }
    }
}

/// An API key as stored: never the key itself, only its SHA-256.
public struct APIKeyRecord: Sendable, Hashable {
    public var id: String
    public var tenant: String
    public var hash: String
    /// The key's first characters, to tell keys apart in listings (`sk-AbCd…`).
    public var prefix: String
    public var isAdmin: Bool
    public var createdAtMilliseconds: Int64
    public var revokedAtMilliseconds: Int64?

    public init(
        id: String, tenant: String, hash: String, prefix: String, isAdmin: Bool, createdAtMilliseconds: Int64,
        revokedAtMilliseconds: Int64? = nil
    ) {
        self.id = id
        self.tenant = tenant
        self.hash = hash
        self.prefix = prefix
        self.isAdmin = isAdmin
        self.createdAtMilliseconds = createdAtMilliseconds
        self.revokedAtMilliseconds = revokedAtMilliseconds
    }
}

/// An uploaded file: its bytes live in the data directory under ``id``, never under its filename.
public struct FileRecord: Sendable, Hashable {
    public var id: String
    public var tenant: String
    public var filename: String
    public var purpose: String
    public var bytes: Int64
    /// SHA-256 of the stored bytes, hex.
    public var sha256: String
    public var createdAt: Int64
    /// Seconds since 1970 after which the file may be removed (OpenAI's `expires_after`), or nil.
    public var expiresAt: Int64?
    /// "ok" or "error"; `statusDetails` says why an error.
    public var status: String
    public var statusDetails: String

    public init(
        id: String, tenant: String, filename: String, purpose: String, bytes: Int64, sha256: String,
        createdAt: Int64, expiresAt: Int64? = nil, status: String = "ok", statusDetails: String = ""
    ) {
        self.id = id
        self.tenant = tenant
        self.filename = filename
        self.purpose = purpose
        self.bytes = bytes
        self.sha256 = sha256
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.status = status
        self.statusDetails = statusDetails
    }
}

/// A pass granted to a tenant: priority at peak until it expires or is revoked.
public struct PassRecord: Sendable, Hashable {
    public var id: String
    public var tenant: String
    public var productID: String
    public var priceMinorUnits: Int
    public var currency: String
    public var grantedAtMilliseconds: Int64
    public var expiresAtMilliseconds: Int64
    public var revokedAtMilliseconds: Int64?

    public init(
        id: String, tenant: String, productID: String, priceMinorUnits: Int, currency: String,
        grantedAtMilliseconds: Int64, expiresAtMilliseconds: Int64, revokedAtMilliseconds: Int64? = nil
    ) {
        self.id = id
        self.tenant = tenant
        self.productID = productID
        self.priceMinorUnits = priceMinorUnits
        self.currency = currency
        self.grantedAtMilliseconds = grantedAtMilliseconds
        self.expiresAtMilliseconds = expiresAtMilliseconds
        self.revokedAtMilliseconds = revokedAtMilliseconds
    }

    public func isActive(atMilliseconds time: Int64) -> Bool {
        revokedAtMilliseconds == nil && grantedAtMilliseconds <= time && time < expiresAtMilliseconds
    }
}

/// A context cache (Moonshot's `context-cache` object) as stored.
public struct CacheRecord: Sendable, Hashable {
    public var id: String
    public var tenant: String
    public var name: String
    public var description: String
    public var model: String
    /// The cached prefix as the client sent it: `{"messages":[…],"tools":[…]}`.
    public var content: JSONValue
    public var metadata: [String: String]
    public var tags: [String]
    public var tokens: Int
    public var status: String
    public var createdAt: Int64
    public var expiredAt: Int64

    public init(
        id: String, tenant: String, name: String, description: String, model: String, content: JSONValue,
        metadata: [String: String], tags: [String], tokens: Int, status: String, createdAt: Int64, expiredAt: Int64
    ) {
        self.id = id
        self.tenant = tenant
        self.name = name
        self.description = description
        self.model = model
        self.content = content
        self.metadata = metadata
        self.tags = tags
        self.tokens = tokens
        self.status = status
        self.createdAt = createdAt
        self.expiredAt = expiredAt
    }
}

/// A tag: a tenant's stable name for one of its caches.
public struct TagRecord: Sendable, Hashable {
    public var tag: String
    public var tenant: String
    public var cacheID: String
    public var createdAt: Int64
    public init(tag: String, tenant: String, cacheID: String, createdAt: Int64) {
        self.tag = tag
        self.tenant = tenant
        self.cacheID = cacheID
        self.createdAt = createdAt
    }
}
