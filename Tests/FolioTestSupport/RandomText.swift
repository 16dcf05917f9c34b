package import FolioModel

/// Alphabets that exercise every branch of the pre-tokenizers and the merge paths.
public enum RandomText {
    /// Letters of several scripts and cases, marks, digits, punctuation, whitespace of every kind,
    /// apostrophes and contraction letters, emoji and ZWJ, CJK.
    public static let adversarial: [String] = [
        "a", "b", "e", "s", "t", "d", "m", "l", "r", "v", "S", "T", "L", "R", "V", "E", "A", "Z", "ſ", "ǅ", "ǆ",
        "'", "'", "'s", "'ll", "'RE", "\u{2019}",
        " ", " ", " ", "  ", "\t", "\n", "\r\n", "\r", "\u{A0}", "\u{3000}", "\u{2028}", "\u{85}", "\u{B}",
        "0", "1", "9", "12345", "٣", "½", "Ⅻ", "²",
        ".", ",", "!", "?", "/", "//", "(", ")", "-", "_", "$", "%", "&", "*", "\"", "#", "@", "<|endoftext|>",
        "\u{301}", "\u{308}", "\u{300}\u{301}", "\u{93F}",
        "é", "ß", "Ä", "ñ", "Ω", "ω", "Ж", "ж", "ʰ", "ª",
        "中", "国", "人", "的", "一", "是", "了", "说", "道", "宝", "玉", "，", "。", "、", "“", "”", "！", "？",
        "の", "に", "カ", "ｶ", "한", "국", "न", "म", "ส", "م", "ש",
        "😀", "👍🏽", "👨\u{200D}👩\u{200D}👧", "🇺🇸", "1️⃣", "\u{10400}", "\u{20000}",
        "Hello", "WORLD", "iPhone", "HTTPServer", "don't", "I'M", "café", "naïve",
    ]

    /// Mostly CJK with the punctuation and spaces around it, to exercise character-first merging.
    public static let cjk: [String] = [
        "中", "国", "人", "的", "一", "是", "了", "说", "道", "宝", "玉", "黛", "钗", "贾", "母", "王", "夫",
        "笑", "来", "去", "这", "那", "们", "你", "我", "他", "她", "好", "不", "在", "有", "也", "就",
        "，", "。", "、", "：", "；", "“", "”", "！", "？", "（", "）", "…", "—", "《", "》",
        " ", "\u{3000}", "\r\n", "\n", "\t", "A", "a", "1", "2024", "年", "元", "$", ".",
        "の", "は", "カ", "タ", "한", "국", "어", "é", "ж", "😀", "\u{20000}", "\u{301}",
    ]

    /// A string of `count` random pieces of `alphabet`.
    package static func make(_ alphabet: [String], count: Int, using random: inout SplitMix64) -> String {
        var text = ""
        for _ in 0..<count { text += alphabet.randomElement(using: &random)! }
        return text
    }
}
