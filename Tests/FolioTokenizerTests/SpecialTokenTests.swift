import FolioModel
import FolioTokenizer
import Testing

struct SpecialTokenTests {
    @Test func specialTextIsOrdinaryByDefault() throws {
        let tokenizer = try BPETokenizer.named(.cl100kBase)
        let ids = tokenizer.encode("<|endoftext|>")
        #expect(ids.count > 1)
        #expect(!ids.contains(100_257))
        #expect(try tokenizer.decode(ids) == "<|endoftext|>")
    }

    @Test func allowedSpecialTokensBecomeOneToken() throws {
        let tokenizer = try BPETokenizer.named(.cl100kBase)
        let text = "Hello<|endoftext|>World <|fim_prefix|>x"
        let all = tokenizer.encode(text, allowedSpecial: .all)
        #expect(all.contains(100_257) && all.contains(100_258))
        // The text around a special token is encoded as if the special token were the end of the text.
        #expect(
            all == tokenizer.encode("Hello") + [100_257] + tokenizer.encode("World ") + [100_258]
                + tokenizer.encode("x"))
        let some = tokenizer.encode(text, allowedSpecial: .only(["<|endoftext|>"]))
        #expect(some.contains(100_257) && !some.contains(100_258))
        #expect(tokenizer.count(text, allowedSpecial: .all) == all.count)
        #expect(try tokenizer.decode(all) == text)
    }

    @Test func o200kSpecialTokens() throws {
        let tokenizer = try BPETokenizer.named(.o200kBase)
        #expect(tokenizer.specialTokens == ["<|endoftext|>": 199_999, "<|endofprompt|>": 200_018])
        #expect(tokenizer.encode("<|endofprompt|>", allowedSpecial: .all) == [200_018])
        #expect(tokenizer.bytes(of: 199_999) == Array("<|endoftext|>".utf8))
    }

    @Test func decodingAnUnknownIDNamesIt() throws {
        let tokenizer = try BPETokenizer.named(.cl100kBase)
        let error = #expect(throws: TokenizerError.self) { try tokenizer.decode([9_906, 100_261]) }
        #expect(error?.code == .unknownTokenID)
        #expect(error?.message.contains("100261") == true && error?.message.contains("position 1") == true)
    }

    @Test func decodingHalfACharacterReplacesItLikeTiktoken() throws {
        let tokenizer = try BPETokenizer.named(.cl100kBase)
        let ids = tokenizer.encode("玉")
        #expect(ids == [29_207, 231])  // 玉 is two tokens in cl100k_base
        #expect(try tokenizer.decode(ids.dropLast()) == "\u{FFFD}")
        #expect(try tokenizer.decodeBytes(ids) == Array("玉".utf8))
    }
}
