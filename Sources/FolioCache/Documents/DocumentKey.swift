/// Who may read an entry: one tenant, or everyone.
public enum CacheScope: Hashable, Sendable, CustomStringConvertible {
    /// Private to this tenant: no other tenant can read it, or tell from timing that it exists.
    case tenant(String)
    /// Content explicitly marked public (a public 10-K, say), shared by all tenants.
    case shared

    /// `tenant:<UTF-8 length>:<tenant>` or `public`: the length keeps a tenant name holding a
    /// newline or a digest from reading as another key's text.
    public var description: String {
        switch self {
        case .tenant(let tenant): "tenant:\(tenant.utf8.count):\(tenant)"
        case .shared: "public"
        }
    }
}

/// The address of a processed document: scope, the SHA-256 of the source bytes, and a fingerprint
/// of everything in the pipeline that shapes the result (encoding, budget, overlap, extractor version).
public struct DocumentKey: Hashable, Sendable, CustomStringConvertible {
    public var scope: CacheScope
    public var contentDigest: SHA256Digest
    /// A stable text naming the pipeline configuration, e.g. `cl100k_base/512/0/ingest-3`.
    public var pipeline: String

    public init(scope: CacheScope, contentDigest: SHA256Digest, pipeline: String) {
        self.scope = scope
        self.contentDigest = contentDigest
        self.pipeline = pipeline
    }

    /// The key as one line, stored in the entry so a read can check it got the right file.
    public var description: String { "\(scope)\n\(contentDigest.hex)\n\(pipeline)" }

    /// The entry's file name: the SHA-256 of ``description`` (tenant names never reach the file system).
    public var fileName: String { SHA256Digest(hashing: description.utf8).hex }
}
