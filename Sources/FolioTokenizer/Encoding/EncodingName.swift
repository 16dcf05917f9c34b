public import FolioModel

/// The encodings that ship with Folio, named as tiktoken names them.
public enum EncodingName: String, Sendable, CaseIterable, Hashable, CustomStringConvertible {
    /// GPT-3.5 / GPT-4 (100,256 ordinary tokens).
    case cl100kBase = "cl100k_base"
    /// GPT-4o and later (199,998 ordinary tokens).
    case o200kBase = "o200k_base"

    public var description: String { rawValue }

    /// The pre-tokenization rule of the encoding.
    public var pattern: PreTokenizerPattern {
        switch self {
        case .cl100kBase: .cl100k
        case .o200kBase: .o200k
        }
    }

    /// tiktoken's special tokens for the encoding.
    public var specialTokens: [String: TokenID] {
        switch self {
        case .cl100kBase:
            [
                "<|endoftext|>": 100257, "<|fim_prefix|>": 100258, "<|fim_middle|>": 100259,
                "<|fim_suffix|>": 100260, "<|endofprompt|>": 100276,
            ]
        case .o200kBase:
            ["<|endoftext|>": 199999, "<|endofprompt|>": 200018]
        }
    }

    /// Lines in the official rank file; a shipped file with another count is damaged.
    var ordinaryTokenCount: Int {
        switch self {
        case .cl100kBase: 100_256
        case .o200kBase: 199_998
        }
    }

    /// The encoding a rank file's name suggests (`o200k_base.tiktoken.gz` → `.o200kBase`).
    public static func guess(fromFileName path: String) -> EncodingName? {
        let fileName = path.split(separator: "/").last.map(String.init) ?? path
        return allCases.first { fileName == $0.rawValue || fileName.hasPrefix($0.rawValue + ".") }
    }
}

/// Which special tokens `encode` and `count` recognise in text.
///
/// By default none: text that looks like `<|endoftext|>` is ordinary text and is split and merged
/// like any other (tiktoken's `encode_ordinary`). Allowing a special token makes each occurrence of
/// its text one token with the special id.
public struct SpecialTokenPolicy: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        case none
        case all
        case only(Set<String>)
    }
    let kind: Kind

    /// No special tokens: everything is ordinary text.
    public static let none = SpecialTokenPolicy(kind: .none)
    /// Every special token of the encoding.
    public static let all = SpecialTokenPolicy(kind: .all)
    /// Only the named special tokens (names the encoding does not have are ignored).
    public static func only(_ names: Set<String>) -> SpecialTokenPolicy { SpecialTokenPolicy(kind: .only(names)) }
}
