internal import FolioModel

/// Phrases, names, numbers and dates for English documents, drawn from ``EnglishWords``.
///
/// Every method appends to a UTF-8 buffer; sentences start with a capital and end with their stop.
struct EnglishProse {
    private typealias Words = EnglishWords

    var random: SplitMix64
    private(set) var companies: [[UInt8]] = []
    private(set) var surnames: [[UInt8]] = []
    private(set) var givenNames: [[UInt8]] = []
    private(set) var places: [[UInt8]] = []
    private(set) var products: [[UInt8]] = []

    init(seed: UInt64) {
        random = SplitMix64(seed: seed)
        for _ in 0..<300 { surnames.append(name(syllables: 2...3)) }
        for _ in 0..<200 { givenNames.append(name(syllables: 1...2)) }
        for _ in 0..<300 { places.append(name(syllables: 2...3)) }
        for _ in 0..<200 {
            var product = name(syllables: 1...2)
            product.put("-")
            product.putNumber(random.within(2...990))
            products.append(product)
        }
        for _ in 0..<400 { companies.append(makeCompany()) }
    }

    /// A made-up capitalized name of a few syllables.
    mutating func name(syllables: ClosedRange<Int>) -> [UInt8] {
        var name: [UInt8] = []
        for _ in 0..<random.within(syllables) {
            name += random.pick(Words.onsets)
            name += random.pick(Words.vowels)
        }
        if random.chance(50) { name += random.pick(Words.codas) }
        name.capitalize(at: 0)
        return name
    }

    private mutating func makeCompany() -> [UInt8] {
        var company = name(syllables: 2...3)
        if random.chance(45) {
            company.put(" ")
            company += random.pick(Words.industries)
        }
        let suffix = random.pick(Words.companySuffixes)
        if suffix.first != UInt8(ascii: "C") || suffix.count > 3 || random.chance(50) {
            company.put(" ")
        } else {
            company.put(", ")
        }
        company += suffix
        return company
    }

    // MARK: Words and phrases

    mutating func word(_ list: [[UInt8]], into text: inout [UInt8]) {
        text += random.pick(list)
    }

    mutating func noun(plural: Bool = false, into text: inout [UInt8]) {
        let noun = random.pick(Words.nouns)
        text += plural ? noun.plural : noun.singular
    }

    /// "the", "a" or "an" before a word and up to two adjectives, an "of" phrase now and then.
    mutating func nounPhrase(into text: inout [UInt8]) {
        let determiner = random.pick(Words.determiners)
        let isArticle = determiner == [UInt8(ascii: "a")]
        text += determiner
        let articleEnd = text.count
        for _ in 0..<[0, 0, 1, 1, 1, 2][random.below(6)] {
            text.put(" ")
            text += random.pick(Words.adjectives)
        }
        text.put(" ")
        let plural = !isArticle && determiner.first != UInt8(ascii: "e") && random.chance(30)
        noun(plural: plural, into: &text)
        if isArticle, "aeiou".utf8.contains(text[articleEnd + 1]) { text.insert(UInt8(ascii: "n"), at: articleEnd) }
        if random.chance(30) {
            text.put(" of ")
            text += random.pick(Words.ofDeterminers)
            text.put(" ")
            noun(plural: random.chance(40), into: &text)
        }
    }

    /// A list of two to `most` noun phrases: "A, B and C" (with a serial comma now and then).
    mutating func nounPhrases(most: Int, conjunction: StaticString = "and", into text: inout [UInt8]) {
        let count = random.within(2...most)
        let serialComma = random.chance(50)
        for index in 0..<count {
            if index > 0 {
                if index < count - 1 {
                    text.put(", ")
                } else {
                    text.put(serialComma && count > 2 ? ", " : " ")
                    text.put(conjunction)
                    text.put(" ")
                }
            }
            nounPhrase(into: &text)
        }
    }

    /// Two to five capitalized words: "Deferred Revenue Recognition".
    mutating func titleWords(into text: inout [UInt8], count: Int? = nil) {
        let count = count ?? random.within(2...5)
        for index in 0..<count {
            if index > 0 { text.put(index == count - 1 && count > 2 && random.chance(25) ? " and " : " ") }
            let start = text.count
            if index < count - 1 && random.chance(50) {
                text += random.pick(Words.adjectives)
            } else {
                noun(plural: random.chance(30), into: &text)
            }
            text.capitalize(at: start)
        }
    }

    // MARK: Numbers and dates

