/// A PDF file read from memory: its cross-reference, objects, streams, encryption and page tree.
///
/// Opening a file:
/// 1. finds `%PDF-` in the first 1,024 bytes (offsets are relative to it when junk precedes it);
/// 2. reads the cross-reference from `startxref`: classic tables, cross-reference streams, hybrid
///    files and `/Prev` chains of incremental updates (the newest definition wins; loops stop the chain);
/// 3. when that fails or gives no `/Root`, rebuilds it by scanning the whole file for `N G obj`
///    (the last definition wins), trailers and cross-reference streams (``wasRecovered``);
/// 4. sets up the standard security handler when the file is encrypted (empty user password only);
/// 5. walks the page tree, so ``pageCount`` is known.
///
/// Objects are parsed when first asked for and cached. An offset that does not point at its
/// `N G obj` falls back to the scan, object by object.
///
/// - Important: A `PDFFile` is read on one thread (its caches are not synchronized); it is not `Sendable`.
public final class PDFFile: PDFObjectSource {
    public let limits: PDFLimits
    /// The whole file.
    let bytes: [UInt8]
    /// Where `%PDF-` starts; offsets in the file count from here.
    let headerOffset: Int
    /// The version in the header (`1.7`), raised by the catalog's `/Version` when that is later.
    public private(set) var version: String = ""
    /// The trailer dictionary (for cross-reference streams, the stream's dictionary), merged over the
    /// incremental updates: the newest value of each key.
    public internal(set) var trailer = PDFDictionary()
    /// The document catalog (`/Root`).
    public private(set) var catalog = PDFDictionary()
    /// Whether the cross-reference was rebuilt by scanning the file (it was missing or broken).
    public internal(set) var wasRecovered = false

    var crossReference: [Int: PDFCrossReferenceEntry] = [:]
    var security: PDFSecurityHandler?
    /// The `/Encrypt` dictionary's own object: its strings are never encrypted.
    var encryptionReference: PDFReference?
    var objectCache: [Int: PDFObject] = [:]
    var objectStreamCache: [Int: PDFObjectStreamContents] = [:]
    /// Objects being read, innermost last: reading one that is already here is a reference cycle.
    var loading: [Int] = []
    var scan: PDFRecoveryScan?
    var endstreamSearch: PDFLastSearch?
    var endobjSearch: PDFLastSearch?
    var pageNodes: [PDFPageNode] = []

    /// Objects whose reading may nest (a stream whose `/Length` is in an object stream whose
    /// `/Length` is another reference…) at most this deep.
    static let maxLoadDepth = 64
    /// The header is looked for in this many first bytes.
    static let headerSearchBytes = 1024

    /// Opens a PDF held in memory.
    ///
    /// - Throws: ``PDFError/Code/malformed`` when there is no header or no `/Root` even after
    ///   recovery, or the page tree loops; ``PDFError/Code/encrypted`` when a user password is needed;
    ///   ``PDFError/Code/unsupported`` for a security handler other than the standard one;
    ///   ``PDFError/Code/limitExceeded`` past ``PDFLimits/maxObjects`` or ``PDFLimits/maxPages``.
    public init(bytes: [UInt8], limits: PDFLimits = PDFLimits()) throws(PDFError) {
        self.bytes = bytes
        self.limits = limits
        guard let header = PDFLexer.firstIndex(of: "%PDF-", in: bytes, from: 0, to: Self.headerSearchBytes + 5) else {
            throw PDFError(.malformed, "not a PDF: no %PDF- header in the first 1,024 bytes", byteOffset: 0)
        }
        headerOffset = header
        version = Self.headerVersion(bytes, header)

        var recover = false
        do {
            try readCrossReference()
            recover = trailer["Root"] == nil
        } catch {
            if error.code == .limitExceeded { throw error }
            recover = true
        }
        if recover { try recoverCrossReference() }
        try setUpSecurity()
        if wasRecovered { try completeRecovery() }
        var root = try catalogDictionary()
        if root == nil && !wasRecovered {
            try recoverCrossReference()
            try setUpSecurity()
            try completeRecovery()
            root = try catalogDictionary()
        }
        guard let root else {
            throw PDFError(.malformed, "the file has no document catalog (/Root), even after scanning it")
        }
        catalog = root
        if let catalogVersion = catalog["Version"]?.name?.string, Self.isLater(catalogVersion, than: version) {
            version = catalogVersion
        }
        pageNodes = try walkPageTree()
    }

    // MARK: Public views

    /// Whether the file is encrypted (and was opened with the empty user password).
    public var isEncrypted: Bool { security != nil }

