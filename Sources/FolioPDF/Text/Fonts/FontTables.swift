/// The font data the text layer needs and PDFs leave out: the Adobe Glyph List, the built-in encodings
/// and the widths of the standard 14 fonts. The tables are generated (`FontTables+Data.swift`, by
/// `Scripts/generate_pdf_font_tables.py`) as compact strings and parsed once, on first use.
enum FontTables {
    /// A built-in encoding (ISO 32000-1, Annex D).
    enum Encoding: Sendable {
        case standard, winAnsi, macRoman, pdfDoc, symbol, zapfDingbats

        /// 256 glyph names, nil for an unused code.
        var glyphNames: [String?] {
            switch self {
            case .standard: FontTables.standard
            case .winAnsi: FontTables.winAnsi
            case .macRoman: FontTables.macRoman
            case .pdfDoc: FontTables.pdfDoc
            case .symbol: FontTables.symbol
            case .zapfDingbats: FontTables.zapfDingbats
            }
        }

        /// The encoding an `/Encoding` or `/BaseEncoding` name stands for.
        init?(name: PDFName) {
            switch name.string {
            case "StandardEncoding": self = .standard
            case "WinAnsiEncoding": self = .winAnsi
            case "MacRomanEncoding": self = .macRoman
            case "PDFDocEncoding": self = .pdfDoc
            default: return nil
            }
        }
    }

    private static let standard = parseEncoding(standardEncoding)
    private static let winAnsi = parseEncoding(winAnsiEncoding)
    private static let macRoman = parseEncoding(macRomanEncoding)
    private static let pdfDoc = parseEncoding(pdfDocEncoding)
    private static let symbol = parseEncoding(symbolEncoding)
    private static let zapfDingbats = parseEncoding(zapfDingbatsEncoding)

    private static let glyphList = parseGlyphList(adobeGlyphListData)
    private static let zapfDingbatsGlyphList = parseGlyphList(zapfDingbatsGlyphListData)

    /// Widths in 1/1000 em by glyph name, by standard font name (`Helvetica-Bold`).
    private static let standardWidths: [String: [String: Int]] = {
        let latin = latinGlyphNames.split(whereSeparator: \.isWhitespace).map(String.init)
        let symbolNames = symbolGlyphNames.split(whereSeparator: \.isWhitespace).map(String.init)
        let dingbatNames = zapfDingbatsGlyphNames.split(whereSeparator: \.isWhitespace).map(String.init)
        var result: [String: [String: Int]] = [:]
        for (font, data) in standardFontWidthData {
            let names = font == "Symbol" ? symbolNames : font == "ZapfDingbats" ? dingbatNames : latin
            var widths: [String: Int] = [:]
            for (name, width) in zip(names, data.split(whereSeparator: \.isWhitespace)) {
                if let value = Int(width) { widths[name] = value }
            }
            result[font] = widths
        }
        return result
    }()

    // MARK: Glyph names

    /// A glyph name's Unicode scalars by the Adobe Glyph List specification: the part before the first
    /// period, split at underscores, each component looked up in the AGL (or the Zapf Dingbats list),
    /// or read as `uniXXXX…` or `uXXXX[XX]`. Nil when no component maps.
    static func unicode(forGlyphName name: String, isZapfDingbats: Bool = false) -> [Unicode.Scalar]? {
        let base = name.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        guard !base.isEmpty else { return nil }
        if !base.contains("_") { return component(base, isZapfDingbats: isZapfDingbats) }
        var result: [Unicode.Scalar] = []
        for part in base.split(separator: "_") {
            if let scalars = component(part, isZapfDingbats: isZapfDingbats) { result += scalars }
        }
        return result.isEmpty ? nil : result
    }

    private static func component(_ part: Substring, isZapfDingbats: Bool) -> [Unicode.Scalar]? {
        if isZapfDingbats, let scalars = zapfDingbatsGlyphList[String(part)] { return scalars }
        if let scalars = glyphList[String(part)] { return scalars }
        let utf8 = Array(part.utf8)
        if utf8.count >= 7, utf8.starts(with: "uni".utf8), (utf8.count - 3) % 4 == 0 {
            var scalars: [Unicode.Scalar] = []
            var index = 3
            while index < utf8.count {
                guard let value = upperHex(utf8[index..<index + 4]), !(0xD800...0xDFFF).contains(value),
                    let scalar = Unicode.Scalar(value)
                else { return nil }
                scalars.append(scalar)
                index += 4
            }
            return scalars
        }
        if utf8.count >= 5, utf8.count <= 7, utf8[0] == UInt8(ascii: "u"), let value = upperHex(utf8[1...]),
            let scalar = Unicode.Scalar(value)
        {
            return [scalar]
        }
        return nil
    }

