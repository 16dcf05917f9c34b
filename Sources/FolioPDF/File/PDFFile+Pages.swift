/// A leaf of the page tree with the attributes it inherits (7.7.3.4), still unresolved.
struct PDFPageNode {
    var dictionary: PDFDictionary
    var object: PDFReference?
    var resources: PDFObject?
    var mediaBox: PDFObject?
    var cropBox: PDFObject?
    var rotate: PDFObject?

    /// A node's own inheritable attributes replace its ancestors'.
    mutating func inherit(from node: PDFDictionary) {
        if let value = node["Resources"] { resources = value }
        if let value = node["MediaBox"] { mediaBox = value }
        if let value = node["CropBox"] { cropBox = value }
        if let value = node["Rotate"] { rotate = value }
    }
}

extension PDFFile {
    /// Pages in the page tree.
    public var pageCount: Int { pageNodes.count }

    /// Every page, in order. ``forEachPage(_:)`` builds them one at a time instead.
    ///
    /// - Throws: what ``page(at:)`` throws.
    public func pages() throws(PDFError) -> [PDFPage] {
        var pages: [PDFPage] = []
        pages.reserveCapacity(pageCount)
        for index in 0..<pageCount { pages.append(try page(at: index)) }
        return pages
    }

    /// Calls `body` with each page in order, building one page at a time.
    ///
    /// - Throws: what ``page(at:)`` or `body` throws.
    public func forEachPage(_ body: (PDFPage) throws(PDFError) -> Void) throws(PDFError) {
        for index in 0..<pageCount { try body(try page(at: index)) }
    }

    /// The page at `index` (0-based; its ``PDFPage/number`` is `index + 1`): inherited attributes
    /// applied, the CropBox clipped to the MediaBox, `/Rotate` normalized, `/Contents` resolved to its
    /// streams (entries that are not streams are skipped).
    ///
    /// - Precondition: `index` is in `0..<pageCount`.
    /// - Throws: ``PDFError/Code/malformed`` for a reference cycle or an unparsable object.
    public func page(at index: Int) throws(PDFError) -> PDFPage {
        precondition(index >= 0 && index < pageCount, "page index \(index) out of 0..<\(pageCount)")
        let node = pageNodes[index]
        let resources = try node.resources.map { value throws(PDFError) in try resolve(value).dictionary } ?? nil
        let mediaBox = try rectangle(node.mediaBox) ?? .letter
        let cropBox = try rectangle(node.cropBox).flatMap { $0.intersection(mediaBox) } ?? mediaBox
        var rotation = 0
        if let value = node.rotate, let degrees = try resolve(value).integer {
            rotation = Self.normalizedRotation(degrees)
        }
        var contents: [PDFStream] = []
        if let value = node.dictionary["Contents"] {
            switch try resolve(value) {
            case .stream(let stream):
                contents = [stream]
            case .array(let array):
                for element in array {
                    if case .stream(let stream) = try resolve(element) { contents.append(stream) }
                }
            default:
                break
            }
        }
        return PDFPage(
            number: index + 1, resources: resources ?? PDFDictionary(), contents: contents, mediaBox: mediaBox,
            cropBox: cropBox, rotation: rotation, object: node.object)
    }

    /// `/Rotate` as 0, 90, 180 or 270: modulo 360, negative angles turned positive; an angle that is
    /// not a multiple of 90 is 0.
    static func normalizedRotation(_ degrees: Int) -> Int {
        guard degrees % 90 == 0 else { return 0 }
        let turned = degrees % 360
        return turned < 0 ? turned + 360 : turned
    }

    /// A rectangle from an array of four numbers; nil when absent, not four numbers, or empty.
    private func rectangle(_ value: PDFObject?) throws(PDFError) -> PDFRect? {
        guard let value, case .array(let array) = try resolve(value), array.count == 4 else { return nil }
        var numbers: [Double] = []
        for element in array {
            guard let number = try resolve(element).number, number.isFinite else { return nil }
            numbers.append(number)
        }
        let rect = PDFRect(numbers[0], numbers[1], numbers[2], numbers[3])
        return rect.width > 0 && rect.height > 0 ? rect : nil
    }

    /// The leaves of the page tree, in order, walked with an explicit stack.
    ///
    /// A node with `/Kids` (or `/Type /Pages`) is an inner node; anything else is a page (a kid
    /// without `/Type` included). Kids that are not dictionaries are skipped.
    ///
    /// - Throws: ``PDFError/Code/malformed`` when the catalog has no `/Pages` or a node is reached
    ///   twice (a loop); ``PDFError/Code/limitExceeded`` past ``PDFLimits/maxPages``.
    func walkPageTree() throws(PDFError) -> [PDFPageNode] {
        guard let root = catalog["Pages"] else {
            throw PDFError(.malformed, "the document catalog has no /Pages")
        }
        var leaves: [PDFPageNode] = []
        var visited = Set<PDFReference>()
        let start = PDFPageNode(dictionary: PDFDictionary())
        var stack: [(object: PDFObject, inherited: PDFPageNode)] = [(root, start)]
        while let (object, inherited) = stack.popLast() {
            if let reference = object.reference, !visited.insert(reference).inserted {
                throw PDFError(
                    .malformed, "the page tree reaches \(reference) twice (a loop)", object: reference)
            }
            guard case .dictionary(let dictionary) = try resolve(object) else { continue }
            var node = inherited
            node.inherit(from: dictionary)
            let kids = dictionary["Kids"]
            if dictionary.type == "Pages" || (dictionary.type != "Page" && kids != nil) {
                guard let kids, case .array(let array) = try resolve(kids) else { continue }
                for kid in array.reversed() { stack.append((kid, node)) }
            } else {
                node.dictionary = dictionary
                node.object = object.reference
                leaves.append(node)
                guard leaves.count <= limits.maxPages else {
                    throw PDFError.limit(
                        "maxPages", limits.maxPages, "the page tree holds more than \(limits.maxPages) pages")
                }
            }
        }
        return leaves
    }
}
