/// A format Folio does not read, recognized by its signature (its "magic number") in the first bytes.
///
/// The signatures are those `file(1)` and Apache Tika match, written here from the formats'
/// specifications. Each one is specific enough that text never starts with it by chance: where a
/// signature is short or printable (`BM`, `MZ`, `OTTO`), the header fields that follow are checked
/// too. PDF, which Folio reads, is recognized in this file as well (``FormatSniffer/isPDF(_:)``).
/// Formats that only `file(1)` tells from deeper structure (a v7 tar, a headerless database) are left
/// to ``TextPlausibility``, which refuses them as binary data.
///
/// Most of these formats are binary; RTF and PostScript are text, and a caller who forces a text
/// format (``IngestOptions/format``) still gets their characters verbatim.
struct UnsupportedFormat: Sendable {
    /// What the content is, as a noun phrase: "a PNG image".
    let description: String
    /// Whether the format is made of text (RTF, PostScript), so that reading it as text is not wrong.
    var isText = false
    /// What else to say after the list of formats Folio reads ("save it as DOCX to read it").
    var note: String?

    /// What the error says: "a Word 97-2003 document (.doc); Folio reads HTML, XML, DOCX, ODT, PDF and
    /// text (save it as DOCX to read it)".
    func reason(insideGzip: Bool) -> String {
        let inside = insideGzip ? " inside a gzip stream" : ""
        return "\(description)\(inside); \(Self.readableFormats)\(note.map { " (\($0))" } ?? "")"
    }

    /// The formats Folio reads, as error messages list them.
    static let readableFormats = "Folio reads HTML, XML, DOCX, ODT, PDF and text"

    /// The format whose signature starts `prefix` (after gzip is inflated), or nil when none does.
    ///
    /// ZIP containers are not recognized here: ``OfficeContainer`` opens them and names what it finds.
    static func recognize(_ prefix: [UInt8]) -> UnsupportedFormat? {
        let bytes = Signature(prefix)
        let families: [(Signature) -> UnsupportedFormat?] = [
            images, documents, programs, archives, media, fonts, encodings,
        ]
        for family in families {
            if let found = family(bytes) { return found }
        }
        return nil
    }

