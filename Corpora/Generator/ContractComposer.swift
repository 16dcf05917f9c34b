internal import FolioModel

/// Agreements, one after another: a title, a preamble, recitals, a definitions article, numbered
/// sections with lettered clauses, signature blocks and a pricing exhibit.
struct ContractComposer: Composer {
    private typealias Words = EnglishWords

    private enum Step {
        case title, preamble, recitalsHeading
        case whereas(last: Bool)
        case nowTherefore
        case article(number: Int, name: [UInt8])
        case definition(article: Int, section: Int, term: [UInt8])
        case section(article: Int, section: Int)
        case letteredItem(index: Int, count: Int)
        case bulletList
        case witness
        case signature(first: Bool)
        case exhibitHeading, exhibitTable
    }

    let languageTag: StaticString = "en"
    let paragraphIndent: [UInt8] = []
    let paragraphGap = Markup.Gap.blank

    private var prose: EnglishProse
    private var steps: [Step] = []
    private var stepIndex = 0
    private var agreement: [UInt8] = []
    private var firstCompany: [UInt8] = []
    private var secondCompany: [UInt8] = []
    private var parties = EnglishProse.Parties(first: [], second: [])

    init(seed: UInt64) {
        prose = EnglishProse(seed: seed)
        planAgreement()
    }

    mutating func title() -> [UInt8] {
        var title = agreement
        title.put(" between ")
        title += firstCompany
        title.put(" and ")
        title += secondCompany
        return title
    }

    private mutating func planAgreement() {
        agreement = prose.random.pick(Words.agreementNames)
        firstCompany = prose.random.pick(prose.companies)
        repeat { secondCompany = prose.random.pick(prose.companies) } while secondCompany == firstCompany
        let roles = prose.random.pick(Words.partyRoles)
        parties = EnglishProse.Parties(first: roles.0, second: roles.1)

        steps = [.title, .preamble, .recitalsHeading]
        let recitals = prose.random.within(2...4)
        for index in 0..<recitals { steps.append(.whereas(last: index == recitals - 1)) }
        steps.append(.nowTherefore)
        steps.append(.article(number: 1, name: Array("DEFINITIONS".utf8)))
        var section = 0
        for term in Words.definedTerms where prose.random.chance(45) {
            section += 1
            steps.append(.definition(article: 1, section: section, term: term))
        }
        var article = 1
        for name in Words.articles where prose.random.chance(55) {
            article += 1
            steps.append(.article(number: article, name: name))
            for section in 1...prose.random.within(2...7) {
                steps.append(.section(article: article, section: section))
                if prose.random.chance(15) {
                    let count = prose.random.within(2...5)
                    for index in 0..<count { steps.append(.letteredItem(index: index, count: count)) }
                } else if prose.random.chance(8) {
                    steps.append(.bulletList)
                }
            }
        }
        steps += [.witness, .signature(first: true), .signature(first: false)]
        if prose.random.chance(60) { steps += [.exhibitHeading, .exhibitTable] }
        stepIndex = 0
    }

    mutating func fillerText(units: Int, markup: Markup, into bytes: inout [UInt8]) {
        prose.filler(units: units, into: &bytes)
    }

    mutating func nextBlock(into markup: inout Markup) {
        if stepIndex == steps.count { planAgreement() }
        let step = steps[stepIndex]
        stepIndex += 1
        switch step {
        case .title:
            markup.beginHeading(level: 1)
            markup.bytes += agreement
            markup.endHeading(level: 1)
        case .preamble:
            preamble(into: &markup)
        case .recitalsHeading:
            markup.beginHeading(level: 2)
            markup.bytes.put("RECITALS")
            markup.endHeading(level: 2)
        case .whereas(let last):
            markup.beginParagraph()
            markup.bytes.put("WHEREAS, the ")
            markup.bytes += prose.random.chance(50) ? parties.first : parties.second
            markup.bytes.put(
                [" is engaged in the business of ", " desires to acquire ", " has developed ", " owns "][
                    prose.random.below(4)])
            prose.nounPhrase(into: &markup.bytes)
            if prose.random.chance(50) {
                markup.bytes.put(" ")
                prose.word(Words.prepositions, into: &markup.bytes)
                markup.bytes.put(" ")
                prose.nounPhrase(into: &markup.bytes)
            }
            markup.bytes.put(last ? "." : "; and")
            markup.endParagraph()
        case .nowTherefore:
            markup.beginParagraph()
            markup.bytes.put(
                """
                NOW, THEREFORE, in consideration of the mutual covenants and agreements set \
                forth herein, and for other good and valuable consideration, the receipt and \
                sufficiency of which are hereby acknowledged, the Parties agree as follows:
                """
            )
            markup.endParagraph()
        case .article(let number, let name):
            markup.beginHeading(level: 2)
            markup.bytes.put("ARTICLE ")
            markup.bytes.putNumber(number)
            markup.bytes.put(" ")
            markup.bytes += name
            markup.endHeading(level: 2)
        case .definition(let article, let section, let term):
            markup.beginParagraph()
            sectionNumber(article, section, into: &markup.bytes)
            prose.definition(of: term, into: &markup.bytes)
            markup.endParagraph()
        case .section(let article, let section):
            markup.beginParagraph()
            sectionNumber(article, section, into: &markup.bytes)
            markup.beginBold()
            prose.titleWords(into: &markup.bytes, count: prose.random.within(1...3))
            markup.bytes.put(".")
            markup.endBold()
            for _ in 0..<prose.random.within(1...4) {
                markup.bytes.put(" ")
                prose.contractSentence(parties, into: &markup.bytes)
            }
            markup.endParagraph()
        case .letteredItem(let index, let count):
            markup.beginParagraph()
            markup.bytes.put("(")
            markup.bytes.append(UInt8(ascii: "a") + UInt8(index))
            markup.bytes.put(") ")
            prose.clause(parties, into: &markup.bytes)
            markup.bytes.put(index == count - 1 ? "." : index == count - 2 ? "; and" : ";")
            markup.endParagraph()
        case .bulletList:
            markup.beginList()
            for _ in 0..<prose.random.within(3...6) {
                markup.beginItem(bullet: "\u{2022} ")
                let start = markup.bytes.count
                prose.nounPhrase(into: &markup.bytes)
                markup.bytes.capitalize(at: start)
                markup.bytes.put(";")
                markup.endItem()
            }
            markup.endList()
        case .witness:
            markup.beginParagraph()
            markup.bytes.put(
                """
                IN WITNESS WHEREOF, the Parties have caused this Agreement to be executed \
                by their duly authorized representatives as of the Effective Date.
                """
            )
            markup.endParagraph()
        case .signature(let first):
            signature(first ? firstCompany : secondCompany, into: &markup)
        case .exhibitHeading:
            markup.beginHeading(level: 2)
            markup.bytes.put("EXHIBIT ")
            markup.bytes.append(UInt8(ascii: "A") + UInt8(prose.random.below(4)))
            markup.bytes.put(" PRICING SCHEDULE")
            markup.endHeading(level: 2)
        case .exhibitTable:
            exhibitTable(into: &markup)
        }
    }

