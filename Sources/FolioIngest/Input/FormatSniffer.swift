internal import FolioModel

/// Tells a file's format from its first bytes, and from its name only when the bytes do not say.
///
/// Formats Folio does not read have been ruled out before (``UnsupportedFormat``), and text is checked for
/// binary content once its encoding is chosen (``TextPlausibility``).
///
/// 1. `PK\3\4` (or an empty archive's `PK\5\6`): a ZIP container (DOCX or ODT, decided by its entries).
/// 2. Markup: after whitespace, a byte-order mark, an XML declaration, comments and a doctype, the first
///    element decides: `html` (XHTML when an XML declaration or the XHTML namespace is there; inline
///    XBRL when the `ix` namespace is), an `xbrl` root (XBRL instance), another common HTML element
///    (an HTML fragment), or any other element (XML when there is an XML declaration, a namespace or
///    its end tag; otherwise the name decides).
/// 3. Anything else is plain text, unless the name ends in `.html`, `.htm`, `.xhtml` or `.xml`.
enum FormatSniffer {
    enum Container: Equatable {
        case zip
        case markup(DocumentFormat)
        case text
    }

    /// Bytes of the input looked at.
    static let windowSize = 1 << 16

    static func sniff(_ prefix: [UInt8], fileName: String?) -> Container {
        if prefix.starts(with: [0x50, 0x4B, 0x03, 0x04]) || prefix.starts(with: [0x50, 0x4B, 0x05, 0x06]) {
            return .zip
        }
        let window = asciiView(prefix)
        let hint = extensionHint(fileName)
        var index = 0
        var sawXMLDeclaration = false
        var sawHTMLDoctype = false
        while true {
            skipWhitespace(window, &index)
            guard index < window.count, window[index] == UInt8(ascii: "<") else { break }
            if matches(window, at: index, "<?xml") {
                sawXMLDeclaration = true
                guard skip(window, &index, past: "?>") else { break }
            } else if matches(window, at: index, "<!--") {
                guard skip(window, &index, past: "-->") else { break }
            } else if matches(window, at: index, "<!doctype") {
                var nameStart = index + 9
                skipWhitespace(window, &nameStart)
                if matches(window, at: nameStart, "html") { sawHTMLDoctype = true }
                guard skipDoctype(window, &index) else { break }
            } else if matches(window, at: index, "<?") {
                guard skip(window, &index, past: "?>") else { break }
            } else {
                let name = elementName(window, at: index + 1)
                guard !name.isEmpty else { break }
                let localName = name.split(separator: ":").last.map(String.init) ?? name
                let mentionsIX = contains(window, "xmlns:ix=") || contains(window, "<ix:")
                if localName == "html" {
                    if mentionsIX { return .markup(.inlineXBRL) }
                    if sawXMLDeclaration || contains(window, "http://www.w3.org/1999/xhtml") { return .markup(.xhtml) }
                    return .markup(.html)
                }
                if localName == "xbrl" { return .markup(.xbrl) }
                if !sawXMLDeclaration && (sawHTMLDoctype || htmlElements.contains(name)) {
                    return .markup(mentionsIX ? .inlineXBRL : .html)
                }
                if sawXMLDeclaration || name.contains(":") || contains(window, "xmlns") || hint == .xml
                    || contains(window, "</\(name)")
                {
                    return .markup(.xml)
                }
                break
            }
        }
        if sawHTMLDoctype { return .markup(.html) }
        if sawXMLDeclaration { return .markup(.xml) }
        switch hint {
        case .html: return .markup(.html)
        case .xml: return .markup(.xml)
        default: return .text
        }
    }

    /// The format a file name suggests, by its extension (after a `.gz`).
    static func extensionHint(_ fileName: String?) -> InputFormat? {
        guard var name = fileName?.lowercased() else { return nil }
        if name.hasSuffix(".gz") { name.removeLast(3) }
        guard let dot = name.lastIndex(of: "."), !name[dot...].contains("/") else { return nil }
        switch name[name.index(after: dot)...] {
        case "html", "htm", "xhtml", "xht": return .html
        case "xml", "xbrl": return .xml
        case "docx": return .docx
        case "odt": return .odt
        case "txt", "text", "md": return .text
        default: return nil
        }
    }

    /// The common HTML elements a fragment may start with.
    private static let htmlElements: Set<String> = [
        "head", "body", "title", "meta", "link", "div", "p", "span", "table", "tr", "td", "b", "i", "u", "a", "br",
        "hr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "font", "center", "pre", "section", "article",
        "header", "footer", "nav", "main", "img", "strong", "em", "blockquote", "style", "script", "form",
    ]

    /// The prefix as bytes in which ASCII markup can be found: UTF-16 is narrowed to its low bytes.
    private static func asciiView(_ prefix: [UInt8]) -> [UInt8] {
        let window = prefix.prefix(windowSize)
        if window.starts(with: [0xFF, 0xFE]) || window.starts(with: [0x3C, 0x00]) {
            return stride(from: window.starts(with: [0xFF, 0xFE]) ? 2 : 0, to: window.count - 1, by: 2).map {
                window[$0 + 1] == 0 ? window[$0] : 0x80
            }
        }
        if window.starts(with: [0xFE, 0xFF]) || window.starts(with: [0x00, 0x3C]) {
            return stride(from: window.starts(with: [0xFE, 0xFF]) ? 2 : 0, to: window.count - 1, by: 2).map {
                window[$0] == 0 ? window[$0 + 1] : 0x80
            }
        }
        if window.starts(with: [0xEF, 0xBB, 0xBF]) { return Array(window.dropFirst(3)) }
        return Array(window)
    }

