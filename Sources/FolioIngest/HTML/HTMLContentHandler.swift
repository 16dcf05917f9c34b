internal import CLibXML2
internal import FolioModel

/// Receives libxml2's HTML SAX callbacks and forwards them to its ``HTMLContentState``.
///
/// The state is one struct, so a callback costs one exclusive access to it, not one per property.
final class HTMLContentHandler {
    var state: HTMLContentState
    /// The parser, to stop it when the state reports an error.
    weak var parser: HTMLPushParser?

    init(maxNestingDepth: Int) {
        state = HTMLContentState(maxNestingDepth: maxNestingDepth)
    }

    func startElement(_ name: UnsafePointer<xmlChar>, _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) {
        if !state.startElement(name, attributes) { parser?.stop() }
    }

    func endElement(_ name: UnsafePointer<xmlChar>) { state.endElement(name) }

    func characters(_ text: UnsafeBufferPointer<UInt8>) { state.characters(text) }
}

/// Turns libxml2's HTML SAX events into blocks (see ``HTMLReader``).
///
/// Each open element has a ``Frame`` carrying what it means for the text inside: hidden or not, bold or
/// not, the kind of block its text belongs to, the list depth. Text goes into ``builder``; element
/// boundaries finish blocks. Inside a table cell, block boundaries are only spaces, and a row becomes one
/// block when it ends.
struct HTMLContentState {
    private struct Frame {
        var name: UnsafeRawPointer
        var element: HTMLElement
        var isHidden: Bool
        var isBold: Bool
        /// The kind of block text directly inside belongs to (paragraph, heading, list item).
        var context: BlockKind
        var listDepth: Int
        var breaksPageAfter: Bool
    }

    var builder = BlockBuilder()
    /// The first error; the parser is stopped when it is set.
    private(set) var error: IngestError?

    private let maxNestingDepth: Int
    private var stack: [Frame] = []
    private var tables = TableStack()
    private var elements = XMLNameTable<HTMLElement>()

    private var titleBytes: [UInt8] = []
    private var isInTitle = false
    private(set) var title: String?

    /// Non-bold text went into the current block (so it is not a bold heading line).
    private var sawNonBoldText = false
    /// The next block continues the current line group (after a `br`).
    private var nextIsTight = false
    private var previous = PreviousBlock.none

    init(maxNestingDepth: Int) {
        self.maxNestingDepth = maxNestingDepth
        stack.reserveCapacity(64)
    }

    // MARK: SAX events

    /// Returns false when parsing must stop (``error`` says why).
    mutating func startElement(
        _ name: UnsafePointer<xmlChar>, _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    ) -> Bool {
        guard error == nil else { return false }
        if stack.count >= maxNestingDepth {
            error = IngestError(
                .limitExceeded, "elements nest deeper than the limit of \(maxNestingDepth) (maxNestingDepth)",
                limit: .init(name: "maxNestingDepth", value: maxNestingDepth))
            return false
        }
        let key = UnsafeRawPointer(name)
        let element = elements.value(for: XMLNameKey(localName: key, namespaceURI: nil)) {
            HTMLElement.classify(cStringBytes(name))
        }
        let style = Self.styleFlags(attributes)
        let parent = stack.last
        var frame = Frame(
            name: key, element: element,
            isHidden: (parent?.isHidden ?? false) || element.role == .skipped || element.role == .title || style.hidden,
            isBold: parent?.isBold ?? false,
            context: parent?.context ?? .paragraph,
            listDepth: parent?.listDepth ?? 0,
            breaksPageAfter: style.breakAfter)
        if style.normalWeight {
            frame.isBold = false
        } else if style.bold || element.role == .bold {
            frame.isBold = true
        }
        switch element.role {
        case .heading: frame.context = .heading(level: element.level)
        case .list: frame.listDepth += 1
        case .listItem: frame.context = .listItem(level: max(1, frame.listDepth))
        case .title: isInTitle = true
        default: break
        }
        if !frame.isHidden {
            if style.breakBefore {
                boundary(parent?.context ?? .paragraph, tightAfter: false)
                builder.markBreak(.pageBreak)
            }
            open(element, parentContext: parent?.context ?? .paragraph)
        }
        stack.append(frame)
        return true
    }

    mutating func endElement(_ name: UnsafePointer<xmlChar>) {
        guard error == nil else { return }
        let key = UnsafeRawPointer(name)
        // libxml2 closes what it implied; an end tag that matches nothing open is ignored.
        guard let index = stack.lastIndex(where: { $0.name == key }) else { return }
        while stack.count > index {
            let frame = stack.removeLast()
            close(frame)
        }
    }

