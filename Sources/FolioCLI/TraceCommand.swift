package import ArgumentParser
internal import FolioCorpora
internal import FolioSystem

/// `folio bench trace`: a generated request trace in Mooncake's format, for `folio replay`.
package struct TraceCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Write a generated request trace in Mooncake's format (deterministic).",
        discussion: """
            --shape conversation is multi-turn chats under a few common system prompts, each turn \
            minutes after the last answer; agent is tool and agent loops (large shared tool prompts, \
            steps seconds apart); scan is questions about popular documents mixed with one-off long \
            documents. Each is about 12,000 requests over an hour (--minutes scales it). The same shape, \
            seed and length give the same bytes everywhere. Replay it with `folio replay FILE \
            --capacity-blocks 1000,4000,16000,64000`.
            """
    )

    @Option(name: .long, help: "conversation, agent or scan.", transform: TraceCommand.shape)
    var shape: TraceGenerator.Shape

    @Option(name: .long, help: "Picks the trace; the same seed gives the same trace.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "Minutes of traffic (default: 60).")
    var minutes = 60

    @Option(name: .customLong("out"), help: "The file to write (default: standard output).")
    var outputPath: String?

    package init() {}

    package func validate() throws {
        guard (1...1_440).contains(minutes) else {
            throw ValidationError("--minutes must be 1 to 1440, not \(minutes)")
        }
    }

    package func run() throws {
        try runWithStandardStreams { output, errors in execute(output: &output, errors: &errors) }
    }

    /// Runs the command; returns the exit status.
    package func execute(output: inout some TextSink, errors: inout some TextSink) -> Int32 {
        let generator = TraceGenerator(shape: shape, seed: seed, durationSeconds: minutes * 60)
        guard let outputPath else {
            generator.write { output.write($0) }
            return 0
        }
        do {
            let file = try SystemFile(outputPath, access: .writeOnly, options: [.create, .truncate])
            try generator.write { try file.write(Array($0.utf8)) }
            try file.close()
            return 0
        } catch {
            errors.write("folio: \(outputPath): \((error as? SystemError)?.reason ?? "\(error)")\n")
            return 1
        }
    }

    private static func shape(_ argument: String) throws -> TraceGenerator.Shape {
        guard let shape = TraceGenerator.Shape(rawValue: argument) else {
            throw ValidationError("--shape must be conversation, agent or scan, not \(argument)")
        }
        return shape
    }
}
