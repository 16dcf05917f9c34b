import ArgumentParser
import FolioCLI
import FolioModel
import FolioTestSupport
import FolioTokenizer
import Foundation
import Testing

/// `folio chunk` and `folio ingest`, parsed from argument arrays and run in process with captured output.
struct ChunkCommandTests {
    static func chunk(_ arguments: [String], standardInput: Int32 = 0) async throws -> (
        status: Int32, output: String, errors: String
    ) {
        let command = try ChunkCommand.parse(arguments)
        var output = CapturedText()
        var errors = CapturedText()
        let status = await command.execute(output: &output, errors: &errors, standardInput: standardInput)
        return (status, output.text, errors.text)
    }

    static func ingest(_ arguments: [String], progress: Bool = false) async throws -> (
        status: Int32, output: String, errors: String
    ) {
        let command = try IngestCommand.parse(arguments)
        var output = CapturedText()
        var errors = CapturedText()
        let status = await command.execute(output: &output, errors: &errors, showsProgress: progress)
        return (status, output.text, errors.text)
    }

    static func extract(_ path: String) throws -> String {
        let command = try ExtractCommand.parse([path])
        var output = CapturedText()
        var errors = CapturedText()
        _ = command.execute(output: &output, errors: &errors)
        return output.text
    }

    static func lines(_ output: String) -> [[String: Any]] {
        output.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }

    static let sample = PackageCorpora.root.appendingPathComponent("samples/annual-report.html").path

    @Test func chunkLinesAreExactSlicesOfTheExtractedText() async throws {
        let run = try await Self.chunk(["--max-tokens", "100", Self.sample])
        #expect(run.status == 0 && run.errors.isEmpty)
        let scalars = Array(try Self.extract(Self.sample).unicodeScalars)
        let tokenizer = try BPETokenizer.named(.cl100kBase)
        let lines = Self.lines(run.output)
        #expect(lines.count > 5)
        for (position, line) in lines.enumerated() {
            #expect(line["index"] as? Int == position)
            let start = line["start"] as! Int, end = line["end"] as! Int
            var slice = ""
            slice.unicodeScalars.append(contentsOf: scalars[start..<end])
            #expect(slice == line["text"] as? String)
            #expect(line["tokens"] as? Int == tokenizer.count(slice))
            #expect((line["tokens"] as! Int) <= 100)
            #expect(line["headings"] is [String])
        }
        #expect(lines.contains { ($0["headings"] as! [String]).contains { $0.hasPrefix("PART II") } })
    }

    @Test func overlapAndEncodingOptionsApply() async throws {
        let plain = try await Self.lines(
            Self.chunk(["--max-tokens", "64", "--encoding", "o200k_base", Self.sample]).output)
        let overlapping = try await Self.lines(
            Self.chunk(["--max-tokens", "64", "--overlap", "24", "--encoding", "o200k_base", Self.sample]).output)
        #expect(overlapping.count > plain.count)
        let repeats = zip(overlapping, overlapping.dropFirst()).filter { ($1["start"] as! Int) < ($0["end"] as! Int) }
        #expect(!repeats.isEmpty)
    }

