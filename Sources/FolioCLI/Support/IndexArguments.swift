internal import ArgumentParser
internal import FolioChunking
internal import FolioIndex
internal import FolioIngest
internal import FolioTokenizer

/// The options of commands that index documents (`folio index`, and `folio pack` on files).
package struct IndexArguments: ParsableArguments {
    @Option(
        name: .long,
        help: "Most tokens in an indexed chunk, the unit a search returns and a pack selects (16 to 1,000,000).")
    var chunkTokens = IndexArguments.defaultChunkTokens

    @Option(name: .long, help: "cl100k_base or o200k_base: the chunks' token counts and the pack budget.")
    var encoding = "cl100k_base"

    @Flag(name: .long, help: "Index words as written (lowercased), without the Porter stemmer.")
    var noStemming = false

    @Flag(name: .long, help: "Index every word, English stop words included.")
    var noStopWords = false

    @Option(
        name: .long,
        help: "A term-vector table (from `folio index --learn-vectors`) for chunk vectors; default: the built-in one.")
    var vectors: String?

    @Flag(name: .long, help: "Rank by words alone: no chunk vectors.")
    var noVectors = false

    /// The default chunk budget of an index.
    static let defaultChunkTokens = 96

    /// The chunk configuration `validate()` built from `--chunk-tokens` (not an argument: no coding key).
    private(set) var chunkConfiguration: ChunkConfiguration?

    /// The table `validate()` read from `--vectors` (not an argument: no coding key).
    private(set) var vectorTable: TermVectors?

    private enum CodingKeys: String, CodingKey {
        case chunkTokens, encoding, noStemming, noStopWords, vectors, noVectors
    }

    package init() {}

    package mutating func validate() throws {
        do {
            chunkConfiguration = try ChunkConfiguration(maxTokens: chunkTokens)
        } catch {
            throw ValidationError("--chunk-tokens: \(error.message)")
        }
        if let vectors {
            guard !noVectors else { throw ValidationError("--vectors and --no-vectors contradict each other") }
            do {
                let table = try TermVectors(contentsOf: vectors)
                TermVectors.register(table)
                vectorTable = table
            } catch {
                throw ValidationError("--vectors: \(error.message)")
            }
        }
    }

    /// The table chunk vectors are made of: `--vectors`, else the built-in one; nil with `--no-vectors`.
    var termVectors: TermVectors? { noVectors ? nil : vectorTable ?? TermVectors.builtIn }

    var analyzer: Analyzer {
        Analyzer(
            configuration: AnalyzerConfiguration(
                stemming: !noStemming, stopWords: noStopWords ? [] : AnalyzerConfiguration.englishStopWords))
    }

    /// A builder and chunker for these options, or nil after writing why the tokenizer cannot load.
    func makeBuilder(errors: inout some TextSink, termVectors learned: TermVectors? = nil) -> (IndexBuilder, Chunker)? {
        guard let chunkConfiguration else {
            preconditionFailure("ArgumentParser validates options before a command runs")
        }
        do {
            let tokenizer = try BPETokenizer.named(encoding)
            let chunker = Chunker(tokenizer: tokenizer, configuration: chunkConfiguration)
            let builder = IndexBuilder(
                analyzer: analyzer, encoding: encoding, maxChunkTokens: chunkTokens,
                termVectors: noVectors ? nil : learned ?? termVectors)
            return (builder, chunker)
        } catch {
            errors.write("folio: \(error.message)\n")
            return nil
        }
    }
}

/// The BM25 options of `folio search` and `folio pack`.
package struct BM25Arguments: ParsableArguments {
    @Option(name: .long, help: "BM25 term-frequency saturation.")
    var k1 = 1.2

    @Option(name: .long, help: "BM25 length normalization.")
    var b = 0.75

    @Option(name: .long, help: "Weight of a word in a heading relative to one in the text.")
    var headingBoost = 2.0

    @Option(
        name: .long,
        help: "Weight of the query-chunk vector cosine beside the lexical score scaled to 1 (0: words alone).")
    var vectorWeight = BM25Parameters.defaultVectorWeight

    package init() {}

    package func validate() throws {
        _ = try parameters()
    }

    func parameters() throws -> BM25Parameters {
        do {
            return try BM25Parameters(k1: k1, b: b, headingBoost: headingBoost, vectorWeight: vectorWeight)
        } catch {
            throw ValidationError(error.message)
        }
    }
}

/// The options of `folio pack`.
package struct PackArguments: ParsableArguments {
    @Option(name: .long, help: "Most tokens of the packed text, exactly counted (16 to 10,000,000).")
    var budget = 2048

    @Option(name: .long, help: "Share of the budget for the document's opening when packing one document (0 to 0.5).")
    var leadShare = 0.2

    @Option(name: .long, help: "How much the mean score of a chunk's neighbours adds to its rank (0 to 4).")
    var contextWeight = 0.5

    @Option(name: .long, help: "Chunks on each side of a hit that may join it when they fit.")
    var neighbours = 1

    @OptionGroup var scoring: BM25Arguments

    @Option(name: .long, help: "Line before each passage: {n} {path} {file} {start} {end} {headings} {pages}.")
    var passageHeader = "[{start}-{end}] {headings}\n"

    @Option(name: .long, help: "Line before each document's first passage: {path} {file}.")
    var documentHeader = "<< {path} >>\n"

    package init() {}

    package func validate() throws {
        _ = try configuration()
    }

    func configuration() throws -> PackConfiguration {
        let parameters = try scoring.parameters()
        do {
            return try PackConfiguration(
                budget: budget, leadShare: leadShare, neighbours: neighbours, contextWeight: contextWeight,
                documentHeader: documentHeader.replacingOccurrencesOfEscapes(),
                passageHeader: passageHeader.replacingOccurrencesOfEscapes(), parameters: parameters)
        } catch {
            throw ValidationError(error.message)
        }
    }
}

extension String {
    /// `\n` and `\t` written on a command line, as the characters.
    func replacingOccurrencesOfEscapes() -> String {
        var result = ""
        var escaped = false
        for character in self {
            if escaped {
                switch character {
                case "n": result.append("\n")
                case "t": result.append("\t")
                default:
                    result.append("\\")
                    result.append(character)
                }
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                result.append(character)
            }
        }
        if escaped { result.append("\\") }
        return result
    }
}
