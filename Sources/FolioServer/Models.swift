public import Folio

/// Which tiktoken encoding a model counts in, and how a chat is counted.
///
/// OpenAI's o200k models (gpt-4o, gpt-4.1, gpt-5, o1, o3, o4, chatgpt-4o) count in `o200k_base`;
/// every other name — gpt-4, gpt-3.5, and Moonshot's and Kimi's models, whose own tokenizer is
/// not published — in `cl100k_base`.
///
/// A chat costs, as OpenAI's cookbook counts it: for each message 3 tokens, plus the tokens of
/// every string field (`role`, `content`, `name`, …; a content array counts its text parts), plus 1
/// when it has a `name`; plus 3 for the reply's priming.
public enum ModelEncodings {
    static let o200kPrefixes = ["gpt-4o", "gpt-4.1", "gpt-4.5", "gpt-5", "o1", "o3", "o4", "chatgpt-4o", "gpt-oss"]

    /// The encoding `model` counts in.
    public static func encoding(forModel model: String) -> String {
        let name = model.lowercased()
        return o200kPrefixes.contains { name.hasPrefix($0) } ? "o200k_base" : "cl100k_base"
    }

    public static let tokensPerMessage = 3
    public static let tokensPerName = 1
    public static let tokensForReply = 3

    /// The exact count of `messages` in `tokenizer`'s encoding.
    /// - Throws: ``APIError`` for a message that is not an object.
    public static func count(messages: [JSONValue], tokenizer: BPETokenizer) throws -> Int {
        var total = tokensForReply
        for (index, message) in messages.enumerated() {
            guard let fields = message.objectValue else {
                throw APIError.invalidRequest("messages[\(index)] is not an object", param: "messages")
            }
            total += tokensPerMessage
            for (key, value) in fields {
                total += count(value, tokenizer: tokenizer)
                if key == "name" { total += tokensPerName }
            }
        }
        return total
    }

    /// Tokens of a field: a string, or the text parts of a content array.
    static func count(_ value: JSONValue, tokenizer: BPETokenizer) -> Int {
        switch value {
        case .string(let text): return tokenizer.count(text)
        case .array(let parts):
            return parts.reduce(0) { total, part in
                if let text = part["text"]?.stringValue { return total + tokenizer.count(text) }
                return total
            }
        default: return 0
        }
    }

    /// The text a chat carries: how big the counting job is, for the scheduler.
    static func byteCount(of messages: [JSONValue]) -> Int {
        messages.reduce(0) { total, message in
            total + (message.objectValue?.values.reduce(0) { $0 + textBytes($1) } ?? 0)
        }
    }

    private static func textBytes(_ value: JSONValue) -> Int {
        switch value {
        case .string(let text): return text.utf8.count
        case .array(let parts): return parts.reduce(0) { $0 + ($1["text"]?.stringValue?.utf8.count ?? 0) }
        default: return 0
        }
    }
}
