internal import FolioModel

/// Sentences of an annual report.
extension EnglishProse {
    private typealias Words = EnglishWords

    /// One sentence, chosen with a bias toward the flavor of the section it is in.
    mutating func reportSentence(_ flavor: ReportComposer.Flavor, into text: inout [UInt8]) {
        let start = text.count
        let template: Int
        if random.chance(45) {
            switch flavor {
            case .financial: template = [0, 13, 15, 16, 0, 13][random.below(6)]
            case .risk: template = [20, 21, 22, 10, 19][random.below(5)]
            case .legal: template = [7, 8, 23, 24, 5][random.below(5)]
            case .narrative: template = [2, 3, 9, 17, 18, 1][random.below(6)]
            }
        } else {
            template = random.below(25)
        }
        switch template {
        case 0: metricChange(into: &text)
        case 1, 11: shortStatement(into: &text)
        case 2: companyIntroduction(into: &text)
        case 3: personAction(into: &text)
        case 4: noteReference(into: &text)
        case 5: examples(into: &text)
        case 6: longSeries(into: &text)
        case 7: pursuantToSection(into: &text)
        case 8: secFilings(into: &text)
        case 9: employees(into: &text)
        case 10: factorsColon(into: &text)
        case 12: quotation(into: &text)
        case 13: parenthetical(into: &text)
        case 14: ellipsisQuote(into: &text)
        case 15: decimals(into: &text)
        case 16: amendment(into: &text)
        case 17: supplier(into: &text)
        case 18: competitors(into: &text)
        case 19: question(into: &text)
        case 20: riskIfUnable(into: &text)
        case 21: riskDependence(into: &text)
        case 22: singleQuoted(into: &text)
        case 23: lawsuit(into: &text)
        default: belief(into: &text)
        }
        end(&text, from: start)
    }

    /// Two to `most` sentences separated by spaces.
    mutating func reportSentences(_ flavor: ReportComposer.Flavor, count: ClosedRange<Int>, into text: inout [UInt8]) {
        for index in 0..<random.within(count) {
            if index > 0 { text.put(" ") }
            reportSentence(flavor, into: &text)
        }
    }

    // MARK: Templates

    private mutating func metricChange(into text: inout [UInt8]) {
        word(Words.metrics, into: &text)
        text.put(" ")
        text.put(["increased ", "decreased ", "rose ", "fell ", "grew ", "declined "][random.below(6)])
        percent(into: &text)
        text.put(" to ")
        amount(into: &text)
        text.put(" in ")
        period(into: &text)
        text.put(" from ")
        amount(into: &text)
        text.put(" in ")
        period(into: &text)
        text.put(", ")
        word(Words.connectives, into: &text)
        text.put(" ")
        word(Words.causes, into: &text)
        if random.chance(50) {
            text.put(", ")
            word(Words.causes, into: &text)
            text.put(" and ")
            word(Words.causes, into: &text)
        }
        if random.chance(30) {
            text.put(", partially offset by ")
            word(Words.causes, into: &text)
        }
    }

    private mutating func shortStatement(into text: inout [UInt8]) {
        switch random.below(4) {
        case 0:
            word(Words.subjects, into: &text)
            text.put(" ")
            word(Words.pastVerbs, into: &text)
            text.put(" ")
            nounPhrase(into: &text)
            text.put(" in ")
            year(into: &text)
        case 1:
            word(Words.adverbs, into: &text)
            text.put(", ")
            word(Words.subjects, into: &text)
            text.put(" ")
            word(Words.pastVerbs, into: &text)
            text.put(" ")
            nounPhrase(into: &text)
        case 2:
            text.put("This trend continued in ")
            period(into: &text)
        default:
            word(Words.metrics, into: &text)
            text.put(random.chance(50) ? " was " : " totaled ")
            amount(into: &text)
            text.put(" for ")
            period(into: &text)
        }
    }

    private mutating func companyIntroduction(into text: inout [UInt8]) {
        let shortName = name(syllables: 2...2)
        company(into: &text)
        text.put(" (\u{201C}")
        text += shortName
        text.put("\u{201D} or the \u{201C}Company\u{201D}) is ")
        word(Words.entityForms, into: &text)
        text.put(" headquartered in ")
        text += random.pick(places)
        text.put(", and its common stock is listed on the ")
        word(Words.exchanges, into: &text)
        text.put(" under the symbol \u{201C}")
        for _ in 0..<random.within(3...4) { text.append(UInt8(ascii: "A") + UInt8(random.below(26))) }
        text.put(".\u{201D}")
    }

