internal import CLibXML2
internal import FolioModel

/// An element's name during a SAX callback: pointers into libxml2's dictionary, valid for the whole parse
/// (so they can be compared and used as keys), but not to be kept past it.
struct XMLName {
    let localName: UnsafePointer<xmlChar>
    let prefix: UnsafePointer<xmlChar>?
    let namespaceURI: UnsafePointer<xmlChar>?

    /// A key identifying the (namespace, local name) pair for the parse.
    var key: XMLNameKey {
        XMLNameKey(localName: UnsafeRawPointer(localName), namespaceURI: namespaceURI.map(UnsafeRawPointer.init))
    }

    var localNameString: String { String(cString: localName) }
    var namespaceString: String? { namespaceURI.map { String(cString: $0) } }
    /// `prefix:local`, as written.
    var qualifiedName: String {
        guard let prefix else { return localNameString }
        return String(cString: prefix) + ":" + localNameString
    }
}

struct XMLNameKey: Hashable {
    let localName: UnsafeRawPointer
    let namespaceURI: UnsafeRawPointer?
}

/// The attributes of an element during a SAX callback (libxml2's five-pointer records).
struct XMLAttributes {
    let base: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    let count: Int

    /// The value of the attribute with this local name (and namespace, when given), as bytes.
    func value(_ localName: StaticString, namespace: StaticString? = nil) -> UnsafeBufferPointer<UInt8>? {
        guard let base else { return nil }
        for index in 0..<count {
            let record = base + index * 5
            guard let name = record[0], equals(name, localName) else { continue }
            if let namespace {
                guard let uri = record[2], equals(uri, namespace) else { continue }
            }
            guard let start = record[3], let end = record[4] else { return nil }
            return UnsafeBufferPointer(start: start, count: end - start)
        }
        return nil
    }

    func string(_ localName: StaticString, namespace: StaticString? = nil) -> String? {
        value(localName, namespace: namespace).map { String(decoding: $0, as: UTF8.self) }
    }

    private func equals(_ pointer: UnsafePointer<xmlChar>, _ literal: StaticString) -> Bool {
        literal.withUTF8Buffer { expected in
            for index in 0..<expected.count where pointer[index] != expected[index] { return false }
            return pointer[expected.count] == 0
        }
    }
}

/// What an XML reader does with SAX events.
protocol XMLContentHandler: AnyObject {
    func startElement(_ name: XMLName, attributes: XMLAttributes)
    func endElement(_ name: XMLName)
    func characters(_ text: UnsafeBufferPointer<UInt8>)
}

/// Feeds XML to libxml2's push parser and forwards namespace-aware SAX events to a handler, enforcing
/// Folio's rules: no entity declarations (refused at the first one, so billion-laughs and external
/// entities never expand or load), a nesting-depth limit, and the first well-formedness error as a
/// typed ``IngestError/Code/malformed`` error with its line.
///
/// - Important: Belongs to one thread at a time.
final class XMLEventReader {
    /// Unowned: the handler outlives its event reader (``XMLReader`` owns the one it feeds, and the office
    /// readers keep theirs for one part), and a strong reference back made ``XMLReader`` a cycle that
    /// leaked every reader with its blocks and libxml2's parser context (FuzzXML, LeakSanitizer).
    private unowned let handler: any XMLContentHandler
    private let maxNestingDepth: Int
    private var parser: XMLPushParser!
    private var depth = 0
    private(set) var error: IngestError?
    /// What the document is, for messages ("XML", "word/document.xml").
    let partName: String

    init(handler: any XMLContentHandler, limits: IngestLimits, partName: String) {
        self.handler = handler
        self.maxNestingDepth = limits.maxNestingDepth
        self.partName = partName
        var sax = SAXHandlers.empty(serror: xmlErrorCallback)
        sax.startElementNs = xmlStartElement
        sax.endElementNs = xmlEndElement
        sax.characters = xmlCharacters
        sax.cdataBlock = xmlCharacters
        sax.entityDecl = xmlEntityDeclaration
        sax.unparsedEntityDecl = xmlUnparsedEntityDeclaration
        sax.getEntity = xmlGetEntity
        sax.getParameterEntity = xmlGetEntity
        sax.resolveEntity = xmlResolveEntity
        parser = XMLPushParser(handler: &sax, userData: Unmanaged.passUnretained(self).toOpaque())
    }

    /// Parses the next bytes (UTF-8).
    func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(IngestError) {
        guard error == nil else { throw error! }
        parser.parse(bytes, terminate: false)
        if let error { throw error }
    }

    /// Ends the document.
    func finish() throws(IngestError) {
        guard error == nil else { throw error! }
        parser.parse(UnsafeBufferPointer(start: nil, count: 0), terminate: true)
        if let error { throw error }
        if !parser.isWellFormed {
            throw IngestError(.malformed, "\(partName) is not well-formed XML")
        }
    }