    private static func images(_ bytes: Signature) -> UnsupportedFormat? {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            return .init(description: "a PNG image")
        }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .init(description: "a JPEG image") }
        if bytes.starts(with: "GIF87a") || bytes.starts(with: "GIF89a") { return .init(description: "a GIF image") }
        let tiffs: [[UInt8]] = [
            [0x49, 0x49, 0x2A, 0x00], [0x4D, 0x4D, 0x00, 0x2A], [0x49, 0x49, 0x2B, 0x00], [0x4D, 0x4D, 0x00, 0x2B],
        ]
        for tiff in tiffs where bytes.starts(with: tiff) {
            return .init(description: "a TIFF image")
        }
        // "BM" starts words too: the reserved fields must be zero and the DIB header a known size.
        if bytes.starts(with: "BM"), bytes.uint32LE(at: 6) == 0,
            let headerSize = bytes.uint32LE(at: 14), [12, 40, 52, 56, 64, 108, 124].contains(headerSize)
        {
            return .init(description: "a BMP image")
        }
        if bytes.starts(with: "RIFF"), bytes.matches("WEBP", at: 8) { return .init(description: "a WebP image") }
        // An icon directory: reserved 0, type 1, 1…255 images; the first entry's reserved byte 0, planes 0 or 1.
        if bytes.starts(with: [0x00, 0x00, 0x01, 0x00]), let count = bytes.uint16LE(at: 4), (1...255).contains(count),
            bytes[9] == 0, let planes = bytes.uint16LE(at: 10), planes <= 1
        {
            return .init(description: "a Windows icon (ICO)")
        }
        if bytes.starts(with: "8BPS"), bytes.uint16BE(at: 4) == 1 {
            return .init(description: "a Photoshop image (PSD)")
        }
        return nil
    }

    private static func documents(_ bytes: Signature) -> UnsupportedFormat? {
        if bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) { return compoundFile(bytes) }
        if bytes.starts(with: "{\\rtf") {
            return .init(description: "an RTF document", isText: true, note: "RTF is not supported; save it as DOCX")
        }
        if bytes.starts(with: "%!PS") { return .init(description: "a PostScript document", isText: true) }
        if bytes.starts(with: [0xC5, 0xD0, 0xD3, 0xC6]) {
            return .init(description: "an EPS image (DOS binary header)")
        }
        if bytes.starts(with: "SQLite format 3\0") { return .init(description: "an SQLite database") }
        if bytes.starts(with: [0xDE, 0x12, 0x04, 0x95]) || bytes.starts(with: [0x95, 0x04, 0x12, 0xDE]) {
            return .init(description: "a gettext message catalog (.mo)")
        }
        return nil
    }

    /// An OLE compound file: which program wrote it shows in the names of its streams (UTF-16LE), when
    /// the directory lies in the bytes at hand.
    private static func compoundFile(_ bytes: Signature) -> UnsupportedFormat {
        if bytes.find(utf16LE: "WordDocument") != nil {
            return .init(description: "a Word 97-2003 document (.doc)", note: "save it as DOCX to read it")
        }
        let streams: [(String, String)] = [
            ("Workbook", "an Excel 97-2003 workbook (.xls)"),
            ("PowerPoint Document", "a PowerPoint 97-2003 presentation (.ppt)"),
            ("__substg1.0_", "an Outlook message (.msg)"), ("VisioDocument", "a Visio drawing (.vsd)"),
        ]
        for (stream, description) in streams where bytes.find(utf16LE: stream) != nil {
            return .init(description: description)
        }
        return .init(
            description: "a legacy Microsoft Office file (OLE compound file: .doc, .xls, .ppt or .msg)",
            note: "a Word document saved as DOCX can be read")
    }

    private static func programs(_ bytes: Signature) -> UnsupportedFormat? {
        if bytes.starts(with: [0x7F, 0x45, 0x4C, 0x46]) {
            // e_type, in the byte order that EI_DATA gives.
            let type = bytes[5] == 2 ? bytes.uint16BE(at: 16) : bytes.uint16LE(at: 16)
            let kind =
                switch type {
                case 1: "an ELF object file"
                case 2: "an ELF executable"
                case 3: "an ELF executable or shared library"
                case 4: "an ELF core dump"
                default: "an ELF file"
                }
            return .init(description: kind)
        }
        let machO: [[UInt8]] = [
            [0xFE, 0xED, 0xFA, 0xCE], [0xFE, 0xED, 0xFA, 0xCF], [0xCE, 0xFA, 0xED, 0xFE], [0xCF, 0xFA, 0xED, 0xFE],
        ]
        for magic in machO where bytes.starts(with: magic) {
            return .init(description: "a Mach-O executable or library")
        }
        if bytes.starts(with: [0xCA, 0xFE, 0xBA, 0xBE]) || bytes.starts(with: [0xCA, 0xFE, 0xBA, 0xBF]),
            let count = bytes.uint32BE(at: 4)
        {
            // A universal binary counts its architectures where a class file has its version (45 and up).
            return .init(description: count < 45 ? "a Mach-O universal binary" : "a Java class file")
        }
        if bytes.starts(with: "MZ"), let header = bytes.uint32LE(at: 0x3C), header < FormatSniffer.windowSize,
            bytes.matches([0x50, 0x45, 0x00, 0x00], at: Int(header))
        {
            return .init(description: "a Windows executable or DLL (PE)")
        }
        if bytes.starts(with: [0x00, 0x61, 0x73, 0x6D]) { return .init(description: "a WebAssembly module") }
        // Python 3 bytecode: a magic number from 3000 up, CR LF, then 32 bits of flags (0, 1 or 3).
        if (0x0B...0x0E).contains(bytes[1] ?? 0), bytes.matches([0x0D, 0x0A], at: 2),
            [0, 1, 3].contains(bytes[4] ?? 9), bytes.matches([0, 0, 0], at: 5)
        {
            return .init(description: "compiled Python bytecode (.pyc)")
        }
        if bytes.starts(with: [0x42, 0x43, 0xC0, 0xDE]) { return .init(description: "LLVM bitcode") }
        return nil
    }

    private static func archives(_ bytes: Signature) -> UnsupportedFormat? {
        let archives: [([UInt8], String)] = [
            ([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C], "a 7-Zip archive"),
            ([0x52, 0x61, 0x72, 0x21, 0x1A, 0x07], "a RAR archive"),
            ([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], "xz-compressed data"),
            ([0x28, 0xB5, 0x2F, 0xFD], "Zstandard-compressed data"),
            ([0x04, 0x22, 0x4D, 0x18], "LZ4-compressed data"),
            ([0x1F, 0x8B], "gzip-compressed data"),
        ]
        for (magic, description) in archives where bytes.starts(with: magic) {
            // gzip here is a second layer: the first one has been inflated.
            return .init(description: description, note: magic == [0x1F, 0x8B] ? "it inflates one gzip layer" : nil)
        }
        // zlib (a Git object, say): deflate with a 32 KiB window, and a header check that 78 5E ("x^") passes
        // too, so only the three levels whose second byte is not printable are taken.
        if bytes.starts(with: [0x78]), [0x01, 0x9C, 0xDA].contains(bytes[1] ?? 0) {
            return .init(description: "zlib-compressed data")
        }
        // bzip2: "BZh", the block size, then the first block's magic (the digits of pi) or the end of stream.
        if bytes.starts(with: "BZh"), (0x31...0x39).contains(bytes[3] ?? 0),
            bytes.matches([0x31, 0x41, 0x59, 0x26, 0x53, 0x59], at: 4)
                || bytes.matches([0x17, 0x72, 0x45, 0x38, 0x50, 0x90], at: 4)
        {
            return .init(description: "bzip2-compressed data")
        }
        if bytes.matches("ustar", at: 257) { return .init(description: "a tar archive") }
        if bytes.starts(with: "!<arch>\n") {
            let isPackage = bytes.matches("debian-binary", at: 8)
            return .init(description: isPackage ? "a Debian package" : "an ar archive (a static library)")
        }
        return nil
    }

    private static func media(_ bytes: Signature) -> UnsupportedFormat? {
        // ISO base media files (MP4, MOV, HEIF, AVIF) start with a box named "ftyp" holding the brand.
        if bytes.matches("ftyp", at: 4), let size = bytes.uint32BE(at: 0), size >= 8, size % 4 == 0 {
            let brand = String(decoding: (8..<12).map { bytes[$0] ?? 0x20 }, as: UTF8.self)
            switch brand {
            case "heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1":
                return .init(description: "a HEIF image")
            case "avif", "avis": return .init(description: "an AVIF image")
            case "M4A ", "M4B ": return .init(description: "an MPEG-4 audio file")
            case "qt  ": return .init(description: "a QuickTime movie")
            default: return .init(description: "an MPEG-4 media file")
            }
        }
        if bytes.starts(with: "RIFF") {
            if bytes.matches("WAVE", at: 8) { return .init(description: "a WAVE audio file") }
            if bytes.matches("AVI ", at: 8) { return .init(description: "an AVI video") }
        }
        if bytes.starts(with: "OggS\0") { return .init(description: "an Ogg media file") }
        if bytes.starts(with: "fLaC"), bytes[4].map({ $0 & 0x7F == 0 }) == true {
            return .init(description: "a FLAC audio file")
        }
        if bytes.starts(with: "ID3"), (2...4).contains(bytes[3] ?? 0), (bytes[4] ?? 0xFF) < 0x10 {
            return .init(description: "an MP3 audio file")
        }
        if bytes.starts(with: [0x1A, 0x45, 0xDF, 0xA3]) { return .init(description: "a Matroska or WebM video") }
        if bytes.starts(with: "MThd"), bytes.uint32BE(at: 4) == 6 { return .init(description: "a MIDI file") }
        return nil
    }

    private static func fonts(_ bytes: Signature) -> UnsupportedFormat? {
        if bytes.starts(with: "wOFF") || bytes.starts(with: "wOF2") { return .init(description: "a web font (WOFF)") }
        if bytes.starts(with: "ttcf"), let version = bytes.uint32BE(at: 4),
            version == 0x0001_0000 || version == 0x0002_0000
        {
            return .init(description: "a font collection (TTC)")
        }
        // An sfnt header: the version, then a table count (1 to a few dozen) and the binary search fields.
        for version in [[0x00, 0x01, 0x00, 0x00], Array("OTTO".utf8), Array("true".utf8)]
        where bytes.starts(with: version) {
            guard let tables = bytes.uint16BE(at: 4), (1...64).contains(tables), let range = bytes.uint16BE(at: 6),
                range.nonzeroBitCount == 1
            else { continue }
            return .init(description: "a font (TrueType or OpenType)")
        }
        return nil
    }

    /// Text in encodings Folio does not read, told by their byte-order marks.
    private static func encodings(_ bytes: Signature) -> UnsupportedFormat? {
        let note = "its encodings are UTF-8, UTF-16, GB18030 and windows-1252"
        if bytes.starts(with: [0xFF, 0xFE, 0x00, 0x00]) { return .init(description: "UTF-32LE text", note: note) }
        if bytes.starts(with: [0x00, 0x00, 0xFE, 0xFF]) { return .init(description: "UTF-32BE text", note: note) }
        return nil
    }
}

