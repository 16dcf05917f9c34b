internal import CLibXML2
internal import Foundation

/// The libxml2 calls Folio makes, one wrapper each, documented with the C name.
///
/// No libxml2 pointer leaves this file's types: readers hand in a SAX handler and bytes, and get
/// callbacks with a context pointer they own.
///
/// Safety rules the wrappers keep:
/// - `xmlInitParser()` runs once per process (``LibXML2/initialize()``); `xmlCleanupParser()` never runs,
///   so a gateway that also uses libxml2 is not disturbed.
/// - Parsers are created with `XML_PARSE_NONET` and without `XML_PARSE_NOENT`, `XML_PARSE_DTDLOAD` or
///   `XML_PARSE_DTDVALID`: nothing is fetched, no external subset is loaded, no entity is substituted.
///   The XML readers also refuse any entity declaration from their SAX `entityDecl` callback.
/// - Errors reach a structured-error callback (`serror`), never libxml2's default handler (which would
///   print to standard error).
enum LibXML2 {
    private static let initialized: Void = { xmlInitParser() }()

    /// `xmlInitParser()`, once.
    static func initialize() { _ = initialized }
}

/// The first error libxml2 reported, copied out of its `xmlError`.
struct LibXML2Message: Sendable {
    var text: String
    var line: Int
    var column: Int
    var isFatal: Bool

    /// Copies the fields of an `xmlError` (valid only during the callback).
    init(_ error: UnsafeMutablePointer<xmlError>) {
        let raw = error.pointee.message.map { String(cString: $0) } ?? "unknown error"
        text = raw.trimmingTrailingNewlines()
        line = Int(error.pointee.line)
        column = Int(error.pointee.int2)
        isFatal = error.pointee.level == XML_ERR_FATAL
    }
}

extension String {
    fileprivate func trimmingTrailingNewlines() -> String {
        var result = self
        while result.last == "\n" || result.last == "\r" { result.removeLast() }
        return result
    }
}

/// A libxml2 HTML push parser (`htmlCreatePushParserCtxt`) with SAX callbacks.
///
/// - Important: Belongs to one thread at a time; the SAX `userData` must outlive the parser.
final class HTMLPushParser {
    private let context: htmlParserCtxtPtr

    /// Options: `HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
    /// HTML_PARSE_IGNORE_ENC`: the input is already UTF-8 (Folio decodes it), so a `<meta charset>`
    /// must not switch encodings again.
    init(handler: inout htmlSAXHandler, userData: UnsafeMutableRawPointer) {
        LibXML2.initialize()
        // htmlCreatePushParserCtxt copies the handler structure.
        guard let context = htmlCreatePushParserCtxt(&handler, userData, nil, 0, nil, XML_CHAR_ENCODING_UTF8) else {
            fatalError("libxml2 could not allocate an HTML parser context (out of memory)")
        }
        self.context = context
        let options =
            Int32(HTML_PARSE_NONET.rawValue) | Int32(HTML_PARSE_NOERROR.rawValue) | Int32(HTML_PARSE_NOWARNING.rawValue)
            | Int32(HTML_PARSE_IGNORE_ENC.rawValue)
        htmlCtxtUseOptions(context, options)
    }

    deinit { htmlFreeParserCtxt(context) }

    /// `htmlParseChunk`: parses `bytes`; `terminate` ends the document.
    func parse(_ bytes: UnsafeBufferPointer<UInt8>, terminate: Bool) {
        let count = Int32(clamping: bytes.count)
        bytes.withMemoryRebound(to: CChar.self) { chars in
            _ = htmlParseChunk(context, chars.baseAddress, count, terminate ? 1 : 0)
        }
    }

    /// `xmlStopParser`: no more callbacks after the current one.
    func stop() { xmlStopParser(context) }
}

/// A libxml2 XML push parser (`xmlCreatePushParserCtxt`) with namespace-aware SAX2 callbacks.
///
/// - Important: Belongs to one thread at a time; the SAX `userData` must outlive the parser.
final class XMLPushParser {
    private let context: xmlParserCtxtPtr

    /// Options: `XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_IGNORE_ENC |
    /// XML_PARSE_NOCDATA`; no entity substitution, no DTD loading or validation.
    init(handler: inout xmlSAXHandler, userData: UnsafeMutableRawPointer) {
        LibXML2.initialize()
        guard let context = xmlCreatePushParserCtxt(&handler, userData, nil, 0, nil) else {
            fatalError("libxml2 could not allocate an XML parser context (out of memory)")
        }
        self.context = context
        let options =
            Int32(XML_PARSE_NONET.rawValue) | Int32(XML_PARSE_NOERROR.rawValue) | Int32(XML_PARSE_NOWARNING.rawValue)
            | Int32(XML_PARSE_IGNORE_ENC.rawValue) | Int32(XML_PARSE_NOCDATA.rawValue)
        xmlCtxtUseOptions(context, options)
    }

    deinit {
        freeDocument()
        xmlFreeParserCtxt(context)
    }

    /// `xmlFreeDoc(ctxt->myDoc)`: a document libxml2 built behind the SAX callbacks, which
    /// `xmlFreeParserCtxt` leaves to the caller. Even with no tree-building callbacks, an entity
    /// declaration makes one ("for expat compatibility in SAX mode", with a DTD holding the entity), so
    /// every refused DTD leaked it (FuzzXML, LeakSanitizer).
    func freeDocument() {
        guard let document = context.pointee.myDoc else { return }
        context.pointee.myDoc = nil
        xmlFreeDoc(document)
    }

    /// Whether libxml2 holds a document that ``freeDocument()`` would free (tests).
    var hasDocument: Bool { context.pointee.myDoc != nil }

    /// `xmlParseChunk`: parses `bytes`; `terminate` ends the document. Returns libxml2's error code (0: none).
    @discardableResult
    func parse(_ bytes: UnsafeBufferPointer<UInt8>, terminate: Bool) -> Int32 {
        let count = Int32(clamping: bytes.count)
        return bytes.withMemoryRebound(to: CChar.self) { chars in
            xmlParseChunk(context, chars.baseAddress, count, terminate ? 1 : 0)
        }
    }

    /// `xmlStopParser`: no more callbacks after the current one.
    func stop() { xmlStopParser(context) }

    /// `ctxt->wellFormed`.
    var isWellFormed: Bool { context.pointee.wellFormed != 0 }
}

/// The SAX handler structures, with `initialized = XML_SAX2_MAGIC` so that errors go to `serror`.
enum SAXHandlers {
    /// An empty handler whose errors go to `serror`.
    static func empty(serror: xmlStructuredErrorFunc) -> xmlSAXHandler {
        var handler = xmlSAXHandler()
        handler.initialized = XML_SAX2_MAGIC
        handler.serror = serror
        return handler
    }
}

/// A C string (`const xmlChar *`) as bytes, without copying.
@inline(__always)
func cStringBytes(_ pointer: UnsafePointer<xmlChar>) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(start: pointer, count: strlen(UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self)))
}
