/// Skipping inline images (`BI` dictionary `ID` data `EI`, ISO 32000-1, 8.9.7) without reading their
/// data as operators: binary data can hold anything, including `EI` and text operators.
///
/// The end of the data is found, most reliable first:
/// 1. from `/L` (`/Length`), when the producer gave it and `EI` follows it;
/// 2. for unfiltered data, from `/W`, `/H`, `/BPC` and the color space, when `EI` follows;
/// 3. else the first `EI` between whitespace that is followed by at least ``plausibleTailLength`` bytes
///    of text (or the end of the stream): binary data rarely has that many printable bytes in a row,
///    and content after an image always does.
extension ContentLexer {
    static let plausibleTailLength = 48

    /// Skips from after `BI` to after the image's `EI`.
    mutating func skipInlineImage() {
        var parameters = PDFDictionary()
        var key: PDFName?
        while true {
            skipWhitespaceAndComments()
            guard position < bytes.count else { return }
            let byte = bytes[position]
            if Self.isRegular(byte) && !Self.startsNumber(byte) {
                let start = position
                while position < bytes.count && Self.isRegular(bytes[position]) { position += 1 }
                if bytes[start..<position].elementsEqual("ID".utf8) { break }
                if bytes[start..<position].elementsEqual("EI".utf8) { return }  // an image with no data
                if let pending = key, let value = keywordValue(bytes[start..<position]) {
                    parameters[pending] = value
                }
                key = nil
                continue
            }
            let object = readObject(depth: 1)
            if let pending = key {
                parameters[pending] = object
                key = nil
            } else if case .name(let name) = object {
                key = name
            }
        }
        // One whitespace byte separates `ID` from the data.
        if position < bytes.count && Self.isWhitespace(bytes[position]) { position += 1 }
        let dataStart = position
        if let length = Self.declaredLength(parameters) ?? Self.unfilteredLength(parameters),
            length >= 0, let end = endAfterEI(from: dataStart + length)
        {
            position = end
            return
        }
        position = scanForEI(from: dataStart)
    }

    private func keywordValue(_ word: ArraySlice<UInt8>) -> PDFObject? {
        if word.elementsEqual("true".utf8) { return .bool(true) }
        if word.elementsEqual("false".utf8) { return .bool(false) }
        return nil
    }

    /// The position after `EI` when only whitespace separates `start` from an `EI` token.
    private func endAfterEI(from start: Int) -> Int? {
        guard start <= bytes.count else { return nil }
        var index = start
        while index < bytes.count && Self.isWhitespace(bytes[index]) { index += 1 }
        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "E"), bytes[index + 1] == UInt8(ascii: "I")
        else { return nil }
        guard index + 2 == bytes.count || !Self.isRegular(bytes[index + 2]) else { return nil }
        return index + 2
    }

    private func scanForEI(from start: Int) -> Int {
        var index = start
        while index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: "E") && bytes[index + 1] == UInt8(ascii: "I")
                && (index == start || Self.isWhitespace(bytes[index - 1]))
                && (index + 2 == bytes.count || Self.isWhitespace(bytes[index + 2]))
                && isPlausibleContent(from: index + 2)
            {
                return index + 2
            }
            index += 1
        }
        return bytes.count  // no end: the rest of the stream is image data
    }

    private func isPlausibleContent(from start: Int) -> Bool {
        let end = min(bytes.count, start + Self.plausibleTailLength)
        for index in start..<end {
            let byte = bytes[index]
            if !(byte >= 0x20 && byte <= 0x7E) && !(byte >= 0x09 && byte <= 0x0D) { return false }
        }
        return true
    }

    private static func declaredLength(_ parameters: PDFDictionary) -> Int? {
        (parameters["L"] ?? parameters["Length"])?.integer
    }

    /// The data's size in bytes when it has no filter and a color space whose component count is known.
    private static func unfilteredLength(_ parameters: PDFDictionary) -> Int? {
        guard parameters["F"] == nil, parameters["Filter"] == nil else { return nil }
        guard let width = (parameters["W"] ?? parameters["Width"])?.integer,
            let height = (parameters["H"] ?? parameters["Height"])?.integer,
            width > 0, height > 0, width < 1 << 20, height < 1 << 20
        else { return nil }
        let isMask = (parameters["IM"] ?? parameters["ImageMask"]) == .bool(true)
        let bitsPerComponent = isMask ? 1 : (parameters["BPC"] ?? parameters["BitsPerComponent"])?.integer ?? 8
        var components: Int
        if isMask {
            components = 1
        } else {
            switch parameters["CS"] ?? parameters["ColorSpace"] {
            case .name(let name) where name == "G" || name == "DeviceGray" || name == "CalGray": components = 1
            case .name(let name) where name == "RGB" || name == "DeviceRGB" || name == "CalRGB": components = 3
            case .name(let name) where name == "CMYK" || name == "DeviceCMYK": components = 4
            case .name(let name) where name == "I" || name == "Indexed": components = 1
            case .array(let array) where array.first?.name == "I" || array.first?.name == "Indexed": components = 1
            case nil: components = 1
            default: return nil
            }
        }
        guard [1, 2, 4, 8, 16].contains(bitsPerComponent) else { return nil }
        let rowBytes = (width * components * bitsPerComponent + 7) / 8
        return rowBytes * height
    }
}