extension FormatSniffer {
    /// Whether the input is a PDF: it starts with `%PDF-`, or has `%PDF-` and a version digit within its
    /// first 1,024 bytes (after a MacBinary or mail header, say; readers accept the header there) with an
    /// object (` 0 obj`) after it, so that text about PDF is still text.
    static func isPDF(_ prefix: [UInt8]) -> Bool {
        let bytes = Signature(prefix)
        if bytes.starts(with: "%PDF-") { return true }
        guard let header = bytes.find("%PDF-", before: 1024), bytes.digit(at: header + 5) else { return false }
        return bytes.find(" 0 obj", from: header, before: windowSize) != nil
    }
}

/// The first bytes of an input, read without running past their end.
private struct Signature {
    let bytes: [UInt8]

    init(_ prefix: [UInt8]) { bytes = prefix }

    subscript(_ index: Int) -> UInt8? { index < bytes.count ? bytes[index] : nil }

    func starts(with magic: [UInt8]) -> Bool { bytes.starts(with: magic) }
    func starts(with magic: String) -> Bool { bytes.starts(with: magic.utf8) }

    func matches(_ magic: [UInt8], at offset: Int) -> Bool {
        offset >= 0 && offset + magic.count <= bytes.count && bytes[offset..<offset + magic.count].elementsEqual(magic)
    }
    func matches(_ magic: String, at offset: Int) -> Bool { matches(Array(magic.utf8), at: offset) }

