internal import CLibXML2
internal import FolioModel

/// Reads HTML, XHTML and inline-XBRL filings into blocks, streaming: libxml2's HTML parser in push mode
/// with SAX callbacks, fed the prescanned input in blocks, never a tree of the document.
///
/// 1. ``HTMLPrescanner`` reduces the stream to tags, text and the style flags Folio reads.
/// 2. libxml2 parses it leniently (unclosed and misnested tags are closed as browsers would).
/// 3. ``HTMLContentHandler`` turns the SAX events into blocks: `script`, `style`, `head`, `ix:header`
///    and anything under `display:none` or `hidden` is skipped; block elements become paragraphs,
///    `h1`–`h6` headings, `li` list items, table rows their cells joined by `" | "`; bold, short,
///    standalone lines ("PART II", "Item 7. Management's Discussion…") become headings.
///
/// - Important: A reader belongs to one thread at a time.
final class HTMLReader: MarkupReader {
    private var prescanner = HTMLPrescanner()
    private let handler: HTMLContentHandler
    private var parser: HTMLPushParser!

    /// Bytes of prescanned output handed to libxml2 per call.
    private static let parseBlockSize = 1 << 16

    init(limits: IngestLimits) {
        handler = HTMLContentHandler(maxNestingDepth: limits.maxNestingDepth)
        var sax = SAXHandlers.empty(serror: htmlError)
        sax.startElement = htmlStartElement
        sax.endElement = htmlEndElement
        sax.characters = htmlCharacters
        sax.ignorableWhitespace = htmlCharacters
        parser = HTMLPushParser(handler: &sax, userData: Unmanaged.passUnretained(handler).toOpaque())
        handler.parser = parser
    }

    func consume(_ bytes: UnsafeBufferPointer<UInt8>) throws(IngestError) {
        prescanner.scan(bytes)
        if prescanner.safeLength >= Self.parseBlockSize { feed(terminate: false) }
        if let error = handler.state.error { throw error }
    }

    func finish() throws(IngestError) {
        prescanner.finish()
        feed(terminate: true)
        if let error = handler.state.error { throw error }
        handler.state.finishDocument()
    }

    func takeBlocks() -> [ExtractedBlock] { handler.state.builder.takeFinished() }

    var title: String? { handler.state.title }

    private func feed(terminate: Bool) {
        let length = prescanner.safeLength
        prescanner.output.withUnsafeBufferPointer { output in
            parser.parse(UnsafeBufferPointer(rebasing: output[0..<length]), terminate: terminate)
        }
        prescanner.consumeOutput(length)
    }
}

// SAX callbacks: C function pointers that find their handler through the context pointer.

private let htmlStartElement: startElementSAXFunc = { context, name, attributes in
    guard let context, let name else { return }
    Unmanaged<HTMLContentHandler>.fromOpaque(context).takeUnretainedValue().startElement(name, attributes)
}

private let htmlEndElement: endElementSAXFunc = { context, name in
    guard let context, let name else { return }
    Unmanaged<HTMLContentHandler>.fromOpaque(context).takeUnretainedValue().endElement(name)
}

private let htmlCharacters: charactersSAXFunc = { context, characters, length in
    guard let context, let characters, length > 0 else { return }
    Unmanaged<HTMLContentHandler>.fromOpaque(context).takeUnretainedValue()
        .characters(UnsafeBufferPointer(start: characters, count: Int(length)))
}

/// HTML is parsed leniently: libxml2's complaints (unknown `ix:` tags, misnesting) are not errors.
private let htmlError: xmlStructuredErrorFunc = { _, _ in }
