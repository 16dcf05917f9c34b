/// Showing text (ISO 32000-1, 9.4): each glyph is placed by the text rendering matrix
/// `[Tfs·Th 0 0 Tfs 0 Ts] × Tm × CTM`, then the text matrix advances by
/// `tx = (w0·Tfs + Tc + Tw) · Th` (`Tw` for the single-byte code 32 only).
extension ContentInterpreter {
    mutating func moveText(_ tx: Double, _ ty: Double) {
        lineMatrix = PDFMatrix(1, 0, 0, 1, tx, ty).concatenating(lineMatrix)
        textMatrix = lineMatrix
    }

    mutating func showArray(_ array: [PDFObject]) {
        for element in array {
            switch element {
            case .string(let bytes):
                show(bytes)
            case .integer, .real:
                // A number moves the next glyph left by number/1000 text-space units (right when negative).
                let amount = -(element.number ?? 0) / 1000 * state.fontSize
                guard amount.isFinite else { continue }
                if state.font?.isVertical ?? false {
                    textMatrix = PDFMatrix(1, 0, 0, 1, 0, amount).concatenating(textMatrix)
                } else {
                    textMatrix = PDFMatrix(1, 0, 0, 1, amount * state.horizontalScale, 0).concatenating(textMatrix)
                }
            default:
                continue
            }
        }
    }

    mutating func show(_ bytes: [UInt8]) {
        guard let font = state.font else {
            // No usable font: the codes' lengths and widths are unknown; every byte counts as unmapped.
            if !state.clippedOut { unmappedGlyphCount += bytes.count }
            return
        }
        let size = state.fontSize
        let scale = state.horizontalScale
        let rise = state.rise
        let toUser = textMatrix.concatenating(state.ctm)
        // Text space vectors in user space: along the baseline (unit) and up (one font size).
        let along = Self.vector(toUser, font.isVertical ? 0 : 1, font.isVertical ? -1 : 0)
        let up = Self.vector(toUser, 0, size * font.emScale)
        let alongDisplay = Self.vector(display, along.x, along.y)
        let alongLength = (alongDisplay.x * alongDisplay.x + alongDisplay.y * alongDisplay.y).squareRoot()
        guard alongLength > 0, alongLength.isFinite else { return }
        let direction = (x: alongDisplay.x / alongLength, y: alongDisplay.y / alongLength)
        let renderedSize = (up.x * up.x + up.y * up.y).squareRoot()
        let spaceWidth = font.spaceWidth.map { $0 * font.glyphScale * size * scale * alongLength }
        var advance = 0.0
        var index = 0
        while index < bytes.count {
            let (code, byteCount) = font.code(in: bytes, at: index)
            index += byteCount
            let isSpaceCode = byteCount == 1 && code == 32
            let glyphWidth: Double
            let step: Double
            if font.isVertical {
                glyphWidth = size * font.emScale
                step = glyphWidth + state.characterSpacing + (isSpaceCode ? state.wordSpacing : 0)
            } else {
                glyphWidth = (font.width(of: code) * font.glyphScale * size + state.characterSpacing) * scale
                step = glyphWidth + (isSpaceCode ? state.wordSpacing * scale : 0)
            }
            let originText = font.isVertical ? (x: 0.0, y: -advance) : (x: advance, y: rise)
            let endText = font.isVertical ? (x: 0.0, y: -advance - glyphWidth) : (x: advance + glyphWidth, y: rise)
            advance += step
            let origin = toUser.apply(x: originText.x, y: originText.y)
            let end = toUser.apply(x: endText.x, y: endText.y)
            guard isVisible(origin: origin, end: end, up: up) else { continue }
            let start = assembler.scalars.count
            guard font.appendUnicode(of: code, byteCount: byteCount, to: &assembler.scalars) else {
                unmappedGlyphCount += 1
                continue
            }
            let displayOrigin = display.apply(x: origin.x, y: origin.y)
            let displayEnd = display.apply(x: end.x, y: end.y)
            let glyph = PlacedGlyph(
                x: displayOrigin.x, y: displayOrigin.y, endX: displayEnd.x, endY: displayEnd.y,
                directionX: direction.x, directionY: direction.y, size: renderedSize,
                spaceWidth: spaceWidth ?? renderedSize * TextAssembler.fallbackSpaceWidth,
                scalarStart: start, scalarEnd: assembler.scalars.count, isBold: font.isBold)
            if actualText != nil {
                captureActualText(glyph)
            } else {
                assembler.add(glyph)
            }
        }
        if font.isVertical {
            textMatrix = PDFMatrix(1, 0, 0, 1, 0, -advance).concatenating(textMatrix)
        } else {
            textMatrix = PDFMatrix(1, 0, 0, 1, advance, 0).concatenating(textMatrix)
        }
    }