    private func sectionNumber(_ article: Int, _ section: Int, into bytes: inout [UInt8]) {
        bytes.putNumber(article)
        bytes.put(".")
        bytes.putNumber(section)
        bytes.put(" ")
    }

    private mutating func preamble(into markup: inout Markup) {
        markup.beginParagraph()
        markup.bytes.put("This ")
        let start = markup.bytes.count
        markup.bytes += agreement
        // Title case: "MASTER SUPPLY AGREEMENT" → "Master Supply Agreement".
        var wordStart = true
        for index in start..<markup.bytes.count {
            let byte = markup.bytes[index]
            if byte == UInt8(ascii: " ") {
                wordStart = true
            } else {
                if !wordStart && byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") {
                    markup.bytes[index] = byte + 32
                }
                wordStart = false
            }
        }
        markup.bytes.put(" (this \u{201C}Agreement\u{201D}) is entered into as of ")
        prose.date(into: &markup.bytes)
        markup.bytes.put(" (the \u{201C}Effective Date\u{201D}) by and between ")
        markup.bytes += firstCompany
        markup.bytes.put(", ")
        prose.word(Words.entityForms, into: &markup.bytes)
        markup.bytes.put(" (\u{201C}")
        markup.bytes += parties.first
        markup.bytes.put("\u{201D}), and ")
        markup.bytes += secondCompany
        markup.bytes.put(", ")
        prose.word(Words.entityForms, into: &markup.bytes)
        markup.bytes.put(" (\u{201C}")
        markup.bytes += parties.second
        markup.bytes.put("\u{201D}). ")
        markup.bytes += parties.first
        markup.bytes.put(" and ")
        markup.bytes += parties.second
        markup.bytes.put(
            " are each referred to herein as a \u{201C}Party\u{201D} and together as the \u{201C}Parties.\u{201D}")
        markup.endParagraph()
    }

    private mutating func signature(_ company: [UInt8], into markup: inout Markup) {
        markup.beginParagraph()
        let start = markup.bytes.count
        markup.bytes += company
        markup.bytes.uppercase(from: start)
        markup.lineBreak()
        markup.bytes.put("By: ______________________________")
        markup.lineBreak()
        markup.bytes.put("Name: ")
        prose.person(into: &markup.bytes)
        markup.lineBreak()
        markup.bytes.put("Title: ")
        prose.word(Words.officers, into: &markup.bytes)
        markup.endParagraph()
    }

    private mutating func exhibitTable(into markup: inout Markup) {
        let widths = [28, 14, 18, 12]
        markup.beginTable(style: prose.random.chance(40) ? .tabs : .spaces)
        markup.beginRow()
        for (column, heading) in ["Product", "Unit Price", "Minimum Quantity", "Lead Time"].enumerated() {
            markup.beginCell()
            markup.bytes += Array(heading.utf8)
            markup.endCell(width: widths[column], alignRight: column > 0)
        }
        markup.endRow()
        for _ in 0..<prose.random.within(3...9) {
            markup.beginRow()
            markup.beginCell()
            markup.bytes += prose.random.pick(prose.products)
            markup.endCell(width: widths[0])
            markup.beginCell()
            markup.bytes.put("$")
            markup.bytes.putDecimal(prose.random.within(50...2_500_000), scale: 100)
            markup.endCell(width: widths[1], alignRight: true)
            markup.beginCell()
            markup.bytes.putNumber(prose.random.within(10...250_000), grouped: true)
            markup.endCell(width: widths[2], alignRight: true)
            markup.beginCell()
            markup.bytes.putNumber(prose.random.within(5...120))
            markup.bytes.put(" days")
            markup.endCell(width: widths[3], alignRight: true)
            markup.endRow()
        }
        markup.endTable()
    }
}
