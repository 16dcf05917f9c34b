import FolioModel
import FolioTestSupport
import FolioTokenizer
import Testing

/// Incremental counting equals counting everything appended, whatever the cut points.
struct TokenCounterTests {
    @Test(arguments: EncodingName.allCases, [UInt64(31), 32, 33, 34])
    func countAfterEveryAppendEqualsCountOfThePrefix(_ encoding: EncodingName, _ seed: UInt64) throws {
        let tokenizer = try BPETokenizer.named(encoding)
        var random = SplitMix64(seed: seed)
        let alphabet = seed.isMultiple(of: 2) ? RandomText.adversarial : RandomText.cjk
        for _ in 0..<40 {
            let text = RandomText.make(alphabet, count: 60, using: &random)
            var counter = TokenCounter(tokenizer: tokenizer)
            var appended = ""
            var rest = Substring(text)
            while !rest.isEmpty {
                // Cut anywhere between scalars, empty pieces included.
                let scalars = rest.unicodeScalars
                let take = Int.random(in: 0...min(6, scalars.count), using: &random)
                let cut = scalars.index(scalars.startIndex, offsetBy: take)
                let piece = String(rest.unicodeScalars[scalars.startIndex..<cut])
                rest = Substring(rest.unicodeScalars[cut...])
                counter.append(piece)
                appended += piece
                #expect(counter.tokenCount == tokenizer.count(appended), "seed \(seed): \(appended.debugDescription)")
            }
            #expect(counter.byteCount == text.utf8.count)
        }
    }

    /// Appending can change more than the last pre-token: a combining mark before an uppercase run
    /// stays apart ("\u{301}", "AB") until a lowercase letter arrives (" \u{301}ABc" is one piece).
    @Test func appendingReachesBackPastTheLastPreToken() throws {
        let tokenizer = try BPETokenizer.named(.o200kBase)
        #expect(tokenizer.preTokenize(" \u{301}AB") == [" \u{301}", "AB"])
        #expect(tokenizer.preTokenize(" \u{301}ABc") == [" \u{301}ABc"])
        var counter = TokenCounter(tokenizer: tokenizer)
        for piece in [" ", "\u{301}", "A", "B", "c", " d"] { counter.append(piece) }
        #expect(counter.tokenCount == tokenizer.count(" \u{301}ABc d"))
    }

    @Test func whitespaceRunsSettleOnlyWhenTheyEnd() throws {
        let tokenizer = try BPETokenizer.named(.cl100kBase)
        var counter = TokenCounter(tokenizer: tokenizer)
        var text = "word"
        counter.append(text)
        for piece in [" ", " ", "\n", " ", "x", "   ", "\r\n", "y"] {
            counter.append(piece)
            text += piece
            #expect(counter.tokenCount == tokenizer.count(text))
        }
    }

    @Test func afterAppendingLeavesTheCounterUnchanged() throws {
        let tokenizer = try BPETokenizer.named(.cl100kBase)
        var counter = TokenCounter(tokenizer: tokenizer)
        counter.append("The quick brown")
        let before = counter.tokenCount
        #expect(counter.tokenCount(afterAppending: " fox jumps") == tokenizer.count("The quick brown fox jumps"))
        #expect(counter.tokenCount == before)
        counter.reset()
        #expect(counter.tokenCount == 0 && counter.byteCount == 0)
    }
}
