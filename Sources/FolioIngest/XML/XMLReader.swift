internal import FolioModel

/// Reads XML documents and XBRL instances into blocks: text in document order, one block per element
/// that holds text.
///
/// 1. Text directly inside an element makes it hold text; its block (with the text of its children, in
///    order) ends with the element, unless an enclosing element holds text too (mixed content such as
///    `<p>Revenue <b>grew</b> 5%.</p>` is one block).
/// 2. In an XBRL instance, every fact (an element with a `contextRef`) is one line,
///    `concept: value (contextRef, unitRef)`; a text-block fact's escaped HTML is read as HTML and its
///    text joined into the line. Contexts, units and schema references are metadata, not text, and are
///    skipped.
final class XMLReader: MarkupReader, XMLContentHandler {
    private var events: XMLEventReader!
    private var builder = BlockBuilder()
    private let isXBRL: Bool
    private let limits: IngestLimits

    private struct Frame {
        var holdsText = false
        var isSkipped = false
        var fact: Fact?
    }

    private struct Fact {
        var concept: String
        var context: String
        var unit: String?
        var value: [UInt8] = []
    }

    private var stack: [Frame] = []
    /// How many open elements hold text (a block ends only when the outermost of them does).
    private var textHoldingDepth = 0
    private var skippedDepth = 0
    /// Facts open (an element inside a fact is part of its value).
    private var openFacts = 0

    let title: String? = nil

    init(limits: IngestLimits, isXBRL: Bool) {
        self.isXBRL = isXBRL
        self.limits = limits
        events = XMLEventReader(handler: self, limits: limits, partName: isXBRL ? "XBRL instance" : "XML document")
    }

    func consume(_ bytes: UnsafeBufferPointer<UInt8>) throws(IngestError) { try events.parse(bytes) }

    func finish() throws(IngestError) {
        try events.finish()
        builder.finishBlock(.paragraph, tight: false)
    }

    func takeBlocks() -> [ExtractedBlock] { builder.takeFinished() }

    // MARK: XMLContentHandler

    func startElement(_ name: XMLName, attributes: XMLAttributes) {
        var frame = Frame()
        if skippedDepth > 0 || (isXBRL && Self.isXBRLMetadata(name)) {
            frame.isSkipped = true
            skippedDepth += 1
        } else if isXBRL, let context = attributes.string("contextRef") {
            endOpenBlock()
            frame.fact = Fact(concept: name.qualifiedName, context: context, unit: attributes.string("unitRef"))
            openFacts += 1
        }
        stack.append(frame)
    }

    func endElement(_ name: XMLName) {
        guard let frame = stack.popLast() else { return }
        if frame.isSkipped {
            skippedDepth -= 1
            return
        }
        if let fact = frame.fact {
            openFacts -= 1
            emit(fact)
            return
        }
        if frame.holdsText {
            textHoldingDepth -= 1
            if textHoldingDepth == 0 { builder.finishBlock(.paragraph, tight: false) }
        }
    }

    func characters(_ text: UnsafeBufferPointer<UInt8>) {
        guard skippedDepth == 0, !stack.isEmpty else { return }
        if stack[stack.count - 1].fact != nil {
            stack[stack.count - 1].fact!.value.append(contentsOf: text)
            return
        }
        if openFacts > 0, let index = stack.lastIndex(where: { $0.fact != nil }) {
            stack[index].fact!.value.append(contentsOf: text)  // text inside an element inside a fact
            return
        }
        if !stack[stack.count - 1].holdsText && BlockBuilder.containsNonSpace(text) {
            stack[stack.count - 1].holdsText = true
            textHoldingDepth += 1
        }
        builder.append(text)
    }

    // MARK: Facts

    /// Finishes text left in the builder by elements that did not hold text themselves.
    private func endOpenBlock() {
        if textHoldingDepth == 0 { builder.finishBlock(.paragraph, tight: false) }
    }

    private func emit(_ fact: Fact) {
        var value = BlockBuilder()
        if Self.looksLikeHTML(fact.value) {
            value.append(HTMLFragment.text(of: fact.value, limits: limits))
        } else {
            fact.value.withUnsafeBufferPointer { value.append($0) }
        }
        let factText = String(decoding: value.current, as: UTF8.self)
        let line = "\(fact.concept): \(factText) (\(fact.context)\(fact.unit.map { ", " + $0 } ?? ""))"
        builder.finishBlock(.paragraph, tight: false)
        builder.append(line)
        builder.finishBlock(.paragraph, tight: true)
    }

    /// `context`, `unit`, `schemaRef`, `roleRef`, `arcroleRef` of the XBRL instance and linkbase namespaces.
    private static func isXBRLMetadata(_ name: XMLName) -> Bool {
        guard let uri = name.namespaceString,
            uri == "http://www.xbrl.org/2003/instance" || uri == "http://www.xbrl.org/2003/linkbase"
        else { return false }
        switch name.localNameString {
        case "context", "unit", "schemaRef", "roleRef", "arcroleRef", "linkbaseRef": return true
        default: return false
        }
    }

    private static func looksLikeHTML(_ bytes: [UInt8]) -> Bool {
        guard let first = bytes.firstIndex(where: { !($0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D)) }),
            bytes[first] == UInt8(ascii: "<"), first + 1 < bytes.count
        else { return false }
        let next = bytes[first + 1] | 0x20
        return (next >= 0x61 && next <= 0x7A) || bytes[first + 1] == UInt8(ascii: "!")
    }
}

/// The text of an HTML fragment (an XBRL text block), its blocks joined by spaces.
enum HTMLFragment {
    static func text(of html: [UInt8], limits: IngestLimits) -> String {
        let reader = HTMLReader(limits: limits)
        var parts: [String] = []
        do {
            try html.withUnsafeBufferPointer { bytes throws(IngestError) in try reader.consume(bytes) }
            try reader.finish()
        } catch {
            // A fragment too deep to read keeps its raw text rather than losing it.
            return String(decoding: html, as: UTF8.self)
        }
        for block in reader.takeBlocks() where !block.text.isEmpty { parts.append(block.text) }
        return parts.joined(separator: " ")
    }
}
