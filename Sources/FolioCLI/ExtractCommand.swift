package import ArgumentParser
internal import FolioIngest
internal import FolioModel

/// `folio extract`: a file's normalized text, or its blocks as JSON lines.
package struct ExtractCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Turn a file (HTML, inline XBRL, XML, DOCX, ODT, PDF, text; gzipped or not) into normalized text.",
        discussion: """
            The format is detected from the content, then from the file name; --input-format overrides it. \
            Text is decoded from UTF-8, UTF-16 (with a byte-order mark) or GB18030, detected, or as \
            --input-encoding says. With --format text (the default) prints the document's text: blocks \
            separated by a newline, paragraphs by a blank line (plain text files verbatim). With --format \
            jsonl prints one line per block: {"kind", "level", "start", "end", "text"}, where start and end \
            are Unicode-scalar offsets into that text (Python's text[start:end]); a PDF's blocks also carry \
            "page" (from 1). Output streams while the file is read (a PDF's, page by page). A PDF's glyphs \
            with no Unicode mapping are skipped and counted in one warning on standard error. A file that \
            cannot be read is named on standard error with the reason (and the limit it hit) and the exit \
            status is 1; so is one of a format Folio does not read (images, executables, archives, binary \
            data), told by its content whatever its name or --input-format, and a PDF encrypted with a \
            user password or with no text layer (a scan: OCR is not supported).
            """
    )

    package enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
        case text, jsonl
    }

    @Option(name: .long, help: "text or jsonl.")
    var format: OutputFormat = .text

    @OptionGroup var input: IngestArguments

    @Argument(help: "The file to read ('-' reads standard input).")
    var file: String

    package init() {}

    package func run() throws {
        try runWithStandardStreams { output, errors in execute(output: &output, errors: &errors) }
    }

    /// Runs the command; returns the exit status.
    package func execute(output: inout some TextSink, errors: inout some TextSink, standardInput: Int32 = 0) -> Int32 {
        let ingestor = Ingestor(options: input.options)
        let format = self.format
        do {
            let metadata = try ingestor.read(atPath: file, standardInput: standardInput) { block throws(IngestError) in
                switch format {
                case .text:
                    output.write(block.separator)
                    output.write(block.text)
                case .jsonl:
                    output.write(Self.jsonLine(block))
                }
            }
            if format == .text {
                // A plain-text file's text is verbatim, trailing whitespace included; other text ends with
                // a newline, as text files do.
                output.write(metadata.format == .plainText ? metadata.trailingText : "\n")
            }
            if let warning = Self.unmappedGlyphWarning(metadata, file: file) { errors.write(warning) }
            return 0
        } catch {
            errors.write("folio: \(error.message)\n")
            return 1
        }
    }

    /// `{"kind", "level", "start", "end", "text"}` for one block, with `"page"` after `"end"` when the
    /// source has pages.
    static func jsonLine(_ block: ExtractedBlock) -> String {
        let level = block.kind.level.map(String.init) ?? "null"
        let page = block.block.page.map { ", \"page\": \($0)" } ?? ""
        return "{\"kind\": \"\(block.kind.name)\", \"level\": \(level), \"start\": \(block.range.start), "
            + "\"end\": \(block.range.end)\(page), \"text\": \(jsonString(block.text))}\n"
    }

    /// "folio: FILE: 12 glyphs have no Unicode mapping and were skipped", or nil when none were.
    static func unmappedGlyphWarning(_ metadata: DocumentMetadata, file: String) -> String? {
        let count = metadata.unmappedGlyphCount
        guard count > 0 else { return nil }
        let glyphs =
            count == 1 ? "1 glyph has no Unicode mapping and was" : "\(count) glyphs have no Unicode mapping and were"
        return "folio: \(file): \(glyphs) skipped\n"
    }
}
