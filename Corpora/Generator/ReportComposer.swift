internal import FolioModel

/// Annual reports in the shape of a 10-K, one after another: a cover, PART and Item headings, and
/// paragraphs, lead-ins, bullet lists and results tables under each Item; signatures at the end.
struct ReportComposer: Composer {
    private typealias Words = EnglishWords

    /// What an Item's sentences lean toward.
    enum Flavor { case narrative, risk, financial, legal }

    private enum Step {
        case companyName, formName, fiscalYear, coverStatement
        case part([UInt8])
        case item([UInt8])
        case body(Flavor)
        case signatures, signatureStatement, signatureBlock
    }

    let languageTag: StaticString = "en"
    let paragraphIndent: [UInt8] = []
    let paragraphGap = Markup.Gap.blank

    private var prose: EnglishProse
    private var steps: [Step] = []
    private var stepIndex = 0
    private var company: [UInt8] = []
    private var fiscalYear = 2024

    init(seed: UInt64) {
        prose = EnglishProse(seed: seed)
        planReport()
    }

    mutating func title() -> [UInt8] {
        var title = company
        title.put(" Annual Report on Form 10-K for Fiscal Year ")
        title.putNumber(fiscalYear)
        return title
    }

    /// Chooses the next report's company, year and Items.
    private mutating func planReport() {
        company = prose.random.pick(prose.companies)
        fiscalYear = prose.random.within(2015...2031)
        steps = [.companyName, .formName, .fiscalYear, .coverStatement]
        var part: [UInt8] = []
        for (index, item) in Words.items.enumerated() where index == 0 || index == 8 || prose.random.chance(70) {
            if item.part != part {
                part = item.part
                steps.append(.part(part))
            }
            steps.append(.item(item.heading))
            let short = item.heading.count < 30 && item.flavor == .narrative && index > 0
            for _ in 0..<(short ? prose.random.within(1...2) : prose.random.within(3...14)) {
                steps.append(.body(item.flavor))
            }
        }
        steps += [.signatures, .signatureStatement, .signatureBlock]
        stepIndex = 0
    }

    mutating func fillerText(units: Int, markup: Markup, into bytes: inout [UInt8]) {
        prose.filler(units: units, into: &bytes)
    }

    mutating func nextBlock(into markup: inout Markup) {
        if stepIndex == steps.count { planReport() }
        let step = steps[stepIndex]
        stepIndex += 1
        switch step {
        case .companyName:
            markup.beginHeading(level: 1)
            let start = markup.bytes.count
            markup.bytes += company
            markup.bytes.uppercase(from: start)
            markup.endHeading(level: 1)
        case .formName:
            markup.beginHeading(level: 2)
            markup.bytes.put(prose.random.chance(50) ? "ANNUAL REPORT ON FORM 10-K" : "FORM 10-K")
            markup.endHeading(level: 2)
        case .fiscalYear:
            markup.beginBoldParagraph()
            markup.bytes.put("For the fiscal year ended December 31, ")
            markup.bytes.putNumber(fiscalYear)
            markup.endBoldParagraph()
        case .coverStatement:
            markup.beginParagraph()
            markup.bytes.put("Commission File No. 001-")
            markup.bytes.putNumber(prose.random.within(10_000...39_999))
            markup.bytes.put(
                """
                . Indicate by check mark whether the registrant (1) has filed all reports required by \
                Sec. 13 or 15(d) of the Exchange Act during the preceding 12 months and (2) has been \
                subject to such filing requirements for the past 90 days. Yes \u{2612} No \u{2610}
                """
            )
            markup.endParagraph()
        case .part(let part):
            markup.beginHeading(level: 2)
            markup.bytes += part
            markup.endHeading(level: 2)
        case .item(let heading):
            markup.beginHeading(level: 3)
            markup.bytes += heading
            markup.endHeading(level: 3)
        case .body(let flavor):
            body(flavor, into: &markup)
        case .signatures:
            markup.beginHeading(level: 3)
            markup.bytes.put("SIGNATURES")
            markup.endHeading(level: 3)
        case .signatureStatement:
            markup.beginParagraph()
            markup.bytes.put(
                """
                Pursuant to the requirements of Section 13 or 15(d) of the Securities \
                Exchange Act of 1934, the registrant has duly caused this report to \
                be signed on its behalf by the undersigned, thereunto duly authorized.
                """
            )
            markup.endParagraph()
        case .signatureBlock:
            markup.beginParagraph()
            markup.bytes += company
            markup.lineBreak()
            markup.bytes.put("By: /s/ ")
            let start = markup.bytes.count
            prose.person(into: &markup.bytes)
            let signer = Array(markup.bytes[start...])
            markup.lineBreak()
            markup.bytes.put("Name: ")
            markup.bytes += signer
            markup.lineBreak()
            markup.bytes.put("Title: ")
            prose.word(Words.officers, into: &markup.bytes)
            markup.lineBreak()
            markup.bytes.put("Date: ")
            prose.date(into: &markup.bytes)
            markup.endParagraph()
        }
    }

