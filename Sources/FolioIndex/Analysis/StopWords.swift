/// The English stop words the analyzer drops by default (``AnalyzerConfiguration/englishStopWords``).
///
/// The list is short on purpose: the function words that occur in almost every passage and never
/// carry a query (Lucene's English list plus a few contractions' pieces). Words such as `not`,
/// `no`, `all` and `without` stay searchable because they change what a clause means.
enum StopWords {
    static let english: [String] = [
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
        "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to",
        "was", "will", "with", "s", "t",
    ]
}
