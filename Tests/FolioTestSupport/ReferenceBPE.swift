public import FolioTokenizer
internal import FolioModel
internal import Foundation

/// A deliberately naive tiktoken: Swift `Regex` with tiktoken's own pattern for pre-tokenization and
/// the textbook merge loop over a `Dictionary` of the vocabulary's bytes. Slow and obviously right; the
/// differential tests compare Folio's scanner and merge paths with it.
public struct ReferenceBPE {
    /// A vocabulary as a plain dictionary, copied once per encoding.
    public struct Ranks: Sendable {
        let ranks: [[UInt8]: UInt32]
        let pattern: String

        /// Copies the vocabulary of `tokenizer` through its public byte accessor.
        public init(_ tokenizer: BPETokenizer) {
            var ranks: [[UInt8]: UInt32] = [:]
            ranks.reserveCapacity(tokenizer.ordinaryTokenCount)
            var rank: UInt32 = 0
            while ranks.count < tokenizer.ordinaryTokenCount {
                if let bytes = tokenizer.bytes(of: TokenID(rank)) { ranks[bytes] = rank }
                rank += 1
            }
            self.ranks = ranks
            // Rust's regex (tiktoken) folds case with Unicode simple case folding, so `(?i:s)` also
            // matches U+017F LATIN SMALL LETTER LONG S; Swift's `Regex` does not. Spell the folds out.
            self.pattern = tokenizer.pattern.regularExpression
                .replacingOccurrences(of: "(?i:[sdmt]|ll|ve|re)", with: "(?:[sSſdDmMtT]|[lL][lL]|[vV][eE]|[rR][eE])")
                .replacingOccurrences(
                    of: "(?i:'s|'t|'re|'ve|'m|'ll|'d)",
                    with: "(?:'[sSſ]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])")
        }
    }

    private let ranks: [[UInt8]: UInt32]
    private let pattern: Regex<AnyRegexOutput>

    /// Compiles the pattern (a `Regex` is not `Sendable`, so each test makes its own).
    public init(_ ranks: Ranks) throws {
        self.ranks = ranks.ranks
        self.pattern = try Regex(ranks.pattern).matchingSemantics(.unicodeScalar)
    }

    /// The pre-tokens of `text`, by the regular expression.
    public func preTokenize(_ text: String) throws -> [String] {
        var pieces: [String] = []
        var rest = Substring(text)
        while let match = try pattern.firstMatch(in: rest), !match.range.isEmpty {
            pieces.append(String(rest[match.range]))
            rest = rest[match.range.upperBound...]
        }
        return pieces
    }

    /// The ids of `text` (ordinary text).
    public func encode(_ text: String) throws -> [UInt32] {
        try preTokenize(text).flatMap { merge(Array($0.utf8)) }
    }

    /// tiktoken's `byte_pair_merge`, transcribed: merge the lowest-ranked adjacent pair, leftmost first.
    public func merge(_ piece: [UInt8]) -> [UInt32] {
        if let whole = ranks[piece] { return [whole] }
        var parts = piece.map { [$0] }
        while parts.count > 1 {
            var best: (rank: UInt32, index: Int)?
            for index in 0..<parts.count - 1 {
                if let rank = ranks[parts[index] + parts[index + 1]], rank < (best?.rank ?? .max) {
                    best = (rank, index)
                }
            }
            guard let (_, index) = best else { break }
            parts[index] += parts[index + 1]
            parts.remove(at: index + 1)
        }
        return parts.map { ranks[$0]! }
    }
}
