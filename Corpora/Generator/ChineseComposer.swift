internal import FolioModel

/// Chinese prose in books of chapters: a book title, chapter headings (`第三章 江边往事` or a
/// `第十二回` couplet), and paragraphs of narration, dialogue and report-like passages with numbers.
///
/// Sentences end in `。！？；……` or `…`; dialogue is quoted with `“…。”`, `「…！」` and `『…』`;
/// clauses are joined by `，、：；`; asides sit in `（…）` and titles in `《…》`. In text format each
/// paragraph is one line that starts with two ideographic spaces.
struct ChineseComposer: Composer {
    private typealias Words = ChineseWords

    let languageTag: StaticString = "zh-CN"
    let paragraphIndent: [UInt8] = Array("\u{3000}\u{3000}".utf8)
    let paragraphGap = Markup.Gap.line

    private var random: SplitMix64
    private var people: [[UInt8]] = []
    private var surnameByteCounts: [Int] = []
    private var placeNames: [[UInt8]] = []
    private var bookTitle: [UInt8] = []
    private var usesHuiHeadings = false
    private var bookStarted = false
    private var chapter = 0
    private var chapterCount = 0
    private var paragraphsLeft = 0
    private var reportChapter = false

    init(seed: UInt64) {
        random = SplitMix64(seed: seed)
        for _ in 0..<240 {
            var name = random.pick(Words.surnames)
            surnameByteCounts.append(name.count)
            name += random.pick(Words.givenNames)
            if random.chance(65) { name += random.pick(Words.givenNames) }
            people.append(name)
        }
        for _ in 0..<160 {
            var name = random.pick(Words.placeCharacters)
            name += random.pick(Words.placeCharacters)
            name += random.pick(Words.placeKinds)
            placeNames.append(name)
        }
        planBook()
    }

    mutating func title() -> [UInt8] {
        bookTitle
    }

    private mutating func planBook() {
        bookTitle = []
        bookTitle.put("\u{300A}")
        if random.chance(50) {
            bookTitle += random.pick(Words.bookWords)
        } else {
            bookTitle += random.pick(placeNames)
        }
        bookTitle += random.pick(Words.bookWords)
        bookTitle.put("\u{300B}")
        usesHuiHeadings = random.chance(40)
        chapter = 0
        chapterCount = random.within(8...130)
        bookStarted = false
        paragraphsLeft = 0
    }

    mutating func nextBlock(into markup: inout Markup) {
        if !bookStarted {
            bookStarted = true
            markup.beginHeading(level: 1)
            markup.bytes += bookTitle
            markup.endHeading(level: 1)
            return
        }
        if paragraphsLeft == 0 {
            if chapter == chapterCount {
                planBook()
                nextBlock(into: &markup)
                return
            }
            chapter += 1
            paragraphsLeft = random.within(4...26)
            reportChapter = random.chance(20)
            chapterHeading(into: &markup)
            return
        }
        paragraphsLeft -= 1
        markup.beginParagraph(gap: .line)
        for _ in 0..<random.within(reportChapter ? 1...5 : 2...9) {
            if reportChapter && random.chance(70) {
                reportSentence(into: &markup.bytes)
            } else {
                sentence(into: &markup.bytes)
            }
        }
        markup.endParagraph()
    }

    mutating func fillerText(units: Int, markup: Markup, into bytes: inout [UInt8]) {
        var used = 0
        let stop = Array("\u{3002}".utf8)
        let comma = Array("\u{FF0C}".utf8)
        let stopUnits = markup.units(stop)
        var words = 0
        while true {
            var word = random.pick(random.chance(50) ? Words.qualities : Words.abstractNouns)
            if used + markup.units(word) + stopUnits * 2 > units { word = random.pick(Words.givenNames) }
            let wordUnits = markup.units(word)
            if used + wordUnits + stopUnits * 2 > units { break }
            if words > 0 && random.chance(30) {
                bytes += comma
                used += stopUnits
            }
            bytes += word
            used += wordUnits
            words += 1
        }
        if used + stopUnits <= units { bytes += stop }
    }

    // MARK: Headings

