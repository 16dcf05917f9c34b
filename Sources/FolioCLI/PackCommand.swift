package import ArgumentParser
internal import Folio
internal import FolioChunking
internal import FolioIndex
internal import FolioIngest
internal import FolioModel
internal import FolioSystem
internal import Foundation

/// `folio pack`: the passages that answer a query, packed into a token budget with citations.
package struct PackCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "pack",
        abstract: "Pack the passages that best answer a query into a token budget, exactly, with citations.",
        discussion: """
            `folio pack FILE|DIR --query Q --budget N` prints {"tokens", "text", "spans": [{"path", \
            "start", "end"}]}: text is at most N tokens under --encoding (tokens is its exact count) and \
            each span gives a passage's Unicode-scalar offsets into its document's text (the text \
            `folio extract` prints; for a plain-text file, its characters), and "pages": [first, last] \
            when the document has pages (a PDF); --passage-header's {pages} says them ("p. 4", "pp. 4–5"). \
            DIR is an index written by `folio index`, or a directory whose files are indexed on the fly.

            `folio pack --batch QUERIES.jsonl --budget N` reads lines {"id", "path", "query"} and prints \
            one line {"id", "tokens", "spans": [[start, end], ...]} per query, in input order; each file \
            is read and indexed once for all its queries. A file that cannot be read gives \
            {"id", "error"} for each of its queries, the others go on, and the exit status is 1.

            Files run through Folio's Engine: with --cache DIR a file packed before is not read, cut or \
            indexed again.
            """
    )

    @OptionGroup var packing: PackArguments
    @OptionGroup var indexing: IndexArguments
    @OptionGroup var input: IngestArguments
    @OptionGroup var caching: CacheArguments

    @Option(name: .long, help: "The question or keywords; \"quoted phrases\" must occur.")
    var query: String?

    @Option(name: .long, help: "A JSON-lines file of {\"id\", \"path\", \"query\"}.")
    var batch: String?

    @Option(name: .customLong("document"), help: "Only passages of this document (path as indexed); repeatable.")
    var documents: [String] = []

    @Argument(help: "A file, an index directory, or a directory of files.")
    var source: String?

    package init() {}

    package func validate() throws {
        if batch != nil {
            guard source == nil && query == nil else {
                throw ValidationError("--batch takes its paths and queries from the file; give no FILE and no --query")
            }
        } else {
            guard source != nil, query != nil else {
                throw ValidationError("give FILE|DIR and --query, or --batch QUERIES.jsonl")
            }
        }
    }

    package func run() throws {
        try runWithStandardStreams(self) { command, output, errors in
            await command.execute(output: &output, errors: &errors)
        }
    }

    /// Runs the command; returns the exit status.
    package func execute(output: inout some TextSink, errors: inout some TextSink) async -> Int32 {
        let configuration: PackConfiguration
        do {
            var chosen = try packing.configuration()
            // An index built with vectors is still read by words alone.
            if indexing.noVectors { chosen.parameters.vectorWeight = 0 }
            configuration = chosen
        } catch {
            errors.write("folio: \(error)\n")
            return 1
        }
        var engineConfiguration = caching.engineConfiguration(input: input)
        engineConfiguration.encoding = indexing.encoding
        engineConfiguration.maxTokens = indexing.chunkTokens
        engineConfiguration.analyzer = indexing.analyzer.configuration
        engineConfiguration.termVectors = indexing.termVectors
        guard let engine = CacheArguments.makeEngine(engineConfiguration, errors: &errors) else { return 1 }
        let status =
            if let batch {
                await runBatch(batch, engine: engine, configuration: configuration, output: &output, errors: &errors)
            } else {
                await packOne(engine: engine, configuration: configuration, output: &output, errors: &errors)
            }
        await engine.waitForPendingWrites()  // entries are written behind the work; the next run wants them
        return status
    }

    private func packOne(
        engine: Engine, configuration: PackConfiguration, output: inout some TextSink, errors: inout some TextSink
    ) async -> Int32 {
        do {
            let source = try await PackSource.load(source!, engine: engine, errors: &errors)
            let context = try await source.pack(
                query!, engine: engine, configuration: configuration, documents: documents)
            var line = "{\"tokens\": \(context.tokenCount), \"text\": \(jsonString(context.text)), \"spans\": ["
            line += context.passages.map { passage in
                let pages = passage.pages.map { ", \"pages\": [\($0.lowerBound), \($0.upperBound)]" } ?? ""
                return "{\"path\": \(jsonString(passage.path)), \"start\": \(passage.range.start), "
                    + "\"end\": \(passage.range.end)\(pages)}"
            }
            .joined(separator: ", ")
            line += "]}\n"
            output.write(line)
            return 0
        } catch {
            errors.write("folio: \(error.message)\n")
            return 1
        }
    }

    private struct BatchLine {
        var number: Int
        var id: String  // the id as JSON
        var path: String
        var query: String
    }

    private func runBatch(
        _ file: String, engine: Engine, configuration: PackConfiguration, output: inout some TextSink,
        errors: inout some TextSink
    ) async -> Int32 {
        let data: [UInt8]
        do {
            data = try SystemFile.readAll(file)
        } catch {
            errors.write("folio: \(file): cannot read the batch file: \(error.reason)\n")
            return 1
        }
        var results: [String?] = []
        var byPath: [String: [BatchLine]] = [:]
        var pathOrder: [String] = []
        var failed = false
        for (number, rawLine) in String(decoding: data, as: UTF8.self).split(
            separator: "\n", omittingEmptySubsequences: false
        ).enumerated() {
            let text = rawLine.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { continue }
            results.append(nil)
            guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
                let path = object["path"] as? String, let query = object["query"] as? String, let id = object["id"]
            else {
                errors.write("folio: \(file):\(number + 1): expected {\"id\", \"path\", \"query\"}\n")
                results[results.count - 1] =
                    "{\"line\": \(number + 1), \"error\": \"expected {\\\"id\\\", \\\"path\\\", \\\"query\\\"}\"}\n"
                failed = true
                continue
            }
            let idJSON = (id as? String).map(jsonString) ?? (id as? NSNumber).map { "\($0)" } ?? "null"
            if byPath[path] == nil { pathOrder.append(path) }
            byPath[path, default: []].append(BatchLine(number: results.count - 1, id: idJSON, path: path, query: query))
        }
        for path in pathOrder {
            let lines = byPath[path]!
            do {
                let source = try await PackSource.load(path, engine: engine, errors: &errors)
                for line in lines {
                    let context = try await source.pack(
                        line.query, engine: engine, configuration: configuration, documents: [])
                    let spans = context.passages.map { "[\($0.range.start), \($0.range.end)]" }.joined(separator: ", ")
                    results[line.number] =
                        "{\"id\": \(line.id), \"tokens\": \(context.tokenCount), \"spans\": [\(spans)]}\n"
                }
            } catch {
                errors.write("folio: \(error.message)\n")
                failed = true
                for line in lines where results[line.number] == nil {
                    results[line.number] = "{\"id\": \(line.id), \"error\": \(jsonString(error.message))}\n"
                }
            }
        }
        for result in results { if let result { output.write(result) } }
        return failed ? 1 : 0
    }
}

