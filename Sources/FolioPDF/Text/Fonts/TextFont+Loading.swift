/// Building a ``TextFont`` from a font dictionary (ISO 32000-1, 9.6–9.10).
///
/// Unicode comes, in order: from the ToUnicode CMap; for simple fonts, from the encoding's glyph names
/// (`/Differences` over `/BaseEncoding`, the standard 14's built-in encodings, StandardEncoding)
/// through the Adobe Glyph List, `uniXXXX` and `uXXXX` names, and last numeric subset names; for
/// composite fonts, from a ToUnicode given as the name `Identity-H` (codes are UCS-2) or a predefined
/// UCS-2/UTF-16 CMap. Anything else is unmapped: counted, never guessed.
extension TextFont {
    /// Bit 19 of `/Flags`: the font is drawn bold.
    private static let forceBoldFlag = 1 << 18

    static func load(
        _ dictionary: PDFDictionary, source: any PDFObjectSource, limits: PDFLimits
    ) throws(PDFError) -> TextFont {
        let subtype = try source.value(dictionary, "Subtype")?.name?.string ?? "Type1"
        let baseFont = try source.value(dictionary, "BaseFont")?.name?.string ?? ""
        var toUnicode: CMap?
        var identityToUnicode = false
        switch try source.value(dictionary, "ToUnicode") {
        case .stream(let stream):
            if let data = try streamData(stream, source: source) { toUnicode = try CMap(data: data, limits: limits) }
        case .name(let name):
            identityToUnicode = name.string.hasPrefix("Identity")
        default:
            break
        }
        if subtype == "Type0" {
            return try loadComposite(
                dictionary, baseFont: baseFont, toUnicode: toUnicode, identityToUnicode: identityToUnicode,
                source: source, limits: limits)
        }
        return try loadSimple(
            dictionary, subtype: subtype, baseFont: baseFont, toUnicode: toUnicode, source: source)
    }

    /// A stream's data; nil when it cannot be decoded (the font then works without it). Limits still throw.
    static func streamData(_ stream: PDFStream, source: any PDFObjectSource) throws(PDFError) -> [UInt8]? {
        do {
            return try source.data(of: stream)
        } catch {
            if error.code == .limitExceeded { throw error }
            return nil
        }
    }

    // MARK: Simple fonts