    private mutating func chapterHeading(into markup: inout Markup) {
        markup.beginHeading(level: 2)
        markup.bytes.put("\u{7B2C}")  // 第
        chineseNumber(chapter, into: &markup.bytes)
        markup.bytes.put(usesHuiHeadings ? "\u{56DE}" : "\u{7AE0}")  // 回, 章
        markup.bytes.put(random.chance(70) ? " " : "\u{3000}")
        if usesHuiHeadings {
            couplet(into: &markup.bytes)
            markup.bytes.put("\u{3000}")
            couplet(into: &markup.bytes)
        } else {
            switch random.below(4) {
            case 0:
                markup.bytes += random.pick(Words.qualities)
                markup.bytes += random.pick(Words.abstractNouns)
            case 1:
                markup.bytes += random.pick(placeNames)
                markup.bytes += random.pick(Words.abstractNouns)
            case 2:
                markup.bytes += random.pick(Words.places)
                markup.bytes += random.pick(Words.bookWords)
            default:
                markup.bytes += random.pick(Words.times)
            }
        }
        markup.endHeading(level: 2)
    }

    /// "王明夜走城门口".
    private mutating func couplet(into text: inout [UInt8]) {
        text += random.pick(people)
        text += random.pick(Words.coupletManners)
        text += random.pick(Words.coupletVerbs)
        text += random.chance(50) ? random.pick(Words.places) : random.pick(placeNames)
    }

    /// `value` in Chinese numerals, as chapter numbers are written: 十二, 一百零五.
    private func chineseNumber(_ value: Int, into text: inout [UInt8]) {
        if value < 10 {
            text += Words.digits[value]
            return
        }
        if value < 20 {
            text.put("\u{5341}")  // 十
            if value > 10 { text += Words.digits[value - 10] }
            return
        }
        let units: [StaticString] = ["\u{5343}", "\u{767E}", "\u{5341}", ""]  // 千 百 十
        var divisor = 1000
        var pendingZero = false
        var started = false
        for unit in units {
            let digit = value / divisor % 10
            if digit == 0 {
                if started { pendingZero = true }
            } else {
                if pendingZero { text += Words.digits[0] }
                pendingZero = false
                started = true
                text += Words.digits[digit]
                text.put(unit)
            }
            divisor /= 10
        }
    }

    // MARK: Phrases

    private mutating func person(into text: inout [UInt8]) {
        let index = random.below(people.count)
        let name = people[index]
        let surname = name[..<surnameByteCounts[index]]
        switch random.below(12) {
        case 0:
            text.put("\u{8001}")  // 老
            text += surname
        case 1:
            text += surname
            // 先生 姑娘 大娘 掌柜
            text.put(["\u{5148}\u{751F}", "\u{59D1}\u{5A18}", "\u{5927}\u{5A18}", "\u{638C}\u{67DC}"][random.below(4)])
        default:
            text += name
        }
    }

    private mutating func thing(withMeasure: Bool, into text: inout [UInt8]) {
        let thing = random.pick(Words.things)
        if withMeasure {
            text.put(["\u{4E00}", "\u{90A3}", "\u{8FD9}", "\u{4E24}", "\u{51E0}"][random.below(5)])  // 一 那 这 两 几
            text += thing
        } else {
            text += thing[3...]
        }
    }

    private mutating func place(into text: inout [UInt8]) {
        if random.chance(30) {
            text += random.pick(placeNames)
            if random.chance(50) { text += random.pick(Words.places) }
        } else {
            text += random.pick(Words.places)
        }
    }

    private mutating func actionClause(into text: inout [UInt8]) {
        if random.chance(60) { text += random.pick(Words.adverbs) }
        text += random.pick(Words.actionVerbs)
        thing(withMeasure: true, into: &text)
    }

    private mutating func motionClause(into text: inout [UInt8]) {
        if random.chance(50) { text += random.pick(Words.adverbs) }
        text += random.pick(Words.motionVerbs)
        place(into: &text)
    }

    private mutating func sceneClause(into text: inout [UInt8]) {
        text += random.pick(Words.sceneSubjects)
        text += random.pick(Words.degrees)
        text += random.pick(Words.qualities)
    }

