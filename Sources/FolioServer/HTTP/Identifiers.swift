internal import Crypto

/// Random ids and API keys, and how keys are stored (SHA-256, hex).
public enum Identifiers {
    static let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyz".utf8)
    static let keyAlphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// `prefix` + 20 random lowercase letters and digits (103 bits): `file-…`, `cache-…`.
    public static func make(_ prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        return prefix
            + String(decoding: (0..<20).map { _ in alphabet.randomElement(using: &generator)! }, as: UTF8.self)
    }

    /// A new API key: `sk-` + 48 random letters and digits (285 bits).
    public static func makeKey() -> String {
        var generator = SystemRandomNumberGenerator()
        return "sk-"
            + String(decoding: (0..<48).map { _ in keyAlphabet.randomElement(using: &generator)! }, as: UTF8.self)
    }

    /// What the store keeps of a key.
    public static func hash(key: String) -> String { hex(SHA256.hash(data: Array(key.utf8))) }

    /// Lowercase hexadecimal of a digest.
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in bytes { text += [digits[Int(byte >> 4)], digits[Int(byte & 15)]] }
        return String(decoding: text, as: UTF8.self)
    }

    /// Whether `text` is 1 to `maxBytes` ASCII letters and digits, plus the characters of
    /// `punctuation`: what ids, tags and request ids may be (safe in a path, a header, a log line).
    static func isPlain(_ text: String, maxBytes: Int, punctuation: String = "-") -> Bool {
        let allowed = Array(punctuation.utf8)
        return !text.isEmpty && text.utf8.count <= maxBytes
            && text.utf8.allSatisfy { byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                    || allowed.contains(byte)
            }
    }
}