    private static func loadSimple(
        _ dictionary: PDFDictionary, subtype: String, baseFont: String, toUnicode: CMap?,
        source: any PDFObjectSource
    ) throws(PDFError) -> TextFont {
        let isType3 = subtype == "Type3"
        let descriptor = try source.value(dictionary, "FontDescriptor")?.dictionary
        let standardName = isType3 ? nil : FontTables.standardFontName(for: baseFont)
        var glyphScale = 0.001
        var emScale = 1.0
        if isType3, let matrix = try source.value(dictionary, "FontMatrix")?.array, matrix.count == 6,
            let a = matrix[0].number, let d = matrix[3].number, a != 0, d != 0
        {
            glyphScale = abs(a)
            // A Type 3 font's em is not declared: its FontBBox height is the best estimate (fonts are
            // about one em tall); without one, the matrix is taken to have 1,000 units per em.
            let box = try source.value(dictionary, "FontBBox")?.array?.compactMap(\.number) ?? []
            let height = box.count == 4 ? abs(box[3] - box[1]) : 0
            emScale = min(100, max(0.01, height > 0 ? height * abs(d) : abs(d) * 1000))
        }

        // The encoding: glyph names per code.
        var names: [String?]
        var baseEncoding: FontTables.Encoding? =
            standardName == "Symbol" ? .symbol : standardName == "ZapfDingbats" ? .zapfDingbats : nil
        var differences: [PDFObject] = []
        switch try source.value(dictionary, "Encoding") {
        case .name(let name):
            if let encoding = FontTables.Encoding(name: name) { baseEncoding = encoding }
        case .dictionary(let encoding):
            if let name = try source.value(encoding, "BaseEncoding")?.name, let base = FontTables.Encoding(name: name) {
                baseEncoding = base
            }
            differences = try source.value(encoding, "Differences")?.array ?? []
        default:
            break
        }
        if baseEncoding == nil && !isType3 { baseEncoding = .standard }
        names = baseEncoding?.glyphNames ?? Array(repeating: nil, count: 256)
        var code = -1
        for entry in differences {
            switch try source.resolve(entry) {
            case .integer(let value): code = value
            case .real(let value) where value.isFinite && abs(value) < 1e6: code = Int(value)
            case .name(let name):
                if (0..<256).contains(code) { names[code] = name.string }
                code += 1
            default: break
            }
        }
        let isDingbats = standardName == "ZapfDingbats"
        var unicode: [[Unicode.Scalar]?] = Array(repeating: nil, count: 256)
        for index in 0..<256 {
            guard let name = names[index] else { continue }
            if let scalars = FontTables.unicode(forGlyphName: name, isZapfDingbats: isDingbats) {
                unicode[index] = scalars
            } else if let scalar = FontTables.lastResortUnicode(forGlyphName: name) {
                unicode[index] = [scalar]
            }
        }

        // Widths.
        let missingWidth = try descriptor.flatMap { d throws(PDFError) in try source.value(d, "MissingWidth")?.number }
        var widths = Array(repeating: missingWidth ?? 0, count: 256)
        if let array = try source.value(dictionary, "Widths")?.array {
            let first = try source.value(dictionary, "FirstChar")?.integer ?? 0
            for (offset, element) in array.enumerated() {
                let index = first + offset
                guard (0..<256).contains(index) else { continue }
                if let width = try source.resolve(element).number, width.isFinite { widths[index] = width }
            }
        } else if let standardName, let metrics = FontTables.widths(ofStandardFont: standardName) {
            for index in 0..<256 {
                if let name = names[index], let width = metrics[name] { widths[index] = Double(width) }
            }
        } else {
            let average = try descriptor.flatMap { d throws(PDFError) in try source.value(d, "AvgWidth")?.number }
            let fallback = missingWidth.flatMap { $0 > 0 ? $0 : nil } ?? average.flatMap { $0 > 0 ? $0 : nil }
            widths = Array(repeating: fallback ?? 500, count: 256)
        }

        // ToUnicode entries win over the encoding; merged once here, so a glyph costs one array read.
        if let toUnicode {
            for index in 0..<256 {
                if let mapped = toUnicode.scalars(for: UInt32(index)), TextFont.isUsable(mapped) {
                    unicode[index] = mapped
                }
            }
        }
        let table = SimpleUnicodeTable(unicode)
        var spaceWidth: Double?
        if table.text(of: 32) == [" "], widths[32] > 0 {
            spaceWidth = widths[32]
        } else if let index = (0..<256).first(where: { table.text(of: $0) == [" "] }), widths[index] > 0 {
            spaceWidth = widths[index]
        }
        return TextFont(
            baseFont: baseFont, isBold: try isBold(baseFont, descriptor: descriptor, source: source),
            isComposite: false, isVertical: false, glyphScale: glyphScale, emScale: emScale,
            codespace: Codespace(ranges: []), cidMapping: .identity, toUnicode: nil, fallback: .simple(table),
            simpleWidths: widths, cidWidths: CodeMap(), defaultWidth: missingWidth ?? 0, spaceWidth: spaceWidth)
    }

    // MARK: Composite fonts