    /// The document information dictionary (`/Info`: `/Title`, `/Author`…, strings still encoded as
    /// PDF text strings); nil when absent or unreadable.
    public var info: PDFDictionary? {
        guard let value = trailer["Info"] else { return nil }
        return (try? resolve(value))?.dictionary
    }

    /// The document's title: `/Info /Title` decoded as a PDF text string (UTF-16BE or UTF-8 with a byte
    /// order mark, else PDFDocEncoding), whitespace collapsed; nil when absent, unreadable or blank.
    public var title: String? {
        guard let value = info?["Title"], let bytes = (try? resolve(value))?.string else { return nil }
        var title = ""
        title.unicodeScalars.append(contentsOf: PDFTextString.scalars(bytes))
        let words = title.split(whereSeparator: { $0.isWhitespace })
        return words.isEmpty ? nil : words.joined(separator: " ")
    }

    /// How many objects the cross-reference declares in use.
    public var objectCount: Int {
        crossReference.values.reduce(0) { count, entry in
            if case .free = entry { count } else { count + 1 }
        }
    }

    // MARK: Objects

    /// `object`, with references followed to a direct object; a missing or free object is `null`.
    ///
    /// - Throws: ``PDFError/Code/malformed`` for a reference cycle (`1 0 obj 1 0 R endobj`) or an
    ///   object that cannot be parsed; ``PDFError/Code/limitExceeded`` for one nested too deeply.
    public func resolve(_ object: PDFObject) throws(PDFError) -> PDFObject {
        var current = object
        var followed: [PDFReference] = []
        while case .reference(let reference) = current {
            if followed.contains(reference) || followed.count >= Self.maxLoadDepth {
                throw PDFError(
                    .malformed, "the reference \(reference) leads back to itself (a reference cycle)",
                    object: reference)
            }
            followed.append(reference)
            current = try self.object(reference.number)
        }
        return current
    }

    /// The indirect object `number` (its generation is not checked, as readers do), parsed once.
    func object(_ number: Int) throws(PDFError) -> PDFObject {
        if let cached = objectCache[number] { return cached }
        if loading.contains(number) {
            throw PDFError(
                .malformed, "object \(number) is needed to read itself (a reference cycle)",
                object: PDFReference(number))
        }
        guard loading.count < Self.maxLoadDepth else {
            throw PDFError(
                .malformed, "reading object \(number) needs more than \(Self.maxLoadDepth) other objects first",
                object: PDFReference(number))
        }
        loading.append(number)
        defer { loading.removeLast() }
        let object = try readObject(number)
        objectCache[number] = object
        return object
    }

    private func readObject(_ number: Int) throws(PDFError) -> PDFObject {
        switch crossReference[number] {
        case .free:
            return .null
        case .inFile(let offset):
            if let object = try indirectObject(number, at: offset) { return object }
            if headerOffset > 0, let object = try indirectObject(number, at: offset - headerOffset) { return object }
            return try recoveredObject(number) ?? .null
        case .compressed(let stream, let index):
            do {
                return try compressedObject(number, stream: stream, index: index)
            } catch {
                if error.code == .limitExceeded { throw error }
                if let object = try recoveredObject(number) { return object }
                throw error
            }
        case nil:
            return try recoveredObject(number) ?? .null
        }
    }

    /// The object `number` from the scan of the whole file: its last definition that parses.
    private func recoveredObject(_ number: Int) throws(PDFError) -> PDFObject? {
        let offsets = recoveryScan().objects[number] ?? []
        for offset in offsets.reversed() {
            do {
                if let object = try indirectObject(number, at: offset) { return object }
            } catch {
                if error.code == .limitExceeded { throw error }
            }
        }
        return nil
    }

    /// The indirect object `number` defined at `offset`; nil when `number G obj` does not start there.
    func indirectObject(_ number: Int, at offset: Int) throws(PDFError) -> PDFObject? {
        guard offset >= 0 && offset < bytes.count else { return nil }
        var parser = PDFParser(bytes: bytes, position: offset, limits: limits)
        guard let reference = parser.parseIndirectHeader(), reference.number == number else { return nil }
        if let security, reference != encryptionReference {
            parser.stringTransform = security.stringTransform(for: reference)
        }
        let body = try parser.parseIndirectBody()
        guard let dataStart = body.streamDataStart, case .dictionary(let dictionary) = body.object else {
            return body.object
        }
        let declaredLength = try? resolve(dictionary["Length"] ?? .null).integer
        let range = try streamExtent(from: dataStart, declaredLength: declaredLength)
        return .stream(
            PDFStream(dictionary: dictionary, encoded: bytes[range], object: reference, byteOffset: dataStart))
    }