    private mutating func mindClause(into text: inout [UInt8]) {
        text += random.pick(Words.mindVerbs)
        if random.chance(30) { text.put("\u{4E86}") }  // 了
        if random.chance(50) {
            text += random.pick(Words.abstractNouns)
        } else {
            thing(withMeasure: true, into: &text)
        }
    }

    private mutating func anyClause(into text: inout [UInt8]) {
        switch random.below(5) {
        case 0: actionClause(into: &text)
        case 1: motionClause(into: &text)
        case 2: sceneClause(into: &text)
        case 3: mindClause(into: &text)
        default:
            text.put("\u{5FC3}\u{91CC}")  // 心里
            text += random.pick(Words.degrees)
            text += random.pick(Words.emotions)
        }
    }

    private mutating func stop(into text: inout [UInt8]) {
        let roll = random.below(100)
        // 。！？……
        text.put(roll < 80 ? "\u{3002}" : roll < 88 ? "\u{FF01}" : roll < 96 ? "\u{FF1F}" : "\u{2026}\u{2026}")
    }

    /// What someone says, with its stop: "你早已想起往事了吗？".
    private mutating func innerSentence(into text: inout [UInt8]) {
        switch random.below(5) {
        case 0:
            text += random.pick(Words.pronouns)
            text += random.pick(Words.adverbs)
            mindClause(into: &text)
            stop(into: &text)
        case 1:
            text.put(random.chance(50) ? "\u{8FD9}" : "\u{90A3}")  // 这 那
            text += random.pick(Words.things)
            text += random.pick(Words.degrees)
            text += random.pick(Words.qualities)
            stop(into: &text)
        case 2:
            text += random.pick(Words.pronouns)
            // 明天就 今晚 过两天
            text.put(["\u{660E}\u{5929}\u{5C31}", "\u{4ECA}\u{665A}", "\u{8FC7}\u{4E24}\u{5929}"][random.below(3)])
            motionClause(into: &text)
            text.put(random.chance(50) ? "\u{FF0C}" : "\u{FF1B}")
            actionClause(into: &text)
            stop(into: &text)
        case 3:
            text.put("\u{4F60}")  // 你
            mindClause(into: &text)
            text.put(random.chance(50) ? "\u{4E86}\u{5417}\u{FF1F}" : "\u{6CA1}\u{6709}\u{FF1F}")  // 了吗？ 没有？
        default:
            text += random.pick(Words.exclamations)
            text.put("\u{FF0C}")
            text += random.pick(Words.pronouns)
            text += random.pick(Words.degrees)
            text += random.pick(Words.emotions)
            text.put("\u{FF01}")
        }
    }

    private mutating func percent(into text: inout [UInt8]) {
        text.putDecimal(random.within(1...499))
        text.put(random.chance(80) ? "%" : "\u{FF05}")
    }

    private mutating func quantity(into text: inout [UInt8]) {
        switch random.below(3) {
        case 0: text.putNumber(random.within(2...999))
        case 1: text.putDecimal(random.within(10...9_999))
        default: text.putDecimal(random.within(10_000...999_999), grouped: true)
        }
        text += random.pick(Words.units)
    }

    private mutating func year(into text: inout [UInt8]) {
        text.putNumber(random.within(1998...2031))
        text.put("\u{5E74}")  // 年
    }

    // MARK: Sentences