    private mutating func personAction(into text: inout [UInt8]) {
        person(into: &text)
        text.put(", our ")
        word(Words.officers, into: &text)
        text.put(", ")
        word(Words.pastVerbs, into: &text)
        text.put(" ")
        nounPhrase(into: &text)
        text.put(" with ")
        company(into: &text)
        text.put(" on ")
        date(into: &text)
    }

    private mutating func noteReference(into text: inout [UInt8]) {
        text.put("See Note ")
        text.putNumber(random.within(1...24))
        text.put(", \u{201C}")
        titleWords(into: &text)
        text.put(
            random.chance(50)
                ? ",\u{201D} for a discussion of "
                : ",\u{201D} of the Notes to Consolidated Financial Statements for more information about ")
        nounPhrases(most: 3, into: &text)
    }

    private mutating func examples(into text: inout [UInt8]) {
        word(Words.subjects, into: &text)
        text.put(" ")
        word(Words.modals, into: &text)
        text.put(" ")
        word(Words.baseVerbs, into: &text)
        text.put(" ")
        nounPhrase(into: &text)
        text.put(" ")
        word(Words.prepositions, into: &text)
        text.put(" ")
        nounPhrase(into: &text)
        let lead = random.below(5)
        text.put([", e.g., ", ", i.e., ", " (e.g., ", " (i.e., ", ", incl. "][lead])
        let parenthesized = lead == 2 || lead == 3
        nounPhrases(most: 3, conjunction: "or", into: &text)
        if parenthesized { text.put(")") }
    }

    private mutating func longSeries(into text: inout [UInt8]) {
        text.put("During ")
        period(into: &text)
        text.put(", ")
        word(Words.subjects, into: &text)
        let count = random.within(3...8)
        for index in 0..<count {
            text.put(index == 0 ? " " : index == count - 1 ? ", and " : ", ")
            word(Words.pastVerbs, into: &text)
            text.put(" ")
            nounPhrase(into: &text)
            if random.chance(25) {
                text.put(" (")
                percent(into: &text)
                text.put(" of the total)")
            }
        }
        text.put(", in each case ")
        word(Words.prepositions, into: &text)
        text.put(" ")
        nounPhrase(into: &text)
    }

    private mutating func pursuantToSection(into text: inout [UInt8]) {
        text.put("Pursuant to Section ")
        sectionNumber(into: &text)
        text.put(" of the ")
        word(Words.facilities, into: &text)
        text.put(", ")
        nounPhrase(into: &text)
        text.put([" is ", " shall be ", " may be ", " will not be "][random.below(4)])
        word(Words.pastVerbs, into: &text)
        text.put(" ")
        word(Words.prepositions, into: &text)
        text.put(" ")
        nounPhrase(into: &text)
        text.put(" ")
        word(Words.conditions, into: &text)
        text.put(" ")
        word(Words.subjects, into: &text)
        text.put(" ")
        word(Words.pastVerbs, into: &text)
        text.put(" ")
        nounPhrase(into: &text)
    }

    private mutating func secFilings(into text: inout [UInt8]) {
        if random.chance(50) {
            text.put(
                """
                We file annual, quarterly and current reports with the SEC under Sec. \
                13(a) or 15(d) of the Securities Exchange Act of 1934, as amended (the \
                \u{201C}Exchange Act\u{201D}), and our registration statement on Form S-
                """
            )
            text.putNumber([1, 3, 4, 8][random.below(4)])
            text.put(" (Registration No. 333-")
            text.putNumber(random.within(100_000...299_999))
            text.put(") became effective on ")
            date(into: &text)
        } else {
            text.put("Under Sec. ")
            text.putNumber(random.within(10...16))
            text.put(random.chance(50) ? "(b) of the Exchange Act, " : " of the Securities Act, ")
            word(Words.subjects, into: &text)
            text.put(" must ")
            word(Words.baseVerbs, into: &text)
            text.put(" ")
            nounPhrase(into: &text)
            text.put(" no later than ")
            days(into: &text)
            text.put(" after ")
            word(Words.events, into: &text)
            text.put(" ")
            nounPhrase(into: &text)
        }
    }