    /// A glyph is visible when the middle of its box (half its advance along, a third of an em up) lies
    /// inside the CropBox and the clip.
    private func isVisible(
        origin: (x: Double, y: Double), end: (x: Double, y: Double), up: (x: Double, y: Double)
    ) -> Bool {
        if state.clippedOut { return false }
        let x = (origin.x + end.x) / 2 + up.x * 0.33
        let y = (origin.y + end.y) / 2 + up.y * 0.33
        guard x.isFinite, y.isFinite, cropBox.contains(x: x, y: y, tolerance: 1) else { return false }
        if let clip = state.clip, !clip.contains(x: x, y: y, tolerance: 0.5) { return false }
        return true
    }

    static func vector(_ matrix: PDFMatrix, _ x: Double, _ y: Double) -> (x: Double, y: Double) {
        (matrix.a * x + matrix.c * y, matrix.b * x + matrix.d * y)
    }

    // MARK: Marked content and /ActualText

    mutating func beginMarkedContent(properties: PDFObject?, resources: ContentResources) {
        guard markedContent.count < limits.maxNestingDepth else {
            markedContent.append(false)
            return
        }
        var dictionary: PDFDictionary?
        switch properties {
        case .dictionary(let inline): dictionary = inline
        case .name(let name):
            if let entry = resources.properties?[name] { dictionary = (try? source.resolve(entry))?.dictionary }
        default: break
        }
        if actualText == nil, let dictionary, case .string(let bytes)? = (try? source.value(dictionary, "ActualText")) {
            actualText = ActualTextCapture(scalars: PDFTextString.scalars(bytes))
            markedContent.append(true)
        } else {
            markedContent.append(false)
        }
    }

    mutating func endMarkedContent() {
        guard let startedActualText = markedContent.popLast(), startedActualText,
            let capture = actualText
        else { return }
        actualText = nil
        guard var glyph = capture.first, !capture.scalars.isEmpty else { return }
        glyph.endX = capture.endX
        glyph.endY = capture.endY
        glyph.scalarStart = assembler.scalars.count
        assembler.scalars += capture.scalars
        glyph.scalarEnd = assembler.scalars.count
        assembler.add(glyph)
    }

    /// Glyphs inside an `/ActualText` span are replaced by its text, placed where they were drawn.
    private mutating func captureActualText(_ glyph: PlacedGlyph) {
        assembler.scalars.removeSubrange(glyph.scalarStart...)
        if actualText?.first == nil { actualText?.first = glyph }
        actualText?.endX = glyph.endX
        actualText?.endY = glyph.endY
    }
}

/// The glyphs of an `/ActualText` span: where they start and end, and the text that replaces them.
struct ActualTextCapture {
    var scalars: [Unicode.Scalar]
    var first: PlacedGlyph?
    var endX = 0.0
    var endY = 0.0
}

/// PDF text strings (ISO 32000-1, 7.9.2.2): UTF-16BE with a byte order mark, UTF-8 with one (PDF 2.0),
/// else PDFDocEncoding.
enum PDFTextString {
    static func scalars(_ bytes: [UInt8]) -> [Unicode.Scalar] {
        if bytes.count >= 2, bytes[0] == 0xFE, bytes[1] == 0xFF {
            return CMap.utf16BEScalars(Array(bytes[2...])) ?? []
        }
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            return Array(String(decoding: bytes[3...], as: UTF8.self).unicodeScalars)
        }
        let names = FontTables.Encoding.pdfDoc.glyphNames
        var result: [Unicode.Scalar] = []
        for byte in bytes {
            if let name = names[Int(byte)], let scalars = FontTables.unicode(forGlyphName: name) {
                result += scalars
            } else if byte == 0x09 || byte == 0x0A || byte == 0x0D {
                result.append(" ")
            }
        }
        return result
    }
}