    @Test func badOptionsAreRejectedWithTheReason() {
        #expect(throws: (any Error).self) { try ChunkCommand.parse(["--max-tokens", "8", Self.sample]) }
        #expect(throws: (any Error).self) {
            try ChunkCommand.parse(["--max-tokens", "100", "--overlap", "60", Self.sample])
        }
        do {
            _ = try ChunkCommand.parse(["--max-tokens", "100", "--overlap", "60", Self.sample])
        } catch {
            #expect(ChunkCommand.message(for: error).contains("overlapTokens"))
        }
    }

    @Test func aMissingFileIsOneErrorLine() async throws {
        let cache = NSTemporaryDirectory() + "folio-\(UUID())"
        defer { try? FileManager.default.removeItem(atPath: cache) }
        for arguments in [["/nonexistent/report.html"], ["--cache", cache, "/nonexistent/report.html"]] {
            let run = try await Self.chunk(arguments)
            #expect(run.status == 1)
            #expect(run.errors.hasPrefix("folio: /nonexistent/report.html"))
            #expect(run.errors.filter { $0 == "\n" }.count == 1)
        }
    }

    /// The three ways `folio chunk` reaches the engine print the same lines: cut while read (no
    /// cache), through the cache (computed, then served), and from standard input.
    @Test func chunkGivesTheSameLinesStreamedCachedAndFromAPipe() async throws {
        let cache = NSTemporaryDirectory() + "folio-chunk-cache-\(UUID())"
        defer { try? FileManager.default.removeItem(atPath: cache) }
        let streamed = try await Self.chunk(["--max-tokens", "80", Self.sample])
        let computed = try await Self.chunk(["--max-tokens", "80", "--cache", cache, Self.sample])
        let served = try await Self.chunk(["--max-tokens", "80", "--cache", cache, Self.sample])
        #expect(streamed.status == 0 && computed.status == 0 && served.status == 0)
        #expect(Self.lines(streamed.output).count > 5)
        #expect(computed.output == streamed.output)
        #expect(served.output == streamed.output)
        let entries = FileManager.default.enumerator(atPath: cache)?.allObjects.compactMap { $0 as? String } ?? []
        #expect(entries.contains { $0.hasSuffix(".entry") })

        var pipes: [Int32] = [0, 0]
        #expect(pipe(&pipes) == 0)
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: Self.sample)))
        // The writer runs beside the reader: the pipe's buffer is smaller than the file.
        let writeEnd = pipes[1]
        let writer = Thread {
            _ = bytes.withUnsafeBytes { write(writeEnd, $0.baseAddress, $0.count) }
            close(writeEnd)
        }
        writer.start()
        defer { close(pipes[0]) }
        let piped = try await Self.chunk(
            ["--max-tokens", "80", "--input-format", "html", "-"], standardInput: pipes[0])
        #expect(piped.status == 0, "\(piped.errors)")
        #expect(piped.output == streamed.output)
    }

    @Test func ingestWalksDirectoriesAndGlobsAndGoesOnAfterAFailure() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ingest-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("nested"), withIntermediateDirectories: true)
        try Data("First report. It has two sentences.".utf8).write(to: directory.appendingPathComponent("a.txt"))
        try Data("Nested contract text. Another sentence here.".utf8).write(
            to: directory.appendingPathComponent("nested/b.txt"))
        try Data("hidden".utf8).write(to: directory.appendingPathComponent(".hidden.txt"))
        var broken = [UInt8](repeating: 0, count: 40)
        broken[0] = 0x1F
        broken[1] = 0x8B
        broken[2] = 8
        try Data(broken).write(to: directory.appendingPathComponent("nested/broken.txt.gz"))

        let run = try await Self.ingest([
            directory.path, Self.sample, PackageCorpora.root.path + "/samples/*.odt", "/nonexistent",
        ])
        #expect(run.status == 1)
        let lines = Self.lines(run.output)
        let paths = Set(lines.map { $0["path"] as! String })
        #expect(
            paths == [
                directory.path + "/a.txt", directory.path + "/nested/b.txt", Self.sample,
                PackageCorpora.root.path + "/samples/supply-agreement.odt",
            ])
        let errorLines = run.errors.split(separator: "\n")
        #expect(errorLines.contains { $0.contains("broken.txt.gz") })
        #expect(errorLines.contains { $0.contains("/nonexistent") })
        let summary = try #require(errorLines.last)
        #expect(
            summary.contains("5 files") && summary.contains("2 failed") && summary.contains("\(lines.count) chunks"))
    }

    /// `folio chunk` refuses a scanned PDF as `folio extract` does; `folio ingest` reports it and goes on.
    @Test func binaryFilesAreRefusedAndIngestGoesOn() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ingest-binary-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let pdf = directory.appendingPathComponent("contract.pdf")
        try Data(TestPDF.paragraphs([[]])).write(to: pdf)
        let binary = directory.appendingPathComponent("data.txt")
        try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7) }).write(to: binary)
        let note = directory.appendingPathComponent("note.txt")
        try Data("A contract of two sentences. It is text.".utf8).write(to: note)
        let pdfLine = "folio: \(pdf.path): no text layer on page 1: a scan or images; OCR is not supported"

        for cache in [[], ["--cache", directory.appendingPathComponent(".cache").path]] {
            let chunked = try await Self.chunk(cache + [pdf.path])
            #expect(chunked.status == 1)
            #expect(chunked.output.isEmpty)
            #expect(chunked.errors == pdfLine + "\n")

            let run = try await Self.ingest(cache + [directory.path])
            #expect(run.status == 1)
            #expect(Set(Self.lines(run.output).map { $0["path"] as! String }) == [note.path])
            let errorLines = run.errors.split(separator: "\n").map(String.init)
            #expect(errorLines.contains(pdfLine))
            #expect(errorLines.contains { $0.hasPrefix("folio: \(binary.path): binary data (") }, "\(errorLines)")
            #expect(errorLines.last?.contains("3 files, 2 failed") == true, "\(errorLines)")
        }
    }

    /// A PDF's chunk lines carry their pages, cached or not; other formats' lines carry none. Unmapped
    /// glyphs are one warning line for `folio chunk` and a count in `folio ingest`'s summary.
    @Test func pdfChunksCarryTheirPages() async throws {
        let pdf = ExtractCommandTests.pdfSample
        let text = try ExtractCommandTests.run([pdf]).output
        let scalars = Array(text.unicodeScalars)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chunk-pages-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        for cache in [[], ["--cache", directory.path]] {
            let run = try await Self.chunk(cache + ["--max-tokens", "128", pdf])
            #expect(run.status == 0 && run.errors.isEmpty)
            let lines = Self.lines(run.output)
            #expect(lines.count > 3)
            for line in lines {
                let pages = try #require(line["pages"] as? [Int])
                #expect(pages.count == 2 && 1 <= pages[0] && pages[0] <= pages[1] && pages[1] <= 3)
                var slice = ""
                slice.unicodeScalars.append(contentsOf: scalars[(line["start"] as! Int)..<(line["end"] as! Int)])
                #expect(slice == line["text"] as? String)
            }
            #expect((lines.first?["pages"] as? [Int])?.first == 1 && (lines.last?["pages"] as? [Int])?.last == 3)
        }
        #expect(!(try await Self.chunk([Self.sample]).output.contains("\"pages\"")))

        let partly = directory.appendingPathComponent("partly.pdf").path
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data(TestPDF.make(pages: [[TestPDF.Line("Readable words.", y: 72)]], unmappedGlyphs: 5)).write(
            to: URL(fileURLWithPath: partly))
        let chunked = try await Self.chunk([partly])
        #expect(chunked.errors == "folio: \(partly): 5 glyphs have no Unicode mapping and were skipped\n")
        let ingested = try await Self.ingest([partly, pdf])
        #expect(ingested.status == 0)
        #expect(ingested.errors.split(separator: "\n").last?.contains("5 unmapped glyphs skipped") == true)
        #expect(Self.lines(ingested.output).allSatisfy { $0["pages"] is [Int] })
    }

    @Test func ingestShowsProgressOnlyWhenAskedAndWritesToAFile() async throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("ingest-\(UUID()).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let quiet = try await Self.ingest([Self.sample, "--out", out])
        #expect(quiet.status == 0 && quiet.output.isEmpty)
        #expect(!quiet.errors.contains("\r"))
        let written = try String(contentsOfFile: out, encoding: .utf8)
        #expect(Self.lines(written).allSatisfy { $0["path"] as? String == Self.sample })
        let shown = try await Self.ingest([Self.sample], progress: true)
        #expect(shown.errors.contains("MB/s") && shown.errors.contains("ETA"))
    }

    @Test func ingestWithACacheServesASecondRunFromIt() async throws {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("ingest-cache-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: cache) }
        let odt = PackageCorpora.root.path + "/samples/supply-agreement.odt"
        let first = try await Self.ingest(["--cache", cache, "--max-tokens", "100", Self.sample, odt])
        let second = try await Self.ingest(["--cache", cache, "--max-tokens", "100", Self.sample, odt])
        #expect(first.status == 0 && second.status == 0)
        #expect(second.output == first.output)
        let chunks = Self.lines(first.output).count
        #expect(first.errors.contains("\(chunks) chunks, 0 cached"))
        #expect(second.errors.contains("\(chunks) chunks, \(chunks) cached"))
        // Without --cache a run is on its own: nothing cached, nothing written.
        let alone = try await Self.ingest(["--max-tokens", "100", Self.sample])
        #expect(alone.errors.contains(" 0 cached"))
    }

    @Test func benchChunkReportsThroughput() throws {
        let command = try BenchCommand.Chunk.parse(["--repeat", "1", "--max-tokens", "128", Self.sample])
        var output = CapturedText()
        var errors = CapturedText()
        #expect(command.execute(output: &output, errors: &errors) == 0)
        let line = try #require(Self.lines(output.text).first)
        #expect(line["operation"] as? String == "chunk")
        #expect((line["chunks"] as? Int ?? 0) > 0)
        #expect((line["best_mb_per_s"] as? Double ?? 0) > 0)
    }
}