    private mutating func employees(into text: inout [UInt8]) {
        text.put("As of ")
        date(into: &text)
        text.put(", we employed approx. ")
        text.putNumber(random.within(120...98_000), grouped: true)
        text.put(" people, of whom approx. ")
        percent(into: &text)
        text.put(" were located outside the U.S., mainly in ")
        text += random.pick(places)
        text.put(" and ")
        text += random.pick(places)
    }

    private mutating func factorsColon(into text: inout [UInt8]) {
        text.put(
            [
                "Factors that could cause actual results to differ materially include: ",
                "Our principal risks are the following: ",
                "These estimates depend on three assumptions: ",
            ][random.below(3)])
        let count = random.within(3...6)
        for index in 0..<count {
            if index > 0 { text.put(index == count - 1 ? "; and " : "; ") }
            nounPhrase(into: &text)
            if random.chance(30) {
                text.put(" ")
                word(Words.prepositions, into: &text)
                text.put(" ")
                nounPhrase(into: &text)
            }
        }
    }

    private mutating func quotation(into text: inout [UInt8]) {
        text.put("In its ")
        year(into: &text)
        text.put(" report, ")
        company(into: &text)
        text.put(" described ")
        nounPhrase(into: &text)
        text.put(" as \"")
        word(Words.adjectives, into: &text)
        text.put(random.chance(50) ? " but " : " and ")
        word(Words.adjectives, into: &text)
        text.put(random.chance(85) ? ".\"" : "!\"")
    }

    private mutating func singleQuoted(into text: inout [UInt8]) {
        if random.chance(50) {
            word(Words.subjects, into: &text)
            text.put(" ")
            word(Words.pastVerbs, into: &text)
            text.put(" the so-called '")
            word(Words.adjectives, into: &text)
            text.put(" ")
            noun(into: &text)
            text.put("' ")
            word(Words.prepositions, into: &text)
            text.put(" ")
            nounPhrase(into: &text)
        } else {
            text.put("Internally, the program is known as '")
            text += name(syllables: 2...3)
            text.put(" ")
            noun(into: &text)
            text.capitalize(at: text.lastIndex(of: UInt8(ascii: " "))! + 1)
            text.put(".'")
        }
    }

    private mutating func parenthetical(into text: inout [UInt8]) {
        word(Words.metrics, into: &text)
        text.put(" was ")
        amount(into: &text)
        text.put(" (")
        percent(into: &text)
        text.put(" of ")
        word(Words.revenueKinds, into: &text)
        text.put(") in ")
        period(into: &text)
        text.put(", compared with ")
        amount(into: &text)
        text.put(" (")
        percent(into: &text)
        text.put(") in ")
        period(into: &text)
        if random.chance(40) {
            text.put(" (see Note ")
            text.putNumber(random.within(1...24))
            text.put(")")
        }
    }

    private mutating func ellipsisQuote(into text: inout [UInt8]) {
        if random.chance(50) {
            text.put("As ")
            person(into: &text)
            text.put(", our ")
            word(Words.officers, into: &text)
            text.put(", put it: \u{201C}")
            nounPhrase(into: &text)
            text.put(random.chance(50) ? " is ... " : " is \u{2026} ")
            word(Words.adjectives, into: &text)
            text.put(", and ")
            nounPhrase(into: &text)
            text.put(" remains ")
            word(Words.adjectives, into: &text)
            text.put(".\u{201D}")
        } else {
            text.put("The notice stated that \u{201C}")
            nounPhrase(into: &text)
            text.put(" shall not \u{2026} be ")
            word(Words.pastVerbs, into: &text)
            text.put(" without the prior written consent of ")
            nounPhrase(into: &text)
            text.put(random.chance(70) ? ".\u{201D}" : "\u{2026}\u{201D}")
        }
    }

    private mutating func decimals(into text: inout [UInt8]) {
        text.put("The weighted-average interest rate on our ")
        word(Words.facilities, into: &text)
        text.put(" was ")
        text.putDecimal(random.within(100...999), scale: 100)
        text.put("%, and the weighted-average remaining term was ")
        text.putDecimal(random.within(5...120))
        text.put(" years, covering ")
        text.putDecimal(random.within(1_000...9_999_999))
        text.put(" thousand units of ")
        noun(plural: true, into: &text)
    }