    private static func loadComposite(
        _ dictionary: PDFDictionary, baseFont: String, toUnicode: CMap?, identityToUnicode: Bool,
        source: any PDFObjectSource, limits: PDFLimits
    ) throws(PDFError) -> TextFont {
        var codespace = Codespace.twoByte
        var cidMapping = CIDMapping.identity
        var isVertical = false
        var codesAreUTF16 = false
        switch try source.value(dictionary, "Encoding") {
        case .name(let name):
            let text = name.string
            isVertical = text.hasSuffix("-V")
            codesAreUTF16 = text.contains("UCS2") || text.contains("UTF16")
            // Other predefined CMaps are not shipped: split codes as the ToUnicode CMap says, else by two
            // bytes; their CIDs are unknown (default widths), and without ToUnicode the glyphs are unmapped.
            if !text.hasPrefix("Identity"), let toUnicode, !toUnicode.codespace.isEmpty {
                codespace = toUnicode.codespace
            }
        case .stream(let stream):
            if let data = try streamData(stream, source: source) {
                let cmap = try CMap(data: data, limits: limits)
                isVertical = cmap.isVertical
                if !cmap.codespace.isEmpty { codespace = cmap.codespace }
                let parentIsIdentity = cmap.parent?.string.hasPrefix("Identity") ?? false
                if !(cmap.cids.isEmpty && parentIsIdentity) { cidMapping = .cmap(cmap) }
                if cmap.parent?.string.hasSuffix("-V") ?? false { isVertical = true }
            }
        default:
            break
        }

        let descendant = try source.value(dictionary, "DescendantFonts")?.array?.first
        let cidFont = try descendant.map { d throws(PDFError) in try source.resolve(d) }?.dictionary ?? PDFDictionary()
        let descriptor = try source.value(cidFont, "FontDescriptor")?.dictionary
        let defaultWidth = try source.value(cidFont, "DW")?.number ?? 1000
        var widths = CodeMap<Double>()
        if let array = try source.value(cidFont, "W")?.array {
            var index = 0
            while index < array.count {
                guard let first = try source.resolve(array[index]).integer, first >= 0 else {
                    index += 1
                    continue
                }
                guard index + 1 < array.count else { break }
                let next = try source.resolve(array[index + 1])
                if case .array(let list) = next {
                    for (offset, element) in list.enumerated() {
                        if let width = try source.resolve(element).number {
                            widths.singles[UInt32(truncatingIfNeeded: first + offset)] = width
                        }
                    }
                    index += 2
                } else if let last = next.integer, index + 2 < array.count,
                    let width = try source.resolve(array[index + 2]).number
                {
                    if last >= first {
                        widths.ranges.append(
                            .init(
                                low: UInt32(truncatingIfNeeded: first), high: UInt32(truncatingIfNeeded: last),
                                start: width))
                    }
                    index += 3
                } else {
                    index += 1
                }
            }
            widths.finish()
        }

        let fallback: UnicodeFallback = identityToUnicode || codesAreUTF16 ? .utf16 : .none
        var spaceWidth: Double?
        if let toUnicode {
            let spaceCode = toUnicode.unicode.singles.first { $0.value == [" "] }?.key
            if let spaceCode {
                let cid: UInt32? =
                    switch cidMapping {
                    case .identity: spaceCode
                    case .cmap(let cmap): cmap.cid(for: spaceCode)
                    }
                let width = cid.flatMap { widths.lookup($0)?.value } ?? defaultWidth
                if width > 0 { spaceWidth = width }
            }
        } else if case .utf16 = fallback {
            let width = widths.lookup(0x20)?.value ?? defaultWidth
            if width > 0, case .identity = cidMapping { spaceWidth = width }
        }
        let bold = try isBold(baseFont, descriptor: descriptor, source: source)
        return TextFont(
            baseFont: baseFont, isBold: bold, isComposite: true, isVertical: isVertical, glyphScale: 0.001,
            emScale: 1, codespace: codespace, cidMapping: cidMapping, toUnicode: toUnicode, fallback: fallback,
            simpleWidths: [], cidWidths: widths, defaultWidth: defaultWidth, spaceWidth: spaceWidth)
    }

    // MARK: Weight

    /// Bold by name (`Bold`, `Black`, `Heavy`, `Semibold`), by `/FontWeight` ≥ 600 or the ForceBold flag.
    static func isBold(
        _ baseFont: String, descriptor: PDFDictionary?, source: any PDFObjectSource
    ) throws(PDFError) -> Bool {
        for marker in ["Bold", "Black", "Heavy", "Semibold", "bold"] where baseFont.contains(marker) { return true }
        guard let descriptor else { return false }
        if let weight = try source.value(descriptor, "FontWeight")?.number, weight >= 600 { return true }
        if let flags = try source.value(descriptor, "Flags")?.integer, flags & forceBoldFlag != 0 { return true }
        return false
    }
}