    func digit(at index: Int) -> Bool { self[index].map { (0x30...0x39).contains($0) } ?? false }

    func uint16LE(at offset: Int) -> Int? {
        guard offset + 2 <= bytes.count else { return nil }
        return Int(bytes[offset]) | Int(bytes[offset + 1]) << 8
    }
    func uint16BE(at offset: Int) -> Int? {
        guard offset + 2 <= bytes.count else { return nil }
        return Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
    }
    func uint32LE(at offset: Int) -> Int? {
        guard let low = uint16LE(at: offset), let high = uint16LE(at: offset + 2) else { return nil }
        return high << 16 | low
    }
    func uint32BE(at offset: Int) -> Int? {
        guard let high = uint16BE(at: offset), let low = uint16BE(at: offset + 2) else { return nil }
        return high << 16 | low
    }

    /// Where `literal` first starts at or after `start` and before `end`.
    func find(_ literal: String, from start: Int = 0, before end: Int) -> Int? {
        find(Array(literal.utf8), from: start, before: end)
    }

    /// Where `name` in UTF-16LE (an OLE directory entry's name) first occurs.
    func find(utf16LE name: String) -> Int? {
        find(name.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }, from: 0, before: bytes.count)
    }

    private func find(_ needle: [UInt8], from start: Int, before end: Int) -> Int? {
        guard let first = needle.first else { return nil }
        let last = min(end, bytes.count - needle.count + 1)
        var index = start
        while index < last {
            if bytes[index] == first && bytes[index..<index + needle.count].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