    private static func skipWhitespace(_ window: [UInt8], _ index: inout Int) {
        while index < window.count, [0x20, 0x09, 0x0A, 0x0D, 0x0C].contains(window[index]) { index += 1 }
    }

    /// Whether `literal` (lowercase ASCII) is at `index`, ignoring case.
    private static func matches(_ window: [UInt8], at index: Int, _ literal: String) -> Bool {
        let bytes = Array(literal.utf8)
        guard index >= 0, index + bytes.count <= window.count else { return false }
        for (offset, expected) in bytes.enumerated() where HTMLPrescanner.lowercased(window[index + offset]) != expected
        {
            return false
        }
        return true
    }

    private static func skip(_ window: [UInt8], _ index: inout Int, past terminator: String) -> Bool {
        guard let found = find(terminator, in: window, from: index) else { return false }
        index = found + terminator.utf8.count
        return true
    }

    /// Skips a doctype, including an internal subset in brackets.
    private static func skipDoctype(_ window: [UInt8], _ index: inout Int) -> Bool {
        var position = index
        var depth = 0
        while position < window.count {
            switch window[position] {
            case UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "]"): depth -= 1
            case UInt8(ascii: ">") where depth <= 0:
                index = position + 1
                return true
            default: break
            }
            position += 1
        }
        return false
    }

    /// The lowercase element name at `index`, empty when there is none.
    private static func elementName(_ window: [UInt8], at index: Int) -> String {
        var end = index
        while end < window.count {
            let byte = window[end]
            let isNameByte =
                (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || (byte >= 0x30 && byte <= 0x39 && end > index)
                || (end > index && (byte == 0x3A || byte == 0x2D || byte == 0x5F || byte == 0x2E))
            guard isNameByte else { break }
            end += 1
        }
        return String(decoding: window[index..<end].map(HTMLPrescanner.lowercased), as: UTF8.self)
    }

    private static func contains(_ window: [UInt8], _ literal: String) -> Bool {
        let bytes = Array(literal.utf8)
        guard let first = bytes.first, window.count >= bytes.count else { return false }
        var index = 0
        while index + bytes.count <= window.count {
            if HTMLPrescanner.lowercased(window[index]) == first {
                var matched = true
                for offset in 1..<bytes.count where HTMLPrescanner.lowercased(window[index + offset]) != bytes[offset] {
                    matched = false
                    break
                }
                if matched { return true }
            }
            index += 1
        }
        return false
    }
}

/// The character encoding a document declares: `<meta charset>` in HTML, the XML declaration in XML.
enum DeclaredEncoding {
    /// The encoding an HTML document's `<meta>` declares within its first 4 KiB, if Folio knows the label.
    static func html(_ prefix: [UInt8]) -> TextEncoding? {
        let window = Array(prefix.prefix(4096).map(HTMLPrescanner.lowercased))
        var searchFrom = 0
        while let meta = find("<meta", in: window, from: searchFrom) {
            let end = window[meta...].firstIndex(of: UInt8(ascii: ">")) ?? window.count
            if let charset = find("charset", in: window, from: meta, to: end) {
                var index = charset + 7
                while index < end, [0x20, 0x3D, 0x22, 0x27].contains(window[index]) { index += 1 }
                var label = ""
                while index < end, ![0x20, 0x22, 0x27, 0x3B, 0x2F, 0x3E].contains(window[index]) {
                    label.unicodeScalars.append(Unicode.Scalar(window[index]))
                    index += 1
                }
                return encoding(forLabel: label)
            }
            searchFrom = end
        }
        return nil
    }

    /// The encoding of an XML declaration (`<?xml version="1.0" encoding="us-ascii"?>`), if Folio knows it.
    static func xml(_ prefix: [UInt8]) -> TextEncoding? {
        let window = Array(prefix.prefix(512).map(HTMLPrescanner.lowercased))
        guard let declaration = find("<?xml", in: window, from: 0),
            let end = find("?>", in: window, from: declaration),
            let attribute = find("encoding", in: window, from: declaration, to: end)
        else { return nil }
        var index = attribute + 8
        while index < end, [0x20, 0x3D, 0x22, 0x27].contains(window[index]) { index += 1 }
        var label = ""
        while index < end, ![0x20, 0x22, 0x27].contains(window[index]) {
            label.unicodeScalars.append(Unicode.Scalar(window[index]))
            index += 1
        }
        return encoding(forLabel: label)
    }

    /// The encoding a WHATWG label names, among those Folio decodes (`latin1` and `us-ascii` are read as
    /// windows-1252, as browsers do).
    static func encoding(forLabel label: String) -> TextEncoding? {
        switch label.lowercased() {
        case "utf-8", "utf8", "unicode-1-1-utf-8": .utf8
        case "windows-1252", "cp1252", "x-cp1252", "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "l1",
            "us-ascii", "ascii", "ansi_x3.4-1968", "cp819", "ibm819":
            .windows1252
        case "gb18030", "gbk", "gb2312", "x-gbk", "chinese", "csgb2312", "iso-ir-58", "gb_2312-80", "cp936":
            .gb18030
        case "utf-16", "utf-16le": .utf16LE
        case "utf-16be": .utf16BE
        default: nil
        }
    }

}

/// Where `literal` (ASCII) first occurs in `window[start..<end]`, compared byte for byte.
private func find(_ literal: String, in window: [UInt8], from start: Int, to end: Int? = nil) -> Int? {
    let bytes = Array(literal.utf8)
    let end = min(end ?? window.count, window.count)
    var index = start
    while index + bytes.count <= end {
        if window[index] == bytes[0] && window[index..<index + bytes.count].elementsEqual(bytes) { return index }
        index += 1
    }
    return nil
}
