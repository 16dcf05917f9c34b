package import ArgumentParser
internal import FolioChunking
internal import FolioIndex
internal import FolioIngest
internal import FolioModel
internal import FolioSystem
internal import Foundation

/// `folio index`: a search index over many files, written to a directory.
package struct IndexCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Index files (directories recursively, globs) for `folio search` and `folio pack`.",
        discussion: """
            Reads each file as `folio extract` does, cuts it into chunks of at most --chunk-tokens tokens \
            and writes one index file, DIR/index.folio (versioned, checksummed, memory-mapped when \
            opened). A file that cannot be read is named on standard error and left out; the others are \
            indexed and the exit status is 1. The summary line goes to standard error.

            Chunk vectors: each chunk also gets a vector made of term vectors (latent semantic analysis), \
            so `folio search` and `folio pack` find passages worded unlike the query. The built-in table \
            is used unless --vectors FILE names another or --no-vectors turns them off. \
            --learn-vectors DIR (repeatable) learns a table from the files under DIR first (cut into \
            chunks as the index is), writes it to DIR/vectors.folio beside index.folio and uses it; with \
            no FILE, only the table is written.
            """
    )

    @OptionGroup var indexing: IndexArguments
    @OptionGroup var input: IngestArguments

    @Option(name: .long, help: "The directory to write index.folio into (created if missing).")
    var out: String

    @Option(name: .long, help: "Learn a term-vector table from the files under this directory (repeatable).")
    var learnVectors: [String] = []

    @Option(name: .long, help: "The length of learned term vectors (8 to 1024).")
    var vectorDimensions = TermVectorLearning.standard.dimensions

    @Argument(help: "Files, directories or glob patterns.")
    var paths: [String] = []

    package init() {}

    package func validate() throws {
        guard !paths.isEmpty || !learnVectors.isEmpty else {
            throw ValidationError("give the files to index, or --learn-vectors DIR to learn a table only")
        }
        guard learnVectors.isEmpty || (indexing.vectors == nil && !indexing.noVectors) else {
            throw ValidationError("--learn-vectors makes the table: give no --vectors or --no-vectors with it")
        }
        do {
            _ = try TermVectorLearning(dimensions: vectorDimensions)
        } catch {
            throw ValidationError("--vector-dimensions: \(error.message)")
        }
    }

    package func run() throws {
        try runWithStandardStreams { output, errors in execute(output: &output, errors: &errors) }
    }

    /// Runs the command; returns the exit status.
    package func execute(output: inout some TextSink, errors: inout some TextSink) -> Int32 {
        do {
            try FileSystem.createDirectories(out)
        } catch {
            errors.write("folio: \(error.path): cannot create the directory: \(error.reason)\n")
            return 1
        }
        let ingestor = Ingestor(options: input.options)
        var failures = 0
        var learned: TermVectors?
        if !learnVectors.isEmpty {
            guard let table = learn(ingestor: ingestor, failures: &failures, errors: &errors) else { return 1 }
            learned = table
            guard !paths.isEmpty else { return failures == 0 ? 0 : 1 }
        }
        guard let (builder, chunker) = indexing.makeBuilder(errors: &errors, termVectors: learned) else { return 1 }
        var building = builder
        let files = InputFiles.expand(paths)
        failures += files.problems.count
        for problem in files.problems { errors.write("folio: \(problem)\n") }
        let clock = ContinuousClock()
        let start = clock.now
        for file in files.files {
            do {
                try building.addFile(atPath: file.path, ingestor: ingestor, chunker: chunker)
            } catch {
                errors.write("folio: \(error.message)\n")
                failures += 1
            }
        }
        let path = (out.hasSuffix("/") ? out : out + "/") + SearchIndex.fileName
        do {
            try building.write(to: path)
        } catch {
            errors.write("folio: \(error.message)\n")
            return 1
        }
        let seconds = (clock.now - start) / .seconds(1)
        let bytes = (try? FileStatus(path: path))?.byteCount ?? 0
        errors.write(
            """
            folio: indexed \(building.documentCount) files (\(failures) failed), \(building.chunkCount) \
            chunks, \(bytes) bytes in \(path), \(String(format: "%.2f", seconds)) s\n
            """
        )
        return failures == 0 ? 0 : 1
    }

    /// Learns a table from the files under `--learn-vectors` and writes it beside the index; nil
    /// after saying why when no table can be learned.
    private func learn(ingestor: Ingestor, failures: inout Int, errors: inout some TextSink) -> TermVectors? {
        guard let (_, chunker) = indexing.makeBuilder(errors: &errors) else { return nil }
        let clock = ContinuousClock()
        let start = clock.now
        var learning = TermVectorLearning.standard
        learning.dimensions = vectorDimensions  // validated
        var learner = TermVectorLearner(analyzer: indexing.analyzer, learning: learning)
        let files = InputFiles.expand(learnVectors)
        failures += files.problems.count
        for problem in files.problems { errors.write("folio: \(problem)\n") }
        var fileCount = 0
        for file in files.files {
            do {
                let document = try ingestor.document(atPath: file.path)
                chunker.forEachChunk(of: document) { learner.add(passage: $0.text) }
                fileCount += 1
            } catch {
                errors.write("folio: \(error.message)\n")
                failures += 1
            }
        }
        let path = (out.hasSuffix("/") ? out : out + "/") + TermVectors.fileName
        do {
            let table = try learner.learn(summary: "\(fileCount) files under \(learnVectors.joined(separator: ", "))")
            try table.write(to: path)
            let seconds = (clock.now - start) / .seconds(1)
            errors.write(
                """
                folio: learned \(table.count) term vectors of \(table.dimensions) dimensions from \
                \(learner.passageCount) chunks of \(fileCount) files into \(path), \
                \(String(format: "%.2f", seconds)) s\n
                """)
            return table
        } catch {
            errors.write("folio: \(error.message)\n")
            return nil
        }
    }
}

