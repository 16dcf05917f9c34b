/// How text becomes index terms: the same rules for documents and for queries.
///
/// Defaults: case folding, the Porter stemmer on English words, and a short English stop-word list
/// (``englishStopWords``). ``exact`` turns both off.
public struct AnalyzerConfiguration: Sendable, Hashable, Codable {
    /// Reduce English words (ASCII letters) to their Porter stems, so `terminated` matches `termination`.
    public var stemming: Bool
    /// Words (lowercase, before stemming) that are not indexed. Their positions still count, so
    /// a phrase query over a stop word matches any word in its place.
    public var stopWords: Set<String>

    public init(stemming: Bool = true, stopWords: Set<String> = AnalyzerConfiguration.englishStopWords) {
        self.stemming = stemming
        self.stopWords = stopWords
    }

    /// Snowball's English stop list less the words that change a clause's meaning (`no`, `not`,
    /// `all`, `any`, `only`, `against`, `before`, `after`): 144 words.
    public static let englishStopWords = Set(StopWords.english)

    /// Stemming and English stop words (the default).
    public static let standard = AnalyzerConfiguration()
    /// Case folding only: every word is indexed as written (lowercased).
    public static let exact = AnalyzerConfiguration(stemming: false, stopWords: [])
}

/// One term of analyzed text.
public struct AnalyzedTerm: Hashable, Sendable, CustomStringConvertible {
    /// The term as indexed (lowercased, stemmed).
    public var text: String
    /// The word position; CJK bigrams and the plain number inside `10-K` share the position of the
    /// term they start.
    public var position: Int

    public init(text: String, position: Int) {
        self.text = text
        self.position = position
    }

    public var description: String { "\(text)@\(position)" }
}

/// Splits text into index terms.
///
/// Method:
/// 1. Words are runs of letters, marks and digits (Unicode), lowercased; apostrophes, hyphens and
///    other punctuation end a word (`non-exclusive` is two words).
/// 2. A word that starts with a digit is a number and keeps its inner `.` `-` `/` before a digit or
///    letter, drops thousands separators and keeps a short parenthesized suffix: `2,345.6` →
///    `2345.6`, `$1.2` → `1.2`, `10-K` → `10-k`, `2.1(a)` → `2.1(a)`, `7/19/18` → `7/19/18`. When the
///    number has such a suffix its leading plain number (`10`, `2.1`) is indexed at the same position.
/// 3. Han, Hiragana, Katakana and Hangul give one term per character plus one per pair of adjacent
///    characters, so both one- and two-character words match.
/// 4. Stop words are dropped (their positions still count) and English words are stemmed, as
///    configured.
/// 5. Terms longer than ``maxTermBytes`` bytes are cut to that length at a character boundary.
///
/// - Complexity: O(*n*) in the UTF-8 length; ASCII is scanned byte by byte without decoding.
public struct Analyzer: Sendable, Hashable {
    public let configuration: AnalyzerConfiguration
    /// Stop words as UTF-8, for the byte-level check.
    private let stopWordBytes: Set<[UInt8]>

    /// The longest term kept, in UTF-8 bytes.
    public static let maxTermBytes = 64

    public init(configuration: AnalyzerConfiguration = .standard) {
        self.configuration = configuration
        stopWordBytes = Set(configuration.stopWords.map { Array($0.lowercased().utf8) })
    }

    /// The terms of `text`, in order.
    public func terms(of text: String) -> [AnalyzedTerm] {
        var collector = TermCollector(analyzer: self)
        var text = text
        text.withUTF8 { _ = scan($0, into: &collector) }
        return collector.terms
    }

    /// The index form of a surface word (lowercased, as the scanner hands it out): `nil` for a stop
    /// word, the Porter stem for an English word when stemming is on, else the word itself.
    func normalize(_ surface: UnsafeBufferPointer<UInt8>, isEnglishWord: Bool) -> [UInt8]? {
        let bytes = Array(surface)
        if !stopWordBytes.isEmpty && stopWordBytes.contains(bytes) { return nil }
        guard configuration.stemming && isEnglishWord else { return bytes }
        return PorterStemmer.stem(bytes)
    }

    public static func == (lhs: Analyzer, rhs: Analyzer) -> Bool { lhs.configuration == rhs.configuration }
    public func hash(into hasher: inout Hasher) { hasher.combine(configuration) }
}

/// Receives the surface words of a scan.
protocol TermSink {
    /// A lowercased surface word; `isEnglishWord` when it is ASCII letters only (a stemming candidate).
    mutating func surface(_ bytes: UnsafeBufferPointer<UInt8>, isEnglishWord: Bool, position: Int)
}

/// Collects normalized terms (the slow, simple path for queries and tests).
struct TermCollector: TermSink {
    let analyzer: Analyzer
    var terms: [AnalyzedTerm] = []

    mutating func surface(_ bytes: UnsafeBufferPointer<UInt8>, isEnglishWord: Bool, position: Int) {
        guard let term = analyzer.normalize(bytes, isEnglishWord: isEnglishWord) else { return }
        terms.append(AnalyzedTerm(text: String(decoding: term, as: UTF8.self), position: position))
    }
}
