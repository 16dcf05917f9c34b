public import FolioCache
public import FolioIndex
public import FolioIngest
public import FolioScheduler
internal import Foundation

/// Everything that shapes an ``Engine``: where and how much it caches, how many workers it runs,
/// and how documents are read, counted and cut.
///
/// Every value has a default, so `Engine()` needs no setup:
///
/// ```swift
/// var configuration = EngineConfiguration()          // disk cache in ~/.cache/folio, 512 MiB in memory
/// configuration.cacheDirectory = nil                 // memory only
/// configuration.maxTokens = 1_024
/// let engine = try Engine(configuration: configuration)
/// ```
///
/// Values are checked by ``Engine/init(configuration:)``, which throws
/// ``EngineError/Code/invalidConfiguration`` naming the value and its range.
public struct EngineConfiguration: Sendable {
    /// The disk tier's directory; nil keeps processed documents in memory only. Default:
    /// ``defaultCacheDirectory``.
    public var cacheDirectory: String?
    /// Processed documents other engines stored (a fleet's nodes): asked after a disk miss, offered
    /// what this engine processes (``SharedEntryStore``). Needs ``cacheDirectory``. Default: none.
    public var sharedEntries: (any SharedEntryStore)?
    /// The memory tier's budget in bytes of decoded documents (default 512 MiB).
    public var memoryCapacityBytes: Int = 512 << 20
    /// The disk tier's budget in bytes of entry files (default 8 GiB).
    public var diskCapacityBytes: Int = 8 << 30
    /// How long a processed document stays cached when an ingest names no time to live; nil:
    /// until evicted.
    public var defaultTimeToLive: Duration?
    /// Concurrent jobs of the worker pool (default: the number of active cores).
    public var workers: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// The pool's whole configuration (classes, queue bounds, admission); when set, ``workers`` is
    /// ignored. Default nil: Folio's priority and standard classes on ``workers`` workers.
    public var scheduler: SchedulerConfiguration?
    /// The tokenizer's encoding: `cl100k_base` (default) or `o200k_base`.
    public var encoding: String = "cl100k_base"
    /// Most tokens in a chunk (16…1,000,000; default 512).
    public var maxTokens: Int = 512
    /// Tokens of whole trailing sentences repeated at the start of the next chunk (at most half of
    /// ``maxTokens``; default 0).
    public var overlapTokens: Int = 0
    /// How documents are read: forced format or encoding, and the limits against hostile input.
    public var ingestOptions = IngestOptions()
    /// The most bytes one ingest may read (a file, a byte array, a collected stream; default 1 GiB).
    public var maxInputBytes: Int = 1 << 30
    /// How chunks are analyzed into index terms for search and packing (default: Porter stemming and
    /// English stop words).
    public var analyzer = AnalyzerConfiguration.standard
    /// The term vectors each chunk's vector is made of, so search and pack also find passages worded
    /// unlike the query (default: ``TermVectors/builtIn``; nil indexes words alone). A table learned
    /// with another analyzer than ``analyzer`` is not used.
    public var termVectors: TermVectors? = TermVectors.builtIn
    /// Files larger than this are cut while they are read, in bounded memory and without being cached,
    /// by ``Engine/forEachChunk(ofFile:session:visibility:timeToLive:_:)`` (default 64 MiB); smaller
    /// ones go through the cache.
    public var streamingThresholdBytes: Int = 64 << 20

    public init() {
        cacheDirectory = Self.defaultCacheDirectory
    }

    /// `$XDG_CACHE_HOME/folio`, else `~/.cache/folio` (`~/Library/Caches/folio` on macOS); nil when
    /// no home directory is known.
    public static var defaultCacheDirectory: String? {
        let environment = ProcessInfo.processInfo.environment
        #if os(macOS)
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/Library/Caches/folio"
        #else
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") { return xdg + "/folio" }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.cache/folio"
        #endif
    }

    /// The version of Folio's extraction and chunking, part of every cache key: bump it when a
    /// reader or the chunker changes its output, so stale entries are never served. 2: binary
    /// input (PDF, images, executables, non-Office ZIPs) is refused instead of read as text.
    public static let extractorVersion = "folio-extract-2"
}
