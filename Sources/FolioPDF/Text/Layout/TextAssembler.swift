// Performance notes
//
// Glyphs are plain values in one array, their text in one shared `[Unicode.Scalar]` buffer; a `String`
// is built once per line. Overprint detection probes four slots of a fixed 65,536-entry table (256 KB,
// cache-resident): the first version kept every glyph in a `[UInt64: Int]` dictionary and spent 43 %
// of a 10 MB text page in hash lookups that missed the cache (7.4 s to interpret; 1.9 s now). Line
// grouping compares a glyph with the current line and at most `lineLookback` earlier ones; lines are
// sorted only when the page needs it. Everything is O(glyphs), that sort aside.
// The table is lossy by design: a glyph whose slot a later glyph took is forgotten, so an overprint
// drawn tens of thousands of glyphs after its original, or among same-character glyphs closer than
// 2 pt (never in real text), can be missed and kept twice.

/// A shown glyph in the page's displayed space (points, y down): where its advance starts and ends,
/// the baseline direction, and its Unicode text in ``TextAssembler/scalars``.
struct PlacedGlyph {
    var x, y: Double
    var endX, endY: Double
    /// The unit vector of the baseline, in displayed space.
    var directionX, directionY: Double
    /// The rendered font size.
    var size: Double
    /// The font's space width, rendered (an estimate when the font has no space glyph).
    var spaceWidth: Double
    var scalarStart: Int
    var scalarEnd: Int
    var isBold: Bool
    /// Drawn again at (nearly) the same place: fake bold.
    var overprinted = false
}

/// Turns placed glyphs into lines of text, as a reader expects them.
///
/// 1. Overprints (the same text drawn again less than ``overprintDistance`` away, the way producers fake
///    bold) are kept once and mark the glyph bold.
/// 2. Glyphs join the current line while their baseline stays within ``baselineTolerance`` of its font
///    size and their direction is the line's; else they join a recent line on the same baseline whose
///    extent they do not overlap (text drawn out of order), or start a new line. Rotated and vertical
///    text makes lines of its own.
/// 3. Within a line, runs of glyphs that move forward are sorted by position; a space goes where the gap
///    between two glyphs exceeds ``wordGapFraction`` of the font's space width, whether or not the
///    producer drew one, and nowhere else (kerning never splits a word).
/// 4. Lines stay in content-stream order, unless the stream goes back up the page within the same
///    column by a clear margin (a header drawn last): then lines are sorted top to bottom.
struct TextAssembler {
    /// A font's space width when it has no space glyph, in em.
    static let fallbackSpaceWidth = 0.25
    /// A gap wider than this fraction of the space width is a word break.
    static let wordGapFraction = 0.4
    /// A baseline further than this fraction of the font size from the line's starts a new line.
    static let baselineTolerance = 0.5
    /// Lines on the same baseline merge when their baselines are this close (fraction of the font size).
    static let sameBaselineTolerance = 0.2
    static let lineLookback = 8
    static let overprintDistance = 1.0
    /// Lines going back up by more than this many font sizes are out of order.
    static let backwardMargin = 1.5
    static let maxSortedJumps = 64

    var scalars: [Unicode.Scalar] = []
    private(set) var glyphs: [PlacedGlyph] = []

    // MARK: Overprints

    /// Recent glyphs by (first scalar, 1-pt cell): a fixed-size table where a newer glyph overwrites an
    /// older one in the same slot, so it remembers about the last page's worth of glyphs and stays in
    /// cache. Overprints come right after what they repeat, so forgetting older glyphs loses nothing real.
    private var overprintSlots = [Int32](repeating: -1, count: TextAssembler.overprintSlotCount)
    static let overprintSlotCount = 1 << 16

    mutating func add(_ glyph: PlacedGlyph) {
        guard glyph.scalarEnd > glyph.scalarStart, glyph.x.isFinite, glyph.y.isFinite,
            glyphs.count < Int(Int32.max)
        else { return }
        let first = scalars[glyph.scalarStart].value
        // Cells are 2 pt: a glyph less than 1 pt away lies in this cell or the neighbour on the nearer side.
        let (cellX, otherX) = Self.cells(glyph.x)
        let (cellY, otherY) = Self.cells(glyph.y)
        for probeX in [cellX, otherX] {
            for probeY in [cellY, otherY] {
                let index = Int(overprintSlots[Self.slot(first, probeX, probeY)])
                guard index >= 0 else { continue }
                let other = glyphs[index]
                if abs(other.x - glyph.x) < Self.overprintDistance && abs(other.y - glyph.y) < Self.overprintDistance
                    && abs(other.size - glyph.size) < 0.5
                    && scalars[other.scalarStart..<other.scalarEnd].elementsEqual(
                        scalars[glyph.scalarStart..<glyph.scalarEnd])
                {
                    glyphs[index].overprinted = true
                    scalars.removeSubrange(glyph.scalarStart...)
                    return
                }
            }
        }
        overprintSlots[Self.slot(first, cellX, cellY)] = Int32(glyphs.count)
        glyphs.append(glyph)
    }

