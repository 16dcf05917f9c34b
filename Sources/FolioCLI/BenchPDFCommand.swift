package import ArgumentParser
internal import FolioPDF
internal import Foundation

extension BenchCommand {
    /// `folio bench pdf`: the PDF reader's text extraction on each file, in process.
    package struct PDF: ParsableCommand {
        package static let configuration = CommandConfiguration(
            commandName: "pdf",
            abstract: "PDF text extraction throughput (MB/s of the file and pages/s, single thread).",
            discussion: """
                Each file is read into memory once; then opening it (header, cross-reference, encryption, \
                page tree) and extracting every page's text (`PDFTextExtractor.text(of:)` and the page's \
                lines joined) runs --repeat times after one warm-up run. Per file: its bytes, pages, \
                glyphs, glyphs without a Unicode mapping, characters extracted, the best and median seconds, \
                MB/s and pages/s of the best run (1 MB = 10^6 bytes of the file as stored), and the largest \
                page's decoded content in bytes (its content streams and form XObjects, decoded again after \
                timing). A total line \
                adds up bytes, pages and best seconds over the files that opened. With --json each line is a \
                JSON object. --text-out DIR writes each file's text to DIR/NAME.txt (NAME without `.pdf`): \
                lines joined by a line feed, pages by a blank line.
                """
        )

        @Flag(name: .long, help: "Print one JSON object per file and one for the total.")
        var json = false

        @Option(name: .long, help: "A folder to write each file's extracted text to (created if missing).")
        var textOut: String?

        @OptionGroup var inputs: BenchInputs

        package init() {}

        package func run() throws {
            try runWithStandardStreams { output, errors in execute(output: &output, errors: &errors) }
        }

        /// What one run extracted from a file.
        struct Extraction {
            var pages = 0
            var glyphs = 0
            var unmappedGlyphs = 0
            var texts: [String] = []
        }

        /// Opens `bytes` and extracts every page's text: the timed work.
        static func extract(_ bytes: [UInt8]) throws(PDFError) -> Extraction {
            let file = try PDFFile(bytes: bytes)
            let extractor = PDFTextExtractor(source: file)
            var extraction = Extraction()
            extraction.texts.reserveCapacity(file.pageCount)
            try file.forEachPage { page throws(PDFError) in
                let result = try extractor.text(of: page)
                extraction.pages += 1
                extraction.glyphs += result.glyphCount
                extraction.unmappedGlyphs += result.unmappedGlyphCount
                extraction.texts.append(result.text)
            }
            return extraction
        }

        /// The largest total of one page's decoded content: its content streams and the form XObjects
        /// its resources name (and theirs, each form once), in bytes.
        static func largestPageContent(_ bytes: [UInt8]) throws(PDFError) -> Int {
            let file = try PDFFile(bytes: bytes)
            var largest = 0
            try file.forEachPage { page throws(PDFError) in
                var total = 0
                for stream in page.contents { total += try file.data(of: stream).count }
                var seen: Set<PDFReference> = []
                var resources = [page.resources]
                while let next = resources.popLast() {
                    guard let forms = try file.value(next, "XObject")?.dictionary else { continue }
                    for (_, entry) in forms.entries {
                        guard let reference = entry.reference, seen.insert(reference).inserted,
                            let form = try file.resolve(entry).stream,
                            form.dictionary["Subtype"]?.name == "Form"
                        else { continue }
                        total += try file.data(of: form).count
                        if let inner = try file.value(form.dictionary, "Resources")?.dictionary {
                            resources.append(inner)
                        }
                    }
                }
                largest = max(largest, total)
            }
            return largest
        }

        package func execute(output: inout some TextSink, errors: inout some TextSink) -> Int32 {
            if let textOut {
                do {
                    try FileManager.default.createDirectory(atPath: textOut, withIntermediateDirectories: true)
                } catch {
                    errors.write("folio: cannot create '\(textOut)': \(error.localizedDescription)\n")
                    return 1
                }
            }
            var status: Int32 = 0
            var files = 0
            var totalBytes = 0
            var totalPages = 0
            var totalSeconds = 0.0
            for path in inputs.files {
                let bytes: [UInt8]
                let seconds: [Double]
                let extraction: Extraction
                let largestPage: Int
                do {
                    bytes = try ByteSource(path: path).readAll()
                } catch {
                    errors.write("folio: \(error)\n")
                    status = 1
                    continue
                }
                do {
                    (seconds, extraction) = try timedRuns(inputs.runs) { () throws(PDFError) in
                        try Self.extract(bytes)
                    }
                    largestPage = try Self.largestPageContent(bytes)
                } catch {
                    errors.write("folio: \(path): \(error)\n")
                    status = 1
                    continue
                }
                let text = extraction.texts.joined(separator: "\n\n")
                if let textOut {
                    var name = (path as NSString).lastPathComponent
                    if name.lowercased().hasSuffix(".pdf") { name.removeLast(4) }
                    do {
                        try text.write(toFile: textOut + "/" + name + ".txt", atomically: false, encoding: .utf8)
                    } catch {
                        errors.write("folio: cannot write the text of '\(path)': \(error.localizedDescription)\n")
                        status = 1
                    }
                }
                files += 1
                totalBytes += bytes.count
                totalPages += extraction.pages
                totalSeconds += seconds[0]
                let fields: [(String, String)] = [
                    ("path", jsonString(path)), ("bytes", "\(bytes.count)"), ("pages", "\(extraction.pages)"),
                    ("glyphs", "\(extraction.glyphs)"), ("unmapped_glyphs", "\(extraction.unmappedGlyphs)"),
                    ("characters", "\(text.unicodeScalars.count)"), ("max_page_content_bytes", "\(largestPage)"),
                    ("runs", "\(seconds.count)"), ("best_seconds", Self.decimal(seconds[0], 6)),
                    ("median_seconds", Self.decimal(seconds[seconds.count / 2], 6)),
                ]
                output.write(line(fields, bytes: bytes.count, pages: extraction.pages, seconds: seconds[0]))
            }
            let total: [(String, String)] = [
                ("total", "true"), ("files", "\(files)"), ("failed", "\(inputs.files.count - files)"),
                ("bytes", "\(totalBytes)"), ("pages", "\(totalPages)"), ("best_seconds", Self.decimal(totalSeconds, 6)),
            ]
            output.write(line(total, bytes: totalBytes, pages: totalPages, seconds: totalSeconds))
            return status
        }

        /// One output line: `fields` with MB/s and pages/s of `seconds`, as JSON or as `key=value` pairs.
        func line(_ fields: [(String, String)], bytes: Int, pages: Int, seconds: Double) -> String {
            let all =
                fields + [
                    ("mb_per_s", Self.decimal(Double(bytes) / max(seconds, 1e-9) / 1e6, 2)),
                    ("pages_per_s", Self.decimal(Double(pages) / max(seconds, 1e-9), 1)),
                ]
            if json {
                let body = all.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ")
                return "{\"tool\": \"folio\", \"operation\": \"pdf\", \(body)}\n"
            }
            return all.map { "\($0.0)=\($0.1)" }.joined(separator: " ") + "\n"
        }

        static func decimal(_ value: Double, _ places: Int) -> String { String(format: "%.\(places)f", value) }
    }
}