/// What `folio pack` packs from: an index written by `folio index`, or documents ingested through
/// the engine (a file, or the files of a directory).
enum PackSource {
    case index(SearchIndex)
    case documents([DocumentHandle])

    /// The index at `path` (an index directory or file), else the file or directory of files
    /// ingested now; a file of a directory that cannot be read is reported and skipped.
    static func load(_ path: String, engine: Engine, errors: inout some TextSink) async throws(EngineError)
        -> PackSource
    {
        let isDirectory: Bool
        do throws(IndexError) {
            let (directory, indexFile) = try IndexSource.locate(path)
            if let indexFile { return .index(try SearchIndex.open(path: indexFile)) }
            isDirectory = directory
        } catch {
            throw EngineError(.input, error.message, documentName: path, underlying: error)
        }
        guard isDirectory else {
            return .documents([try await engine.ingest(file: path, session: CacheArguments.session)])
        }
        var handles: [DocumentHandle] = []
        for file in InputFiles.expand([path]).files {
            do {
                handles.append(try await engine.ingest(file: file.path, session: CacheArguments.session))
            } catch {
                errors.write("folio: \(error.message)\n")
            }
        }
        guard !handles.isEmpty else {
            throw EngineError(.input, "\(path): no file in the directory could be read", documentName: path)
        }
        return .documents(handles)
    }