    /// "$1.2 billion", "$1,234.5 million", "$12,345" or (when `perShare`) "$0.45 per share".
    mutating func amount(perShare: Bool = true, into text: inout [UInt8]) {
        text.put("$")
        switch random.below(perShare ? 6 : 5) {
        case 0, 1:
            text.putDecimal(random.within(10...99_999))
            text.put(" million")
        case 2:
            text.putDecimal(random.within(10...999))
            text.put(" billion")
        case 3:
            text.putDecimal(random.within(100...9_999), scale: 100)
            text.put(" billion")
        case 4:
            text.putNumber(random.within(1_000...99_999_999), grouped: true)
        default:
            text.putDecimal(random.within(1...999), scale: 100)
            text.put(" per share")
        }
    }

    /// "3.5%", "12%" or "0.25 percent".
    mutating func percent(into text: inout [UInt8]) {
        switch random.below(5) {
        case 0: text.putNumber(random.within(1...60))
        case 1: text.putDecimal(random.within(1...999), scale: 100)
        default: text.putDecimal(random.within(1...999))
        }
        text.put(random.chance(90) ? "%" : " percent")
    }

    mutating func year(into text: inout [UInt8]) {
        text.putNumber(random.within(2012...2031))
    }

    /// "March 3, 2024".
    mutating func date(into text: inout [UInt8]) {
        let month = random.below(12)
        text += Words.months[month]
        text.put(" ")
        text.putNumber(random.within(1...Words.daysInMonth[month]))
        text.put(", ")
        year(into: &text)
    }

    /// "fiscal 2024", "the third quarter of 2023", "the year ended December 31, 2024" …
    mutating func period(into text: inout [UInt8]) {
        switch random.below(6) {
        case 0:
            text.put("fiscal ")
            year(into: &text)
        case 1:
            text.put("the ")
            text += random.pick(Words.quarters)
            text.put(" quarter of ")
            year(into: &text)
        case 2:
            text.put("the year ended ")
            date(into: &text)
        case 3:
            text.put(random.chance(50) ? "the six months ended " : "the nine months ended ")
            date(into: &text)
        default:
            text += random.pick(Words.periodWords)
        }
    }

    /// "thirty (30) days".
    mutating func days(into text: inout [UInt8]) {
        let index = random.below(Words.numberValues.count)
        text += Words.numberWords[index]
        text.put(" (")
        text.putNumber(Words.numberValues[index])
        text.put(random.chance(80) ? ") days" : ") Business Days")
    }

    /// "4.2", "4.2(c)" or "4.2(c)(ii)".
    mutating func sectionNumber(into text: inout [UInt8]) {
        text.putNumber(random.within(1...18))
        text.put(".")
        text.putNumber(random.within(1...12))
        if random.chance(60) {
            text.put("(")
            text.append(UInt8(ascii: "a") + UInt8(random.below(8)))
            text.put(")")
            if random.chance(25) { text.put(["(i)", "(ii)", "(iii)", "(iv)"][random.below(4)]) }
        }
    }

    mutating func company(into text: inout [UInt8]) {
        text += random.pick(companies)
    }

    /// "Mr. Halvor", "Dr. Quentra" or "Dana Corvell".
    mutating func person(into text: inout [UInt8]) {
        if random.chance(60) {
            text += random.pick(Words.honorifics)
            text.put(" ")
        } else {
            text += random.pick(givenNames)
            text.put(" ")
            if random.chance(20) {
                text.append(UInt8(ascii: "A") + UInt8(random.below(26)))
                text.put(". ")
            }
        }
        text += random.pick(surnames)
    }

    /// Capitalized words and a period, at most `units` characters (all ASCII, so bytes too).
    mutating func filler(units: Int, into text: inout [UInt8]) {
        var used = 0
        var misses = 0
        while misses < 8 {
            let word = random.pick(Words.nouns).singular
            let separator = used == 0 ? 0 : 1
            if used + separator + word.count + 1 > units {
                misses += 1  // try a shorter word before leaving the rest to padding
                continue
            }
            if separator == 1 { text.put(" ") }
            let start = text.count
            text += word
            if used == 0 { text.capitalize(at: start) }
            used += separator + word.count
        }
        if used < units { text.put(".") }
    }

    /// Ends a sentence begun at `start`: a capital first letter, and a period unless the sentence
    /// already ends with a stop (an abbreviation such as "Inc.") or a closing quote after one.
    func end(_ text: inout [UInt8], from start: Int) {
        text.capitalize(at: start)
        switch text.lastByte {
        case UInt8(ascii: "."), UInt8(ascii: "?"), UInt8(ascii: "!"), UInt8(ascii: "\""), UInt8(ascii: "'"):
            return
        case 0x9D, 0x99:  // the last byte of ” or ’ (and of no other character written here)
            return
        default:
            text.put(".")
        }
    }
}
