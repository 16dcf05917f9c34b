import FolioModel
import FolioTestSupport
import FolioTokenizer
import Foundation
import Testing

/// Every line of shared/corpora/reference/tiktoken_reference.jsonl: tiktoken's count and the SHA-256
/// of its ids for each filing, contract, Chinese novel and extracted filing text, both encodings.
@Suite(.tags(.corpus), .enabled(if: SharedCorpora.isAvailable, "needs ../shared"))
struct ReferenceCorpusTests {
    struct Reference: Decodable, CustomTestStringConvertible, Sendable {
        let path: String
        let encoding: String
        let tokens: Int
        let idsSHA256: String
        let invalidUTF8Sequences: Int
        var testDescription: String { "\(path) \(encoding)" }

        enum CodingKeys: String, CodingKey {
            case path, encoding, tokens
            case idsSHA256 = "ids_sha256_u32le"
            case invalidUTF8Sequences = "utf8_invalid_sequences"
        }
    }

    static let references: [Reference] = {
        guard SharedCorpora.isAvailable,
            let text = try? String(
                contentsOfFile: SharedCorpora.path("corpora/reference/tiktoken_reference.jsonl"), encoding: .utf8)
        else { return [] }
        return text.split(separator: "\n").map { try! JSONDecoder().decode(Reference.self, from: Data($0.utf8)) }
    }()

    @Test func everyReferenceLineIsCovered() {
        #expect(Self.references.count == 160)
    }

    @Test(arguments: references)
    func countAndIdsMatchTiktoken(_ reference: Reference) throws {
        let tokenizer = try BPETokenizer.named(reference.encoding)
        let (text, replaced) = UTF8Repair.repair(try SharedCorpora.bytes("corpora/" + reference.path))
        #expect(replaced == reference.invalidUTF8Sequences)
        let ids = tokenizer.encode(text)
        #expect(ids.count == reference.tokens)
        #expect(SHA256.hex(littleEndianIDs: ids.lazy.map(\.rawValue)) == reference.idsSHA256)
        #expect(tokenizer.count(text) == reference.tokens)
    }
}
