@testable import FolioPDF

/// A `PDFObjectSource` over a dictionary of objects; streams hold already-decoded bytes.
final class FakeObjectSource: PDFObjectSource {
    var objects: [Int: PDFObject] = [:]
    private var nextNumber = 1

    /// Stores `object` and returns its reference.
    @discardableResult
    func add(_ object: PDFObject) -> PDFReference {
        let reference = PDFReference(nextNumber)
        objects[nextNumber] = object
        nextNumber += 1
        return reference
    }

    func resolve(_ object: PDFObject) throws(PDFError) -> PDFObject {
        var current = object
        var hops = 0
        while case .reference(let reference) = current {
            hops += 1
            if hops > 32 { throw PDFError(.malformed, "reference cycle at \(reference)") }
            current = objects[reference.number] ?? .null
        }
        return current
    }

    func data(of stream: PDFStream) throws(PDFError) -> [UInt8] { Array(stream.encoded) }
}

/// Builds PDF objects, fonts and pages for text-layer tests.
struct TextFixture {
    let source = FakeObjectSource()
    var fonts: [PDFName: PDFObject] = [:]
    var xObjects: [PDFName: PDFObject] = [:]
    var limits = PDFLimits()

    static func stream(_ text: String, _ entries: [PDFName: PDFObject] = [:]) -> PDFStream {
        PDFStream(dictionary: PDFDictionary(entries), encoded: ArraySlice(Array(text.utf8)))
    }

    static func stream(bytes: [UInt8], _ entries: [PDFName: PDFObject] = [:]) -> PDFStream {
        PDFStream(dictionary: PDFDictionary(entries), encoded: ArraySlice(bytes))
    }

    static func dictionary(_ entries: [PDFName: PDFObject]) -> PDFObject { .dictionary(PDFDictionary(entries)) }

    static func names(_ names: String) -> PDFObject {
        .array(names.split(separator: " ").map { .name(PDFName(String($0))) })
    }

    static func numbers(_ values: [Double]) -> PDFObject { .array(values.map { .real($0) }) }

    /// Adds a simple font under `/name`, by reference.
    mutating func addFont(_ name: PDFName, _ entries: [PDFName: PDFObject]) {
        var all = entries
        all["Type"] = .name("Font")
        if all["Subtype"] == nil { all["Subtype"] = .name("Type1") }
        fonts[name] = .reference(source.add(Self.dictionary(all)))
    }

    /// `Helvetica` with WinAnsiEncoding and the standard metrics.
    mutating func addHelvetica(_ name: PDFName = "F1", baseFont: String = "Helvetica") {
        addFont(name, ["BaseFont": .name(PDFName(baseFont)), "Encoding": .name("WinAnsiEncoding")])
    }

    /// A Type0 font with `Identity-H` and an optional ToUnicode CMap (a stream text, or a name).
    mutating func addComposite(
        _ name: PDFName, toUnicode: PDFObject?, widths: PDFObject? = nil, defaultWidth: Double? = nil,
        encoding: PDFObject = .name("Identity-H")
    ) {
        var cid: [PDFName: PDFObject] = [
            "Type": .name("Font"), "Subtype": .name("CIDFontType2"), "BaseFont": .name("ABCDEF+Arial"),
        ]
        if let widths { cid["W"] = widths }
        if let defaultWidth { cid["DW"] = .real(defaultWidth) }
        var font: [PDFName: PDFObject] = [
            "Subtype": .name("Type0"), "BaseFont": .name("ABCDEF+Arial"), "Encoding": encoding,
            "DescendantFonts": .array([.reference(source.add(Self.dictionary(cid)))]),
        ]
        if let toUnicode { font["ToUnicode"] = toUnicode }
        addFont(name, font)
    }

    func toUnicodeStream(_ body: String, codespace: String = "<0000> <FFFF>") -> PDFObject {
        let text = """
            /CIDInit /ProcSet findresource begin 12 dict begin begincmap
            /CMapName /Test def 1 begincodespacerange \(codespace) endcodespacerange
            \(body)
            endcmap CMapName currentdict /CMap defineresource pop end end
            """
        return .reference(source.add(.stream(Self.stream(text))))
    }

    /// Adds a Form XObject under `/name` and returns its reference.
    @discardableResult
    mutating func addForm(
        _ name: PDFName, _ content: String, matrix: [Double]? = nil, resources: PDFObject? = nil,
        bbox: [Double] = [-10_000, -10_000, 10_000, 10_000]
    ) -> PDFReference {
        var entries: [PDFName: PDFObject] = [
            "Type": .name("XObject"), "Subtype": .name("Form"), "BBox": Self.numbers(bbox),
        ]
        if let matrix { entries["Matrix"] = Self.numbers(matrix) }
        if let resources { entries["Resources"] = resources }
        let reference = source.add(.stream(Self.stream(content, entries)))
        xObjects[name] = .reference(reference)
        return reference
    }

    var resources: PDFDictionary {
        PDFDictionary(["Font": Self.dictionary(fonts), "XObject": Self.dictionary(xObjects)])
    }

    func page(
        _ content: String, number: Int = 1, mediaBox: PDFRect = .letter, cropBox: PDFRect? = nil, rotation: Int = 0
    ) -> PDFPage {
        PDFPage(
            number: number, resources: resources, contents: [Self.stream(content)], mediaBox: mediaBox,
            cropBox: cropBox, rotation: rotation)
    }

    func extractor() -> PDFTextExtractor { PDFTextExtractor(source: source, limits: limits) }

    func text(_ content: String, cropBox: PDFRect? = nil, rotation: Int = 0) throws -> PDFPageText {
        try extractor().text(of: page(content, cropBox: cropBox, rotation: rotation))
    }

    /// A font whose codes `A`–`z` are letters of width 500 and that has no space glyph.
    mutating func addFontWithoutSpace(_ name: PDFName) {
        let letters = (65...122).map { code -> String in
            let scalar = Unicode.Scalar(UInt8(code))
            return scalar.properties.isAlphabetic ? String(Character(scalar)) : "period"
        }
        let differences: [PDFObject] = [.integer(65)] + letters.map { .name(PDFName($0)) }
        addFont(
            name,
            [
                "BaseFont": .name("ABCDEF+NoSpace"), "FirstChar": .integer(65),
                "Widths": .array(Array(repeating: .integer(500), count: 58)),
                "Encoding": Self.dictionary(["Differences": .array(differences)]),
            ])
    }
}
