// The text layer's throughput on synthetic pages (see the performance notes in ContentLexer.swift).
// Built by Scripts/bench_pdf_text.sh with the text-layer sources in one optimized module.
final class Source: PDFObjectSource {
    var objects: [Int: PDFObject] = [:]
    func resolve(_ object: PDFObject) throws(PDFError) -> PDFObject {
        if case .reference(let reference) = object { return objects[reference.number] ?? .null }
        return object
    }
    func data(of stream: PDFStream) throws(PDFError) -> [UInt8] { Array(stream.encoded) }
}

let source = Source()
source.objects[1] = .dictionary(
    PDFDictionary([
        "Type": .name("Font"), "Subtype": .name("Type1"), "BaseFont": .name("Helvetica"),
        "Encoding": .name("WinAnsiEncoding"),
    ]))
let resources = PDFDictionary(["Font": .dictionary(PDFDictionary(["F1": .reference(PDFReference(1))]))])
func page(_ text: String) -> PDFPage {
    PDFPage(
        number: 1, resources: resources,
        contents: [PDFStream(dictionary: PDFDictionary(), encoded: ArraySlice(Array(text.utf8)))],
        mediaBox: PDFRect(0, 0, 1_000_000, 1_000_000))
}

// 60 MB of save/transform/restore with a line of text every 100 pairs.
var saveRestore = ""
var count = 0
while saveRestore.utf8.count < 60_000_000 {
    saveRestore += "q 1 0 0 1 0 0 cm Q\n"
    count += 1
    if count % 100 == 0 { saveRestore += "BT /F1 10 Tf 72 \(700 - (count / 100) % 600) Td (Line \(count)) Tj ET\n" }
}
// 10 MB of text lines as word processors write them, each at its own place.
var text = "BT /F1 10 Tf\n"
count = 0
while text.utf8.count < 10_000_000 {
    text += "1 0 0 1 \(72 + (count / 2000) * 400) \(999_000 - count % 2000 * 11) Tm "
    text += "[(The quick brown fox )-250(jumps over the lazy dog, )12(again and again.)]TJ\n"
    count += 1
}
text += "ET"

let clock = ContinuousClock()
let extractor = PDFTextExtractor(source: source)
for (name, content) in [("save/restore", saveRestore), ("text lines", text)] {
    for _ in 0..<2 {
        let start = clock.now
        let interpreter = try extractor.interpret(page(content))
        let middle = clock.now
        let result = interpreter.assembler.pageText(number: 1)
        let megabytes = content.utf8.count / 1_000_000
        print(
            "\(name), \(megabytes) MB: interpret \(middle - start), assemble \(clock.now - middle),",
            "\(result.lines.count) lines, \(result.glyphCount) glyphs, \(interpreter.operatorCount) operators")
    }
}
