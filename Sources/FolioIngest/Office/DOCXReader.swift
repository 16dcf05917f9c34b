internal import FolioCompression
internal import FolioModel

/// Reads the main document part of a DOCX (WordprocessingML) into blocks.
///
/// 1. Paragraphs (`w:p`) become blocks: a heading when their style is a heading ("heading 1"…, "Title",
///    or a style with an outline level, through `basedOn`) or they carry an outline level, a list item
///    when they are numbered (`w:numPr`, level `w:ilvl` + 1) or of a list style, a heading line when bold,
///    short and standalone, a paragraph otherwise.
/// 2. Text is the content of `w:t`; `w:tab` is a space, `w:br` a line break (`w:type="page"`: a page
///    break), `w:noBreakHyphen` U+2011 and `w:softHyphen` U+00AD (LibreOffice writes both as elements).
///    Deleted text (`w:delText`), field instructions (`w:instrText`), hidden runs (`w:vanish`) and the
///    fallback copy of alternate content (`mc:Fallback`) are skipped.
/// 3. Tables (`w:tbl`, `w:tr`, `w:tc`) become rows; a paragraph's section properties mark a section break.
final class DOCXDocumentHandler: XMLContentHandler {
    /// All state in one struct: a callback costs one exclusive access, not one per property.
    var state: DOCXDocumentState

    init(styles: DOCXStyles) {
        state = DOCXDocumentState(styles: styles)
    }

    func startElement(_ name: XMLName, attributes: XMLAttributes) { state.startElement(name, attributes: attributes) }
    func endElement(_ name: XMLName) { state.endElement(name) }
    func characters(_ text: UnsafeBufferPointer<UInt8>) { state.characters(text) }
}

/// What ``DOCXDocumentHandler`` knows while it reads.
struct DOCXDocumentState {
    private enum Element {
        case paragraph, paragraphProperties, paragraphStyle, numbering, numberingLevel, numberingID, outlineLevel
        case run, runProperties, bold, vanish, text, tab, lineBreak, carriageReturn, noBreakHyphen, softHyphen
        case skipped  // w:delText, w:instrText, mc:Fallback, w:pPr/w:rPr
        case table, row, cell, sectionProperties
        case other
    }

    var assembler = ParagraphAssembler()
    private let styles: DOCXStyles
    private var elements = XMLNameTable<Element>()
    private var skippedDepth = 0
    private var isInText = false
    private var isInParagraphProperties = false
    private var isInRunProperties = false
    private var runIsBold = false
    private var runIsHidden = false
    /// Numbering of the open paragraph (`w:numPr`): the level, and whether `w:numId` switched it off.
    private var numberingLevel: Int?
    private var numberingOff = false
    private var outlineLevel: Int?
    private var styleKind: BlockKind?
    private var sectionBreakAfterParagraph = false

    init(styles: DOCXStyles) {
        self.styles = styles
    }

    mutating func startElement(_ name: XMLName, attributes: XMLAttributes) {
        if skippedDepth > 0 {
            skippedDepth += 1
            return
        }
        switch element(name) {
        case .paragraph:
            assembler.beginParagraph(.paragraph)
            numberingLevel = nil
            numberingOff = false
            outlineLevel = nil
            styleKind = nil
            sectionBreakAfterParagraph = false
        case .paragraphProperties: isInParagraphProperties = true
        case .paragraphStyle:
            if isInParagraphProperties, let id = attributes.string("val", namespace: DOCXNamespaces.main) {
                styleKind = styles.kind(ofStyle: id)
            }
        case .numbering: if isInParagraphProperties { numberingLevel = numberingLevel ?? 0 }
        case .numberingLevel:
            if isInParagraphProperties, let value = attributes.string("val", namespace: DOCXNamespaces.main) {
                numberingLevel = Int(value) ?? 0
            }
        case .numberingID:
            if isInParagraphProperties, attributes.string("val", namespace: DOCXNamespaces.main) == "0" {
                numberingOff = true
            }
        case .outlineLevel:
            if isInParagraphProperties, let value = attributes.string("val", namespace: DOCXNamespaces.main),
                let level = Int(value), level < 9
            {
                outlineLevel = level
            }
        case .run:
            runIsBold = false
            runIsHidden = false
        case .runProperties:
            if isInParagraphProperties {
                skippedDepth = 1  // the paragraph mark's run properties
            } else {
                isInRunProperties = true
            }
        case .bold: if isInRunProperties { runIsBold = Self.isOn(attributes) }
        case .vanish: if isInRunProperties { runIsHidden = Self.isOn(attributes) }
        case .text: isInText = true
        case .tab: if !runIsHidden { assembler.space() }
        case .lineBreak:
            guard !runIsHidden else { break }
            if attributes.string("type", namespace: DOCXNamespaces.main) == "page" {
                assembler.mark(.pageBreak)
            } else {
                assembler.lineBreak()
            }
        case .carriageReturn: if !runIsHidden { assembler.lineBreak() }
        case .noBreakHyphen: if !runIsHidden { assembler.text("\u{2011}", isBold: runIsBold) }
        case .softHyphen: if !runIsHidden { assembler.text("\u{AD}", isBold: runIsBold) }
        case .skipped: skippedDepth = 1
        case .table: assembler.beginTable()
        case .row: assembler.beginRow()
        case .cell: assembler.beginCell()
        case .sectionProperties: if isInParagraphProperties { sectionBreakAfterParagraph = true }
        case .other: break
        }
    }

