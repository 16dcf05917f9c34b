import Benchmark
import FolioIngest
import FolioModel
import FolioTestSupport
import Foundation

/// Extraction throughput: HTML/inline-XBRL filings, DOCX contracts and a gzipped Chinese text, in memory.
///
/// Inputs come from ../shared/corpora (the seven filings in `financial/`, the thirteen files in `docx/`,
/// `gzip/hongloumeng+xiyouji.txt.gz`) and fall back to documents built from the samples in Corpora/
/// when ../shared is absent. The files' bytes are loaded in `setup:`; one iteration runs
/// `Ingestor().document(from:name:)` on every file of the input. Each result is checked once, outside
/// the measured loop, against the block counts below (the sample fallbacks: against a phrase). Run with
/// `FOLIO_BENCHMARKS=1 swift package --scratch-path .build-bench benchmark --target IngestBenchmarks`;
/// `python3 Benchmarks/peers/ingest.py` compares the same work with lxml, python-docx and zlib.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .instructions, .mallocCountTotal, .peakMemoryResident],
        scalingFactor: .one,
        maxDuration: .seconds(10),
        maxIterations: 20
    )

    for input in IngestInput.names {
        Benchmark(
            "Ingest:extract:\(input)",
            configuration: .init(tags: ["bytes": "\(IngestInput.byteCount(of: input))"]),
            closure: { (benchmark: Benchmark, loaded: IngestInput) in
                let ingestor = Ingestor()
                for _ in benchmark.scaledIterations {
                    for file in loaded.files {
                        blackHole(try! ingestor.document(from: file.bytes, name: file.name))
                    }
                }
            },
            setup: { () -> IngestInput in
                let input = IngestInput.load(input)
                input.check()
                return input
            }
        )
    }
}

/// The files of one benchmark input, with what extracting each must give.
struct IngestInput: Sendable {
    struct File: Sendable {
        let name: String
        let bytes: [UInt8]
        /// Blocks the document must have (nil: any number above zero).
        var expectedBlockCount: Int? = nil
        /// Text the document must contain (nil: any non-empty text).
        var expectedText: String? = nil
    }

    let files: [File]

    var byteCount: Int { files.reduce(0) { $0 + $1.bytes.count } }

    static let names = ["financial", "docx", "gzip-text"]

    /// Extracts every file once and stops the run if one differs from its fixture.
    func check() {
        let ingestor = Ingestor()
        for file in files {
            let document: Document
            do {
                document = try ingestor.document(from: file.bytes, name: file.name)
            } catch {
                fatalError("\(file.name): \(error.message)")
            }
            precondition(!document.text.isEmpty && !document.blocks.isEmpty, "\(file.name): no text extracted")
            if let expected = file.expectedBlockCount {
                precondition(
                    document.blocks.count == expected,
                    "\(file.name): \(document.blocks.count) blocks, expected \(expected) "
                        + "(update sharedBlockCounts if the layout changed on purpose)")
            }
            if let expected = file.expectedText {
                precondition(document.text.contains(expected), "\(file.name): the text lacks \"\(expected)\"")
            }
        }
    }

    static func load(_ name: String) -> IngestInput {
        SharedCorpora.isAvailable ? shared(name) : samples(name)
    }

