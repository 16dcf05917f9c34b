public import FolioCache
public import FolioScheduler

/// Who may share a processed document.
public enum DocumentVisibility: String, Hashable, Sendable, CustomStringConvertible {
    /// Cached under the session's tenant: no other tenant can read it, or tell from timing that it exists.
    case `private`
    /// Content explicitly public (a filing on EDGAR, say): cached once for every tenant.
    case `public`

    public var description: String { rawValue }
}

/// A processed document as one ingest returned it: the document, where it came from, and for whom.
public struct DocumentHandle: Sendable, CustomStringConvertible {
    /// The document: counts at once, chunks and index on first use.
    public let document: ProcessedDocument
    /// The name this ingest gave (a path, or the name passed with bytes or a stream).
    public let name: String
    /// Memory, disk, computed by this call, or joined from a concurrent ingest of the same content.
    public let cacheSource: CacheSource
    /// The session the ingest ran for; searches and packs over the handle run for it too.
    public let session: Session
    public let visibility: DocumentVisibility
    /// The cache key: scope, content digest and pipeline fingerprint.
    public let key: DocumentKey

    public var tokenCount: Int { document.tokenCount }
    public var chunkCount: Int { document.chunkCount }

    public var description: String {
        "\(name): \(document.chunkCount) chunks, \(document.tokenCount) tokens (\(cacheSource))"
    }
}

/// What the engine's cache and pool did since the engine was created.
public struct EngineStatistics: Sendable, Equatable {
    public var cache: CacheStatistics
    public var pool: SchedulerStatistics
}
