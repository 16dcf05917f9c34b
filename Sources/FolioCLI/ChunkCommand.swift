public import ArgumentParser
internal import FolioChunking
internal import FolioIngest
internal import FolioModel

/// `folio chunk`: a document's token-budgeted chunks as JSON lines.
public struct ChunkCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "chunk",
        abstract: "Cut a file into chunks that each fit a token budget exactly.",
        discussion: """
            Reads the file as `folio extract` does and prints one JSON line per chunk: {"index", "start", \
            "end", "tokens", "headings", "text"}. start and end are Unicode-scalar offsets into the text \
            `folio extract FILE` prints (for a plain-text file, into its characters); tokens is the exact \
            count of text under --encoding, never more than --max-tokens; headings is the heading path \
            where the chunk starts. Chunks end at the strongest boundary that fills them well (section, \
            block, sentence; clause, word or character only inside a sentence longer than the budget). \
            Chunks are printed while the file is read. A file that cannot be read is named on standard \
            error with the reason, and the exit status is 1.
            """
    )

    @OptionGroup var chunking: ChunkArguments
    @OptionGroup var input: IngestArguments

    @Argument(help: "The file to read ('-' reads standard input).")
    var file: String

    public init() {}

    public func run() throws {
        try runWithStandardStreams { output, errors in execute(output: &output, errors: &errors) }
    }

    /// Runs the command; returns the exit status.
    package func execute(output: inout some TextSink, errors: inout some TextSink, standardInput: Int32 = 0) -> Int32 {
        guard let chunker = chunking.makeChunker(errors: &errors) else { return 1 }
        let ingestor = Ingestor(options: input.options)
        let file = self.file
        do {
            _ = try chunker.forEachChunk(
                reading: { send throws(IngestError) in try ingestor.read(atPath: file, standardInput: standardInput, send) }
            ) { chunk in
                output.write(Self.jsonLine(chunk))
            }
            return 0
        } catch {
            errors.write("folio: \(error.message)\n")
            return 1
        }
    }

    /// `{"index", "start", "end", "tokens", "headings", "text"}` for one chunk, with `"path"` first when given.
    static func jsonLine(_ chunk: Chunk, path: String? = nil) -> String {
        var line = "{"
        if let path { line += "\"path\": \(jsonString(path)), " }
        line += "\"index\": \(chunk.index), \"start\": \(chunk.range.start), \"end\": \(chunk.range.end), "
        line += "\"tokens\": \(chunk.tokenCount), \"headings\": ["
        line += chunk.headings.map(jsonString).joined(separator: ", ")
        line += "], \"text\": \(jsonString(chunk.text))}\n"
        return line
    }
}
