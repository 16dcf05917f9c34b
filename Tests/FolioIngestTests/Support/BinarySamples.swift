import FolioModel
import FolioTestSupport
import Testing

/// Small files of formats Folio does not read, built byte by byte from the formats' specifications:
/// each is what a user might hand `folio extract` by mistake, and what the refusal must name.
struct BinarySample: Sendable, CustomTestStringConvertible {
    let name: String
    let bytes: [UInt8]
    /// How the refusal's reason starts ("a PNG image").
    let expected: String

    var testDescription: String { name }
}

enum BinarySamples {
    static func ascii(_ text: String) -> [UInt8] { Array(text.utf8) }

    static func uint16LE(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF)] }
    static func uint32LE(_ value: Int) -> [UInt8] { uint16LE(value & 0xFFFF) + uint16LE(value >> 16) }
    static func uint32BE(_ value: Int) -> [UInt8] { uint32LE(value).reversed() }

    /// A one-page PDF in plain ASCII (no binary comment line, no compressed stream): only the header tells.
    /// Its text is "Contract".
    static let pdf: [UInt8] = {
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
                + "/Resources << /Font << /F1 5 0 R >> >> >>",
            "<< /Length 41 >>\nstream\nBT /F1 24 Tf 72 720 Td (Contract) Tj ET\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
        var text = "%PDF-1.7\n"
        var offsets: [Int] = []
        for (index, object) in objects.enumerated() {
            offsets.append(text.utf8.count)
            text += "\(index + 1) 0 obj\n\(object)\nendobj\n"
        }
        let xref = text.utf8.count
        text += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets {
            text += String(repeating: "0", count: 10 - String(offset).count) + "\(offset) 00000 n \n"
        }
        text += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return ascii(text)
    }()

    /// The PNG signature, an IHDR chunk for a 1×1 RGB image, and IEND (CRCs as zlib computes them).
    static let png: [UInt8] =
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        + [0, 0, 0, 13] + ascii("IHDR") + uint32BE(1) + uint32BE(1) + [8, 2, 0, 0, 0] + [0x90, 0x77, 0x53, 0xDE]
        + [0, 0, 0, 0] + ascii("IEND") + [0xAE, 0x42, 0x60, 0x82]

    /// An OLE compound file header (512 bytes) and one directory sector naming the root and, when given,
    /// a stream (`WordDocument` for a .doc).
    static func compoundFile(stream: String?) -> [UInt8] {
        var header = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 16)
        header += uint16LE(0x3E) + uint16LE(3) + uint16LE(0xFFFE) + uint16LE(9) + uint16LE(6)  // v3, 512-byte sectors
        header += [UInt8](repeating: 0, count: 512 - header.count)
        func entry(_ name: String, type: UInt8) -> [UInt8] {
            let utf16 = (name + "\0").utf16.flatMap { uint16LE(Int($0)) }
            var bytes = utf16 + [UInt8](repeating: 0, count: 64 - utf16.count) + uint16LE(utf16.count) + [type, 1]
            bytes += [UInt8](repeating: 0xFF, count: 12) + [UInt8](repeating: 0, count: 128 - bytes.count - 12)
            return bytes
        }
        var directory = entry("Root Entry", type: 5)
        if let stream { directory += entry(stream, type: 2) }
        return header + directory + [UInt8](repeating: 0, count: 512 - directory.count)
    }

    /// A 64-byte ELF header (x86-64, little-endian) of the given type (2: executable, 3: shared object).
    static func elf(type: Int) -> [UInt8] {
        var header: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0] + [UInt8](repeating: 0, count: 8)
        header += uint16LE(type) + uint16LE(0x3E) + uint32LE(1) + [UInt8](repeating: 0, count: 40)
        return header + [UInt8](repeating: 0x90, count: 200)  // nops for a body
    }

    /// A tar archive holding one text file: the text alone would be read; the archive is not.
    static let tar: [UInt8] = {
        let content = ascii("This agreement is made between the parties named below.\n")
        var header = ascii("agreement.txt") + [UInt8](repeating: 0, count: 100 - 13)
        header += ascii("0000644\0") + ascii("0001750\0") + ascii("0001750\0")
        header += ascii(String(content.count, radix: 8).leftPadded(to: 11) + "\0") + ascii("14712345670\0")
        header += ascii("        ") + ascii("0") + [UInt8](repeating: 0, count: 100) + ascii("ustar\0") + ascii("00")
        header += [UInt8](repeating: 0, count: 512 - header.count)
        let checksum = header.reduce(0) { $0 + Int($1) }
        let field = ascii(String(checksum, radix: 8).leftPadded(to: 6) + "\0 ")
        header.replaceSubrange(148..<156, with: field)
        let body = content + [UInt8](repeating: 0, count: 512 - content.count)
        return header + body + [UInt8](repeating: 0, count: 1024)
    }()

    /// An Office Open XML package whose main part is `mainPath` (`xl/workbook.xml` for a workbook).
    static func officePackage(mainPath: String, mainXML: String) -> [UInt8] {
        var zip = ZipWriter()
        zip.add(
            "[Content_Types].xml",
            ascii(
                "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>"
            ))
        zip.add(
            "_rels/.rels",
            ascii(
                "<?xml version=\"1.0\"?>"
                    + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                    + "<Relationship Id=\"rId1\" "
                    + "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
                    + "Target=\"\(mainPath)\"/></Relationships>"))
        zip.add(mainPath, ascii(mainXML))
        return zip.finish()
    }

    static func zip(_ entries: [(String, String)]) -> [UInt8] {
        var zip = ZipWriter()
        for (path, text) in entries { zip.add(path, ascii(text), method: path == "mimetype" ? .stored : .deflate) }
        return zip.finish()
    }

    /// Uniform random bytes from a seeded generator.
    static func random(count: Int, seed: UInt64) -> [UInt8] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// What every refusal says after what the file is.
    static let readable = "; Folio reads HTML, XML, DOCX, ODT, PDF and text"

    static let all: [BinarySample] = [
        BinarySample(name: "photo.png", bytes: png, expected: "a PNG image" + readable),
        BinarySample(
            name: "scan.jpg", bytes: [0xFF, 0xD8, 0xFF, 0xE0, 0, 16] + ascii("JFIF\0") + [1, 1, 0, 0, 1, 0, 1, 0, 0],
            expected: "a JPEG image"),
        BinarySample(
            name: "logo.gif", bytes: ascii("GIF89a") + uint16LE(1) + uint16LE(1) + [0, 0, 0, 0x3B],
            expected: "a GIF image"),
        BinarySample(
            name: "fax.tif", bytes: [0x49, 0x49, 0x2A, 0x00] + uint32LE(8) + [0, 0], expected: "a TIFF image"),
        BinarySample(
            name: "chart.bmp",
            bytes: ascii("BM") + uint32LE(58) + uint32LE(0) + uint32LE(54) + uint32LE(40) + uint32LE(1) + uint32LE(1)
                + uint16LE(1) + uint16LE(24) + [UInt8](repeating: 0, count: 28),
            expected: "a BMP image"),
        BinarySample(
            name: "photo.webp",
            bytes: ascii("RIFF") + uint32LE(26) + ascii("WEBPVP8 ") + [UInt8](repeating: 0, count: 18),
            expected: "a WebP image"),
        BinarySample(
            name: "photo.heic", bytes: uint32BE(24) + ascii("ftypheic") + uint32BE(0) + ascii("mif1heic"),
            expected: "a HEIF image"),
        BinarySample(
            name: "clip.mp4", bytes: uint32BE(24) + ascii("ftypisom") + uint32BE(512) + ascii("isomiso2"),
            expected: "an MPEG-4 media file"),
        BinarySample(
            name: "report.doc", bytes: compoundFile(stream: "WordDocument"),
            expected: "a Word 97-2003 document (.doc)" + readable + " (save it as DOCX to read it)"),
        BinarySample(
            name: "mystery.bin", bytes: compoundFile(stream: nil),
            expected: "a legacy Microsoft Office file (OLE compound file"),
        BinarySample(name: "tool", bytes: elf(type: 2), expected: "an ELF executable" + readable),
        BinarySample(name: "libtool.so", bytes: elf(type: 3), expected: "an ELF executable or shared library"),
        BinarySample(
            name: "tool-macos",
            bytes: [0xCF, 0xFA, 0xED, 0xFE, 7, 0, 0, 1, 3, 0, 0, 0, 2, 0, 0, 0] + [UInt8](repeating: 0, count: 48),
            expected: "a Mach-O executable or library"),
        BinarySample(
            name: "tool-universal", bytes: [0xCA, 0xFE, 0xBA, 0xBE] + uint32BE(2) + [UInt8](repeating: 0, count: 40),
            expected: "a Mach-O universal binary"),
        BinarySample(
            name: "setup.exe",
            bytes: ascii("MZ") + [UInt8](repeating: 0, count: 0x3A) + uint32LE(0x40) + ascii("PE\0\0")
                + uint16LE(0x8664) + [UInt8](repeating: 0, count: 18),
            expected: "a Windows executable or DLL (PE)"),
        BinarySample(
            name: "Main.class", bytes: [0xCA, 0xFE, 0xBA, 0xBE, 0, 0, 0, 65] + [UInt8](repeating: 0, count: 16),
            expected: "a Java class file"),
        BinarySample(
            name: "module.wasm", bytes: [0x00, 0x61, 0x73, 0x6D, 1, 0, 0, 0], expected: "a WebAssembly module"),
        BinarySample(
            name: "cache.pyc",
            bytes: [0xCB, 0x0D, 0x0D, 0x0A, 0, 0, 0, 0] + uint32LE(1_700_000_000) + uint32LE(120) + [0xE3]
                + [UInt8](repeating: 0, count: 20), expected: "compiled Python bytecode"),
        BinarySample(
            name: "notes.db", bytes: ascii("SQLite format 3\0") + uint16LE(0x10) + [UInt8](repeating: 0, count: 82),
            expected: "an SQLite database"),
        BinarySample(
            name: "backup.7z", bytes: [0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C, 0, 4] + [UInt8](repeating: 0, count: 24),
            expected: "a 7-Zip archive"),
        BinarySample(
            name: "backup.rar",
            bytes: [0x52, 0x61, 0x72, 0x21, 0x1A, 0x07, 0x01, 0x00] + [UInt8](repeating: 0, count: 16),
            expected: "a RAR archive"),
        BinarySample(
            name: "notes.txt.xz",
            bytes: [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00, 0x00, 0x04] + [UInt8](repeating: 0, count: 24),
            expected: "xz-compressed data"),
        BinarySample(
            name: "notes.txt.bz2",
            bytes: ascii("BZh9") + [0x31, 0x41, 0x59, 0x26, 0x53, 0x59] + [UInt8](repeating: 0x55, count: 30),
            expected: "bzip2-compressed data"),
        BinarySample(
            name: "notes.txt.zst", bytes: [0x28, 0xB5, 0x2F, 0xFD, 0x24, 0x05] + ascii("hello"),
            expected: "Zstandard-compressed data"),
        BinarySample(
            name: "object", bytes: TestCompression.deflate(ascii("blob 12\0hello world\n"), format: .zlib),
            expected: "zlib-compressed data"),
        BinarySample(name: "agreements.tar", bytes: tar, expected: "a tar archive"),
        BinarySample(
            name: "font.ttf", bytes: [0, 1, 0, 0] + [0, 10, 0, 128, 0, 3, 0, 32] + [UInt8](repeating: 0, count: 160),
            expected: "a font (TrueType or OpenType)"),
        BinarySample(
            name: "subtitles.srt",
            bytes: [0xFF, 0xFE, 0, 0]
                + "1\n00:00:01,000 --> 00:00:02,000\nHello\n".unicodeScalars.flatMap { uint32LE(Int($0.value)) },
            expected: "UTF-32LE text"),
        BinarySample(
            name: "budget.xlsx",
            bytes: officePackage(
                mainPath: "xl/workbook.xml",
                mainXML: "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"/>"),
            expected: "an Excel workbook (XLSX)" + readable),
        BinarySample(
            name: "deck.pptx",
            bytes: officePackage(
                mainPath: "ppt/presentation.xml",
                mainXML: "<p:presentation xmlns:p=\"http://schemas.openxmlformats.org/presentationml/2006/main\"/>"),
            expected: "a PowerPoint presentation (PPTX)"),
        BinarySample(
            name: "novel.epub",
            bytes: zip([("mimetype", "application/epub+zip"), ("META-INF/container.xml", "<container/>")]),
            expected: "an EPUB e-book"),
        BinarySample(
            name: "sheet.ods",
            bytes: zip([("mimetype", "application/vnd.oasis.opendocument.spreadsheet"), ("content.xml", "<x/>")]),
            expected: "an OpenDocument spreadsheet (ODS)"),
        BinarySample(
            name: "app.jar",
            bytes: zip([("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n"), ("Main.class", "\u{1}")]),
            expected: "a Java archive (JAR)"),
        BinarySample(name: "data.bin", bytes: random(count: 4096, seed: 1), expected: "binary data ("),
        BinarySample(
            name: "zeros.txt", bytes: [UInt8](repeating: 0, count: 100_000),
            expected: "binary data (100 % control bytes in the first 8 KiB), not text" + readable),
        BinarySample(
            name: "photo.png.gz", bytes: TestCompression.deflate(png),
            expected: "a PNG image inside a gzip stream" + readable),
        BinarySample(
            name: "data.bin.gz", bytes: TestCompression.deflate(random(count: 1000, seed: 2)), expected: "binary data ("
        ),
    ]
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
