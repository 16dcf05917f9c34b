@testable import FolioCLI
import FolioModel
import FolioTestSupport
import Foundation
import Testing

/// The JSON the commands print: escaping, numbers, and chunk lines built in place.
struct TextOutputTests {
    /// RFC 8259 escaping, one character at a time, as the reference.
    static func referenceEscape(_ value: String) -> String {
        var result = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20: result += String(format: "\\u%04x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    @Test func everyByteThatNeedsAnEscapeIsEscapedAtEveryPositionOfAWord() {
        // Each special character at each of the positions 0..<20, so it lands in every lane of the
        // eight-byte scan and in the byte-at-a-time tail.
        let specials: [Character] = [
            "\"", "\\", "\n", "\r", "\t", "\u{0}", "\u{1}", "\u{1F}", "\u{7F}", " ", "é", "中",
        ]
        for special in specials {
            for position in 0..<20 {
                for length in [position + 1, position + 9, 24] {
                    var characters = Array(repeating: Character("a"), count: max(length, position + 1))
                    characters[position] = special
                    let text = String(characters)
                    #expect(
                        jsonString(text) == Self.referenceEscape(text), "\(special.debugDescription) at \(position)")
                }
            }
        }
    }

    @Test func randomTextsEscapeAsTheReferenceDoesAndParseBack() throws {
        var random = SplitMix64(seed: 15)
        let alphabet = RandomText.adversarial + ["\"", "\\", "\u{0}", "\u{1B}", "\u{1F}", "\u{7F}", "\\\"", "\u{FFFD}"]
        for _ in 0..<500 {
            let seed = random.state
            let text = RandomText.make(alphabet, count: Int.random(in: 0...80, using: &random), using: &random)
            let escaped = jsonString(text)
            #expect(escaped == Self.referenceEscape(text), "seed \(seed)")
            let parsed = try JSONSerialization.jsonObject(with: Data("[\(escaped)]".utf8)) as? [String]
            #expect(parsed == [text], "seed \(seed)")
        }
    }

    @Test func decimalsAreWrittenAsSwiftPrintsThem() {
        for value in [0, 7, 10, 99, 100, 65_535, -1, -10, 1_234_567_890, Int.max, Int.min] {
            var bytes: [UInt8] = [0x41]
            appendDecimal(value, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == "A\(value)")
        }
    }

    @Test func aChunkLineIsOneJSONObjectAppendedAfterWhatWasThere() throws {
        let chunk = Chunk(
            index: 12, range: TextRange(start: 100, end: 131), utf8Range: 104..<140, tokenCount: 9,
            text: "Revenue \"grew\"\n\tby 5 % — 中文\\", headings: ["PART II", "Item 7. \"MD&A\""],
            boundary: .sentence)
        var bytes = Array("previous line\n".utf8)
        ChunkCommand.appendJSONLine(chunk, path: "dir/report \"a\".txt", to: &bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("previous line\n{\"path\": \"dir/report \\\"a\\\".txt\", \"index\": 12, "))
        #expect(text.hasSuffix("}\n"))
        let line = try #require(text.split(separator: "\n").last)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["index"] as? Int == 12)
        #expect(object["start"] as? Int == 100 && object["end"] as? Int == 131)
        #expect(object["tokens"] as? Int == 9)
        #expect(object["headings"] as? [String] == chunk.headings)
        #expect(object["text"] as? String == chunk.text)
        #expect(object["path"] as? String == "dir/report \"a\".txt")
    }

    @Test func capturedTextReceivesWhatIsBuiltInPlace() {
        var sink = CapturedText()
        sink.write("a")
        sink.write { $0.append(contentsOf: "bc".utf8) }
        sink.write { appendJSONString("\"", to: &$0) }
        #expect(sink.text == "abc\"\\\"\"")
    }
}
