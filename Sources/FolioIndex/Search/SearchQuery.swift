/// A parsed query: words to rank by, and quoted phrases every hit must contain.
///
/// `termination "change of control" notice` ranks chunks by the three words and keeps only chunks
/// that contain the phrase. An unclosed quote runs to the end of the query. Words are analyzed as
/// the documents were (case folding, stemming, stop words, CJK bigrams).
public struct SearchQuery: Hashable, Sendable {
    /// The unquoted text.
    public var words: String
    /// The quoted phrases.
    public var phrases: [String]

    public init(words: String, phrases: [String] = []) {
        self.words = words
        self.phrases = phrases
    }

    /// Parses quotes (`"` and the typographic `“ ”`) out of `text`.
    public init(parsing text: String) {
        var words = ""
        var phrases: [String] = []
        var phrase: String?
        for character in text {
            switch character {
            case "\"", "\u{201C}", "\u{201D}":
                if let open = phrase {
                    phrases.append(open)
                    phrase = nil
                    words.append(" ")
                } else {
                    phrase = ""
                }
            default:
                if phrase != nil { phrase!.append(character) } else { words.append(character) }
            }
        }
        if let phrase { phrases.append(phrase) }
        self.init(words: words, phrases: phrases.filter { !$0.allSatisfy(\.isWhitespace) })
    }
}

/// BM25 parameters.
///
/// Each chunk has two fields, its text and its heading path; a term's frequency is
/// `tf(text) + headingBoost × tf(headings)` and the field length is weighted the same way (BM25F
/// with one shared `b`).
public struct BM25Parameters: Hashable, Sendable, Codable {
    /// Term-frequency saturation (0...10; 1.2 by default).
    public var k1: Double
    /// Length normalization (0...1; 0.75 by default).
    public var b: Double
    /// The weight of a heading occurrence relative to a text occurrence (0...100; 2 by default).
    public var headingBoost: Double
    /// The weight of the cosine between query and chunk vectors against the lexical score scaled to
    /// 1 at the best chunk (0...10; 0 ranks by words alone). Used when the index has chunk vectors.
    public var vectorWeight: Double

    /// The default ``vectorWeight``.
    public static let defaultVectorWeight = 2.0

    /// - Throws: ``IndexError/Code/invalidConfiguration`` when a value is out of range.
    public init(
        k1: Double = 1.2, b: Double = 0.75, headingBoost: Double = 2,
        vectorWeight: Double = BM25Parameters.defaultVectorWeight
    ) throws(IndexError) {
        guard (0...10).contains(k1), (0...1).contains(b), (0...100).contains(headingBoost),
            (0...10).contains(vectorWeight)
        else {
            throw IndexError(
                .invalidConfiguration,
                """
                BM25 k1 = \(k1), b = \(b), headingBoost = \(headingBoost), vectorWeight = \(vectorWeight): \
                k1 must lie in 0...10, b in 0...1, headingBoost in 0...100, vectorWeight in 0...10
                """
            )
        }
        self.k1 = k1
        self.b = b
        self.headingBoost = headingBoost
        self.vectorWeight = vectorWeight
    }

    /// k1 = 1.2, b = 0.75, headingBoost = 2, vectorWeight = ``defaultVectorWeight``.
    public static let standard = try! BM25Parameters()
}

/// A chunk that matches a query, with its score.
public struct SearchHit: Hashable, Sendable {
    public var chunk: ChunkInfo
    /// The document's path.
    public var path: String
    /// The BM25 score, or with chunk vectors the fused score (BM25 scaled to 1 at the best chunk plus
    /// ``BM25Parameters/vectorWeight`` × the cosine); higher is better, comparable within one query.
    public var score: Double
}
