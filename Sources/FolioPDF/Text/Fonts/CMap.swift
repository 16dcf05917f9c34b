/// A CMap's byte ranges that make up one character code (`begincodespacerange`, ISO 32000-1, 9.7.6.2):
/// a code of *n* bytes is valid when each byte lies between the matching bytes of a range's bounds.
struct Codespace: Sendable {
    struct Range: Sendable {
        var byteCount: Int
        var low: [UInt8]
        var high: [UInt8]
    }

    var ranges: [Range]

    /// Two-byte codes, as `Identity-H` and most CJK CMaps use.
    static let twoByte = Codespace(ranges: [Range(byteCount: 2, low: [0, 0], high: [0xFF, 0xFF])])

    var isEmpty: Bool { ranges.isEmpty }

    /// The code starting at `index` and its length in bytes: the shortest match of a range; when none
    /// matches, as many bytes as the shortest range (a malformed code is still consumed whole).
    func code(in bytes: [UInt8], at index: Int) -> (code: UInt32, byteCount: Int) {
        var shortest = 4
        for length in 1...4 where index + length <= bytes.count {
            for range in ranges where range.byteCount == length {
                shortest = min(shortest, length)
                var matches = true
                for offset in 0..<length {
                    let byte = bytes[index + offset]
                    if byte < range.low[offset] || byte > range.high[offset] {
                        matches = false
                        break
                    }
                }
                if matches { return (Self.value(bytes, index, length), length) }
            }
        }
        for range in ranges { shortest = min(shortest, range.byteCount) }
        let length = max(1, min(shortest, bytes.count - index))
        return (Self.value(bytes, index, length), length)
    }

    static func value(_ bytes: [UInt8], _ index: Int, _ length: Int) -> UInt32 {
        var value: UInt32 = 0
        for offset in 0..<length { value = value << 8 | UInt32(bytes[index + offset]) }
        return value
    }
}

/// A map from character codes to values (Unicode scalars for ToUnicode, CIDs for an encoding CMap):
/// single codes in a dictionary, ranges kept as ranges (a `bfrange` of 65,536 codes is one entry).
struct CodeMap<Value: Sendable>: Sendable {
    struct RangeEntry: Sendable {
        var low: UInt32
        var high: UInt32
        var start: Value
    }

    var singles: [UInt32: Value] = [:]
    /// Sorted by `low` once parsing ends.
    var ranges: [RangeEntry] = []

    var isEmpty: Bool { singles.isEmpty && ranges.isEmpty }

    /// The single entry or the range holding `code`, with the code's offset into the range.
    func lookup(_ code: UInt32) -> (value: Value, offset: UInt32)? {
        if let value = singles[code] { return (value, 0) }
        guard !ranges.isEmpty else { return nil }
        var low = 0
        var high = ranges.count
        while low < high {  // the last range with low <= code
            let middle = (low + high) / 2
            if ranges[middle].low <= code { low = middle + 1 } else { high = middle }
        }
        var index = low - 1
        // Ranges may overlap (the later definition wins in the spec; we take the nearest that covers).
        while index >= 0 && index >= low - 8 {
            let range = ranges[index]
            if code >= range.low && code <= range.high { return (range.start, code - range.low) }
            index -= 1
        }
        return nil
    }

    mutating func finish() { ranges.sort { $0.low < $1.low } }
}

/// A parsed CMap stream: a ToUnicode CMap (`bfchar`/`bfrange`) or an encoding CMap (`cidchar`/`cidrange`)
/// (ISO 32000-1, 9.7.5 and 9.10.3; Adobe Technical Note #5411).
struct CMap: Sendable {
    var codespace = Codespace(ranges: [])
    /// Code → UTF-16 destination as Unicode scalars; a range increments the last scalar.
    var unicode = CodeMap<[Unicode.Scalar]>()
    var cids = CodeMap<UInt32>()
    /// `usecmap`: the name of the CMap this one extends (`Identity-H`).
    var parent: PDFName?
    var isVertical = false

