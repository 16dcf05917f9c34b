package import ArgumentParser
internal import FolioModel
internal import FolioTokenizer
internal import FolioSystem
internal import Foundation

/// `folio tokens`: exact token counts (and ids) of files, as tiktoken would give them.
package struct TokensCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "Count the tokens of files exactly (tiktoken-compatible).",
        discussion: """
            Prints one JSON line per file and encoding: {"path", "encoding", "tokens", "replaced"}, and \
            "ids" with --ids. A file is read as UTF-8; invalid bytes become U+FFFD exactly as Python's \
            bytes.decode("utf-8", errors="replace") does, and "replaced" says how many. Text that looks \
            like a special token (<|endoftext|>) is ordinary text. Files are streamed, so memory stays \
            small whatever their size (except with --ids, or for megabytes without a space or a \
            punctuation mark, which are one piece to merge). Formats are not detected: a PDF or any other \
            file is counted as its bytes, as tiktoken would count them.
            A file that cannot be read is named on standard error; the others are still reported and the \
            exit status is 1.
            """
    )

    @Option(
        name: .long,
        help: ArgumentHelp(
            "cl100k_base, o200k_base, or the path of a tiktoken rank file (plain or .gz). Repeat to compare encodings.",
            valueName: "encoding"))
    var encoding: [String] = ["cl100k_base"]

    @Option(name: .long, help: "Pre-tokenizer for a rank-file path whose name does not say it (cl100k or o200k).")
    var pattern: String?

    @Flag(name: .long, help: "Also print the token ids.")
    var ids = false

    @Argument(help: "Files to read; none or '-' reads standard input.")
    var files: [String] = []

    package init() {}

    package func run() throws {
        try runWithStandardStreams { output, errors in execute(output: &output, errors: &errors) }
    }

    /// Runs the command; returns the exit status.
    package func execute(output: inout some TextSink, errors: inout some TextSink, standardInput: Int32 = 0) -> Int32 {
        var status: Int32 = 0
        var tokenizers: [(label: String, tokenizer: BPETokenizer)] = []
        for name in encoding {
            do {
                tokenizers.append((name, try Self.tokenizer(for: name, pattern: pattern)))
            } catch {
                errors.write("folio: \(error.message)\n")
                status = 1
            }
        }
        guard !tokenizers.isEmpty else { return status }
        for path in files.isEmpty ? ["-"] : files {
            do {
                let source = try ByteSource(path: path, standardInput: standardInput)
                let reports = try Self.tokenize(source, with: tokenizers.map(\.tokenizer), ids: ids)
                for (report, (label, _)) in zip(reports, tokenizers) {
                    var line = "{\"path\": \(jsonString(path)), \"encoding\": \(jsonString(label)), "
                    line += "\"tokens\": \(report.tokenCount), \"replaced\": \(report.replacementCount)"
                    if let ids = report.ids {
                        line += ", \"ids\": ["
                        line += ids.lazy.map { String($0.rawValue) }.joined(separator: ", ")
                        line += "]"
                    }
                    output.write(line + "}\n")
                }
            } catch {
                errors.write("folio: \(error)\n")
                status = 1
            }
        }
        return status
    }

    /// A built-in encoding by name, or a rank file by path.
    static func tokenizer(for name: String, pattern: String?) throws(TokenizerError) -> BPETokenizer {
        if let known = EncodingName(rawValue: name) { return try BPETokenizer.named(known) }
        guard name.contains("/") || (try? FileStatus(path: name)) != nil else {
            return try BPETokenizer.named(name)  // throws unknownEncoding with the list of names
        }
        let guessed = EncodingName.guess(fromFileName: name)
        let chosen: PreTokenizerPattern
        if let pattern {
            guard let parsed = PreTokenizerPattern(rawValue: pattern) else {
                throw TokenizerError(
                    .unknownEncoding, "unknown pattern '\(pattern)' for \(name): expected cl100k or o200k")
            }
            chosen = parsed
        } else if let guessed {
            chosen = guessed.pattern
        } else {
            throw TokenizerError(
                .unknownEncoding,
                """
                cannot tell which pre-tokenizer the rank file \(name) was \
                trained with; pass --pattern cl100k or --pattern o200k
                """
            )
        }
        return try BPETokenizer(rankFileAt: name, pattern: chosen, specialTokens: guessed?.specialTokens ?? [:])
    }

    struct Report {
        var tokenCount: Int
        var replacementCount: Int
        var ids: [TokenID]?
    }

    /// Reads the source once and tokenizes it with each tokenizer.
    static func tokenize(_ source: borrowing ByteSource, with tokenizers: [BPETokenizer], ids: Bool) throws(ReadFailure)
        -> [Report]
    {
        var repair = UTF8Repair()
        if ids {
            var text = repair.append(try source.readAll())
            text += repair.finish()
            return tokenizers.map { tokenizer in
                let ids = tokenizer.encode(text)
                return Report(tokenCount: ids.count, replacementCount: repair.replacementCount, ids: ids)
            }
        }
        var counters = tokenizers.map(TokenCounter.init(tokenizer:))
        try source.forEachBlock { block in
            let text = repair.append(block)
            for index in counters.indices { counters[index].append(text) }
        }
        let rest = repair.finish()
        for index in counters.indices { counters[index].append(rest) }
        return counters.map { Report(tokenCount: $0.tokenCount, replacementCount: repair.replacementCount, ids: nil) }
    }
}