    /// The bytes of a stream starting at `start`: `/Length` of them when `endstream` follows, else up
    /// to the nearer of the next `endstream` and `endobj`, without the end of line before it.
    ///
    /// - Throws: ``PDFError/Code/malformed`` when neither keyword follows.
    private func streamExtent(from start: Int, declaredLength: Int?) throws(PDFError) -> Range<Int> {
        if let length = declaredLength, length >= 0, length <= bytes.count - start {
            var cursor = start + length
            while cursor < bytes.count && PDFLexer.isWhitespace(bytes[cursor]) { cursor += 1 }
            if PDFLexer.matches("endstream", in: bytes, at: cursor) { return start..<(start + length) }
        }
        let endstream = search("endstream", from: start, memo: &endstreamSearch)
        let endobj = search("endobj", from: start, memo: &endobjSearch)
        guard let end = [endstream, endobj].compactMap({ $0 }).min() else {
            throw PDFError(.malformed, "a stream has neither endstream nor endobj after it", byteOffset: start)
        }
        var trimmed = end
        if trimmed > start && bytes[trimmed - 1] == 0x0A { trimmed -= 1 }
        if trimmed > start && bytes[trimmed - 1] == 0x0D { trimmed -= 1 }
        return start..<trimmed
    }

    /// The next `pattern` at or after `start`, remembering the last search: streams whose `/Length`
    /// lies are usually many in a row, and each would otherwise scan to the same far keyword.
    private func search(_ pattern: StaticString, from start: Int, memo: inout PDFLastSearch?) -> Int? {
        if let last = memo, start >= last.from {
            // Nothing lies between `last.from` and what that search found.
            if let found = last.found, start <= found { return found }
            if last.found == nil { return nil }
        }
        let found = PDFLexer.firstIndex(of: pattern, in: bytes, from: start)
        memo = PDFLastSearch(from: start, found: found)
        return found
    }

    // MARK: Opening

    private static func headerVersion(_ bytes: [UInt8], _ header: Int) -> String {
        var index = header + 5
        var text: [UInt8] = []
        while index < bytes.count, text.count < 8, PDFLexer.isDigit(bytes[index]) || bytes[index] == 0x2E {
            text.append(bytes[index])
            index += 1
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Whether version `candidate` (`1.7`) is later than `current`.
    private static func isLater(_ candidate: String, than current: String) -> Bool {
        func parts(_ version: String) -> [Int]? {
            let parts = version.split(separator: ".").map { Int($0) }
            guard parts.count == 2, let major = parts[0], let minor = parts[1] else { return nil }
            return [major, minor]
        }
        guard let later = parts(candidate) else { return false }
        guard let earlier = parts(current) else { return true }
        return earlier.lexicographicallyPrecedes(later)
    }

    /// Reads `/Encrypt` (when present) and prepares decryption; clears objects read before.
    private func setUpSecurity() throws(PDFError) {
        security = nil
        encryptionReference = nil
        objectCache.removeAll()
        objectStreamCache.removeAll()
        guard let value = trailer["Encrypt"] else { return }
        encryptionReference = value.reference
        guard case .dictionary(let dictionary) = try resolve(value) else {
            throw PDFError(.malformed, "the trailer's /Encrypt is not a dictionary")
        }
        var resolved = PDFDictionary()
        for (key, entry) in dictionary.entries { resolved[key] = try resolve(entry) }
        let documentID = trailer["ID"].flatMap { try? resolve($0) }?.array?.first?.string ?? []
        security = try PDFSecurityHandler(dictionary: resolved, documentID: documentID)
        // Objects read so far (the /Encrypt dictionary, /Length values) were read without decryption.
        objectCache.removeAll()
        if let encryptionReference { objectCache[encryptionReference.number] = .dictionary(dictionary) }
    }

    /// The catalog, or nil when `/Root` does not lead to a dictionary.
    private func catalogDictionary() throws(PDFError) -> PDFDictionary? {
        guard let root = trailer["Root"] else { return nil }
        do {
            return try resolve(root).dictionary
        } catch {
            if error.code == .limitExceeded { throw error }
            return nil
        }
    }
}

/// Where one kind of object lives, as the cross-reference says.
enum PDFCrossReferenceEntry: Equatable {
    case free
    /// `N G obj` at this byte offset (already relative to the start of the file's bytes).
    case inFile(offset: Int)
    /// The `index`-th object of object stream `stream`.
    case compressed(stream: Int, index: Int)
}

/// The last search for a keyword: from where, and what it found (nil: nothing up to the end).
struct PDFLastSearch {
    var from: Int
    var found: Int?
}
