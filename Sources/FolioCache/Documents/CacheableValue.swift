/// A value the document cache can keep in memory and write to disk.
public protocol CacheableValue: Sendable {
    /// Bytes the value occupies in memory once fully used: what the memory tier's budget counts.
    var residentByteCount: Int { get }
    /// Tokens the value stands for (a document's exact token count): what cached-versus-uncached
    /// accounting adds up, so a gateway can bill cached tokens cheaper.
    var tokenCount: Int { get }
    /// The value as named segments, each compressed and checksummed on its own.
    func cacheSegments() -> [CacheSegment]
    /// Rebuilds a value from verified segments; it may inflate large segments lazily.
    ///
    /// - Throws: ``CacheError/Code/corrupt`` when a segment does not decode; the entry is then
    ///   discarded and the value recomputed.
    init(cacheSegments: CachedSegments) throws(CacheError)
}

/// Where a lookup's value came from.
public enum CacheSource: String, Sendable, Hashable, CustomStringConvertible {
    /// The memory tier.
    case memory
    /// The disk tier (verified, then kept in memory).
    case disk
    /// Computed by this lookup (a miss in both tiers).
    case computed
    /// Computed by a concurrent lookup of the same key, which this one waited for (single-flight).
    case joined

    /// Whether the lookup was served without computing.
    public var isHit: Bool { self != .computed }
    public var description: String { rawValue }
}

/// The answer of ``DocumentCache/value(for:timeToLive:compute:)``.
public struct CacheLookup<Value: CacheableValue>: Sendable {
    public var value: Value
    public var source: CacheSource
    public var key: DocumentKey
}

/// Counts of one tier.
public struct TierStatistics: Hashable, Sendable {
    public var hits = 0
    public var misses = 0
    /// Entries and bytes held now.
    public var entries = 0
    public var bytes = 0
    /// Entries removed to stay within capacity.
    public var evictions = 0
    /// Entries found past their time to live (removed, counted as misses).
    public var expirations = 0
    /// Disk only: entries that failed verification, were deleted and recomputed (never served).
    public var discardedCorrupt = 0
    /// Disk only: entries that could not be written (the value was still returned).
    public var writeFailures = 0

    public init() {}
}

/// What the cache did since it was created.
public struct CacheStatistics: Hashable, Sendable {
    public var memory = TierStatistics()
    public var disk = TierStatistics()
    /// Values computed (both tiers missed, no flight to join).
    public var computations = 0
    /// Entries fetched from the ``SharedEntryStore`` after a disk miss (verified and used), and
    /// entries offered to it.
    public var sharedHits = 0
    public var sharedStores = 0
    /// Lookups that waited for a concurrent computation of the same key.
    public var singleFlightJoins = 0
    /// Tokens of values served from a tier or a joined flight: billable as cached.
    public var cachedTokens = 0
    /// Tokens of values computed.
    public var uncachedTokens = 0

    public init() {}
}
