/// The English stop words the analyzer drops by default (``AnalyzerConfiguration/englishStopWords``).
///
/// Snowball's English list (the function words of M. F. Porter's stop list, with the pieces
/// apostrophes leave behind: `isn`, `t`, `ll`) less the words that change what a clause means —
/// `no`, `nor`, `not`, `all`, `any`, `only`, `against`, `before`, `after` — which stay searchable.
/// On the CUAD dev contracts it ranks a little better than the 33-word Lucene list it replaced
/// (BENCHMARKS.md, issue 18).
enum StopWords {
    static let english: [String] = [
        "i", "me", "my", "myself", "we", "our", "ours", "ourselves", "you", "your", "yours", "yourself", "yourselves",
        "he", "him", "his", "himself", "she", "her", "hers", "herself", "it", "its", "itself", "they", "them",
        "their", "theirs", "themselves", "what", "which", "who", "whom", "this", "that", "these", "those", "am", "is",
        "are", "was", "were", "be", "been", "being", "have", "has", "had", "having", "do", "does", "did", "doing",
        "would", "should", "could", "ought", "a", "an", "the", "and", "but", "if", "or", "because", "as", "until",
        "while", "of", "at", "by", "for", "with", "about", "between", "into", "through", "during", "above", "below",
        "to", "from", "up", "down", "in", "out", "on", "off", "over", "under", "again", "further", "then", "once",
        "here", "there", "when", "where", "why", "how", "both", "each", "few", "more", "most", "other", "some",
        "such", "own", "same", "so", "than", "too", "very", "s", "t", "can", "will", "just", "don", "now", "d", "ll",
        "m", "o", "re", "ve", "y", "isn", "aren", "wasn", "weren", "hasn", "haven", "hadn", "doesn", "didn", "won",
        "wouldn", "shan", "shouldn", "couldn", "mustn", "let",
    ]
}
