/// The Porter stemmer (M. F. Porter, "An algorithm for suffix stripping", 1980), over lowercase ASCII.
///
/// `agreements`, `agreed` and `agreeing` all become `agre`; `termination` and `terminate` become
/// `termin`. Words of one or two letters are left alone.
///
/// - Important: The input must be lowercase ASCII letters; the analyzer stems nothing else.
struct PorterStemmer {
    private var b: [UInt8]
    /// The index of the last letter of the current word.
    private var k: Int
    /// The end of the stem while a suffix is being tested.
    private var j = 0

    private init(_ word: [UInt8]) {
        b = word
        k = word.count - 1
    }

    /// The stem of `word` (lowercase ASCII letters).
    static func stem(_ word: [UInt8]) -> [UInt8] {
        guard word.count > 2 else { return word }
        var stemmer = PorterStemmer(word)
        stemmer.step1ab()
        if stemmer.k > 0 {
            stemmer.step1c()
            stemmer.step2()
            stemmer.step3()
            stemmer.step4()
            stemmer.step5()
        }
        return Array(stemmer.b[0...stemmer.k])
    }

    // MARK: - Measures

    private func isConsonant(_ i: Int) -> Bool {
        switch b[i] {
        case UInt8(ascii: "a"), UInt8(ascii: "e"), UInt8(ascii: "i"), UInt8(ascii: "o"), UInt8(ascii: "u"): false
        case UInt8(ascii: "y"): i == 0 ? true : !isConsonant(i - 1)
        default: true
        }
    }

    /// The number of vowel-consonant sequences in `b[0...j]`.
    private func measure() -> Int {
        var n = 0
        var i = 0
        while true {
            if i > j { return n }
            if !isConsonant(i) { break }
            i += 1
        }
        i += 1
        while true {
            while true {
                if i > j { return n }
                if isConsonant(i) { break }
                i += 1
            }
            i += 1
            n += 1
            while true {
                if i > j { return n }
                if !isConsonant(i) { break }
                i += 1
            }
            i += 1
        }
    }

    private func vowelInStem() -> Bool {
        guard j >= 0 else { return false }
        return (0...j).contains { !isConsonant($0) }
    }

    private func doubleConsonant(_ i: Int) -> Bool {
        i >= 1 && b[i] == b[i - 1] && isConsonant(i)
    }

    /// consonant-vowel-consonant ending at `i`, the last not w, x or y (`hop`, not `snow`).
    private func cvc(_ i: Int) -> Bool {
        guard i >= 2, isConsonant(i), !isConsonant(i - 1), isConsonant(i - 2) else { return false }
        let last = b[i]
        return last != UInt8(ascii: "w") && last != UInt8(ascii: "x") && last != UInt8(ascii: "y")
    }

    private mutating func ends(_ suffix: StaticString) -> Bool {
        let length = suffix.utf8CodeUnitCount
        guard length <= k + 1 else { return false }
        let start = k - length + 1
        let matches = suffix.withUTF8Buffer { suffix in
            for index in 0..<length where b[start + index] != suffix[index] { return false }
            return true
        }
        if matches { j = k - length }
        return matches
    }

    private mutating func setTo(_ replacement: StaticString) {
        let length = replacement.utf8CodeUnitCount
        b.removeSubrange((j + 1)...)
        replacement.withUTF8Buffer { b.append(contentsOf: $0) }
        k = j + length
    }

    private mutating func replaceIfMeasured(_ replacement: StaticString) {
        if measure() > 0 { setTo(replacement) }
    }

    // MARK: - Steps

    /// Plurals and -ed, -ing.
    private mutating func step1ab() {
        if b[k] == UInt8(ascii: "s") {
            if ends("sses") {
                k -= 2
            } else if ends("ies") {
                setTo("i")
            } else if b[k - 1] != UInt8(ascii: "s") {
                k -= 1
            }
        }
        if ends("eed") {
            if measure() > 0 { k -= 1 }
        } else if (ends("ed") || ends("ing")) && vowelInStem() {
            k = j
            if ends("at") {
                setTo("ate")
            } else if ends("bl") {
                setTo("ble")
            } else if ends("iz") {
                setTo("ize")
            } else if doubleConsonant(k) {
                k -= 1
                let last = b[k]
                if last == UInt8(ascii: "l") || last == UInt8(ascii: "s") || last == UInt8(ascii: "z") { k += 1 }
            } else {
                j = k
                if measure() == 1 && cvc(k) { setTo("e") }
            }
        }
    }

