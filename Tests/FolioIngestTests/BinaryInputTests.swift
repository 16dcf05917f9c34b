import FolioIngest
import FolioModel
import FolioTestSupport
import Foundation
import Testing

/// Hostile input of another kind: files Folio cannot read (images, executables, archives, random bytes)
/// are refused with ``IngestError/Code/unsupportedFormat`` naming what they look like, never turned into
/// text; a PDF is read as a PDF whatever its name; text with a few odd bytes is still read verbatim.
@Suite(.serialized)
struct BinaryInputTests {
    static func temporaryFile(_ bytes: [UInt8], name: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "folio-binary-\(UUID().uuidString)-\(name)")
        try Data(bytes).write(to: url)
        return url.path
    }

    static func refusal(_ bytes: [UInt8], name: String? = nil, options: IngestOptions = IngestOptions()) -> IngestError?
    {
        #expect(throws: IngestError.self) { try Ingestor(options: options).document(from: bytes, name: name) }
    }

    @Test(arguments: BinarySamples.all)
    func binaryFilesAreRefusedNamingWhatTheyAre(_ sample: BinarySample) async throws {
        let path = try Self.temporaryFile(sample.bytes, name: sample.name)
        defer { try? FileManager.default.removeItem(atPath: path) }
        // From the file, from memory and streamed: the same refusal, before any block.
        let fromFile = #expect(throws: IngestError.self) { try Ingestor().document(atPath: path) }
        #expect(fromFile?.code == .unsupportedFormat, "\(sample.name): \(fromFile?.message ?? "read")")
        #expect(fromFile?.path == path)
        #expect(fromFile?.reason.hasPrefix(sample.expected) == true, "\(sample.name): \(fromFile?.reason ?? "read")")
        #expect(fromFile?.message == "\(path): \(fromFile?.reason ?? "")")

        let fromMemory = Self.refusal(sample.bytes, name: sample.name)
        #expect(fromMemory?.reason == fromFile?.reason)

        var blocks = 0
        let streamed = await #expect(throws: IngestError.self) {
            for try await _ in Ingestor().blocks(atPath: path) { blocks += 1 }
        }
        #expect(streamed?.reason == fromFile?.reason)
        #expect(blocks == 0)
    }

    @Test func theNameNeverOverridesTheContent() throws {
        for name in ["report.txt", "report.html", "report.xml", "report.docx", "report.odt", "report", "report.txt.gz"]
        {
            let document = try Ingestor().document(from: BinarySamples.pdf, name: name)
            #expect(document.metadata.format == .pdf, "\(name)")
            #expect(document.text == "Contract", "\(name)")
        }
        let doc = Self.refusal(BinarySamples.compoundFile(stream: "WordDocument"), name: "renamed.docx")
        #expect(doc?.reason.hasPrefix("a Word 97-2003 document (.doc)") == true)
    }

    /// `--input-format` picks the reader among the formats Folio reads; it does not make binary text,
    /// and a PDF stays a PDF.
    @Test func aForcedFormatDoesNotMakeBinaryText() throws {
        for format in InputFormat.allCases {
            let options = IngestOptions(format: format)
            let pdf = try Ingestor(options: options).document(from: BinarySamples.pdf, name: "contract.pdf")
            #expect(pdf.text == "Contract" && pdf.metadata.format == .pdf, "\(format)")
            let png = Self.refusal(BinarySamples.png, name: "contract.pdf", options: options)
            #expect(png?.reason.hasPrefix("a PNG image") == true, "\(format): \(png?.message ?? "read")")
            if format != .docx && format != .odt && format != .pdf {
                let random = Self.refusal(BinarySamples.random(count: 5000, seed: 3), options: options)
                #expect(random?.reason.hasPrefix("binary data") == true, "\(format): \(random?.message ?? "read")")
            }
        }
        // A forced encoding does not either: control characters are control characters in any of them.
        for encoding in TextEncoding.allCases {
            let zeros = Self.refusal([UInt8](repeating: 0, count: 1000), options: IngestOptions(encoding: encoding))
            #expect(zeros?.code == .unsupportedFormat, "\(encoding)")
        }
    }

    /// RTF and PostScript are refused when detected (their text is markup or program), and read verbatim
    /// when the caller says they are text.
    @Test func textBasedFormatsAreRefusedUnlessForcedToText() throws {
        let rtf = "{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Times;}}\\f0\\fs24 This Agreement is made.\\par}\n"
        let postScript =
            "%!PS-Adobe-3.0\n/Times-Roman findfont 12 scalefont setfont\n72 720 moveto (Agreement) show\nshowpage\n"
        for (text, name, description) in [
            (rtf, "memo.rtf", "an RTF document"), (postScript, "memo.ps", "a PostScript document"),
        ] {
            let refused = Self.refusal(Array(text.utf8), name: name)
            #expect(refused?.reason.hasPrefix(description) == true, "\(name): \(refused?.message ?? "read")")
            let forced = try Ingestor(options: IngestOptions(format: .text)).document(
                from: Array(text.utf8), name: name)
            #expect(forced.text == text)
        }
        let rtf2 = Self.refusal(Array(rtf.utf8), name: "memo.rtf")
        #expect(rtf2?.reason.hasSuffix("(RTF is not supported; save it as DOCX)") == true)
    }

    @Test func aPDFAfterOtherBytesIsReadButTextAboutPDFIsText() throws {
        let macBinary = [UInt8](repeating: 0, count: 128) + BinarySamples.pdf
        #expect(try Ingestor().document(from: macBinary).text == "Contract")
        let mailed = Array("From: legal@example.com\nSubject: contract\n\n".utf8) + BinarySamples.pdf
        #expect(try Ingestor().document(from: mailed, name: "mailed.eml").metadata.format == .pdf)
        let about = "Every PDF file starts with a header such as\n%PDF-1.7\nfollowed by its objects.\n"
        let document = try Ingestor().document(from: Array(about.utf8), name: "notes.txt")
        #expect(document.text == about)
        // Printable look-alikes of short signatures stay text.
        for text in ["BMW annual report", "MZ Corporation", "OTTO GmbH & Co KG", "true story", "x^2 + y^2", "ID3 tags"]
        {
            #expect(try Ingestor().document(from: Array(text.utf8)).text == text)
        }
    }

    /// Text keeps what real text has: a few stray NULs (`nul_bytes.txt`), form feeds, escape sequences,
    /// backspaces for overstrike, a DOS end-of-file mark, one byte of another encoding.
    @Test func textWithAFewControlBytesIsStillText() throws {
        let sentence = "The Supplier shall deliver the Goods to the Purchaser in accordance with this Agreement. "
        var withNULs = Array(String(repeating: sentence, count: 60).utf8)
        for offset in stride(from: 0, to: withNULs.count, by: 100) { withNULs[offset] = 0 }  // 1 %
        let cases: [(String, [UInt8])] = [
            ("1 % NULs", withNULs),
            ("form feeds", Array("Page one.\u{C}Page two.\u{C}Page three.\n".utf8)),
            ("ANSI colours", Array("\u{1B}[1mWARNING\u{1B}[0m: the term ends \u{1B}[31mtoday\u{1B}[0m.\n".utf8)),
            ("nroff overstrike", Array("N\u{8}NA\u{8}AM\u{8}ME\u{8}E\n     folio - long-context documents\n".utf8)),
            ("DOS end of file", Array("Short note.\r\n".utf8) + [0x1A]),
            ("vertical tabs", Array(String(repeating: "\u{B}\t \r\n", count: 100).utf8)),
        ]
        for (label, bytes) in cases {
            let document = try Ingestor().document(from: bytes, name: "note.txt")
            #expect(Array(document.text.utf8) == bytes, "\(label)")
        }
        // One byte of windows-1252 in an undeclared file is still one replacement, as before.
        let cafe = try Ingestor().document(from: [0x43, 0x61, 0x66, 0xE9])
        #expect(cafe.text == "Caf\u{FFFD}")
    }

    @Test func controlBytesBeyondTheThresholdAreBinary() throws {
        // 4 % passes, 6 % does not: the limit is 5 % of the first 8 KiB.
        for (share, isText) in [(4, true), (6, false)] {
            var bytes = Array(String(repeating: "a", count: 10_000).utf8)
            for offset in stride(from: 0, to: bytes.count, by: 100 / share) {
                bytes[offset] = 0x01
            }
            let result = Result { () throws(IngestError) in try Ingestor().document(from: bytes) }
            switch (result, isText) {
            case (.success, true): break
            case (.failure(let error), false): #expect(error.reason.hasPrefix("binary data ("), "\(error.reason)")
            default: Issue.record("\(share) % control bytes: \(result)")
            }
        }
    }

    /// The share of control bytes is counted exactly, whatever the length (eight bytes at a time, then
    /// a tail) and wherever the control bytes and their neighbours in value are.
    @Test func controlBytesAreCountedExactly() throws {
        let isControl: (UInt8) -> Bool = {
            $0 <= 0x06 || (0x0E...0x1A).contains($0) || (0x1C...0x1F).contains($0) || $0 == 0x7F
        }
        // Each side of every edge of the control set.
        let odd: [UInt8] = [
            0x00, 0x01, 0x06, 0x07, 0x08, 0x0D, 0x0E, 0x1A, 0x1B, 0x1C, 0x1F, 0x7F, 0x0A, 0x09, 0x20, 0x7E,
        ]
        var random = SplitMix64(seed: 5)
        var refusals = 0
        for count in [7, 64, 1_001, 4_099, 70_000] {
            for seed in 0..<8 {
                let bytes = (0..<count).map { _ -> UInt8 in
                    let roll = UInt8.random(in: 0...255, using: &random)
                    return roll < 40 ? odd[Int(roll % 16)] : roll % 64 + 0x40
                }
                let sample = bytes.prefix(8 << 10)  // the sample judged
                let controls = sample.filter(isControl).count
                let tenths = (controls * 1000 + sample.count / 2) / sample.count
                let share = tenths < 100 ? "\(tenths / 10).\(tenths % 10) %" : "\((tenths + 5) / 10) %"
                let result = Result { () throws(IngestError) in try Ingestor().document(from: bytes) }
                switch (result, controls >= 4 && controls * 100 > sample.count * 5) {
                case (.failure(let error), true):
                    refusals += 1
                    #expect(error.reason.hasPrefix("binary data (\(share) control bytes in "), "\(count), \(seed)")
                case (.success, false): break
                default: Issue.record("\(count) bytes, seed \(seed), \(controls) control bytes: \(result)")
                }
            }
        }
        #expect(refusals > 20)
    }

    @Test func utf16WithoutAByteOrderMarkIsNamedAndReadWhenGiven() throws {
        let text = "This Agreement is entered into by the parties.\n"
        let little = text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let big = text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        for (bytes, encoding, label) in [(little, TextEncoding.utf16LE, "UTF-16LE"), (big, .utf16BE, "UTF-16BE")] {
            let refused = Self.refusal(bytes, name: "agreement.txt")
            #expect(
                refused?.reason.hasPrefix("\(label) text without a byte-order mark") == true,
                "\(refused?.message ?? "read")")
            let read = try Ingestor(options: IngestOptions(encoding: encoding)).document(
                from: bytes, name: "agreement.txt")
            #expect(read.text == text)
        }
        // Input read as UTF-16 is judged by its characters: zeros are U+0000, an executable mostly so.
        let zeros = Array("Header".utf8) + [UInt8](repeating: 0, count: 4000)
        let forced = Self.refusal(zeros, options: IngestOptions(encoding: .utf16LE))
        #expect(
            forced?.reason.hasPrefix("binary data (100 % control characters in all 4006 bytes)") == true,
            "\(forced?.message ?? "read")")
    }

    @Test func textInAnEncodingFolioDoesNotDetectIsRefusedNotReplaced() throws {
        // Russian in KOI8-R: every letter is a byte above 0x7F, invalid in UTF-8 and in GB18030 here.
        let koi8: [UInt8] = [
            0xE4, 0xCF, 0xC7, 0xCF, 0xD7, 0xCF, 0xD2, 0x20, 0xD0, 0xCF, 0xD3, 0xD4, 0xC1, 0xD7, 0xCB, 0xC9, 0x2E, 0x0A,
        ]
        let refused = Self.refusal(Array(repeating: koi8, count: 20).flatMap { $0 })
        #expect(refused?.reason.hasPrefix("not text in UTF-8 or GB18030 (") == true, "\(refused?.message ?? "read")")
        // French in windows-1252, undeclared: a few replacements, read as before; declared: read exactly.
        let french =
            Array(String(repeating: "Les marchandises seront ", count: 20).utf8) + [0x6C, 0x69, 0x76, 0x72, 0xE9, 0x2E]
        #expect(try Ingestor().document(from: french).metadata.replacementCount == 1)
        let declared = try Ingestor(options: IngestOptions(encoding: .windows1252)).document(from: french)
        #expect(declared.text.hasSuffix("seront livré."))
    }

    @Test(arguments: [256, 4096, 65_536, 300_000])
    func randomBytesAreNeverText(_ count: Int) throws {
        for seed in UInt64(1)...20 {
            let error = Self.refusal(BinarySamples.random(count: count, seed: seed), name: "random.txt")
            #expect(
                error?.code == .unsupportedFormat,
                "\(count) random bytes, seed \(seed): \(error?.message ?? "read as text")")
        }
    }
}
