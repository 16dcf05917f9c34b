/// Words that a period after them usually does not end a sentence.
///
/// Two lists: titles and references (`Mr.`, `No.`, `Sec.`, `e.g.`) are followed by more of the same
/// sentence, so a period after them never ends one; company and list endings (`Inc.`, `Corp.`, `Ltd.`,
/// `etc.`) often end a sentence, so a period after them ends one when the next word starts with a
/// capital letter. Matching ignores case, except `No.`, which must be capitalized ("the answer is no.").
/// Words with inner periods (`U.S.`, `e.g.`, `a.m.`) and single letters (initials) are handled by
/// ``SentenceScanner`` without a list.
enum Abbreviations {
    enum Kind { case nonFinal, mayEndSentence }

    /// Titles, references, months, units: a period after them does not end a sentence.
    static let nonFinal: [String] = [
        "mr", "mrs", "ms", "dr", "prof", "messrs", "mmes", "hon", "rev", "gen", "gov", "sen", "rep", "capt",
        "col", "lt", "sgt", "cmdr", "adm", "st", "mt", "ft", "ave", "blvd", "rd", "no", "nos", "sec", "secs",
        "art", "arts", "fig", "figs", "vol", "vols", "p", "pp", "para", "paras", "par", "ch", "chap", "cl",
        "sch", "sched", "subd", "subsec", "exh", "ex", "ref", "reg", "regs", "cf", "vs", "v", "viz", "approx",
        "incl", "excl", "esp", "dept", "est", "attn", "ed", "eds", "al", "jan", "feb", "apr", "jun", "jul",
        "aug", "sep", "sept", "oct", "nov", "dec", "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri",
        "amend", "min", "max", "avg", "misc", "dist", "govt", "assn", "intl", "natl", "mfg", "div", "bldg",
    ]

    /// Endings of names and lists: a period after them ends a sentence only before a capital letter.
    static let mayEndSentence: [String] = [
        "inc", "corp", "co", "ltd", "llc", "plc", "lp", "llp", "bros", "etc", "jr", "sr", "ag", "sa", "nv", "bv",
    ]

    private static let table: [UInt64: Kind] = {
        var table: [UInt64: Kind] = [:]
        for word in nonFinal { table[key(Array(word.utf8))!] = .nonFinal }
        for word in mayEndSentence { table[key(Array(word.utf8))!] = .mayEndSentence }
        return table
    }()

    /// The kind of the word `bytes[start..<end]` (ASCII letters only), or nil when it is not listed.
    static func kind(of bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Kind? {
        guard let packed = lowercasedKey(bytes, start, end), let kind = table[packed] else { return nil }
        if packed == 0x6E6F && bytes[start] != 0x4E { return nil }  // "no" must be "No" or "NO"
        return kind
    }

    private static func key(_ word: [UInt8]) -> UInt64? {
        guard word.count <= 8 else { return nil }
        return word.reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// `bytes[start..<end]` lowercased and packed into a key, if it is one to eight ASCII letters.
    private static func lowercasedKey(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> UInt64? {
        guard end - start <= 8, end > start else { return nil }
        var packed: UInt64 = 0
        for index in start..<end {
            let byte = bytes[index] | 0x20
            guard byte >= 0x61 && byte <= 0x7A else { return nil }
            packed = packed << 8 | UInt64(byte)
        }
        return packed
    }

    /// Words before a number that make the number a reference, not the end of a sentence
    /// ("Section 2.", "Item 7.", "Article IV.").
    private static let referenceWords: Set<UInt64> = Set(
        [
            "section", "sections", "article", "item", "items", "part", "clause", "schedule", "exhibit", "note",
            "notes", "rule", "chapter", "no", "annex", "appendix", "paragraph", "page", "step", "table",
        ]
        .compactMap { key(Array($0.utf8)) }
    )

    /// Whether `bytes[start..<end]` is a word such as "Section" or "Item" (any case).
    static func isReferenceWord(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        if end - start == 2 && bytes[start] == 0xC2 && bytes[start + 1] == 0xA7 { return true }  // §
        return lowercasedKey(bytes, start, end).map(referenceWords.contains) ?? false
    }
}
