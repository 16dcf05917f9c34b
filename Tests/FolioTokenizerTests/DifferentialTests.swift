import FolioModel
import FolioTestSupport
import FolioTokenizer
import Testing

/// Folio's scanner and merge paths against the naive `ReferenceBPE` (Swift `Regex` with tiktoken's
/// pattern, textbook merge loop) on random text. Seeds are in the test arguments.
struct DifferentialTests {
    static let ranks: [EncodingName: ReferenceBPE.Ranks] = {
        var ranks: [EncodingName: ReferenceBPE.Ranks] = [:]
        for name in EncodingName.allCases { ranks[name] = ReferenceBPE.Ranks(try! BPETokenizer.named(name)) }
        return ranks
    }()

    @Test(arguments: EncodingName.allCases, [UInt64(1), 2, 3, 4])
    func preTokensMatchTheRegularExpression(_ encoding: EncodingName, _ seed: UInt64) throws {
        let tokenizer = try BPETokenizer.named(encoding)
        let reference = try ReferenceBPE(Self.ranks[encoding]!)
        var random = SplitMix64(seed: seed)
        for _ in 0..<300 {
            let text = RandomText.make(
                RandomText.adversarial, count: Int.random(in: 0...24, using: &random), using: &random)
            let expected = try reference.preTokenize(text)
            let actual = tokenizer.preTokenize(text)
            #expect(actual == expected, "seed \(seed): \(text.debugDescription)")
            if actual != expected { return }
        }
    }

    @Test(arguments: EncodingName.allCases, [UInt64(11), 12, 13])
    func idsMatchTheReferenceOnMixedText(_ encoding: EncodingName, _ seed: UInt64) throws {
        try compare(encoding, seed: seed, alphabet: RandomText.adversarial, texts: 250, length: 30)
    }

    /// Exercises character-first merging (CJK pieces) against plain byte-level merging.
    @Test(arguments: EncodingName.allCases, [UInt64(21), 22, 23])
    func idsMatchTheReferenceOnCJKText(_ encoding: EncodingName, _ seed: UInt64) throws {
        try compare(encoding, seed: seed, alphabet: RandomText.cjk, texts: 250, length: 40)
    }

    /// Pieces longer than the scan limit merge through the heap.
    @Test(arguments: EncodingName.allCases)
    func longPiecesMatchTheReference(_ encoding: EncodingName) throws {
        let tokenizer = try BPETokenizer.named(encoding)
        let reference = try ReferenceBPE(Self.ranks[encoding]!)
        var random = SplitMix64(seed: 99)
        let letters = ["a", "b", "c", "e", "th", "ing", "q", "Z", "é", "中", "国", "ж"]
        for length in [100, 200, 500, 1_500] {
            let word = RandomText.make(letters, count: length, using: &random)
            #expect(tokenizer.encode(word).map(\.rawValue) == reference.merge(Array(word.utf8)), "length \(length)")
        }
    }

    private func compare(_ encoding: EncodingName, seed: UInt64, alphabet: [String], texts: Int, length: Int) throws {
        let tokenizer = try BPETokenizer.named(encoding)
        let reference = try ReferenceBPE(Self.ranks[encoding]!)
        var random = SplitMix64(seed: seed)
        for _ in 0..<texts {
            let text = RandomText.make(alphabet, count: Int.random(in: 1...length, using: &random), using: &random)
            let expected = try reference.encode(text)
            let actual = tokenizer.encode(text).map(\.rawValue)
            #expect(actual == expected, "seed \(seed): \(text.debugDescription)")
            if actual != expected { return }
            #expect(tokenizer.count(text) == expected.count)
        }
    }
}
