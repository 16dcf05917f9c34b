// Performance notes
//
// One `switch` per operator over packed operator codes (`ContentOperator`); `q` copies a small value
// (`GraphicsState`, about 150 bytes, the font a reference) onto a stack that keeps its capacity, so
// 100,000 `q`/`Q` pairs cost 200,000 constant-time steps. Per glyph: one code split, one width
// lookup, four matrix applications and an append of Unicode scalars to the assembler's shared buffer;
// no `String` is built before lines are (see `TextAssembler`). Measurements are in ContentLexer.swift.

/// The graphics state the text layer needs (ISO 32000-1, 8.4 and 9.3): the CTM, a rectangular clip and
/// the text state parameters, saved by `q` and restored by `Q`.
struct GraphicsState {
    var ctm = PDFMatrix.identity
    /// The clip in default user space; nil when unclipped.
    var clip: PDFRect?
    /// The clip is empty: nothing drawn is visible.
    var clippedOut = false
    var font: TextFont?
    var fontSize = 0.0
    var characterSpacing = 0.0
    var wordSpacing = 0.0
    /// `Tz` / 100.
    var horizontalScale = 1.0
    var leading = 0.0
    var rise = 0.0
}

/// The resources a content stream draws with: fonts, XObjects and marked-content properties.
struct ContentResources {
    var dictionary: PDFDictionary
    var fonts: PDFDictionary?
    var xObjects: PDFDictionary?
    var properties: PDFDictionary?
    /// Fonts given directly (not by reference) in `fonts`, parsed once per content stream.
    var directFonts: [PDFName: TextFont?] = [:]

    init(_ dictionary: PDFDictionary, source: any PDFObjectSource) throws(PDFError) {
        self.dictionary = dictionary
        fonts = try source.value(dictionary, "Font")?.dictionary
        xObjects = try source.value(dictionary, "XObject")?.dictionary
        properties = try source.value(dictionary, "Properties")?.dictionary
    }
}

/// Interprets one page's content (and the Form XObjects it draws), feeding shown glyphs to a
/// ``TextAssembler``.
struct ContentInterpreter {
    static let maxFormDepth = 32

    let source: any PDFObjectSource
    let limits: PDFLimits
    let fonts: FontCache
    let cropBox: PDFRect
    /// Default user space → displayed space (CropBox origin, rotation, y down).
    let display: PDFMatrix

    var state = GraphicsState()
    var stack: [GraphicsState] = []
    /// `q` beyond ``PDFLimits/maxNestingDepth``: counted, not stored, so their `Q`s still balance.
    var overflowDepth = 0
    /// The stack height at the start of the Form XObject being interpreted: its `Q`s cannot pop below.
    var stackFloor = 0
    var textMatrix = PDFMatrix.identity
    var lineMatrix = PDFMatrix.identity
    var operatorCount = 0
    /// Lexer tokens read on this page, Form XObjects included (tests bound the work with it).
    var lexerStepCount = 0
    var unmappedGlyphCount = 0
    var assembler: TextAssembler
    /// The Form XObjects being interpreted, outermost first (a form drawing itself is a cycle).
    var formStack: [PDFReference] = []
    var formDepth = 0
    /// The current path's bounding box in default user space, for `W`.
    var pathBox: PDFRect?
    var pendingClip = false
    /// Open marked-content sequences; true for the one that started ``actualText``.
    var markedContent: [Bool] = []
    var actualText: ActualTextCapture?

    init(page: PDFPage, source: any PDFObjectSource, limits: PDFLimits, fonts: FontCache) {
        self.source = source
        self.limits = limits
        self.fonts = fonts
        self.cropBox = page.cropBox
        self.display = Self.displayMatrix(cropBox: page.cropBox, rotation: page.rotation)
        self.assembler = TextAssembler()
    }

