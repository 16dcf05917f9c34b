internal import ArgumentParser
internal import FolioIngest
internal import FolioModel
internal import FolioChunking
internal import FolioTokenizer

/// The options every command that reads documents shares: input format, encoding and limits.
package struct IngestArguments: ParsableArguments {
    @Option(name: .long, help: "auto, utf-8, utf-16le, utf-16be, gb18030 or windows-1252.")
    var inputEncoding = "auto"

    @Option(name: .long, help: "auto, text, html, xml, docx, odt or pdf (a PDF is read as PDF whatever this says).")
    var inputFormat = "auto"

    @Option(name: .long, help: "Most elements open at once in HTML or XML.")
    var maxNestingDepth = IngestLimits().maxNestingDepth

    @Option(name: .long, help: "Most bytes a gzip stream or a ZIP entry may inflate to.")
    var maxDecompressedBytes = IngestLimits().maxDecompressedBytes

    @Option(name: .long, help: "Most inflated bytes per compressed byte (gzip, ZIP entries).")
    var maxCompressionRatio = IngestLimits().maxCompressionRatio

    @Option(name: .long, help: "Most bytes of a PDF (read whole into memory).")
    var maxPDFBytes = IngestLimits().maxPDFBytes

    package init() {}

    package func validate() throws {
        if inputEncoding != "auto" && TextEncoding(rawValue: inputEncoding.lowercased()) == nil {
            throw ValidationError(
                "unknown input encoding '\(inputEncoding)': expected auto, "
                    + TextEncoding.allCases.map(\.rawValue).joined(separator: ", "))
        }
        if inputFormat != "auto" && InputFormat(rawValue: inputFormat.lowercased()) == nil {
            throw ValidationError(
                "unknown input format '\(inputFormat)': expected auto, "
                    + InputFormat.allCases.map(\.rawValue).joined(separator: ", "))
        }
    }

    var options: IngestOptions {
        IngestOptions(
            format: InputFormat(rawValue: inputFormat.lowercased()),
            encoding: TextEncoding(rawValue: inputEncoding.lowercased()),
            limits: IngestLimits(
                maxDecompressedBytes: maxDecompressedBytes, maxCompressionRatio: maxCompressionRatio,
                maxNestingDepth: maxNestingDepth, maxPDFBytes: maxPDFBytes))
    }
}

/// The options of commands that cut documents into chunks.
package struct ChunkArguments: ParsableArguments {
    @Option(name: .long, help: "Most tokens in a chunk (16 to 1,000,000).")
    var maxTokens = 512

    @Option(
        name: .long,
        help:
            "Tokens of whole trailing sentences repeated at the start of the next chunk (at most half of --max-tokens)."
    )
    var overlap = 0

    @Option(name: .long, help: "cl100k_base or o200k_base.")
    var encoding = "cl100k_base"

    /// The configuration `validate()` built from the options (not an argument: no coding key).
    private(set) var configuration: ChunkConfiguration?

    private enum CodingKeys: String, CodingKey { case maxTokens, overlap, encoding }

    package init() {}

    package mutating func validate() throws {
        do {
            configuration = try ChunkConfiguration(maxTokens: maxTokens, overlapTokens: overlap)
        } catch {
            throw ValidationError(error.message)
        }
    }

    /// The chunker these options describe, or nil after writing why the tokenizer cannot load.
    func makeChunker(errors: inout some TextSink) -> Chunker? {
        guard let configuration else { preconditionFailure("ArgumentParser validates options before a command runs") }
        do {
            return Chunker(tokenizer: try BPETokenizer.named(encoding), configuration: configuration)
        } catch {
            errors.write("folio: \(error.message)\n")
            return nil
        }
    }
}