    /// Parses `data`.
    ///
    /// - Throws: ``PDFError/Code/limitExceeded`` when the CMap defines more than
    ///   ``PDFLimits/maxCMapEntries`` entries (before reading more than that many).
    init(data: [UInt8], limits: PDFLimits) throws(PDFError) {
        var lexer = ContentLexer(bytes: data, maxNestingDepth: 8)
        lexer.maxOperands = min(Int(Int32.max), max(16, limits.maxCMapEntries) * 3 + 8)
        var operands: [PDFObject] = []
        var overflowed = false
        var entryCount = 0
        func count(_ added: Int) throws(PDFError) {
            entryCount += added
            if entryCount > limits.maxCMapEntries || overflowed {
                throw PDFError.limit(
                    "maxCMapEntries", limits.maxCMapEntries,
                    "a CMap defines more than \(limits.maxCMapEntries) entries; raise PDFLimits.maxCMapEntries "
                        + "if the file is trusted")
            }
        }
        while let op = lexer.nextOperator(operands: &operands, overflowed: &overflowed) {
            guard op == .long || op == ContentOperator("def") else { continue }
            if op == ContentOperator("def") {
                if operands.count >= 2, operands[operands.count - 2].name == "WMode" {
                    isVertical = operands[operands.count - 1].integer == 1
                }
                continue
            }
            let keyword = lexer.operatorBytes
            if keyword.elementsEqual("endcodespacerange".utf8) {
                try count(operands.count / 2)
                var index = 0
                while index + 1 < operands.count {
                    if let low = operands[index].string, let high = operands[index + 1].string,
                        low.count == high.count, (1...4).contains(low.count)
                    {
                        codespace.ranges.append(Codespace.Range(byteCount: low.count, low: low, high: high))
                    }
                    index += 2
                }
            } else if keyword.elementsEqual("endbfchar".utf8) {
                try count(operands.count / 2)
                var index = 0
                while index + 1 < operands.count {
                    if let code = operands[index].string.flatMap(Self.codeValue),
                        let scalars = Self.destination(operands[index + 1])
                    {
                        unicode.singles[code] = scalars
                    }
                    index += 2
                }
            } else if keyword.elementsEqual("endbfrange".utf8) {
                try count(operands.count / 3)
                var index = 0
                while index + 2 < operands.count {
                    defer { index += 3 }
                    guard let low = operands[index].string.flatMap(Self.codeValue),
                        let high = operands[index + 1].string.flatMap(Self.codeValue), low <= high
                    else { continue }
                    if case .array(let destinations) = operands[index + 2] {
                        try count(destinations.count)
                        for (offset, destination) in destinations.enumerated() {
                            let code = low &+ UInt32(offset)
                            guard code <= high, let scalars = Self.destination(destination) else { continue }
                            unicode.singles[code] = scalars
                        }
                    } else if let scalars = Self.destination(operands[index + 2]), !scalars.isEmpty {
                        unicode.ranges.append(.init(low: low, high: high, start: scalars))
                    }
                }
            } else if keyword.elementsEqual("endcidchar".utf8) {
                try count(operands.count / 2)
                var index = 0
                while index + 1 < operands.count {
                    if let code = operands[index].string.flatMap(Self.codeValue), let cid = operands[index + 1].integer,
                        cid >= 0, cid <= Int(UInt32.max)
                    {
                        cids.singles[code] = UInt32(cid)
                    }
                    index += 2
                }
            } else if keyword.elementsEqual("endcidrange".utf8) {
                try count(operands.count / 3)
                var index = 0
                while index + 2 < operands.count {
                    if let low = operands[index].string.flatMap(Self.codeValue),
                        let high = operands[index + 1].string.flatMap(Self.codeValue), low <= high,
                        let cid = operands[index + 2].integer, cid >= 0, cid <= Int(UInt32.max)
                    {
                        cids.ranges.append(.init(low: low, high: high, start: UInt32(cid)))
                    }
                    index += 3
                }
            } else if keyword.elementsEqual("usecmap".utf8) {
                parent = operands.last?.name
            }
        }
        unicode.finish()
        cids.finish()
    }

    /// The scalars for `code` (a range's offset added to its last scalar).
    func scalars(for code: UInt32) -> [Unicode.Scalar]? {
        guard let (start, offset) = unicode.lookup(code) else { return nil }
        guard offset > 0, let last = start.last else { return start }
        guard let shifted = Unicode.Scalar(last.value &+ offset) else { return nil }
        return start.dropLast() + [shifted]
    }

    func cid(for code: UInt32) -> UInt32? {
        guard let (start, offset) = cids.lookup(code) else { return nil }
        return start &+ offset
    }

    private static func codeValue(_ bytes: [UInt8]) -> UInt32? {
        guard (1...4).contains(bytes.count) else { return nil }
        return Codespace.value(bytes, 0, bytes.count)
    }

    /// A `bfchar`/`bfrange` destination: UTF-16BE bytes (surrogate pairs joined, several characters for
    /// a ligature), or a glyph name.
    private static func destination(_ object: PDFObject) -> [Unicode.Scalar]? {
        switch object {
        case .string(let bytes): return utf16BEScalars(bytes)
        case .name(let name): return FontTables.unicode(forGlyphName: name.string)
        default: return nil
        }
    }

    /// UTF-16BE bytes as scalars; a lone surrogate is dropped, and a single byte (a common producer slip)
    /// is taken as the character with that value.
    static func utf16BEScalars(_ bytes: [UInt8]) -> [Unicode.Scalar]? {
        if bytes.count == 1 { return Unicode.Scalar(UInt32(bytes[0])).map { [$0] } }
        var scalars: [Unicode.Scalar] = []
        var index = 0
        while index + 1 < bytes.count {
            let unit = UInt32(bytes[index]) << 8 | UInt32(bytes[index + 1])
            index += 2
            if (0xD800...0xDBFF).contains(unit), index + 1 < bytes.count {
                let low = UInt32(bytes[index]) << 8 | UInt32(bytes[index + 1])
                if (0xDC00...0xDFFF).contains(low) {
                    index += 2
                    if let scalar = Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)) {
                        scalars.append(scalar)
                    }
                }
                continue
            }
            if let scalar = Unicode.Scalar(unit) { scalars.append(scalar) }
        }
        return scalars
    }
}