    mutating func characters(_ text: UnsafeBufferPointer<UInt8>) {
        guard error == nil else { return }
        if isInTitle {
            if titleBytes.count < 4096 { titleBytes.append(contentsOf: text.prefix(4096 - titleBytes.count)) }
            return
        }
        if let top = stack.last {
            if top.isHidden { return }
            if !top.isBold && !sawNonBoldText && BlockBuilder.containsNonSpace(text) { sawNonBoldText = true }
        } else if !sawNonBoldText && BlockBuilder.containsNonSpace(text) {
            sawNonBoldText = true
        }
        builder.append(text)
    }

    /// Finishes the last block and the title.
    mutating func finishDocument() {
        while let frame = stack.popLast() { close(frame) }
        boundary(.paragraph, tightAfter: false)
        var normalizer = BlockBuilder()
        titleBytes.withUnsafeBufferPointer { normalizer.append($0) }
        if !normalizer.isEmpty { title = String(decoding: normalizer.current, as: UTF8.self) }
    }

    // MARK: Structure

    private var isInCell: Bool { tables.isInCell }

    private mutating func open(_ element: HTMLElement, parentContext: BlockKind) {
        switch element.role {
        case .block, .heading, .list, .listItem:
            boundary(parentContext, tightAfter: false)
        case .table:
            if tables.isRowOpen {
                finishRow()  // a table inside a cell: the outer row so far is a row of its own
            } else {
                boundary(parentContext, tightAfter: false)
            }
            tables.push()
        case .row:
            guard !tables.isEmpty else {
                boundary(parentContext, tightAfter: false)
                return
            }
            if tables.isRowOpen { finishRow() }
            tables.openRow()
        case .cell:
            guard !tables.isEmpty else {
                boundary(parentContext, tightAfter: false)
                return
            }
            tables.finishCell(&builder)
            tables.openCell()
        case .lineBreak:
            boundary(parentContext, tightAfter: true)
        case .inline, .bold, .skipped, .title:
            break
        }
    }

    private mutating func close(_ frame: Frame) {
        if frame.element.role == .title { isInTitle = false }
        guard !frame.isHidden else { return }
        switch frame.element.role {
        case .block, .heading, .list, .listItem:
            boundary(frame.context, tightAfter: false)
        case .cell:
            if !tables.isEmpty { tables.finishCell(&builder) } else { boundary(frame.context, tightAfter: false) }
        case .row:
            if !tables.isEmpty { finishRow() } else { boundary(frame.context, tightAfter: false) }
        case .table:
            if !tables.isEmpty {
                finishRow()
                tables.pop()
            }
        case .lineBreak, .inline, .bold, .skipped, .title:
            break
        }
        if frame.breaksPageAfter {
            boundary(frame.context, tightAfter: false)
            builder.markBreak(.pageBreak)
        }
    }

    /// A block boundary: inside a cell a space, elsewhere the end of the current block.
    private mutating func boundary(_ context: BlockKind, tightAfter: Bool) {
        if isInCell {
            builder.appendSpace()
            return
        }
        if !builder.isEmpty {
            previous = builder.finishText(blockKind(context), continuesLines: nextIsTight, after: previous) ?? previous
            sawNonBoldText = false
        }
        nextIsTight = tightAfter
    }

    private mutating func finishRow() {
        guard let row = tables.takeRow(&builder) else { return }
        sawNonBoldText = false
        if let emitted = builder.finishRow(row.cells, table: row.table, after: previous) {
            previous = emitted
            nextIsTight = false
        }
    }

    /// The kind of the current block in `context`: a paragraph may be a heading line of a filing.
    private func blockKind(_ context: BlockKind) -> BlockKind {
        guard case .paragraph = context else { return context }
        let isBold = !sawNonBoldText
        if let level = builder.current.withUnsafeBufferPointer({ HeadingLine.level(of: $0, isBold: isBold) }) {
            return .heading(level: level)
        }
        return .paragraph
    }

    // MARK: Helpers

    private struct StyleFlags {
        var hidden = false
        var bold = false
        var normalWeight = false
        var breakBefore = false
        var breakAfter = false
    }

    /// The flags the prescanner wrote into the `style` attribute (the only attribute left).
    private static func styleFlags(_ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) -> StyleFlags {
        var flags = StyleFlags()
        guard let attributes else { return flags }
        var index = 0
        while let name = attributes[index] {
            if let value = attributes[index + 1], name[0] == UInt8(ascii: "s") {
                var cursor = value
                while cursor.pointee != 0 {
                    switch cursor.pointee {
                    case HTMLPrescanner.Flags.hidden: flags.hidden = true
                    case HTMLPrescanner.Flags.bold: flags.bold = true
                    case HTMLPrescanner.Flags.normalWeight: flags.normalWeight = true
                    case HTMLPrescanner.Flags.breakBefore: flags.breakBefore = true
                    case HTMLPrescanner.Flags.breakAfter: flags.breakAfter = true
                    default: break
                    }
                    cursor += 1
                }
            }
            index += 2
        }
        return flags
    }
}
