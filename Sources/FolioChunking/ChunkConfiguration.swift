/// How big chunks are and how much consecutive chunks share.
///
/// ```swift
/// let configuration = try ChunkConfiguration(maxTokens: 512, overlapTokens: 64)
/// let windows = try ChunkConfiguration.window()  // 128,000 tokens, 2,000 shared
/// ```
public struct ChunkConfiguration: Hashable, Sendable {
    /// The smallest and largest budgets accepted.
    public static let budgetRange = 16...1_000_000

    /// No chunk has more tokens than this.
    public let maxTokens: Int
    /// At most this many tokens of whole trailing sentences of a chunk are repeated at the start of the
    /// next one (counted inside the next chunk's ``maxTokens``). 0 for none.
    public let overlapTokens: Int

    /// - Throws: ``ChunkingError/Code/budgetOutOfRange`` when `maxTokens` is outside ``budgetRange``;
    ///   ``ChunkingError/Code/overlapTooLarge`` when `overlapTokens` is negative or more than half of
    ///   `maxTokens` (a chunk must have room for new text).
    public init(maxTokens: Int = 512, overlapTokens: Int = 0) throws(ChunkingError) {
        guard Self.budgetRange.contains(maxTokens) else {
            throw ChunkingError(
                .budgetOutOfRange,
                """
                maxTokens must be between \(Self.budgetRange.lowerBound) \
                and \(Self.budgetRange.upperBound), got \(maxTokens)
                """
            )
        }
        guard overlapTokens >= 0 && overlapTokens <= maxTokens / 2 else {
            throw ChunkingError(
                .overlapTooLarge,
                "overlapTokens must be between 0 and half of maxTokens (\(maxTokens / 2)), got \(overlapTokens)"
            )
        }
        self.maxTokens = maxTokens
        self.overlapTokens = overlapTokens
    }

    /// Model-sized windows for map-reduce over a long document: by default 128,000 tokens, 2,000 of them
    /// repeated from the previous window.
    public static func window(maxTokens: Int = 128_000, overlapTokens: Int = 2_000) throws(ChunkingError) -> Self {
        try ChunkConfiguration(maxTokens: maxTokens, overlapTokens: overlapTokens)
    }
}
