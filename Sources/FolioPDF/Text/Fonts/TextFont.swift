/// What the text layer knows of a font: how its strings split into codes, each code's width and its
/// Unicode text (ISO 32000-1, 9.5–9.10). Built once per font dictionary (`TextFont+Loading.swift`) and
/// shared across pages.
final class TextFont: Sendable {
    /// How a composite font's codes become CIDs (for widths).
    enum CIDMapping: Sendable {
        case identity
        case cmap(CMap)
    }

    /// How codes become Unicode when no ToUnicode entry answers.
    enum UnicodeFallback: Sendable {
        /// A simple font's text per code: its ToUnicode entries merged over its encoding's glyph names.
        case simple(SimpleUnicodeTable)
        /// Codes are UCS-2 / UTF-16 (`/ToUnicode /Identity-H` as a name, or a `Uni…-UCS2`/`-UTF16` CMap).
        case utf16
        case none
    }

    let baseFont: String
    let isBold: Bool
    let isComposite: Bool
    let isVertical: Bool
    /// Glyph space to text space: 1/1000 except for Type 3 fonts (their `/FontMatrix`).
    let glyphScale: Double
    /// A Type 3 font's em in text-space units per unit font size (1 for other fonts).
    let emScale: Double
    /// Code splitting for composite fonts (empty for simple fonts: one byte per code).
    let codespace: Codespace
    let cidMapping: CIDMapping
    let toUnicode: CMap?
    let fallback: UnicodeFallback
    /// Simple fonts: width per code in glyph units.
    let simpleWidths: [Double]
    /// Composite fonts: widths by CID in glyph units, with `/DW`.
    let cidWidths: CodeMap<Double>
    let defaultWidth: Double
    /// The width of the space glyph in glyph units, when the font has one.
    let spaceWidth: Double?

    init(
        baseFont: String, isBold: Bool, isComposite: Bool, isVertical: Bool, glyphScale: Double, emScale: Double,
        codespace: Codespace, cidMapping: CIDMapping, toUnicode: CMap?, fallback: UnicodeFallback,
        simpleWidths: [Double], cidWidths: CodeMap<Double>, defaultWidth: Double, spaceWidth: Double?
    ) {
        self.baseFont = baseFont
        self.isBold = isBold
        self.isComposite = isComposite
        self.isVertical = isVertical
        self.glyphScale = glyphScale
        self.emScale = emScale
        self.codespace = codespace
        self.cidMapping = cidMapping
        self.toUnicode = toUnicode
        self.fallback = fallback
        self.simpleWidths = simpleWidths
        self.cidWidths = cidWidths
        self.defaultWidth = defaultWidth
        self.spaceWidth = spaceWidth
    }

    /// The code at `index` of a shown string and its length in bytes.
    @inline(__always) func code(in bytes: [UInt8], at index: Int) -> (code: UInt32, byteCount: Int) {
        if !isComposite { return (UInt32(bytes[index]), 1) }
        return codespace.code(in: bytes, at: index)
    }

    func cid(for code: UInt32) -> UInt32? {
        switch cidMapping {
        case .identity: code
        case .cmap(let cmap): cmap.cid(for: code)
        }
    }

    /// The horizontal advance of `code` in glyph units (vertical fonts advance by ``defaultWidth`` down).
    func width(of code: UInt32) -> Double {
        if !isComposite { return code < 256 ? simpleWidths[Int(code)] : 0 }
        guard let cid = cid(for: code) else { return defaultWidth }
        if let (width, _) = cidWidths.lookup(cid) { return width }
        return defaultWidth
    }

    /// Appends the text of `code` to `scalars`; false (and nothing appended) when the font gives no way
    /// to Unicode, or maps the code to nothing usable (a control character, U+FFFD).
    func appendUnicode(of code: UInt32, byteCount: Int, to scalars: inout [Unicode.Scalar]) -> Bool {
        if let toUnicode, let mapped = toUnicode.scalars(for: code), Self.isUsable(mapped) {
            scalars += mapped
            return true
        }
        switch fallback {
        case .simple(let table):
            return code < 256 && table.append(Int(code), to: &scalars)
        case .utf16:
            var value = code
            if byteCount == 4, (0xD800...0xDBFF).contains(code >> 16), (0xDC00...0xDFFF).contains(code & 0xFFFF) {
                value = 0x10000 + (((code >> 16) - 0xD800) << 10) + ((code & 0xFFFF) - 0xDC00)
            }
            guard let scalar = Unicode.Scalar(value), Self.isUsable(CollectionOfOne(scalar)) else { return false }
            scalars.append(scalar)
            return true
        case .none:
            return false
        }
    }

    static func isUsable(_ mapped: some Collection<Unicode.Scalar>) -> Bool {
        guard !mapped.isEmpty else { return false }
        for scalar in mapped {
            let value = scalar.value
            if value == 0xFFFD || (value < 0x20 && value != 0x09 && value != 0x0A && value != 0x0D) { return false }
        }
        return true
    }
}

/// A simple font's 256 codes and their text, the common one-scalar case in a flat array.
struct SimpleUnicodeTable: Sendable {
    /// The scalar per code; 0 when the code has no text, ``multiple`` when it has several.
    private var singles = [UInt32](repeating: 0, count: 256)
    private var multiples: [Int: [Unicode.Scalar]] = [:]
    private static let multiple: UInt32 = 0xFFFF_FFFF

    /// A table of the usable entries of `entries` (256 of them).
    init(_ entries: [[Unicode.Scalar]?]) {
        for (code, entry) in entries.enumerated().prefix(256) {
            guard let entry, TextFont.isUsable(entry) else { continue }
            if entry.count == 1 {
                singles[code] = entry[0].value
            } else {
                singles[code] = Self.multiple
                multiples[code] = entry
            }
        }
    }

    /// Appends the text of `code`; false when it has none.
    @inline(__always) func append(_ code: Int, to scalars: inout [Unicode.Scalar]) -> Bool {
        let value = singles[code]
        if value == 0 { return false }
        if value != Self.multiple, let scalar = Unicode.Scalar(value) {
            scalars.append(scalar)
            return true
        }
        guard let entry = multiples[code] else { return false }
        scalars += entry
        return true
    }

    func text(of code: Int) -> [Unicode.Scalar]? {
        let value = singles[code]
        if value == 0 { return nil }
        if value != Self.multiple { return Unicode.Scalar(value).map { [$0] } }
        return multiples[code]
    }
}