    mutating func endElement(_ name: XMLName) {
        if skippedDepth > 0 {
            skippedDepth -= 1
            return
        }
        switch element(name) {
        case .paragraph:
            assembler.endParagraph()
            if sectionBreakAfterParagraph { assembler.mark(.sectionBreak) }
        case .paragraphProperties:
            isInParagraphProperties = false
            assembler.setParagraphKind(paragraphKind())
        case .runProperties: isInRunProperties = false
        case .text: isInText = false
        case .table: assembler.endTable()
        case .row: assembler.endRow()
        case .cell: assembler.endCell()
        default: break
        }
    }

    mutating func characters(_ text: UnsafeBufferPointer<UInt8>) {
        guard isInText, skippedDepth == 0, !runIsHidden else { return }
        assembler.text(text, isBold: runIsBold)
    }

    /// Heading by outline level or style, then list item by numbering or style, then paragraph.
    private func paragraphKind() -> BlockKind {
        if let outlineLevel { return .heading(level: outlineLevel + 1) }
        if let styleKind, case .heading = styleKind { return styleKind }
        if let numberingLevel, !numberingOff { return .listItem(level: numberingLevel + 1) }
        return styleKind ?? .paragraph
    }

    /// `w:b`, `w:vanish`: on unless `w:val` is 0, false or off.
    private static func isOn(_ attributes: XMLAttributes) -> Bool {
        guard let value = attributes.string("val", namespace: DOCXNamespaces.main) else { return true }
        return !(value == "0" || value == "false" || value == "off")
    }

    private mutating func element(_ name: XMLName) -> Element {
        elements.value(for: name.key) { Self.classify(name) }
    }

    private static func classify(_ name: XMLName) -> Element {
        let namespace = name.namespaceString
        if namespace == DOCXNamespaces.markupCompatibility {
            return name.localNameString == "Fallback" ? .skipped : .other
        }
        guard let namespace, DOCXNamespaces.mains.contains(namespace) else { return .other }
        switch name.localNameString {
        case "p": return .paragraph
        case "pPr": return .paragraphProperties
        case "pStyle": return .paragraphStyle
        case "numPr": return .numbering
        case "ilvl": return .numberingLevel
        case "numId": return .numberingID
        case "outlineLvl": return .outlineLevel
        case "r": return .run
        case "rPr": return .runProperties
        case "b": return .bold
        case "vanish": return .vanish
        case "t": return .text
        case "tab": return .tab
        case "br": return .lineBreak
        case "cr": return .carriageReturn
        case "noBreakHyphen": return .noBreakHyphen
        case "softHyphen": return .softHyphen
        case "delText", "instrText", "delInstrText": return .skipped
        case "tbl": return .table
        case "tr": return .row
        case "tc": return .cell
        case "sectPr": return .sectionProperties
        default: return .other
        }
    }
}

/// The namespaces of WordprocessingML (transitional and strict) and markup compatibility.
enum DOCXNamespaces {
    static let main: StaticString = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    static let mains: Set<String> = [
        "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
        "http://purl.oclc.org/ooxml/wordprocessingml/main",
    ]
    static let markupCompatibility = "http://schemas.openxmlformats.org/markup-compatibility/2006"
}