    /// The input's size without loading it (for the benchmark's tag).
    static func byteCount(of name: String) -> Int {
        guard SharedCorpora.isAvailable else { return samples(name).byteCount }
        return sharedPaths(name).reduce(0) { total, path in
            total + ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0)
        }
    }

    // MARK: ../shared/corpora

    /// Block counts of Folio's extraction (2026-11-22), the fixture each run is checked against.
    static let sharedBlockCounts: [String: Int] = [
        "aapl-10-k-2024-11-01.html": 1299, "ba-10-k-2025-02-03.html": 2638, "camp4_424b4.htm": 5188,
        "googl-10-k-2025-02-05.html": 2263, "ibm-10-q-2025-07-24.html": 2322, "jnj-10-k-2025-02-13.html": 2593,
        "ko-10-k-2025-02-20.html": 2815,
        "ADMA BioManufacturing, LLC -  Amendment #3 to Manufacturing Agreement .docx": 12,
        "CardlyticsInc_20180112_S-1_EX-10.16_11002987_EX-10.16_Maintenance Agreement1.docx": 484,
        "DIVERSINETCORP_03_01_2012-EX-4-RESELLER AGREEMENT.docx": 76,
        "GridironBionutrientsInc_20171206_8-K_EX-10.2_10972556_EX-10.2_Endorsement Agreement.docx": 12,
        "INTRICONCORP_03_10_2009-EX-10.22-Strategic Alliance Agreement.docx": 207,
        "NeoformaInc_19991202_S-1A_EX-10.26_5224521_EX-10.26_Co-Branding Agreement.docx": 319,
        "PACIRA PHARMACEUTICALS, INC. - A_R STRATEGIC LICENSING, DISTRIBUTION AND MARKETING AGREEMENT .docx": 502,
        "PLAYAHOTELS_RESORTSNV_03_14_2017-EX-10.22-STRATEGIC ALLIANCE AGREEMENT (Hyatt Ziva Cancun).docx": 56,
        "PcquoteComInc_19990721_S-1A_EX-10.11_6377149_EX-10.11_Co-Branding Agreement2.docx": 8,
        "PhasebioPharmaceuticalsInc_20200330_10-K_EX-10.21_12086810_EX-10.21_Development Agreement.docx": 891,
        "RitterPharmaceuticalsInc_20200313_S-4A_EX-10.54_12055220_EX-10.54_Development Agreement.docx": 116,
        "SUCAMPOPHARMACEUTICALS,INC_11_04_2015-EX-10.2-STRATEGIC ALLIANCE AGREEMENT.docx": 75,
        "ko-10-k-2025-02-20.docx": 2763, "hongloumeng+xiyouji.txt.gz": 5965,
    ]

    /// The paths of the input's files in ../shared/corpora.
    private static func sharedPaths(_ name: String) -> [String] {
        let (folder, include): (String, (String) -> Bool) =
            switch name {
            case "financial": ("financial", { $0.hasSuffix(".html") || $0.hasSuffix(".htm") })
            case "docx": ("docx", { $0.hasSuffix(".docx") })
            default: ("gzip", { $0 == "hongloumeng+xiyouji.txt.gz" })
            }
        let directory = SharedCorpora.root!.appendingPathComponent("corpora").appendingPathComponent(folder)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter(include)
            .sorted()
        precondition(!names.isEmpty, "no input files in \(directory.path)")
        return names.map { directory.appendingPathComponent($0).path }
    }

    private static func shared(_ name: String) -> IngestInput {
        IngestInput(
            files: sharedPaths(name).map { path in
                let fileName = URL(fileURLWithPath: path).lastPathComponent
                let bytes = Array(FileManager.default.contents(atPath: path) ?? Data())
                precondition(!bytes.isEmpty, "cannot read \(path)")
                return File(name: fileName, bytes: bytes, expectedBlockCount: sharedBlockCounts[fileName])
            })
    }

    // MARK: Corpora/ samples

    private static func sample(_ fileName: String) -> String {
        let path = PackageCorpora.root.appendingPathComponent("samples").appendingPathComponent(fileName).path
        return String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
    }

    /// Documents built in memory from the samples: the annual report as filing-like HTML, the supply
    /// agreement as a DOCX, and the annual report and the Chinese essay gzipped.
    private static func samples(_ name: String) -> IngestInput {
        switch name {
        case "financial":
            let html = filingHTML(sample("annual-report.txt"))
            return IngestInput(files: [
                File(name: "annual-report.html", bytes: Array(html.utf8), expectedText: "Item 7.")
            ])
        case "docx":
            let docx = contractDOCX(sample("supply-agreement.txt"))
            return IngestInput(files: [File(name: "supply-agreement.docx", bytes: docx, expectedText: "ARTICLE 2.")])
        default:
            let text = Array((sample("annual-report.txt") + sample("chinese-essay.txt")).utf8)
            return IngestInput(files: [
                File(name: "samples.txt.gz", bytes: TestCompression.deflate(text), expectedText: "Northwind")
            ])
        }
    }

    private static func escaped(_ text: some StringProtocol) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    /// Each line in a `div` and `span` as filing agents write them; PART and Item lines bold.
    private static func filingHTML(_ text: String) -> String {
        var html =
            #"<html xmlns:ix="http://www.xbrl.org/2013/inlineXBRL"><head><title>Annual report</title></head><body>"#
        html += #"<div style="display:none"><ix:header><ix:hidden>hidden facts</ix:hidden></ix:header></div>"#
        for line in text.split(separator: "\n") {
            let weight = line.hasPrefix("PART") || line.hasPrefix("Item") ? 700 : 400
            html += #"<div><span style="font-family:'Times New Roman';font-size:10pt;font-weight:\#(weight)">"#
            html += escaped(line) + "</span></div>\n"
        }
        return html + "</body></html>\n"
    }

    /// A minimal DOCX with one paragraph per line.
    private static func contractDOCX(_ text: String) -> [UInt8] {
        var xml = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#
        xml += #"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>"#
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            xml += #"<w:p><w:r><w:t xml:space="preserve">\#(escaped(line))</w:t></w:r></w:p>"#
        }
        xml += "</w:body></w:document>"
        let contentTypes = """
            <?xml version="1.0" encoding="UTF-8"?>\
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
            <Override PartName="/word/document.xml" \
            ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>
            """
        var writer = ZipWriter()
        writer.add("[Content_Types].xml", Array(contentTypes.utf8))
        writer.add("word/document.xml", Array(xml.utf8))
        return writer.finish()
    }
}
