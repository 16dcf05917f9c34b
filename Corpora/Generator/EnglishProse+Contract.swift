internal import FolioModel

/// Sentences of an agreement.
extension EnglishProse {
    private typealias Words = EnglishWords

    /// The two parties' defined names, such as "Supplier" and "Buyer".
    struct Parties {
        let first: [UInt8]
        let second: [UInt8]
    }

    /// One sentence of an agreement's operative sections.
    mutating func contractSentence(_ parties: Parties, into text: inout [UInt8]) {
        let start = text.count
        switch random.below(14) {
        case 0, 1: obligation(parties, into: &text)
        case 2: subjectTo(parties, into: &text)
        case 3: notwithstanding(into: &text)
        case 4: payment(into: &text)
        case 5: lettered(parties, into: &text)
        case 6: liabilityCap(parties, into: &text)
        case 7: localDefinition(into: &text)
        case 8: governingLaw(into: &text)
        case 9: shortCovenant(parties, into: &text)
        case 10: notices(parties, into: &text)
        case 11: insurance(parties, into: &text)
        case 12: failure(parties, into: &text)
        default: representation(into: &text)
        }
        end(&text, from: start)
    }

    /// A definition: "“Affiliate” means …".
    mutating func definition(of term: [UInt8], into text: inout [UInt8]) {
        let curly = random.chance(85)
        text.put(curly ? "\u{201C}" : "\"")
        text += term
        text.put(curly ? "\u{201D} " : "\" ")
        text.put(random.chance(75) ? "means " : "shall mean ")
        nounPhrase(into: &text)
        text.put([" that ", " which ", ", whether or not ", " to the extent that it "][random.below(4)])
        word(Words.pastVerbs, into: &text)
        text.put(" ")
        nounPhrase(into: &text)
        if random.chance(60) {
            text.put(", including, without limitation, ")
            nounPhrases(most: 4, into: &text)
        }
        if random.chance(40) {
            text.put(", but excluding ")
            nounPhrase(into: &text)
            text.put(" (as defined in Section ")
            sectionNumber(into: &text)
            text.put(")")
        }
        text.put(".")
    }

    /// A party's obligation for a lettered list item: "deliver the Products to …".
    mutating func clause(_ parties: Parties, into text: inout [UInt8]) {
        word(Words.baseVerbs, into: &text)
        text.put(" ")
        nounPhrase(into: &text)
        if random.chance(50) {
            text.put(" ")
            word(Words.prepositions, into: &text)
            text.put(" ")
            nounPhrase(into: &text)
        }
        if random.chance(25) {
            text.put(" in accordance with Section ")
            sectionNumber(into: &text)
        }
    }

    private mutating func party(_ parties: Parties, into text: inout [UInt8]) {
        switch random.below(5) {
        case 0, 1:
            text.put("the ")
            text += parties.first
        case 2, 3:
            text.put("the ")
            text += parties.second
        default:
            text.put("each Party")
        }
    }

    private mutating func obligation(_ parties: Parties, into text: inout [UInt8]) {
        party(parties, into: &text)
        text.put(" shall ")
        word(Words.baseVerbs, into: &text)
        text.put(" ")
        nounPhrase(into: &text)
        text.put(" within ")
        days(into: &text)
        text.put(" after ")
        word(Words.events, into: &text)
        text.put(" ")
        nounPhrase(into: &text)
        if random.chance(55) {
            text.put(random.chance(70) ? ", provided, however, that " : "; provided that ")
            party(parties, into: &text)
            text.put(" shall not be required to ")
            word(Words.baseVerbs, into: &text)
            text.put(" ")
            nounPhrase(into: &text)
            text.put(" ")
            word(Words.conditions, into: &text)
            text.put(" ")
            nounPhrase(into: &text)
            text.put(" has been ")
            word(Words.pastVerbs, into: &text)
        }
    }

    private mutating func subjectTo(_ parties: Parties, into text: inout [UInt8]) {
        text.put("Subject to Section ")
        sectionNumber(into: &text)
        text.put(", ")
        party(parties, into: &text)
        text.put(" may ")
        word(Words.baseVerbs, into: &text)
        text.put(" ")
        nounPhrase(into: &text)
        text.put(" upon ")
        days(into: &text)
        text.put(" prior written notice to the other Party; provided that such notice shall specify ")
        nounPhrase(into: &text)
        text.put(" in reasonable detail")
    }

    private mutating func notwithstanding(into text: inout [UInt8]) {
        text.put("Notwithstanding anything to the contrary in this Agreement (including Section ")
        sectionNumber(into: &text)
        text.put("), neither Party shall be liable to the other Party for ")
        nounPhrases(most: 4, conjunction: "or", into: &text)
        text.put(", except to the extent arising from ")
        nounPhrase(into: &text)
        if random.chance(50) {
            text.put(" or ")
            nounPhrase(into: &text)
            text.put(" of such Party or its Affiliates")
        }
    }

    private mutating func payment(into text: inout [UInt8]) {
        text.put("Except as otherwise provided in Article ")
        text.putNumber(random.within(2...12))
        text.put(", all ")
        noun(plural: true, into: &text)
        text.put(" payable under this Agreement shall be paid in U.S. dollars within ")
        days(into: &text)
        text.put(" after the date of the applicable invoice, and any amount not paid when due shall bear ")
        text.put("interest at the rate of ")
        text.putDecimal(random.within(5...20))
        text.put("% per month (or, if lower, the maximum rate permitted by Applicable Law)")
    }

