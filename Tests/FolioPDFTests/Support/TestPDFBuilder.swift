import FolioTestSupport

/// Assembles PDF files in test code with correct cross-reference offsets, or deliberately wrong ones.
///
/// Objects are written in the order they are added; each ``finishTable(trailer:)`` or
/// ``finishStream(number:trailer:)`` ends a section (with `/Prev` to the one before), so calling it
/// again after more objects makes an incremental update.
final class TestPDFBuilder {
    private(set) var bytes: [UInt8] = []
    /// Where `%PDF-` starts; offsets are written relative to it.
    private(set) var headerOffset = 0
    /// Offsets (absolute) of objects defined since the last section.
    private var sectionOffsets: [Int: Int] = [:]
    /// Objects inside object streams since the last section: number → (stream, index).
    private var sectionCompressed: [Int: (stream: Int, index: Int)] = [:]
    private var lastSection: Int?
    private(set) var highestNumber = 0
    /// Added to every offset written in a table or stream (to break them on purpose).
    var offsetError = 0

    init(version: String = "1.7", junk: String = "") {
        append(junk)
        headerOffset = bytes.count
        append("%PDF-\(version)\n%\u{00E2}\u{00E3}\n")
    }

    func append(_ text: String) { bytes += Array(text.utf8) }
    func append(_ data: [UInt8]) { bytes += data }

    /// `number 0 obj body endobj`.
    @discardableResult
    func object(_ number: Int, _ body: String, generation: Int = 0) -> Int {
        let offset = bytes.count
        sectionOffsets[number] = offset
        highestNumber = max(highestNumber, number)
        append("\(number) \(generation) obj\n\(body)\nendobj\n")
        return offset
    }

    /// A stream object; `/Length` is the data's length unless `length` says otherwise (a string, so
    /// it may be `"9 0 R"` or a lie).
    @discardableResult
    func stream(_ number: Int, dictionary: String = "", data: [UInt8], length: String? = nil) -> Int {
        let offset = bytes.count
        sectionOffsets[number] = offset
        highestNumber = max(highestNumber, number)
        append("\(number) 0 obj\n<< \(dictionary) /Length \(length ?? String(data.count)) >>\nstream\n")
        append(data)
        append("\nendstream\nendobj\n")
        return offset
    }

    func stream(_ number: Int, dictionary: String = "", text: String, length: String? = nil) {
        stream(number, dictionary: dictionary, data: Array(text.utf8), length: length)
    }

    /// An object stream holding `objects` (number, body), Flate-compressed unless `compress` is false.
    func objectStream(_ number: Int, objects: [(Int, String)], compress: Bool = true, extends: Int? = nil) {
        var header = ""
        var body = ""
        for (index, (objectNumber, text)) in objects.enumerated() {
            header += "\(objectNumber) \(body.utf8.count) "
            body += text + "\n"
            sectionCompressed[objectNumber] = (number, index)
            highestNumber = max(highestNumber, objectNumber)
        }
        header += "\n"
        let data = Array((header + body).utf8)
        var dictionary = "/Type /ObjStm /N \(objects.count) /First \(header.utf8.count)"
        if let extends { dictionary += " /Extends \(extends) 0 R" }
        if compress {
            stream(
                number, dictionary: dictionary + " /Filter /FlateDecode",
                data: TestCompression.deflate(data, format: .zlib))
        } else {
            stream(number, dictionary: dictionary, data: data)
        }
    }

    /// A classic cross-reference table for the objects since the last section, then `trailer`
    /// (with `/Size` and `/Prev` added), `startxref` and `%%EOF`.
    @discardableResult
    func finishTable(trailer: String, entrySeparator: String = "\r\n", startxrefError: Int = 0) -> Int {
        let offset = bytes.count
        append("xref\n")
        var numbers = sectionOffsets.keys.sorted()
        if lastSection == nil { numbers.insert(0, at: 0) }
        for run in Self.runs(numbers) {
            append("\(run.first!) \(run.count)\n")
            for number in run {
                if number == 0 && sectionOffsets[0] == nil {
                    append("0000000000 65535 f" + entrySeparator)
                } else {
                    append(
                        Self.pad(sectionOffsets[number]! - headerOffset + offsetError, 10) + " 00000 n" + entrySeparator
                    )
                }
            }
        }
        append("trailer\n<< /Size \(highestNumber + 1) \(prevEntry())\(trailer) >>\n")
        append("startxref\n\(offset - headerOffset + startxrefError)\n%%EOF\n")
        endSection(at: offset)
        return offset
    }

    /// A cross-reference stream (object `number`, `/W [1 4 2]`) for the objects since the last section,
    /// compressed ones included.
    @discardableResult
    func finishStream(number: Int, trailer: String, extraEntries: [Int: [UInt8]] = [:]) -> Int {
        let offset = bytes.count
        sectionOffsets[number] = offset
        highestNumber = max(highestNumber, number)
        var rows: [Int: [UInt8]] = extraEntries
        for (objectNumber, objectOffset) in sectionOffsets {
            rows[objectNumber] = [1] + Self.bigEndian(objectOffset - headerOffset + offsetError, 4) + [0, 0]
        }
        for (objectNumber, place) in sectionCompressed {
            rows[objectNumber] = [2] + Self.bigEndian(place.stream, 4) + Self.bigEndian(place.index, 2)
        }
        if lastSection == nil { rows[0] = [0, 0, 0, 0, 0, 0xFF, 0xFF] }
        var data: [UInt8] = []
        var index = ""
        for run in Self.runs(rows.keys.sorted()) {
            index += "\(run.first!) \(run.count) "
            for objectNumber in run { data += rows[objectNumber]! }
        }
        let compressed = TestCompression.deflate(data, format: .zlib)
        append(
            "\(number) 0 obj\n<< /Type /XRef /Size \(highestNumber + 1) /W [1 4 2] /Index [\(index)] "
                + "/Filter /FlateDecode /Length \(compressed.count) \(prevEntry())\(trailer) >>\nstream\n")
        append(compressed)
        append("\nendstream\nendobj\nstartxref\n\(offset - headerOffset)\n%%EOF\n")
        endSection(at: offset)
        return offset
    }

    /// Ends the file with `trailer` and a `startxref` to `offset`, and no table at all.
    func finishWithoutTable(trailer: String, startxref: Int = 0) {
        append("trailer\n<< \(trailer) >>\nstartxref\n\(startxref)\n%%EOF\n")
    }

    private func prevEntry() -> String {
        lastSection.map { "/Prev \($0 - headerOffset) " } ?? ""
    }

    private func endSection(at offset: Int) {
        lastSection = offset
        sectionOffsets = [:]
        sectionCompressed = [:]
    }

    static func runs(_ numbers: [Int]) -> [[Int]] {
        var runs: [[Int]] = []
        for number in numbers {
            if let last = runs.last?.last, last + 1 == number {
                runs[runs.count - 1].append(number)
            } else {
                runs.append([number])
            }
        }
        return runs
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    static func bigEndian(_ value: Int, _ width: Int) -> [UInt8] {
        (0..<width).reversed().map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
    }

    /// A minimal one-page document's objects: catalog 1, pages 2, page 3, content 4 showing `text`.
    static func onePage(text: String = "Hello") -> TestPDFBuilder {
        let builder = TestPDFBuilder()
        builder.object(1, "<< /Type /Catalog /Pages 2 0 R >>")
        builder.object(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
        builder.object(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>")
        builder.stream(4, text: "BT /F1 12 Tf 72 720 Td (\(text)) Tj ET")
        return builder
    }
}
