/// The pre-tokenization rule of an encoding: where text is cut before byte-pair merging.
///
/// Each case is tiktoken's regular expression for that encoding family, implemented as a hand-written
/// scanner over UTF-8 (no regex engine runs while encoding). ``regularExpression`` gives the pattern
/// the scanner reproduces, for documentation and for differential tests.
public enum PreTokenizerPattern: String, Sendable, CaseIterable, Hashable {
    /// `cl100k_base`: contractions as separate pieces, letter runs with one leading non-letter,
    /// digits in groups of at most three.
    case cl100k
    /// `o200k_base`: case-aware letter runs (`HelloWorld` is two pieces) with contractions attached,
    /// and `/` kept with a preceding punctuation run's line breaks.
    case o200k

    /// tiktoken's pattern (tiktoken 0.14.0), exactly.
    public var regularExpression: String {
        switch self {
        case .cl100k:
            #"""
            '(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\#
            \s++$|\s*[\r\n]|\s+(?!\S)|\s
            """#
        case .o200k:
            [
                #"""
                [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+\#
                (?i:'s|'t|'re|'ve|'m|'ll|'d)?
                """#,
                #"""
                [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*\#
                (?i:'s|'t|'re|'ve|'m|'ll|'d)?
                """#,
                #"\p{N}{1,3}"#,
                #" ?[^\s\p{L}\p{N}]+[\r\n/]*"#,
                #"\s*[\r\n]+"#,
                #"\s+(?!\S)"#,
                #"\s+"#,
            ].joined(separator: "|")
        }
    }
}