    /// Default user space → the page as displayed: origin at the CropBox's top-left corner after the
    /// page is rotated clockwise by `rotation` degrees, y growing downwards.
    static func displayMatrix(cropBox: PDFRect, rotation: Int) -> PDFMatrix {
        let toOrigin = PDFMatrix(1, 0, 0, 1, -cropBox.minX, -cropBox.minY)
        let width = cropBox.width
        let height = cropBox.height
        let turn: PDFMatrix
        switch ((rotation % 360) + 360) % 360 {
        case 90: turn = PDFMatrix(0, 1, 1, 0, 0, 0)  // X = v, Y = u
        case 180: turn = PDFMatrix(-1, 0, 0, 1, width, 0)  // X = W - u, Y = v
        case 270: turn = PDFMatrix(0, -1, -1, 0, height, width)  // X = H - v, Y = W - u
        default: turn = PDFMatrix(1, 0, 0, -1, 0, height)  // X = u, Y = H - v
        }
        return toOrigin.concatenating(turn)
    }

    // MARK: The operator loop

    mutating func run(content: [UInt8], resources dictionary: PDFDictionary) throws(PDFError) {
        var resources = try ContentResources(dictionary, source: source)
        var lexer = ContentLexer(bytes: content, maxNestingDepth: min(limits.maxNestingDepth, 64))
        defer { lexerStepCount += lexer.stepCount }
        var operands: [PDFObject] = []
        operands.reserveCapacity(16)
        var overflowed = false
        while let op = lexer.nextOperator(operands: &operands, overflowed: &overflowed) {
            operatorCount += 1
            if operatorCount > limits.maxOperatorsPerPage {
                throw PDFError.limit(
                    "maxOperatorsPerPage", limits.maxOperatorsPerPage,
                    "a page has more than \(limits.maxOperatorsPerPage) content-stream operators")
            }
            if overflowed { continue }
            try execute(op, operands, resources: &resources)
        }
    }

    private mutating func execute(
        _ op: ContentOperator, _ operands: [PDFObject], resources: inout ContentResources
    ) throws(PDFError) {
        switch op {
        case .save: save()
        case .restore: restore()
        case .concat:
            if let matrix = Self.matrix(operands) { state.ctm = matrix.concatenating(state.ctm) }
        case .showText:
            if let bytes = operands.last?.string { show(bytes) }
        case .showArray:
            if let array = operands.last?.array { showArray(array) }
        case .setFont:
            guard operands.count >= 2, let name = operands[operands.count - 2].name,
                let size = operands[operands.count - 1].number
            else { return }
            state.font = try font(named: name, in: &resources)
            state.fontSize = size
        case .moveText:
            guard let (tx, ty) = Self.pair(operands) else { return }
            moveText(tx, ty)
        case .moveTextSetLeading:
            guard let (tx, ty) = Self.pair(operands) else { return }
            state.leading = -ty
            moveText(tx, ty)
        case .setTextMatrix:
            guard let matrix = Self.matrix(operands) else { return }
            textMatrix = matrix
            lineMatrix = matrix
        case .nextLine: moveText(0, -state.leading)
        case .beginText:
            textMatrix = .identity
            lineMatrix = .identity
        case .endText: break
        case .setLeading: if let value = operands.last?.number { state.leading = value }
        case .setCharacterSpacing: if let value = operands.last?.number { state.characterSpacing = value }
        case .setWordSpacing: if let value = operands.last?.number { state.wordSpacing = value }
        case .setHorizontalScale: if let value = operands.last?.number { state.horizontalScale = value / 100 }
        case .setRise: if let value = operands.last?.number { state.rise = value }
        case .setRenderMode: break  // every mode is text, invisible (3) included: OCR layers use it
        case .nextLineShow:
            guard let bytes = operands.last?.string else { return }
            moveText(0, -state.leading)
            show(bytes)
        case .nextLineShowSpaced:
            guard operands.count >= 3, let wordSpacing = operands[operands.count - 3].number,
                let characterSpacing = operands[operands.count - 2].number, let bytes = operands.last?.string
            else { return }
            state.wordSpacing = wordSpacing
            state.characterSpacing = characterSpacing
            moveText(0, -state.leading)
            show(bytes)
        case .drawXObject:
            if let name = operands.last?.name { try drawXObject(named: name, resources: resources) }
        case .rectangle:
            guard operands.count >= 4, let x = operands[operands.count - 4].number,
                let y = operands[operands.count - 3].number, let width = operands[operands.count - 2].number,
                let height = operands[operands.count - 1].number
            else { return }
            addToPath(x, y)
            addToPath(x + width, y)
            addToPath(x, y + height)
            addToPath(x + width, y + height)
        case .moveTo, .lineTo:
            if let (x, y) = Self.pair(operands) { addToPath(x, y) }
        case .curveTo, .curveToV, .curveToY:
            var index = 0
            while index + 1 < operands.count {
                if let x = operands[index].number, let y = operands[index + 1].number { addToPath(x, y) }
                index += 2
            }
        case .clip, .clipEvenOdd: pendingClip = true
        case .endPath, .stroke, .closeStroke, .fill, .fillObsolete, .fillEvenOdd, .fillStroke, .fillStrokeEvenOdd,
            .closeFillStroke, .closeFillStrokeEvenOdd:
            endPath()
        case .beginMarkedContentProperties:
            beginMarkedContent(properties: operands.last, resources: resources)
        case .beginMarkedContent:
            beginMarkedContent(properties: nil, resources: resources)
        case .endMarkedContent: endMarkedContent()
        default: break  // unknown operators, colors, shading, images: nothing to read
        }
    }