/// `folio search`: the best chunks for a query, as JSON lines.
package struct SearchCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search an index written by `folio index` (or files, indexed on the fly).",
        discussion: """
            Prints one JSON line per hit, best first: {"rank", "score", "path", "chunk", "start", "end", \
            "tokens", "headings", "text"} with Unicode-scalar offsets into the document's text. Words \
            are ranked by BM25 (headings count --heading-boost times); "quoted phrases" must occur.
            """
    )

    @OptionGroup var indexing: IndexArguments
    @OptionGroup var input: IngestArguments

    @Option(name: .long, help: "How many hits at most.")
    var top = 10

    @Option(name: .customLong("document"), help: "Only chunks of this document (path as indexed); repeatable.")
    var documents: [String] = []

    @OptionGroup var scoring: BM25Arguments

    @Argument(help: "An index directory from `folio index`, a file, or a directory of files.")
    var source: String

    @Argument(help: "Words and \"quoted phrases\".")
    var query: String

    package init() {}

    package func validate() throws {
        guard top > 0 else { throw ValidationError("--top must be positive") }
    }

    package func run() throws {
        try runWithStandardStreams { output, errors in execute(output: &output, errors: &errors) }
    }

    /// Runs the command; returns the exit status.
    package func execute(output: inout some TextSink, errors: inout some TextSink) -> Int32 {
        do {
            let index = try IndexSource.load(source, indexing: indexing, input: input, errors: &errors)
            let filter = try IndexSource.documentFilter(documents, in: index)
            var parameters = try scoring.parameters()
            if indexing.noVectors { parameters.vectorWeight = 0 }  // also for an index built with vectors
            let hits = try index.search(query, top: top, documents: filter, parameters: parameters)
            for (rank, hit) in hits.enumerated() {
                let text = try index.text(ofDocument: hit.chunk.document, utf8Range: hit.chunk.utf8Range)
                let chunkInDocument = hit.chunk.id - (try index.document(hit.chunk.document).chunks.lowerBound)
                output.write(
                    """
                    {"rank": \(rank + 1), "score": \(String(format: "%.4f", hit.score)), \
                    "path": \(jsonString(hit.path)), "chunk": \(chunkInDocument), "start": \(hit.chunk.range.start), \
                    "end": \(hit.chunk.range.end), "tokens": \(hit.chunk.tokenCount), \
                    "headings": [\(hit.chunk.headings.map(jsonString).joined(separator: ", "))], \
                    "text": \(jsonString(text))}\n
                    """)
            }
            return 0
        } catch let error as IndexError {
            errors.write("folio: \(error.message)\n")
            return 1
        } catch {
            errors.write("folio: \(error)\n")
            return 1
        }
    }
}