    /// The 2-pt cell holding `value`, and its neighbour on the side `value` is nearer to.
    private static func cells(_ value: Double) -> (Int, Int) {
        let scaled = max(-1_000_000, min(1_000_000, value)) / 2
        let cell = Int(scaled.rounded(.down))
        return (cell, scaled - Double(cell) < 0.5 ? cell - 1 : cell + 1)
    }

    /// A multiplicative hash of the scalar and the cell, reduced to a slot.
    private static func slot(_ scalar: UInt32, _ x: Int, _ y: Int) -> Int {
        var hash = UInt64(scalar) &* 0x9E37_79B9_7F4A_7C15
        hash ^= UInt64(UInt32(truncatingIfNeeded: x)) &* 0xC2B2_AE3D_27D4_EB4F
        hash ^= UInt64(UInt32(truncatingIfNeeded: y)) &* 0x1656_67B1_9E37_79F9
        hash ^= hash >> 29
        return Int(truncatingIfNeeded: hash) & (overprintSlotCount - 1)
    }

    // MARK: Lines

    /// Glyphs that share a baseline and direction, in the order they were drawn.
    struct LineGroup {
        var members: [Int]
        var originX, originY: Double
        var directionX, directionY: Double
        var maxSize: Double
        var minAlong: Double
        var maxAlong: Double

        func along(_ x: Double, _ y: Double) -> Double { (x - originX) * directionX + (y - originY) * directionY }
        func across(_ x: Double, _ y: Double) -> Double { (x - originX) * directionY - (y - originY) * directionX }
    }

    func pageText(number: Int) -> PDFPageText {
        let groups = groupLines()
        var lines: [PDFTextLine] = []
        lines.reserveCapacity(groups.count)
        var starts: [(y: Double, size: Double, minX: Double, maxX: Double, horizontal: Bool)] = []
        for group in groups {
            guard let line = makeLine(group) else { continue }
            lines.append(line)
            let horizontal = group.directionX > 0.995
            starts.append((line.y, line.fontSize, line.x, line.x + line.width, horizontal))
        }
        if needsSorting(starts) {
            let order = lines.indices.sorted { left, right in
                lines[left].y != lines[right].y ? lines[left].y < lines[right].y : left < right
            }
            lines = order.map { lines[$0] }
        }
        return PDFPageText(number: number, lines: lines, glyphCount: glyphs.count)
    }

    private func groupLines() -> [LineGroup] {
        var groups: [LineGroup] = []
        var current = -1
        for (index, glyph) in glyphs.enumerated() {
            if current >= 0, fits(glyph, groups[current], tolerance: Self.baselineTolerance) {
                append(index, to: &groups[current])
                continue
            }
            var found = -1
            var candidate = groups.count - 1
            while candidate >= max(0, groups.count - Self.lineLookback) {
                if candidate != current, fits(glyph, groups[candidate], tolerance: Self.sameBaselineTolerance) {
                    let group = groups[candidate]
                    let start = group.along(glyph.x, glyph.y)
                    let end = group.along(glyph.endX, glyph.endY)
                    let slack = glyph.size * 0.1
                    if start >= group.maxAlong - slack || end <= group.minAlong + slack {
                        found = candidate
                        break
                    }
                }
                candidate -= 1
            }
            if found >= 0 {
                append(index, to: &groups[found])
                current = found
                continue
            }
            groups.append(
                LineGroup(
                    members: [index], originX: glyph.x, originY: glyph.y, directionX: glyph.directionX,
                    directionY: glyph.directionY, maxSize: glyph.size, minAlong: 0,
                    maxAlong: (glyph.endX - glyph.x) * glyph.directionX + (glyph.endY - glyph.y) * glyph.directionY))
            current = groups.count - 1
        }
        return groups
    }

    private func fits(_ glyph: PlacedGlyph, _ group: LineGroup, tolerance: Double) -> Bool {
        guard glyph.directionX * group.directionX + glyph.directionY * group.directionY > 0.995 else { return false }
        return abs(group.across(glyph.x, glyph.y)) <= tolerance * max(glyph.size, group.maxSize)
    }