    // MARK: Graphics state

    private mutating func save() {
        if stack.count >= limits.maxNestingDepth || overflowDepth > 0 {
            overflowDepth += 1
        } else {
            stack.append(state)
        }
    }

    private mutating func restore() {
        if overflowDepth > 0 {
            overflowDepth -= 1
        } else if stack.count > stackFloor {
            state = stack.removeLast()  // not `popLast()`: its Optional cost four copies of the state per `Q`
        }  // an unbalanced Q is ignored
    }

    private mutating func addToPath(_ x: Double, _ y: Double) {
        let point = state.ctm.apply(x: x, y: y)
        guard point.x.isFinite, point.y.isFinite else { return }
        if var box = pathBox {
            box.minX = min(box.minX, point.x)
            box.maxX = max(box.maxX, point.x)
            box.minY = min(box.minY, point.y)
            box.maxY = max(box.maxY, point.y)
            pathBox = box
        } else {
            pathBox = PDFRect(point.x, point.y, point.x, point.y)
        }
    }

    /// Ends the path; a pending `W` intersects the clip with the path's bounding box (exact for
    /// rectangles, which is what producers clip text with; generous for other shapes).
    private mutating func endPath() {
        if pendingClip, let box = pathBox { intersectClip(box) }
        pendingClip = false
        pathBox = nil
    }

    mutating func intersectClip(_ box: PDFRect) {
        if let clip = state.clip {
            if let overlap = clip.intersection(box) { state.clip = overlap } else { state.clippedOut = true }
        } else {
            state.clip = box
        }
    }

    // MARK: Fonts

    private mutating func font(named name: PDFName, in resources: inout ContentResources) throws(PDFError)
        -> TextFont?
    {
        guard let entry = resources.fonts?[name] else { return nil }
        if case .reference(let reference) = entry {
            if let cached = fonts.fonts[reference] { return cached }
            let font = try loadFont(entry)
            fonts.fonts[reference] = font
            return font
        }
        if let cached = resources.directFonts[name] { return cached }
        let font = try loadFont(entry)
        resources.directFonts[name] = font
        return font
    }

    /// A font, or nil when its dictionary is broken (its glyphs then count as unmapped); limits throw.
    private func loadFont(_ entry: PDFObject) throws(PDFError) -> TextFont? {
        do {
            guard let dictionary = try source.resolve(entry).dictionary else { return nil }
            return try TextFont.load(dictionary, source: source, limits: limits)
        } catch {
            if error.code == .limitExceeded { throw error }
            return nil
        }
    }

    // MARK: Operands