    private mutating func amendment(into text: inout [UInt8]) {
        text.put("On ")
        date(into: &text)
        text.put(", we entered into Amendment No. ")
        text.putNumber(random.within(1...9))
        text.put(" to the ")
        word(Words.facilities, into: &text)
        text.put(" with ")
        company(into: &text)
        text.put(", as administrative agent, which ")
        word(Words.pastVerbs, into: &text)
        text.put(" ")
        nounPhrase(into: &text)
        text.put(" and increased the commitments by ")
        amount(into: &text)
    }

    private mutating func supplier(into text: inout [UInt8]) {
        text += name(syllables: 2...3)
        text.put([" Co., Ltd., our ", " Ltd., our ", " Corp., our ", " GmbH, our "][random.below(4)])
        word(Words.adjectives, into: &text)
        text.put(" supplier in ")
        text += random.pick(places)
        text.put(", ")
        word(Words.pastVerbs, into: &text)
        text.put(" ")
        nounPhrase(into: &text)
        text.put(" in ")
        year(into: &text)
    }

    private mutating func competitors(into text: inout [UInt8]) {
        if random.chance(50) {
            let lead = random.below(4)
            text.put(
                [
                    "We compete with ", "Our largest customer is ", "We license technology to ",
                    "We purchase most of our ",
                ][lead])
            if lead == 3 {
                noun(plural: true, into: &text)
                text.put(" from ")
            }
            company(into: &text)
            if random.chance(50) {
                text.put(" and ")
                company(into: &text)
            }
        } else {
            percent(into: &text)
            text.put(" of our ")
            word(Words.revenueKinds, into: &text)
            text.put(" in ")
            period(into: &text)
            text.put(" was earned in the U.S.")
        }
    }

    private mutating func question(into text: inout [UInt8]) {
        if random.chance(50) {
            text.put("What would happen if ")
            nounPhrase(into: &text)
            text.put(" ")
            word(Words.pastVerbs, into: &text)
            text.put(" ")
            nounPhrase(into: &text)
            text.put("?")
        } else {
            text.put("Could ")
            nounPhrase(into: &text)
            text.put(" ")
            word(Words.baseVerbs, into: &text)
            text.put(" ")
            nounPhrase(into: &text)
            text.put("? We believe it could, and we discuss that risk below")
        }
    }

    private mutating func riskIfUnable(into text: inout [UInt8]) {
        text.put("If we are unable to ")
        word(Words.baseVerbs, into: &text)
        text.put(" ")
        nounPhrase(into: &text)
        text.put(", our ")
        noun(plural: true, into: &text)
        text.put(" ")
        word(Words.modals, into: &text)
        text.put(" ")
        word(Words.baseVerbs, into: &text)
        text.put(" ")
        nounPhrase(into: &text)
        text.put(", which could adversely affect our business, financial condition and results of operations")
    }

    private mutating func riskDependence(into text: inout [UInt8]) {
        text.put("We depend on ")
        nounPhrase(into: &text)
        text.put(", and any ")
        noun(into: &text)
        text.put(" of ")
        nounPhrase(into: &text)
        text.put(" could harm our ")
        noun(plural: true, into: &text)
        if random.chance(40) {
            text.put("; for example, ")
            company(into: &text)
            text.put(" ")
            word(Words.pastVerbs, into: &text)
            text.put(" ")
            nounPhrase(into: &text)
            text.put(" in ")
            year(into: &text)
        }
    }

    private mutating func lawsuit(into text: inout [UInt8]) {
        text.put("On ")
        date(into: &text)
        text.put(
            ", a putative class action was filed against the Company in the U.S. District Court for the District of ")
        word(Words.states, into: &text)
        text.put(" (Case No. ")
        text.putNumber(random.within(1...4))
        text.put(":")
        text.putNumber(random.within(10...31))
        text.put("-cv-")
        text.putNumber(random.within(10_000...99_999))
        text.put("), alleging ")
        nounPhrase(into: &text)
        text.put(" and seeking ")
        amount(into: &text)
        text.put(" in damages")
    }

    private mutating func belief(into text: inout [UInt8]) {
        text.put(["The Company believes ", "Management believes ", "We believe "][random.below(3)])
        text.put(
            random.chance(50)
                ? "the claims are without merit and intends to defend against them vigorously"
                : "that the ultimate outcome will not have a material adverse effect on its financial position")
        if random.chance(35) {
            text.put("; however, litigation is inherently uncertain")
        }
    }
}
