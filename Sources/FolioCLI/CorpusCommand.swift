package import ArgumentParser
internal import FolioCorpora
internal import FolioSystem
internal import Foundation

/// `folio bench corpus`: a generated test document of an exact size, written as it is made.
package struct CorpusCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "corpus",
        abstract: "Write a generated test document (deterministic).",
        discussion: """
            --kind report is a stream of 10-K-like annual reports, contract of agreements, chinese of \
            Chinese prose in chapters. --format text writes plain UTF-8 text of exactly --chars Unicode \
            scalars; --format html one HTML document of exactly --chars UTF-8 bytes. The same kind, format, \
            seed and size give the same bytes everywhere. The document is written in pieces of at most \
            64 KiB as it is generated, never held in memory. A file that cannot be written is named on \
            standard error with the reason and the exit status is 1.
            """
    )

    @Option(name: .long, help: "report, contract or chinese (default: report).", transform: CorpusCommand.kind)
    var kind: CorpusGenerator.Kind = .report

    @Option(name: .long, help: "text or html (default: text).", transform: CorpusCommand.format)
    var format: CorpusGenerator.Format = .text

    @Option(name: .customLong("chars"), help: "Exact size: Unicode scalars for text, UTF-8 bytes for html.")
    var characters: Int

    @Option(name: .long, help: "Picks the document; the same seed gives the same document.")
    var seed: UInt64 = 1

    @Option(name: .customLong("out"), help: "The file to write (default: standard output).")
    var outputPath: String?

    package init() {}

    package func validate() throws {
        if characters < 0 { throw ValidationError("--chars must be at least 0, not \(characters)") }
    }

    package func run() throws {
        try runWithStandardStreams { output, errors in execute(output: &output, errors: &errors) }
    }

    /// Runs the command; returns the exit status.
    package func execute(output: inout some TextSink, errors: inout some TextSink) -> Int32 {
        let generator = CorpusGenerator(kind: kind, format: format, seed: seed)
        guard let outputPath else {
            generator.write(characters: characters) { output.write($0) }
            return 0
        }
        do {
            let file = try SystemFile(outputPath, access: .writeOnly, options: [.create, .truncate])
            // Pieces are small (a sentence or so): gathered, and written 1 MiB at a time.
            var buffer: [UInt8] = []
            buffer.reserveCapacity(Self.writeBufferSize)
            try generator.write(characters: characters) { piece in
                buffer.append(contentsOf: piece.utf8)
                if buffer.count >= Self.writeBufferSize {
                    try file.write(buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            try file.write(buffer)
            try file.close()
        } catch let error as SystemError {
            errors.write("folio: \(outputPath): \(error.reason)\n")
            return 1
        } catch {
            errors.write("folio: \(outputPath): \(error)\n")
            return 1
        }
        return 0
    }

    /// Bytes gathered before each `write(2)`.
    static let writeBufferSize = 1 << 20

    private static func kind(_ argument: String) throws -> CorpusGenerator.Kind {
        guard let kind = CorpusGenerator.Kind(rawValue: argument) else {
            throw ValidationError("unknown kind '\(argument)': expected report, contract or chinese")
        }
        return kind
    }

    private static func format(_ argument: String) throws -> CorpusGenerator.Format {
        guard let format = CorpusGenerator.Format(rawValue: argument) else {
            throw ValidationError("unknown format '\(argument)': expected text or html")
        }
        return format
    }
}
