@testable import FolioIndex
import Testing

@Suite struct AnalyzerTests {
    let analyzer = Analyzer()
    let exact = Analyzer(configuration: .exact)

    func texts(_ text: String, _ analyzer: Analyzer? = nil) -> [String] {
        (analyzer ?? self.analyzer).terms(of: text).map(\.text)
    }

    /// Stems from NLTK's PorterStemmer (mode ORIGINAL_ALGORITHM, nltk 3.9) for words that exercise every step.
    @Test func porterStemsLikeTheReference() {
        let reference: [(String, String)] = [
            ("agreements", "agreement"),
            ("agreed", "agre"),
            ("agreeing", "agre"),
            ("termination", "termin"),
            ("terminate", "termin"),
            ("caresses", "caress"),
            ("ponies", "poni"),
            ("ties", "ti"),
            ("caress", "caress"),
            ("cats", "cat"),
            ("feed", "feed"),
            ("plastered", "plaster"),
            ("motoring", "motor"),
            ("sing", "sing"),
            ("conflated", "conflat"),
            ("troubled", "troubl"),
            ("sized", "size"),
            ("hopping", "hop"),
            ("tanned", "tan"),
            ("falling", "fall"),
            ("hissing", "hiss"),
            ("fizzed", "fizz"),
            ("failing", "fail"),
            ("filing", "file"),
            ("happy", "happi"),
            ("sky", "sky"),
            ("relational", "relat"),
            ("conditional", "condit"),
            ("rational", "ration"),
            ("valenci", "valenc"),
            ("hesitanci", "hesit"),
            ("digitizer", "digit"),
            ("conformabli", "conform"),
            ("radicalli", "radic"),
            ("differentli", "differ"),
            ("vileli", "vile"),
            ("analogousli", "analog"),
            ("vietnamization", "vietnam"),
            ("predication", "predic"),
            ("operator", "oper"),
            ("feudalism", "feudal"),
            ("decisiveness", "decis"),
            ("hopefulness", "hope"),
            ("callousness", "callous"),
            ("formaliti", "formal"),
            ("sensitiviti", "sensit"),
            ("sensibiliti", "sensibl"),
            ("triplicate", "triplic"),
            ("formative", "form"),
            ("formalize", "formal"),
            ("electriciti", "electr"),
            ("electrical", "electr"),
            ("hopeful", "hope"),
            ("goodness", "good"),
            ("revival", "reviv"),
            ("allowance", "allow"),
            ("inference", "infer"),
            ("airliner", "airlin"),
            ("gyroscopic", "gyroscop"),
            ("adjustable", "adjust"),
            ("defensible", "defens"),
            ("irritant", "irrit"),
            ("replacement", "replac"),
            ("adjustment", "adjust"),
            ("dependent", "depend"),
            ("adoption", "adopt"),
            ("homologou", "homolog"),
            ("communism", "commun"),
            ("activate", "activ"),
            ("angulariti", "angular"),
            ("homologous", "homolog"),
            ("effective", "effect"),
            ("bowdlerize", "bowdler"),
            ("probate", "probat"),
            ("rate", "rate"),
            ("cease", "ceas"),
            ("controll", "control"),
            ("roll", "roll"),
            ("generalizations", "gener"),
            ("oscillators", "oscil"),
            ("indemnification", "indemnif"),
            ("confidentiality", "confidenti"),
            ("licensor", "licensor"),
            ("exclusivity", "exclus"),
        ]
        var mismatches: [String] = []
        for (word, stem) in reference {
            let actual = String(decoding: PorterStemmer.stem(Array(word.utf8)), as: UTF8.self)
            if actual != stem { mismatches.append("\(word): \(actual) != \(stem)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches)")
    }

    @Test func wordsAreCaseFoldedStemmedAndStopWordsDropped() {
        #expect(texts("The Agreements were TERMINATED by the Parties") == ["agreement", "termin", "parti"])
        // Words that change what a clause means are not stop words.
        #expect(
            texts("not any of it, nor all; only before or after") == [
                "not", "ani", "nor", "all", "onli", "befor", "after",
            ])
        #expect(texts("The Agreements", exact) == ["the", "agreements"])
        // Stop words keep their positions.
        #expect(analyzer.terms(of: "change of control").map(\.position) == [0, 2])
    }

    @Test func numbersAndAmountsStaySearchable() {
        #expect(texts("2,345.6") == ["2345.6"])
        #expect(texts("$1.2 million") == ["1.2", "million"])
        #expect(texts("Form 10-K") == ["form", "10-k", "10"])
        #expect(texts("Section 2.1(a) applies") == ["section", "2.1(a)", "2.1", "appli"])
        #expect(texts("dated 7/19/18.") == ["date", "7/19/18", "7"])
        #expect(texts("in 2019, 2020 and 2021") == ["2019", "2020", "2021"])
        // The plain number shares the position of the compound.
        let terms = analyzer.terms(of: "Form 10-K filed")
        #expect(terms.map(\.position) == [0, 1, 1, 2])
    }

    @Test func chineseJapaneseAndKoreanGiveUnigramsAndBigrams() {
        #expect(texts("中华人民") == ["中", "中华", "华", "华人", "人", "人民", "民"])
        #expect(analyzer.terms(of: "中华人").map(\.position) == [0, 0, 1, 1, 2])
        #expect(texts("カタカナ") == ["カ", "カタ", "タ", "タカ", "カ", "カナ", "ナ"])
        #expect(texts("한국어 문서") == ["한", "한국", "국", "국어", "어", "문", "문서", "서"])
        // Mixed scripts split at the script change.
        #expect(texts("Kimi支持200万字") == ["kimi", "支", "支持", "持", "200", "万", "万字", "字"])
    }

    @Test func unicodeWordsFoldCaseAndLongTermsAreCut() {
        #expect(texts("Café ÉCOLE naïve") == ["café", "école", "naïve"])
        #expect(texts("ΣΟΦΙΑ") == ["σοφια"])
        let long = String(repeating: "x", count: 200)
        #expect(texts(long, exact) == [String(repeating: "x", count: Analyzer.maxTermBytes)])
        let accented = String(repeating: "é", count: 100)
        #expect(texts(accented, exact).first?.utf8.count == Analyzer.maxTermBytes)
    }

    @Test func punctuationAndEmptyTextGiveNothing() {
        #expect(texts("").isEmpty)
        #expect(texts("  ,.;:!?()[]{} -- ** \u{00A0}\n\t").isEmpty)
        #expect(texts("don't") == [])  // "don" and "t" are both stop words
        #expect(texts("rock'n'roll") == ["rock", "n", "roll"])
        #expect(texts("non-exclusive") == ["non", "exclus"])
    }
}