    private func append(_ index: Int, to group: inout LineGroup) {
        let glyph = glyphs[index]
        group.members.append(index)
        group.maxSize = max(group.maxSize, glyph.size)
        group.minAlong = min(group.minAlong, group.along(glyph.x, glyph.y))
        group.maxAlong = max(group.maxAlong, group.along(glyph.endX, glyph.endY))
    }

    // MARK: Text of a line

    private func makeLine(_ group: LineGroup) -> PDFTextLine? {
        // Runs: maximal sequences that move forward (small overlaps from kerning allowed).
        var runs: [(start: Double, members: ArraySlice<Int>)] = []
        var runStart = 0
        var runEnd = -Double.infinity
        let members = group.members
        for (position, index) in members.enumerated() {
            let glyph = glyphs[index]
            let start = group.along(glyph.x, glyph.y)
            if position > runStart && start < runEnd - 0.5 * glyph.size {
                runs.append(
                    (
                        group.along(glyphs[members[runStart]].x, glyphs[members[runStart]].y),
                        members[runStart..<position]
                    ))
                runStart = position
            }
            runEnd = group.along(glyph.endX, glyph.endY)
        }
        runs.append(
            (
                group.along(glyphs[members[runStart]].x, glyphs[members[runStart]].y),
                members[runStart..<members.count]
            ))
        if runs.count > 1 {
            runs = runs.enumerated().sorted { left, right in
                left.element.start != right.element.start
                    ? left.element.start < right.element.start : left.offset < right.offset
            }.map(\.element)
        }

        var text = String.UnicodeScalarView()
        var pendingSpace = false
        var first: PlacedGlyph?
        var lastEnd = 0.0
        var previous: PlacedGlyph?
        var previousEnd = 0.0
        var sizeCounts: [Double: Int] = [:]
        var boldCount = 0
        var visibleCount = 0
        for run in runs {
            var runFirst = true
            for index in run.members {
                let glyph = glyphs[index]
                let start = group.along(glyph.x, glyph.y)
                let end = group.along(glyph.endX, glyph.endY)
                if let previous {
                    let gap = start - previousEnd
                    if gap > Self.wordGapFraction * min(previous.spaceWidth, glyph.spaceWidth)
                        || (runFirst && gap < -0.5 * glyph.size)
                    {
                        pendingSpace = true
                    }
                }
                runFirst = false
                previous = glyph
                previousEnd = max(end, start)
                for scalar in scalars[glyph.scalarStart..<glyph.scalarEnd] {
                    if Self.isSpace(scalar) {
                        pendingSpace = true
                        continue
                    }
                    if pendingSpace && !text.isEmpty { text.append(" ") }
                    pendingSpace = false
                    text.append(scalar)
                }
                if !Self.isSpace(scalars[glyph.scalarStart]) || glyph.scalarEnd - glyph.scalarStart > 1 {
                    if first == nil { first = glyph }
                    lastEnd = max(lastEnd, end)
                    visibleCount += 1
                    sizeCounts[(glyph.size * 2).rounded() / 2, default: 0] += 1
                    if glyph.isBold || glyph.overprinted { boldCount += 1 }
                }
            }
        }
        guard !text.isEmpty, let first else { return nil }
        let dominantSize = sizeCounts.max { $0.value != $1.value ? $0.value < $1.value : $0.key < $1.key }?.key
        return PDFTextLine(
            text: String(text), x: first.x, y: first.y, width: max(0, lastEnd - group.along(first.x, first.y)),
            fontSize: dominantSize ?? first.size, isBold: boldCount * 2 >= visibleCount)
    }

    private static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20, 0x09, 0x0A, 0x0D, 0xA0, 0x2000...0x200B, 0x3000: true
        default: false
        }
    }

    // MARK: Order

    /// Whether the stream goes back up the page by a clear margin onto text in the same column: a line
    /// more than ``backwardMargin`` font sizes above its predecessor that overlaps horizontally a line it
    /// jumps over. Columns (a jump to text beside the lines it passes) keep stream order.
    private func needsSorting(
        _ lines: [(y: Double, size: Double, minX: Double, maxX: Double, horizontal: Bool)]
    ) -> Bool {
        var jumps = 0
        for index in lines.indices.dropFirst() where lines[index].horizontal {
            let line = lines[index]
            let previous = lines[index - 1]
            guard line.y < previous.y - Self.backwardMargin * max(line.size, previous.size) else { continue }
            jumps += 1
            if jumps > Self.maxSortedJumps { return false }
            for earlier in lines[..<index] where earlier.horizontal && earlier.y > line.y && earlier.y <= previous.y {
                if earlier.minX < line.maxX && line.minX < earlier.maxX { return true }
            }
        }
        return false
    }
}