    private mutating func sentence(into text: inout [UInt8]) {
        switch random.below(16) {
        case 0, 1:
            if random.chance(50) {
                text += random.pick(Words.times)
                text.put("\u{FF0C}")
            }
            person(into: &text)
            motionClause(into: &text)
            text.put("\u{FF0C}")
            actionClause(into: &text)
            stop(into: &text)
        case 2:
            text += random.pick(Words.times)
            for _ in 0..<random.within(2...3) {
                text.put("\u{FF0C}")
                sceneClause(into: &text)
            }
            text.put("\u{FF0C}")
            text += random.pick(Words.sceneSubjects)
            text.put("\u{4E5F}")  // 也
            text += random.pick(Words.degrees)
            text += random.pick(Words.qualities)
            text.put("\u{4E86}\u{3002}")  // 了。
        case 3, 4:
            person(into: &text)
            text += random.pick(Words.speechVerbs)
            text.put("\u{FF1A}\u{201C}")  // ：“
            for _ in 0..<random.within(1...3) { innerSentence(into: &text) }
            text.put("\u{201D}")
        case 5:
            text.put("\u{300C}")  // 「
            innerSentence(into: &text)
            text.put("\u{300D}")
            person(into: &text)
            text += random.pick(Words.speechTails)
            text.put("\u{3002}")
        case 6:
            person(into: &text)
            if random.chance(50) {
                text.put("\u{5FC3}\u{60F3}\u{FF1A}\u{300E}")  // 心想：『
                text += random.pick(Words.pronouns)
                mindClause(into: &text)
                text.put("\u{300F}\u{FF0C}\u{4FBF}")  // 』，便
                actionClause(into: &text)
                text.put("\u{3002}")
            } else {
                text += random.pick(Words.speechVerbs)
                text.put("\u{FF1A}\u{300C}")  // ：「
                text += random.pick(Words.pronouns)
                text.put("\u{8BF4}\u{300E}")  // 说『
                innerSentence(into: &text)
                text.put("\u{300F}\u{FF0C}\u{4F60}\u{4FE1}\u{5417}\u{FF1F}\u{300D}")  // 』，你信吗？」
            }
        case 7:
            text += random.pick(placeNames)
            text.put("\u{FF08}")  // （
            year(into: &text)
            text.put("\u{4EE5}\u{524D}\u{53EB}\u{4F5C}")  // 以前叫作
            text += random.pick(placeNames)
            text.put("\u{FF09}\u{5411}\u{6765}\u{662F}\u{4E2A}")  // ）向来是个
            text += random.pick(Words.qualities)
            text.put("\u{7684}\u{5730}\u{65B9}\u{FF0C}")  // 的地方，
            sceneClause(into: &text)
            stop(into: &text)
        case 8:
            person(into: &text)
            text.put(random.chance(50) ? "\u{4E70}\u{4E86}" : "\u{5E26}\u{4E0A}\u{4E86}")  // 买了 带上了
            let count = random.within(3...6)
            for index in 0..<count {
                if index > 0 { text.put(index == count - 1 ? "\u{548C}" : "\u{3001}") }  // 和 、
                thing(withMeasure: false, into: &text)
            }
            text.put("\u{3002}")
        case 9:
            for index in 0..<random.within(2...4) {
                if index > 0 { text.put("\u{FF1B}") }  // ；
                person(into: &text)
                anyClause(into: &text)
            }
            text.put(random.chance(80) ? "\u{3002}" : "\u{FF1B}")
        case 10:
            person(into: &text)
            // 沉默了片刻， 叹了口气，
            text.put(
                random.chance(50)
                    ? "\u{6C89}\u{9ED8}\u{4E86}\u{7247}\u{523B}\u{FF0C}" : "\u{53F9}\u{4E86}\u{53E3}\u{6C14}\u{FF0C}")
            mindClause(into: &text)
            text.put(random.chance(70) ? "\u{2026}\u{2026}" : "\u{2026}")
        case 11:
            if random.chance(50) {
                person(into: &text)
                text.put("\u{600E}\u{4E48}\u{4F1A}")  // 怎么会
                mindClause(into: &text)
                text.put("\u{5462}\u{FF1F}")  // 呢？
            } else {
                text += random.pick(Words.exclamations)
                text.put("\u{FF0C}")
                text += random.pick(Words.pronouns)
                text += random.pick(Words.degrees)
                text += random.pick(Words.emotions)
                text.put("\u{FF01}")
            }
        case 12:
            person(into: &text)
            text.put("\u{4ECE}")  // 从
            text += random.pick(Words.furniture)
            text.put("\u{4E0A}\u{53D6}\u{4E0B}\u{4E00}\u{672C}\u{300A}")  // 上取下一本《
            text += random.pick(Words.bookWords)
            if random.chance(50) { text += random.pick(Words.bookWords) }
            text.put("\u{300B}\u{FF0C}")
            text += random.pick(Words.adverbs)
            text.put("\u{7FFB}\u{4E86}\u{51E0}\u{9875}\u{3002}")  // 翻了几页。
        case 13:
            person(into: &text)
            text.put("\u{7684}")  // 的
            text += random.pick(Words.abstractNouns)
            text.put("\u{6709}\u{4E09}\u{FF1A}")  // 有三：
            for (index, ordinal) in ["\u{4E00}", "\u{4E8C}", "\u{4E09}"].enumerated() {
                if index > 0 { text.put("\u{FF0C}") }
                text += Array(ordinal.utf8)
                text.put("\u{662F}")  // 是
                text += random.pick(Words.abstractNouns)
            }
            text.put("\u{3002}")
        default:
            person(into: &text)
            for index in 0..<random.within(4...8) {
                if index > 0 { text.put("\u{FF0C}") }
                anyClause(into: &text)
            }
            stop(into: &text)
        }
    }