    fileprivate func start(_ name: XMLName, _ attributes: XMLAttributes) {
        guard error == nil else { return }
        depth += 1
        if depth > maxNestingDepth {
            fail(
                IngestError(
                    .limitExceeded,
                    "\(partName): elements nest deeper than the limit of \(maxNestingDepth) (maxNestingDepth)",
                    limit: .init(name: "maxNestingDepth", value: maxNestingDepth)))
            return
        }
        handler.startElement(name, attributes: attributes)
    }

    fileprivate func end(_ name: XMLName) {
        guard error == nil else { return }
        depth -= 1
        handler.endElement(name)
    }

    fileprivate func text(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard error == nil else { return }
        handler.characters(bytes)
    }

    fileprivate func refuseEntity(_ name: String) {
        fail(
            IngestError(
                .forbiddenDeclaration,
                """
                \(partName) declares the entity '\(name)' in a DTD; entity declarations are \
                refused (they enable billion-laughs expansion and external-entity attacks)
                """
            ))
    }

    fileprivate func report(_ message: LibXML2Message) {
        guard error == nil, message.isFatal else { return }
        fail(
            IngestError(
                .malformed,
                "\(partName) is not well-formed XML: \(message.text) (line \(message.line), column \(message.column))"))
    }

    private func fail(_ error: IngestError) {
        self.error = error
        parser.stop()
    }
}

// SAX callbacks: C function pointers that find their reader through the context pointer.

private func reader(_ context: UnsafeMutableRawPointer?) -> XMLEventReader? {
    context.map { Unmanaged<XMLEventReader>.fromOpaque($0).takeUnretainedValue() }
}

private let xmlStartElement: startElementNsSAX2Func = {
    context, localName, prefix, uri, _, _, attributeCount, _, attributes in
    guard let reader = reader(context), let localName else { return }
    reader.start(
        XMLName(localName: localName, prefix: prefix, namespaceURI: uri),
        XMLAttributes(base: attributes, count: Int(attributeCount)))
}

private let xmlEndElement: endElementNsSAX2Func = { context, localName, prefix, uri in
    guard let reader = reader(context), let localName else { return }
    reader.end(XMLName(localName: localName, prefix: prefix, namespaceURI: uri))
}

private let xmlCharacters: charactersSAXFunc = { context, characters, length in
    guard let reader = reader(context), let characters, length > 0 else { return }
    reader.text(UnsafeBufferPointer(start: characters, count: Int(length)))
}

private let xmlEntityDeclaration: entityDeclSAXFunc = { context, name, _, _, _, _ in
    reader(context)?.refuseEntity(name.map { String(cString: $0) } ?? "?")
}

private let xmlUnparsedEntityDeclaration: unparsedEntityDeclSAXFunc = { context, name, _, _, _ in
    reader(context)?.refuseEntity(name.map { String(cString: $0) } ?? "?")
}

/// No entity is ever known: predefined ones (`&amp;`) are handled by libxml2 before asking.
private let xmlGetEntity: getEntitySAXFunc = { _, _ in nil }

/// Nothing is ever loaded on a document's behalf.
private let xmlResolveEntity: resolveEntitySAXFunc = { _, _, _ in nil }

private let xmlErrorCallback: xmlStructuredErrorFunc = { context, error in
    guard let error, let reader = reader(context) else { return }
    reader.report(LibXML2Message(error))
}

/// What each element name of a parse means, looked up by the name's interned pointers.
///
/// A parse sees a few dozen distinct names and millions of elements; a `Dictionary` keyed by the two
/// pointers spent a tenth of a DOCX read hashing them with SipHash. This open-addressing table mixes the
/// pointer bits with one multiplication.
struct XMLNameTable<Value> {
    private var keys: [XMLNameKey?]
    private var values: [Value?]
    private var count = 0

    init() {
        keys = Array(repeating: nil, count: 64)
        values = Array(repeating: nil, count: 64)
    }

    @inline(__always)
    private static func slot(_ key: XMLNameKey, mask: Int) -> Int {
        let mixed = UInt(bitPattern: key.localName) ^ (UInt(bitPattern: key.namespaceURI) &* 31)
        return Int(truncatingIfNeeded: (mixed &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
    }

    /// The value for `key`, computing and remembering it on first sight.
    @inline(__always)
    mutating func value(for key: XMLNameKey, orInsert make: () -> Value) -> Value {
        let mask = keys.count - 1
        var index = Self.slot(key, mask: mask)
        while let existing = keys[index] {
            if existing == key { return values[index]! }
            index = (index + 1) & mask
        }
        let value = make()
        keys[index] = key
        values[index] = value
        count += 1
        if count * 2 > keys.count { grow() }
        return value
    }

    private mutating func grow() {
        let oldKeys = keys
        let oldValues = values
        keys = Array(repeating: nil, count: oldKeys.count * 2)
        values = Array(repeating: nil, count: oldKeys.count * 2)
        let mask = keys.count - 1
        for (key, value) in zip(oldKeys, oldValues) {
            guard let key else { continue }
            var index = Self.slot(key, mask: mask)
            while keys[index] != nil { index = (index + 1) & mask }
            keys[index] = key
            values[index] = value
        }
    }
}