    /// Packs `query`, drawing only on the documents named in `documents` (paths as indexed or
    /// given; all when empty).
    func pack(
        _ query: String, engine: Engine, configuration: PackConfiguration, documents: [String]
    ) async throws(EngineError) -> PackedContext {
        switch self {
        case .index(let index):
            let filter: Set<Int>?
            do {
                filter = try IndexSource.documentFilter(documents, in: index)
            } catch let error as IndexError {
                throw EngineError(.invalidRequest, error.message, underlying: error)
            } catch {
                throw EngineError(.invalidRequest, "\(error)")
            }
            return try await engine.pack(
                query, budget: configuration.budget, in: index, documents: filter, session: CacheArguments.session,
                configuration: configuration)
        case .documents(let handles):
            var chosen = handles
            if !documents.isEmpty {
                for path in documents where !handles.contains(where: { $0.name == path }) {
                    throw EngineError(.invalidRequest, "--document \(path): no such document was read")
                }
                chosen = handles.filter { documents.contains($0.name) }
            }
            return try await engine.pack(query, budget: configuration.budget, in: chosen, configuration: configuration)
        }
    }
}

/// Where `folio pack` and `folio search` find their index.
enum IndexSource {
    /// An index directory or file from `folio index`, else the file or directory of files indexed now.
    static func load(_ path: String, indexing: IndexArguments, input: IngestArguments, errors: inout some TextSink)
        throws -> SearchIndex
    {
        let (isDirectory, indexFile) = try locate(path)
        if let indexFile { return try SearchIndex.open(path: indexFile) }
        guard let (builder, chunker) = indexing.makeBuilder(errors: &errors) else {
            throw IndexError(.invalidConfiguration, "the encoding \(indexing.encoding) cannot be loaded")
        }
        var building = builder
        let ingestor = Ingestor(options: input.options)
        if isDirectory {
            let files = InputFiles.expand([path])
            for file in files.files {
                do {
                    try building.addFile(atPath: file.path, ingestor: ingestor, chunker: chunker)
                } catch {
                    errors.write("folio: \(error.message)\n")
                }
            }
        } else {
            try building.addFile(atPath: path, ingestor: ingestor, chunker: chunker)
        }
        return building.build()
    }

    /// Whether `path` is a directory, and the index file it names (an index directory's, or the path
    /// itself) when it holds one written by `folio index`.
    ///
    /// - Throws: ``IndexError/Code/input`` when nothing is at `path`.
    static func locate(_ path: String) throws(IndexError) -> (isDirectory: Bool, indexFile: String?) {
        guard let status = try? FileStatus(path: path) else {
            throw IndexError(.input, "\(path): no such file or directory")
        }
        let indexFile = status.isDirectory ? (path.hasSuffix("/") ? path : path + "/") + SearchIndex.fileName : path
        return (status.isDirectory, isIndexFile(indexFile) ? indexFile : nil)
    }

    /// The ids of `paths` as indexed; nil (no filter) when `paths` is empty.
    ///
    /// - Throws: ``IndexError/Code/unknownDocument`` naming a path the index does not hold.
    static func documentFilter(_ paths: [String], in index: SearchIndex) throws -> Set<Int>? {
        guard !paths.isEmpty else { return nil }
        var filter = Set<Int>()
        for path in paths {
            guard let id = try index.documentID(path: path) else {
                throw IndexError(.unknownDocument, "--document \(path): the index holds no such document")
            }
            filter.insert(id)
        }
        return filter
    }

    private static func isIndexFile(_ path: String) -> Bool {
        guard let file = try? SystemFile(path) else { return false }
        var signature = [UInt8](repeating: 0, count: 8)
        let count = signature.withUnsafeMutableBytes { try? file.read(into: $0, at: 0) }
        return count == 8 && signature == Array("FOLIOIDX".utf8)
    }
}