    private mutating func body(_ flavor: Flavor, into markup: inout Markup) {
        let roll = prose.random.below(100)
        let tableShare = flavor == .financial ? 24 : 5
        switch roll {
        case ..<tableShare:
            table(into: &markup)
        case ..<(tableShare + 9):
            markup.beginBoldParagraph()
            prose.titleWords(into: &markup.bytes)
            markup.endBoldParagraph()
        case ..<(tableShare + 19):
            list(flavor, into: &markup)
        case ..<(tableShare + 31):
            markup.beginParagraph()
            markup.beginBold()
            prose.titleWords(into: &markup.bytes)
            markup.bytes.put(".")
            markup.endBold()
            markup.bytes.put(" ")
            prose.reportSentences(flavor, count: 1...5, into: &markup.bytes)
            markup.endParagraph()
        default:
            markup.beginParagraph()
            prose.reportSentences(flavor, count: 1...8, into: &markup.bytes)
            markup.endParagraph()
        }
    }

    private mutating func list(_ flavor: Flavor, into markup: inout Markup) {
        let bullet = prose.random.below(4)
        let count = prose.random.within(3...7)
        let sentences = prose.random.chance(40)
        markup.beginList()
        for index in 0..<count {
            markup.beginItem(bullet: ["\u{2022} ", "- ", "* ", "\u{25CF} "][bullet])
            if sentences {
                prose.reportSentence(flavor, into: &markup.bytes)
            } else {
                let start = markup.bytes.count
                prose.nounPhrase(into: &markup.bytes)
                if prose.random.chance(40) {
                    markup.bytes.put(", including ")
                    prose.nounPhrases(most: 3, into: &markup.bytes)
                }
                markup.bytes.capitalize(at: start)
                markup.bytes.put(index == count - 1 ? "." : index == count - 2 ? "; and" : ";")
            }
            markup.endItem()
        }
        markup.endList()
    }

    private mutating func table(into markup: inout Markup) {
        let columns = prose.random.within(2...4)
        let firstYear = prose.random.within(2016...2031)
        let withChange = prose.random.chance(50)
        let labelWidth = 46
        let valueWidth = 14
        markup.beginTable(style: prose.random.chance(30) ? .tabs : .spaces)
        markup.beginRow()
        markup.beginCell()
        markup.bytes.put(
            ["(In millions, except per share data)", "(Dollars in thousands)", "(In millions)", ""][
                prose.random.below(4)])
        markup.endCell(width: labelWidth)
        let fiscal = prose.random.chance(50)
        for column in 0..<columns {
            markup.beginCell()
            if fiscal { markup.bytes.put("Fiscal ") }
            markup.bytes.putNumber(firstYear - column)
            markup.endCell(width: valueWidth, alignRight: true)
        }
        if withChange {
            markup.beginCell()
            markup.bytes.put("% Change")
            markup.endCell(width: 10, alignRight: true)
        }
        markup.endRow()
        let rows = prose.random.within(3...10)
        for row in 0..<rows {
            let total = row == rows - 1 && prose.random.chance(60)
            markup.beginRow()
            markup.beginCell()
            if total {
                markup.bytes.put("Total ")
                let start = markup.bytes.count
                prose.noun(plural: true, into: &markup.bytes)
                markup.bytes.capitalize(at: start)
            } else if prose.random.chance(60) {
                prose.word(Words.metrics, into: &markup.bytes)
            } else {
                prose.titleWords(into: &markup.bytes, count: prose.random.within(2...3))
            }
            markup.endCell(width: labelWidth)
            for _ in 0..<columns {
                markup.beginCell()
                if row == 0 || total { markup.bytes.put("$ ") }
                let value =
                    prose.random.chance(12) ? -prose.random.within(1...99_999) : prose.random.within(10...9_999_999)
                if value < 0 {
                    markup.bytes.put("(")
                    markup.bytes.putDecimal(-value)
                    markup.bytes.put(")")
                } else {
                    markup.bytes.putDecimal(value)
                }
                markup.endCell(width: valueWidth, alignRight: true)
            }
            if withChange {
                markup.beginCell()
                let change = prose.random.within(-400...900)
                if change < 0 {
                    markup.bytes.put("(")
                    markup.bytes.putDecimal(-change)
                    markup.bytes.put(")%")
                } else {
                    markup.bytes.putDecimal(change)
                    markup.bytes.put("%")
                }
                markup.endCell(width: 10, alignRight: true)
            }
            markup.endRow()
        }
        markup.endTable()
    }
}
