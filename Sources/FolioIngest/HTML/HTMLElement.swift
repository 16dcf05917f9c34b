/// What an HTML element means for the text Folio extracts.
struct HTMLElement: Hashable {
    enum Role: UInt8 {
        /// Text flows through (`span`, `a`, inline-XBRL facts, unknown elements).
        case inline
        /// Inline and bold (`b`, `strong`).
        case bold
        /// Starts and ends a paragraph (`p`, `div`, `section`, …).
        case block
        /// `h1`–`h6`; ``HTMLElement/level`` says which.
        case heading
        /// `ul`, `ol`, `menu`, `dir`: list items inside are one level deeper.
        case list
        case listItem
        case table
        case row
        case cell
        /// `br`: ends a line.
        case lineBreak
        /// Content that is not text: `script`, `style`, `head`, `template`, and the inline-XBRL header `ix:header`.
        case skipped
        /// `title`: the document's title (inside the skipped `head`).
        case title
    }

    var role: Role
    var level: Int = 0

    /// The meaning of a lowercase element name.
    static func classify(_ name: UnsafeBufferPointer<UInt8>) -> HTMLElement {
        let text = String(decoding: name, as: UTF8.self)
        if let known = table[text] { return known }
        return HTMLElement(role: .inline)
    }

    private static let table: [String: HTMLElement] = {
        var table: [String: HTMLElement] = [:]
        for name in [
            "p", "div", "section", "article", "aside", "header", "footer", "nav", "main", "address", "blockquote",
            "center", "figure", "figcaption", "form", "fieldset", "legend", "details", "summary", "dialog", "dl", "dt",
            "dd", "hr", "pre", "caption", "html", "body", "frameset", "frame", "noscript", "hgroup", "search",
            "listing", "plaintext", "xmp",
        ] {
            table[name] = HTMLElement(role: .block)
        }
        for level in 1...6 { table["h\(level)"] = HTMLElement(role: .heading, level: level) }
        for name in ["ul", "ol", "menu", "dir"] { table[name] = HTMLElement(role: .list) }
        table["li"] = HTMLElement(role: .listItem)
        table["table"] = HTMLElement(role: .table)
        table["tr"] = HTMLElement(role: .row)
        table["td"] = HTMLElement(role: .cell)
        table["th"] = HTMLElement(role: .cell)
        table["br"] = HTMLElement(role: .lineBreak)
        table["b"] = HTMLElement(role: .bold)
        table["strong"] = HTMLElement(role: .bold)
        for name in ["script", "style", "head", "template", "ix:header"] {
            table[name] = HTMLElement(role: .skipped)
        }
        table["title"] = HTMLElement(role: .title)
        return table
    }()
}