    private mutating func reportSentence(into text: inout [UInt8]) {
        switch random.below(5) {
        case 0:
            year(into: &text)
            if random.chance(40) {
                text.put("\u{7B2C}")
                text.putNumber(random.within(1...4))
                text.put("\u{5B63}\u{5EA6}")  // 季度
            }
            text.put("\u{FF0C}")
            text += random.pick(Words.organizations)
            text.put("\u{5B9E}\u{73B0}")  // 实现
            text += random.pick(Words.indicators)
            quantity(into: &text)
            text.put("\u{FF0C}\u{540C}\u{6BD4}\u{589E}\u{957F}")  // ，同比增长
            percent(into: &text)
            text.put("\u{FF0C}\u{5176}\u{4E2D}")  // ，其中
            text += random.pick(Words.sectors)
            text.put("\u{5360}")  // 占
            percent(into: &text)
            text.put("\u{3002}")
        case 1:
            year(into: &text)
            text.putNumber(random.within(1...12))
            text.put("\u{6708}")
            text.putNumber(random.within(1...28))
            text.put("\u{65E5}\u{FF0C}")
            text += random.pick(Words.organizations)
            text.put("\u{53EC}\u{5F00}")  // 召开
            text += random.pick(Words.meetings)
            text.put("\u{FF0C}\u{5BA1}\u{8BAE}\u{901A}\u{8FC7}\u{4E86}\u{300A}")  // ，审议通过了《
            text += random.pick(Words.documents)
            text.put("\u{300B}\u{3002}")
        case 2:
            text.put("\u{622A}\u{81F3}")  // 截至
            year(into: &text)
            text.putNumber(random.within(1...12))
            text.put("\u{6708}\u{672B}\u{FF0C}")  // 月末，
            text += random.pick(Words.organizations)
            text += random.pick(Words.indicators)
            text.put("\u{7D2F}\u{8BA1}\u{8FBE}\u{5230}")  // 累计达到
            quantity(into: &text)
            text.put("\u{FF0C}\u{8F83}\u{5E74}\u{521D}\u{589E}\u{52A0}")  // ，较年初增加
            quantity(into: &text)
            text.put("\u{FF08}\u{589E}\u{5E45}")  // （增幅
            percent(into: &text)
            text.put("\u{FF09}\u{3002}")
        case 3:
            text += random.pick(Words.organizations)
            text.put(
                """
                \u{4E0B}\u{4E00}\u{6B65}\u{7684}\u{91CD}\u{70B9}\u{5DE5}\u{4F5C}\
                \u{4E3B}\u{8981}\u{6709}\u{4E09}\u{9879}\u{FF1A}
                """
            )  // 下一步的重点工作主要有三项：
            for (index, ordinal) in ["\u{4E00}", "\u{4E8C}", "\u{4E09}"].enumerated() {
                if index > 0 { text.put("\u{FF1B}") }
                text += Array(ordinal.utf8)
                text.put("\u{662F}\u{53D1}\u{5C55}")  // 是发展
                text += random.pick(Words.sectors)
                text.put("\u{3001}")
                text += random.pick(Words.sectors)
            }
            text.put("\u{3002}")
        default:
            text += random.pick(Words.organizations)
            for index in 0..<random.within(2...4) {
                if index > 0 { text.put("\u{FF1B}") }
                text += random.pick(Words.indicators)
                text.put("\u{4E3A}")  // 为
                quantity(into: &text)
            }
            text.put("\u{3002}")
        }
    }
}