    private mutating func lettered(_ parties: Parties, into text: inout [UInt8]) {
        party(parties, into: &text)
        text.put(random.chance(50) ? " shall: " : " agrees that it will, at its own expense: ")
        let count = random.within(2...6)
        for index in 0..<count {
            if index > 0 { text.put(index == count - 1 ? "; and " : "; ") }
            text.put("(")
            text.append(UInt8(ascii: "a") + UInt8(index))
            text.put(") ")
            clause(parties, into: &text)
        }
    }

    private mutating func liabilityCap(_ parties: Parties, into text: inout [UInt8]) {
        let cap = name(syllables: 1...1)
        text.put("The aggregate liability of ")
        party(parties, into: &text)
        text.put(" under this Agreement shall not exceed ")
        amount(perShare: false, into: &text)
        text.put(" (the \u{201C}")
        text += cap
        text.put(" Cap\u{201D}), provided, however, that the ")
        text += cap
        text.put(" Cap shall not apply to ")
        nounPhrases(most: 3, into: &text)
    }

    private mutating func localDefinition(into text: inout [UInt8]) {
        text.put("For purposes of this Section ")
        sectionNumber(into: &text)
        text.put(", \u{201C}")
        titleWords(into: &text, count: random.within(1...3))
        text.put("\u{201D} means ")
        nounPhrase(into: &text)
        text.put(" ")
        word(Words.prepositions, into: &text)
        text.put(" ")
        nounPhrase(into: &text)
        text.put(", including, without limitation, ")
        nounPhrases(most: 3, into: &text)
    }

    private mutating func governingLaw(into text: inout [UInt8]) {
        text.put("This Agreement shall be governed by the laws of the State of ")
        word(Words.states, into: &text)
        text.put(", without regard to its conflict of laws principles, and each Party irrevocably submits ")
        text.put("to the exclusive jurisdiction of the state and federal courts located in ")
        text += random.pick(places)
        text.put(
            random.chance(50)
                ? ", i.e., the courts of the county in which "
                : "; provided that either Party may seek injunctive relief in any court in which ")
        nounPhrase(into: &text)
        text.put(" is located")
    }

    private mutating func shortCovenant(_ parties: Parties, into text: inout [UInt8]) {
        if random.chance(30) {
            text.put(
                [
                    "Time is of the essence.", "This Section shall survive termination.",
                    "No waiver shall be effective unless in writing.",
                ][random.below(3)])
        } else {
            party(parties, into: &text)
            text.put(" shall ")
            word(Words.baseVerbs, into: &text)
            text.put(" ")
            nounPhrase(into: &text)
        }
    }

    private mutating func notices(_ parties: Parties, into text: inout [UInt8]) {
        text.put("Any notice to the ")
        text += random.chance(50) ? parties.first : parties.second
        text.put(" under this Agreement shall be in writing and delivered to ")
        text.putNumber(random.within(1...9_999))
        text.put(" ")
        text += random.pick(places)
        text.put([" Street", " Avenue", " Blvd.", " Road"][random.below(4)])
        text.put(", Suite ")
        text.putNumber(random.within(100...4_000))
        text.put(", ")
        text += random.pick(places)
        text.put(", Attention: ")
        word(Words.officers, into: &text)
        text.put(
            ", or to such other address as it may designate by notice (e.g., by e-mail with confirmation of receipt)")
    }

    private mutating func insurance(_ parties: Parties, into text: inout [UInt8]) {
        party(parties, into: &text)
        text.put(" shall maintain ")
        word(Words.adjectives, into: &text)
        text.put(" insurance, i.e., ")
        nounPhrases(most: 3, into: &text)
        text.put(" coverage, with limits of not less than ")
        amount(perShare: false, into: &text)
        text.put(" per occurrence and ")
        amount(perShare: false, into: &text)
        text.put(" in the aggregate")
    }

    private mutating func failure(_ parties: Parties, into text: inout [UInt8]) {
        text.put("If ")
        party(parties, into: &text)
        text.put(" fails to ")
        word(Words.baseVerbs, into: &text)
        text.put(" ")
        nounPhrase(into: &text)
        text.put(", and such failure continues for ")
        days(into: &text)
        text.put(" after written notice thereof, then the other Party may, at its option, ")
        text.put("(i) terminate this Agreement, (ii) ")
        word(Words.baseVerbs, into: &text)
        text.put(" ")
        nounPhrase(into: &text)
        text.put(" or (iii) seek any other remedy available at law or in equity")
    }

    private mutating func representation(into text: inout [UInt8]) {
        text.put("Each Party represents and warrants to the other Party that: ")
        text.put("(a) it is duly organized and in good standing; (b) it has ")
        word(Words.pastVerbs, into: &text)
        text.put(" ")
        nounPhrase(into: &text)
        text.put("; and (c) ")
        nounPhrase(into: &text)
        text.put(" does not conflict with ")
        nounPhrase(into: &text)
    }
}