/// What the paragraph styles of `word/styles.xml` mean: heading levels (by name or outline level,
/// inherited through `basedOn`) and list styles.
struct DOCXStyles {
    fileprivate struct Style {
        var name: String?
        var outlineLevel: Int?
        var basedOn: String?
    }

    fileprivate var styles: [String: Style] = [:]
    private var resolved: [String: BlockKind] = [:]

    /// The kind of block a paragraph of style `id` is (paragraph when unknown).
    func kind(ofStyle id: String) -> BlockKind { resolved[id] ?? .paragraph }

    mutating func resolve() {
        for id in styles.keys { resolved[id] = kind(of: id, depth: 0) }
    }

    private func kind(of id: String, depth: Int) -> BlockKind {
        guard depth < 16, let style = styles[id] else { return .paragraph }
        if let level = style.outlineLevel { return .heading(level: level + 1) }
        if let name = style.name?.lowercased() {
            if name == "title" { return .heading(level: 1) }
            if name == "subtitle" { return .heading(level: 2) }
            if name.hasPrefix("heading "), let level = Int(name.dropFirst(8)), (1...9).contains(level) {
                return .heading(level: level)
            }
            if name.hasPrefix("list") { return .listItem(level: 1) }
        }
        if let parent = style.basedOn { return kind(of: parent, depth: depth + 1) }
        return .paragraph
    }
}

/// Reads `word/styles.xml`.
final class DOCXStylesHandler: XMLContentHandler {
    var styles = DOCXStyles()
    private var current: (id: String, style: DOCXStyles.Style)?
    private var depth = 0

    func startElement(_ name: XMLName, attributes: XMLAttributes) {
        guard let namespace = name.namespaceString, DOCXNamespaces.mains.contains(namespace) else { return }
        let value = attributes.string("val", namespace: DOCXNamespaces.main)
        switch name.localNameString {
        case "style":
            if attributes.string("type", namespace: DOCXNamespaces.main) == "paragraph",
                let id = attributes.string("styleId", namespace: DOCXNamespaces.main)
            {
                current = (id, DOCXStyles.Style())
            }
        case "name": current?.style.name = value
        case "basedOn": current?.style.basedOn = value
        case "outlineLvl":
            if let value, let level = Int(value), level < 9 { current?.style.outlineLevel = level }
        default: break
        }
    }

    func endElement(_ name: XMLName) {
        guard name.localNameString == "style", let current else { return }
        styles.styles[current.id] = current.style
        self.current = nil
    }

    func characters(_ text: UnsafeBufferPointer<UInt8>) {}
}

/// Reads a relationships part (`_rels/.rels`, `word/_rels/document.xml.rels`): type suffix → target.
final class RelationshipsHandler: XMLContentHandler {
    private(set) var targets: [(type: String, target: String)] = []

    func startElement(_ name: XMLName, attributes: XMLAttributes) {
        guard name.localNameString == "Relationship", let type = attributes.string("Type"),
            let target = attributes.string("Target"), attributes.string("TargetMode") != "External"
        else { return }
        targets.append((type, target))
    }

    func endElement(_ name: XMLName) {}
    func characters(_ text: UnsafeBufferPointer<UInt8>) {}

    /// The target of the first relationship whose type ends with `/suffix`.
    func target(ofType suffix: String) -> String? {
        targets.first { $0.type.hasSuffix("/" + suffix) }?.target
    }
}

/// Reads the title from document properties (`docProps/core.xml`'s `dc:title`, ODT's `meta.xml`).
final class TitleHandler: XMLContentHandler {
    private var isInTitle = false
    private var builder = BlockBuilder()
    private(set) var title: String?

    func startElement(_ name: XMLName, attributes: XMLAttributes) {
        if name.localNameString == "title", name.namespaceString == "http://purl.org/dc/elements/1.1/" {
            isInTitle = true
        }
    }

    func endElement(_ name: XMLName) {
        guard isInTitle else { return }
        isInTitle = false
        if !builder.isEmpty { title = String(decoding: builder.current, as: UTF8.self) }
    }

    func characters(_ text: UnsafeBufferPointer<UInt8>) {
        if isInTitle && builder.current.count < 4096 { builder.append(text) }
    }
}
