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
        /// A simple font's encoding, per code (glyph names through the Adobe Glyph List).
        case simple([[Unicode.Scalar]?])
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
            guard code < 256, let mapped = table[Int(code)], Self.isUsable(mapped) else { return false }
            scalars += mapped
            return true
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

    private static func isUsable(_ mapped: some Collection<Unicode.Scalar>) -> Bool {
        guard !mapped.isEmpty else { return false }
        for scalar in mapped {
            let value = scalar.value
            if value == 0xFFFD || (value < 0x20 && value != 0x09 && value != 0x0A && value != 0x0D) { return false }
        }
        return true
    }
}
