internal import FolioModel

/// Reads an ODT's `content.xml` into blocks.
///
/// 1. `text:h` is a heading of its `text:outline-level` (1 when absent), `text:p` a paragraph, and a
///    paragraph inside `text:list-item` a list item one level per enclosing `text:list`.
/// 2. `text:s` and `text:tab` are spaces, `text:line-break` a line break; a paragraph whose automatic
///    style breaks the page before or after (`fo:break-before="page"`) marks a page break.
/// 3. Tables (`table:table`, `table:table-row`, `table:table-cell`) become rows.
/// 4. Comments (`office:annotation`), tracked changes (`text:tracked-changes`, deleted text) and
///    declarations are skipped.
/// 5. Bold comes from automatic styles (`fo:font-weight`), for heading lines.
final class ODTContentHandler: XMLContentHandler {
    private enum Element {
        case heading, paragraph, list, listItem, listHeader, span, space, tab, lineBreak
        case table, row, cell, skipped, style, textProperties, paragraphProperties, automaticStyles
        case other
    }

    private struct AutomaticStyle {
        var isBold: Bool?
        var breaksBefore = false
        var breaksAfter = false
        var parent: String?
    }

    var assembler = ParagraphAssembler()
    private var elements = XMLNameTable<Element>()
    private var skippedDepth = 0
    private var listDepth = 0
    private var listItemDepth = 0
    private var paragraphDepth = 0
    /// Bold state of the open spans and paragraphs, innermost last.
    private var boldStack: [Bool] = []
    /// Page breaks after open paragraphs, innermost last.
    private var breakAfterStack: [Bool] = []
    private var styles: [String: AutomaticStyle] = [:]
    private var currentStyle: (name: String, style: AutomaticStyle)?

    func startElement(_ name: XMLName, attributes: XMLAttributes) {
        if skippedDepth > 0 {
            skippedDepth += 1
            return
        }
        switch element(name) {
        case .heading, .paragraph:
            let styleName = attributes.string("style-name", namespace: ODFNamespaces.text)
            let style = styleName.map(resolvedStyle)
            if style?.breaksBefore == true { assembler.mark(.pageBreak) }
            let kind: BlockKind
            if element(name) == .heading {
                let level = attributes.string("outline-level", namespace: ODFNamespaces.text).flatMap { Int($0) } ?? 1
                kind = .heading(level: min(max(level, 1), 10))
            } else if listItemDepth > 0 {
                kind = .listItem(level: max(1, listDepth))
            } else {
                kind = .paragraph
            }
            assembler.beginParagraph(kind)
            paragraphDepth += 1
            boldStack.append(style?.isBold ?? (boldStack.last ?? false))
            breakAfterStack.append(style?.breaksAfter ?? false)
        case .list: listDepth += 1
        case .listItem: listItemDepth += 1
        case .listHeader: break
        case .span:
            let style = attributes.string("style-name", namespace: ODFNamespaces.text).map(resolvedStyle)
            boldStack.append(style?.isBold ?? (boldStack.last ?? false))
        case .space:
            assembler.space()
        case .tab: assembler.space()
        case .lineBreak: assembler.lineBreak()
        case .table: assembler.beginTable()
        case .row: assembler.beginRow()
        case .cell: assembler.beginCell()
        case .skipped: skippedDepth = 1
        case .style:
            if let styleName = attributes.string("name", namespace: ODFNamespaces.style) {
                currentStyle = (
                    styleName,
                    AutomaticStyle(parent: attributes.string("parent-style-name", namespace: ODFNamespaces.style))
                )
            }
        case .textProperties:
            if let weight = attributes.string("font-weight", namespace: ODFNamespaces.formatting) {
                currentStyle?.style.isBold = weight == "bold" || (Int(weight) ?? 400) >= 600
            }
        case .paragraphProperties:
            let pageBreaks = ["page", "even-page", "odd-page"]
            if let before = attributes.string("break-before", namespace: ODFNamespaces.formatting),
                pageBreaks.contains(before)
            {
                currentStyle?.style.breaksBefore = true
            }
            if let after = attributes.string("break-after", namespace: ODFNamespaces.formatting),
                pageBreaks.contains(after)
            {
                currentStyle?.style.breaksAfter = true
            }
        case .automaticStyles, .other: break
        }
    }

    func endElement(_ name: XMLName) {
        if skippedDepth > 0 {
            skippedDepth -= 1
            return
        }
        switch element(name) {
        case .heading, .paragraph:
            assembler.endParagraph()
            paragraphDepth -= 1
            boldStack.removeLast()
            if breakAfterStack.removeLast() { assembler.mark(.pageBreak) }
        case .list: listDepth -= 1
        case .listItem: listItemDepth -= 1
        case .span: boldStack.removeLast()
        case .table: assembler.endTable()
        case .row: assembler.endRow()
        case .cell: assembler.endCell()
        case .style:
            if let currentStyle { styles[currentStyle.name] = currentStyle.style }
            currentStyle = nil
        default: break
        }
    }

    func characters(_ text: UnsafeBufferPointer<UInt8>) {
        guard skippedDepth == 0, paragraphDepth > 0 else { return }
        assembler.text(text, isBold: boldStack.last ?? false)
    }

    /// A style with what it inherits from its parents filled in.
    private func resolvedStyle(_ name: String) -> AutomaticStyle {
        var style = styles[name] ?? AutomaticStyle()
        var parent = style.parent
        var depth = 0
        while let parentName = parent, depth < 16, let parentStyle = styles[parentName] {
            if style.isBold == nil { style.isBold = parentStyle.isBold }
            parent = parentStyle.parent
            depth += 1
        }
        return style
    }

    private func element(_ name: XMLName) -> Element {
        elements.value(for: name.key) { Self.classify(name) }
    }

    private static func classify(_ name: XMLName) -> Element {
        guard let namespace = name.namespaceString else { return .other }
        let local = name.localNameString
        switch namespace {
        case ODFNamespaces.textString:
            switch local {
            case "h": return .heading
            case "p": return .paragraph
            case "list": return .list
            case "list-item": return .listItem
            case "list-header": return .listHeader
            case "span", "a": return .span
            case "s": return .space
            case "tab": return .tab
            case "line-break": return .lineBreak
            case "tracked-changes", "sequence-decls", "variable-decls", "user-field-decls", "note-citation":
                return .skipped
            default: return .other
            }
        case ODFNamespaces.tableString:
            switch local {
            case "table": return .table
            case "table-row": return .row
            case "table-cell": return .cell
            default: return .other
            }
        case ODFNamespaces.officeString:
            switch local {
            case "annotation", "forms", "scripts", "event-listeners": return .skipped
            case "automatic-styles": return .automaticStyles
            default: return .other
            }
        case ODFNamespaces.styleString:
            switch local {
            case "style": return .style
            case "text-properties": return .textProperties
            case "paragraph-properties": return .paragraphProperties
            default: return .other
            }
        case ODFNamespaces.svgString:
            return local == "title" || local == "desc" ? .skipped : .other
        default:
            return .other
        }
    }
}

/// The OpenDocument namespaces Folio reads.
enum ODFNamespaces {
    static let text: StaticString = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    static let style: StaticString = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
    static let formatting: StaticString = "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
    static let textString = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    static let tableString = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    static let officeString = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    static let styleString = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
    static let svgString = "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
    /// The media type in an ODT's `mimetype` entry.
    static let textDocumentMediaType = "application/vnd.oasis.opendocument.text"
}
