@testable import FolioIngest
import FolioModel
import FolioTestSupport
import Foundation
import Testing

/// Plain text stays verbatim; blocks are ranges of it.
struct PlainTextReaderTests {
    static func read(_ text: String) throws -> Document {
        try Ingestor(options: IngestOptions(format: .text)).document(from: Array(text.utf8))
    }

    @Test func theTextIsTheFileVerbatim() throws {
        let text = "  Title line\r\n\r\nFirst paragraph\r\ncontinues here.\r\n\n\tIndented paragraph.\n\n\n"
        let document = try Self.read(text)
        #expect(document.text == text)
        #expect(Extract.texts(document) == ["Title line", "First paragraph\r\ncontinues here.", "Indented paragraph."])
        #expect(document.metadata.trailingText == "\n\n\n")
        DocumentInvariants.check(document)
    }

    @Test func headingsListsIndentationFormFeedsAndWideGaps() throws {
        let text = """
            PART II
            Item 7. Management's Discussion
            The company grew.
            It grew a lot.
            RECITALS
            • first bullet
            (a) lettered item
            wrapped continuation
            第一回　甄士隐梦幻识通灵
            　　正文第一段。
            　　正文第二段。
            a wrapped line continues the paragraph.

            Page one ends.\u{0C}Page two starts.

            Left column     Right column
            """
        let document = try Self.read(text)
        #expect(
            Extract.texts(document) == [
                "PART II", "Item 7. Management's Discussion", "The company grew.\nIt grew a lot.", "RECITALS",
                "• first bullet",
                "(a) lettered item\nwrapped continuation", "第一回　甄士隐梦幻识通灵", "正文第一段。",
                "正文第二段。\na wrapped line continues the paragraph.", "Page one ends.",
                "Page two starts.", "Left column", "Right column",
            ])
        #expect(
            document.blocks.map(\.kind) == [
                .heading(level: 1), .heading(level: 2), .paragraph, .heading(level: 3), .listItem(level: 1),
                .listItem(level: 1),
                .heading(level: 2), .paragraph, .paragraph, .paragraph, .pageBreak, .paragraph, .paragraph, .paragraph,
            ])
        #expect(document.text == text)
        DocumentInvariants.check(document)
    }

    @Test func emptyAndWhitespaceOnlyTextHasNoBlocks() throws {
        for text in ["", " \t\r\n\u{0B}\u{0C}  \n", "\u{A0}\u{3000}\u{2028}\u{2029}\u{2003}\u{85}\u{1680} \t\n"] {
            let document = try Self.read(text)
            #expect(document.blocks.filter { !$0.kind.isBreak }.isEmpty)
            #expect(document.text == text)
        }
    }

    @Test func aLineLongerThanABlockIsCutAtASpaceOrBetweenCharacters() throws {
        var random = SplitMix64(seed: 5)
        let letters = (0..<(PlainTextReader.maxBlockBytes * 2 + 1000)).map { _ in
            "abcdefghij".randomElement(using: &random)!
        }
        let words = String(letters) + " tail end"
        let document = try Self.read(words)
        #expect(document.text == words)
        #expect(document.textBlocks.count == 3)
        #expect(document.blocks.allSatisfy { $0.utf8Range.count <= PlainTextReader.maxBlockBytes })
        DocumentInvariants.check(document)
        let chinese = String(repeating: "中", count: PlainTextReader.maxBlockBytes / 3 + 10)
        let cut = try Self.read(chinese)
        #expect(cut.text == chinese)
        #expect(cut.textBlocks.count == 2)
        DocumentInvariants.check(cut)
    }

    /// Random text fed in random slices gives the same blocks as the whole text at once.
    @Test(arguments: 1...30)
    func blocksDoNotDependOnHowTheInputIsSplit(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let alphabet = RandomText.adversarial + ["\n", "\n\n", "\r\n", "\u{0C}", "    ", "• ", "PART IV\n", "第三回 "]
        let text = RandomText.make(alphabet, count: Int.random(in: 0...3000, using: &random), using: &random)
        let whole = try Self.read(text)
        #expect(whole.text == text, "seed \(seed)")
        DocumentInvariants.check(whole)

        let reader = PlainTextReader()
        var blocks: [ExtractedBlock] = []
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            let end = min(bytes.count, index + Int.random(in: 0...64, using: &random))
            try bytes[index..<end].withUnsafeBufferPointer { try reader.consume($0) }
            blocks += reader.takeBlocks()
            index = end
        }
        try reader.finish()
        blocks += reader.takeBlocks()
        #expect(blocks.map(\.block) == whole.blocks, "seed \(seed)")
        #expect(blocks.map { $0.separator + $0.text }.joined() + reader.trailingText == text, "seed \(seed)")
    }
}
