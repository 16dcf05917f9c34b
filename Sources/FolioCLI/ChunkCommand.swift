package import ArgumentParser
internal import Folio
internal import FolioModel

/// `folio chunk`: a document's token-budgeted chunks as JSON lines.
package struct ChunkCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "chunk",
        abstract: "Cut a file into chunks that each fit a token budget exactly.",
        discussion: """
            Reads the file as `folio extract` does and prints one JSON line per chunk: {"index", "start", \
            "end", "tokens", "headings", "text"}. start and end are Unicode-scalar offsets into the text \
            `folio extract FILE` prints (for a plain-text file, into its characters); tokens is the exact \
            count of text under --encoding, never more than --max-tokens; headings is the heading path \
            where the chunk starts; a PDF's chunks also carry "pages": [first, last], the pages their \
            text lies on. Chunks end at the strongest boundary that fills them well (section, \
            block, sentence; clause, word or character only inside a sentence longer than the budget). \
            The file runs through Folio's Engine: without --cache it is cut while it is read and chunks \
            are printed as they are cut; with --cache DIR a file seen before is not read again, and a new \
            one (up to 64 MiB; larger files are still cut while read) is processed whole and kept in DIR. \
            A file that cannot be read is named on standard error with the reason, and the exit status is 1.
            """
    )

    @OptionGroup var chunking: ChunkArguments
    @OptionGroup var input: IngestArguments
    @OptionGroup var caching: CacheArguments

    @Argument(help: "The file to read ('-' reads standard input).")
    var file: String

    package init() {}

    package func run() throws {
        try runWithStandardStreams(self) { command, output, errors in
            await command.execute(output: &output, errors: &errors)
        }
    }

    /// Runs the command; returns the exit status.
    package func execute(output: inout some TextSink, errors: inout some TextSink, standardInput: Int32 = 0) async
        -> Int32
    {
        var configuration = caching.engineConfiguration(input: input)
        configuration.encoding = chunking.encoding
        configuration.maxTokens = chunking.maxTokens
        configuration.overlapTokens = chunking.overlap
        guard let engine = CacheArguments.makeEngine(configuration, errors: &errors) else { return 1 }
        var status: Int32 = 0
        do {
            let served = try await engine.forEachChunk(
                ofFile: file, standardInput: standardInput, session: CacheArguments.session
            ) { chunk in
                output.write { Self.appendJSONLine(chunk, to: &$0) }
            }
            if let warning = ExtractCommand.unmappedGlyphWarning(served.metadata, file: file) { errors.write(warning) }
        } catch {
            errors.write("folio: \(error.message)\n")
            status = 1
        }
        await engine.waitForPendingWrites()  // entries are written behind the work; the next run wants them
        return status
    }

    /// Appends `{"index", "start", "end", "tokens", "headings", "text"}` for one chunk to `line`, with
    /// `"path"` first when given, `"pages"` before `"text"` when the source has pages, and a newline.
    static func appendJSONLine(_ chunk: Chunk, path: String? = nil, to line: inout [UInt8]) {
        line.append(UInt8(ascii: "{"))
        if let path {
            line.append(contentsOf: #""path": "#.utf8)
            appendJSONString(path, to: &line)
            line.append(contentsOf: ", ".utf8)
        }
        line.append(contentsOf: #""index": "#.utf8)
        appendDecimal(chunk.index, to: &line)
        line.append(contentsOf: #", "start": "#.utf8)
        appendDecimal(chunk.range.start, to: &line)
        line.append(contentsOf: #", "end": "#.utf8)
        appendDecimal(chunk.range.end, to: &line)
        line.append(contentsOf: #", "tokens": "#.utf8)
        appendDecimal(chunk.tokenCount, to: &line)
        line.append(contentsOf: #", "headings": ["#.utf8)
        for (position, heading) in chunk.headings.enumerated() {
            if position > 0 { line.append(contentsOf: ", ".utf8) }
            appendJSONString(heading, to: &line)
        }
        line.append(UInt8(ascii: "]"))
        if let pages = chunk.pages {
            line.append(contentsOf: #", "pages": ["#.utf8)
            appendDecimal(pages.lowerBound, to: &line)
            line.append(contentsOf: ", ".utf8)
            appendDecimal(pages.upperBound, to: &line)
            line.append(UInt8(ascii: "]"))
        }
        line.append(contentsOf: #", "text": "#.utf8)
        appendJSONString(chunk.text, to: &line)
        line.append(contentsOf: "}\n".utf8)
    }
}
