import FolioModel
import FolioTestSupport
import FolioTokenizer
import Foundation
import Testing

/// tiktoken's own ids for tricky texts (Scripts/make_tokenizer_fixtures.py wrote them).
struct GoldenTests {
    struct Expectation: Decodable {
        let ids: [UInt32]?
        let tokens: Int?
        let sha256: String?
    }

    struct Case: Decodable, CustomTestStringConvertible, Sendable {
        let name: String
        let text: String?
        let `repeat`: String?
        let count: Int?
        let cl100k: Expectation
        let o200k: Expectation

        enum CodingKeys: String, CodingKey {
            case name, text, `repeat`, count
            case cl100k = "cl100k_base"
            case o200k = "o200k_base"
        }

        var fullText: String { text ?? String(repeating: `repeat`!, count: count!) }
        var testDescription: String { name }

        func expectation(for encoding: EncodingName) -> Expectation {
            encoding == .cl100kBase ? cl100k : o200k
        }
    }

    struct Sample: Decodable, CustomTestStringConvertible, Sendable {
        let path: String
        let cl100k: Expectation
        let o200k: Expectation

        enum CodingKeys: String, CodingKey {
            case path
            case cl100k = "cl100k_base"
            case o200k = "o200k_base"
        }
        var testDescription: String { path }
    }

    struct File: Decodable {
        let cases: [Case]
        let samples: [Sample]
    }

    static let file: File = {
        let url = Bundle.module.url(forResource: "golden", withExtension: "json", subdirectory: "Fixtures")!
        return try! JSONDecoder().decode(File.self, from: Data(contentsOf: url))
    }()
    static let cases = file.cases
    static let samples = file.samples

    @Test(arguments: cases, EncodingName.allCases)
    func encodeMatchesTiktoken(_ golden: Case, _ encoding: EncodingName) throws {
        let tokenizer = try BPETokenizer.named(encoding)
        let text = golden.fullText
        let ids = tokenizer.encode(text).map(\.rawValue)
        let expected = golden.expectation(for: encoding)
        if let expectedIDs = expected.ids {
            #expect(ids == expectedIDs)
        } else {
            #expect(ids.count == expected.tokens)
            #expect(SHA256.hex(littleEndianIDs: ids) == expected.sha256)
        }
        #expect(tokenizer.count(text) == ids.count)
        #expect(try tokenizer.decode(tokenizer.encode(text)) == text)
    }
}

extension GoldenTests.Expectation: Sendable {}

extension GoldenTests {
    /// The documents in Corpora/samples, counted and hashed by tiktoken.
    @Test(arguments: samples, EncodingName.allCases)
    func samplesMatchTiktoken(_ sample: Sample, _ encoding: EncodingName) throws {
        let tokenizer = try BPETokenizer.named(encoding)
        let url = PackageCorpora.root.deletingLastPathComponent().appendingPathComponent(sample.path)
        let (text, replaced) = UTF8Repair.repair(Array(try Data(contentsOf: url)))
        #expect(replaced == 0)
        let expected = encoding == .cl100kBase ? sample.cl100k : sample.o200k
        let ids = tokenizer.encode(text).map(\.rawValue)
        #expect(ids.count == expected.tokens)
        #expect(SHA256.hex(littleEndianIDs: ids) == expected.sha256)
    }
}