    /// The last resort for subset fonts whose glyph names are numbers: `cidNN` and `gNN` (decimal) and
    /// `GXX` (two hex digits) read as the character's code, when that is a printable character.
    static func lastResortUnicode(forGlyphName name: String) -> Unicode.Scalar? {
        let utf8 = Array(name.utf8)
        var value: UInt32?
        if utf8.count > 3, utf8.starts(with: "cid".utf8) {
            value = UInt32(String(decoding: utf8[3...], as: UTF8.self))
        } else if utf8.count > 1, utf8.count <= 6, utf8[0] == UInt8(ascii: "g") {
            value = UInt32(String(decoding: utf8[1...], as: UTF8.self))
        } else if utf8.count == 3, utf8[0] == UInt8(ascii: "G") {
            value = upperHex(utf8[1...])
        }
        guard let value, value >= 0x20, !(0x7F...0x9F).contains(value), let scalar = Unicode.Scalar(value)
        else { return nil }
        return scalar
    }

    private static func upperHex(_ digits: ArraySlice<UInt8>) -> UInt32? {
        var value: UInt32 = 0
        for digit in digits {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = value << 4 | UInt32(digit - UInt8(ascii: "0"))
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = value << 4 | UInt32(digit - UInt8(ascii: "A") + 10)
            default: return nil
            }
        }
        return value
    }

    // MARK: Standard 14 fonts

    /// The standard font a `/BaseFont` names, by family and style, with the common aliases (`Arial,Bold`,
    /// `TimesNewRomanPS-BoldMT`, `CourierNew`); a subset prefix (`ABCDEF+`) is ignored.
    static func standardFontName(for baseFont: String) -> String? {
        var name = Substring(baseFont)
        if let plus = name.firstIndex(of: "+"), name.distance(from: name.startIndex, to: plus) == 6 {
            name = name[name.index(after: plus)...]
        }
        let compact = name.filter { $0 != " " && $0 != "-" && $0 != "," }
        let bold = compact.contains("Bold")
        let italic = compact.contains("Italic") || compact.contains("Oblique")
        if compact.hasPrefix("Symbol") { return "Symbol" }
        if compact.hasPrefix("ZapfDingbats") || compact.hasPrefix("Dingbats") { return "ZapfDingbats" }
        if compact.hasPrefix("Helvetica") || compact.hasPrefix("Arial") {
            return "Helvetica" + (bold ? (italic ? "-BoldOblique" : "-Bold") : (italic ? "-Oblique" : ""))
        }
        if compact.hasPrefix("Courier") {
            return "Courier" + (bold ? (italic ? "-BoldOblique" : "-Bold") : (italic ? "-Oblique" : ""))
        }
        if compact.hasPrefix("Times") {
            return "Times-" + (bold ? (italic ? "BoldItalic" : "Bold") : (italic ? "Italic" : "Roman"))
        }
        return nil
    }

    /// A standard font's widths (1/1000 em) by glyph name.
    static func widths(ofStandardFont name: String) -> [String: Int]? { standardWidths[name] }

    // MARK: Parsing

    private static func parseEncoding(_ text: String) -> [String?] {
        var names = text.split(whereSeparator: \.isWhitespace).map { $0 == "." ? nil : String($0) }
        names += Array(repeating: nil, count: max(0, 256 - names.count))
        return Array(names.prefix(256))
    }

    private static func parseGlyphList(_ text: String) -> [String: [Unicode.Scalar]] {
        var result: [String: [Unicode.Scalar]] = [:]
        result.reserveCapacity(4_400)
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 2 else { continue }
            let scalars = fields.dropFirst().compactMap { UInt32($0, radix: 16).flatMap(Unicode.Scalar.init) }
            result[String(fields[0])] = scalars
        }
        return result
    }
}