    static func matrix(_ operands: [PDFObject]) -> PDFMatrix? {
        guard operands.count >= 6 else { return nil }
        let base = operands.count - 6
        guard let a = operands[base].number, let b = operands[base + 1].number, let c = operands[base + 2].number,
            let d = operands[base + 3].number, let e = operands[base + 4].number, let f = operands[base + 5].number
        else { return nil }
        let matrix = PDFMatrix(a, b, c, d, e, f)
        guard [a, b, c, d, e, f].allSatisfy(\.isFinite) else { return nil }
        return matrix
    }

    static func pair(_ operands: [PDFObject]) -> (Double, Double)? {
        guard operands.count >= 2, let x = operands[operands.count - 2].number,
            let y = operands[operands.count - 1].number, x.isFinite, y.isFinite
        else { return nil }
        return (x, y)
    }
}

/// Operator codes as constants (`ContentOperator("BT")` packs the same bytes), so a `switch` compares
/// integers without initializing anything lazily.
extension ContentOperator {
    static let save = ContentOperator(code: 0x71)  // q
    static let restore = ContentOperator(code: 0x51)  // Q
    static let concat = ContentOperator(code: 0x636D)  // cm
    static let beginText = ContentOperator(code: 0x4254)  // BT
    static let endText = ContentOperator(code: 0x4554)  // ET
    static let setFont = ContentOperator(code: 0x5466)  // Tf
    static let setTextMatrix = ContentOperator(code: 0x546D)  // Tm
    static let moveText = ContentOperator(code: 0x5464)  // Td
    static let moveTextSetLeading = ContentOperator(code: 0x5444)  // TD
    static let nextLine = ContentOperator(code: 0x542A)  // T*
    static let setLeading = ContentOperator(code: 0x544C)  // TL
    static let setCharacterSpacing = ContentOperator(code: 0x5463)  // Tc
    static let setWordSpacing = ContentOperator(code: 0x5477)  // Tw
    static let setHorizontalScale = ContentOperator(code: 0x547A)  // Tz
    static let setRise = ContentOperator(code: 0x5473)  // Ts
    static let setRenderMode = ContentOperator(code: 0x5472)  // Tr
    static let showText = ContentOperator(code: 0x546A)  // Tj
    static let showArray = ContentOperator(code: 0x544A)  // TJ
    static let nextLineShow = ContentOperator(code: 0x27)  // '
    static let nextLineShowSpaced = ContentOperator(code: 0x22)  // "
    static let drawXObject = ContentOperator(code: 0x446F)  // Do
    static let rectangle = ContentOperator(code: 0x7265)  // re
    static let moveTo = ContentOperator(code: 0x6D)  // m
    static let lineTo = ContentOperator(code: 0x6C)  // l
    static let curveTo = ContentOperator(code: 0x63)  // c
    static let curveToV = ContentOperator(code: 0x76)  // v
    static let curveToY = ContentOperator(code: 0x79)  // y
    static let clip = ContentOperator(code: 0x57)  // W
    static let clipEvenOdd = ContentOperator(code: 0x572A)  // W*
    static let endPath = ContentOperator(code: 0x6E)  // n
    static let stroke = ContentOperator(code: 0x53)  // S
    static let closeStroke = ContentOperator(code: 0x73)  // s
    static let fill = ContentOperator(code: 0x66)  // f
    static let fillObsolete = ContentOperator(code: 0x46)  // F
    static let fillEvenOdd = ContentOperator(code: 0x662A)  // f*
    static let fillStroke = ContentOperator(code: 0x42)  // B
    static let fillStrokeEvenOdd = ContentOperator(code: 0x422A)  // B*
    static let closeFillStroke = ContentOperator(code: 0x62)  // b
    static let closeFillStrokeEvenOdd = ContentOperator(code: 0x622A)  // b*
    static let beginMarkedContentProperties = ContentOperator(code: 0x424443)  // BDC
    static let beginMarkedContent = ContentOperator(code: 0x424D43)  // BMC
    static let endMarkedContent = ContentOperator(code: 0x454D43)  // EMC
}