    /// Terminal y to i when there is another vowel in the stem.
    private mutating func step1c() {
        if ends("y") && vowelInStem() { b[k] = UInt8(ascii: "i") }
    }

    /// Double suffixes to single ones (-ization to -ize).
    private mutating func step2() {
        guard k >= 1 else { return }
        switch b[k - 1] {
        case UInt8(ascii: "a"):
            if ends("ational") { replaceIfMeasured("ate") } else if ends("tional") { replaceIfMeasured("tion") }
        case UInt8(ascii: "c"):
            if ends("enci") { replaceIfMeasured("ence") } else if ends("anci") { replaceIfMeasured("ance") }
        case UInt8(ascii: "e"):
            if ends("izer") { replaceIfMeasured("ize") }
        case UInt8(ascii: "l"):
            if ends("bli") {
                replaceIfMeasured("ble")
            } else if ends("alli") {
                replaceIfMeasured("al")
            } else if ends("entli") {
                replaceIfMeasured("ent")
            } else if ends("eli") {
                replaceIfMeasured("e")
            } else if ends("ousli") {
                replaceIfMeasured("ous")
            }
        case UInt8(ascii: "o"):
            if ends("ization") {
                replaceIfMeasured("ize")
            } else if ends("ation") {
                replaceIfMeasured("ate")
            } else if ends("ator") {
                replaceIfMeasured("ate")
            }
        case UInt8(ascii: "s"):
            if ends("alism") {
                replaceIfMeasured("al")
            } else if ends("iveness") {
                replaceIfMeasured("ive")
            } else if ends("fulness") {
                replaceIfMeasured("ful")
            } else if ends("ousness") {
                replaceIfMeasured("ous")
            }
        case UInt8(ascii: "t"):
            if ends("aliti") {
                replaceIfMeasured("al")
            } else if ends("iviti") {
                replaceIfMeasured("ive")
            } else if ends("biliti") {
                replaceIfMeasured("ble")
            }
        case UInt8(ascii: "g"):
            if ends("logi") { replaceIfMeasured("log") }
        default:
            break
        }
    }

    /// -ic-, -full, -ness and the like.
    private mutating func step3() {
        switch b[k] {
        case UInt8(ascii: "e"):
            if ends("icate") {
                replaceIfMeasured("ic")
            } else if ends("ative") {
                replaceIfMeasured("")
            } else if ends("alize") {
                replaceIfMeasured("al")
            }
        case UInt8(ascii: "i"):
            if ends("iciti") { replaceIfMeasured("ic") }
        case UInt8(ascii: "l"):
            if ends("ical") { replaceIfMeasured("ic") } else if ends("ful") { replaceIfMeasured("") }
        case UInt8(ascii: "s"):
            if ends("ness") { replaceIfMeasured("") }
        default:
            break
        }
    }

    /// -ant, -ence and the like, in context <c>vcvc<v>.
    private mutating func step4() {
        guard k >= 1 else { return }
        let matched: Bool
        switch b[k - 1] {
        case UInt8(ascii: "a"): matched = ends("al")
        case UInt8(ascii: "c"): matched = ends("ance") || ends("ence")
        case UInt8(ascii: "e"): matched = ends("er")
        case UInt8(ascii: "i"): matched = ends("ic")
        case UInt8(ascii: "l"): matched = ends("able") || ends("ible")
        case UInt8(ascii: "n"): matched = ends("ant") || ends("ement") || ends("ment") || ends("ent")
        case UInt8(ascii: "o"):
            if ends("ion") && j >= 0 && (b[j] == UInt8(ascii: "s") || b[j] == UInt8(ascii: "t")) {
                matched = true
            } else {
                matched = ends("ou")
            }
        case UInt8(ascii: "s"): matched = ends("ism")
        case UInt8(ascii: "t"): matched = ends("ate") || ends("iti")
        case UInt8(ascii: "u"): matched = ends("ous")
        case UInt8(ascii: "v"): matched = ends("ive")
        case UInt8(ascii: "z"): matched = ends("ize")
        default: matched = false
        }
        if matched && measure() > 1 { k = j }
    }

    /// A final -e, and -ll to -l, when the measure allows.
    private mutating func step5() {
        j = k
        if b[k] == UInt8(ascii: "e") {
            let m = measure()
            if m > 1 || (m == 1 && !cvc(k - 1)) { k -= 1 }
        }
        // As in the reference implementation, the measure here is still that of the word before step 5.
        if b[k] == UInt8(ascii: "l") && doubleConsonant(k) && measure() > 1 { k -= 1 }
    }
}
