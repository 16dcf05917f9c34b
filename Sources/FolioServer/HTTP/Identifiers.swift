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
    public static func hash(key: String) -> String {
        SHA256.hash(data: Array(key.utf8)).map { byte in
            let hex = Array("0123456789abcdef".utf8)
            return String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 15)]], as: UTF8.self)
        }.joined()
    }
}
