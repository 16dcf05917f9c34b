/// `Do` (ISO 32000-1, 8.10): a Form XObject is interpreted in place, with its `/Matrix` concatenated to
/// the CTM, its `/BBox` as a clip, and its `/Resources` (the parent's when it has none). Images and
/// PostScript XObjects hold no text.
///
/// A form drawn twice is interpreted twice. A form that draws itself, directly or through others, is
/// a cycle: the inner `Do` is skipped. Nesting is bounded by ``ContentInterpreter/maxFormDepth`` and
/// ``PDFLimits/maxNestingDepth``, and every operator of every form counts against
/// ``PDFLimits/maxOperatorsPerPage``.
extension ContentInterpreter {
    mutating func drawXObject(named name: PDFName, resources: ContentResources) throws(PDFError) {
        guard let entry = resources.xObjects?[name] else { return }
        let reference = entry.reference
        if let reference, formStack.contains(reference) { return }
        guard formDepth < min(Self.maxFormDepth, limits.maxNestingDepth) else { return }
        let object: PDFObject
        do {
            object = try source.resolve(entry)
        } catch {
            if error.code == .limitExceeded { throw error }
            return
        }
        guard case .stream(let stream) = object, stream.dictionary["Subtype"]?.name == "Form" else { return }
        guard let data = try TextFont.streamData(stream, source: source) else { return }
        let dictionary = stream.dictionary
        let formResources = try? source.value(dictionary, "Resources")?.dictionary

        let savedState = state
        let savedStack = stack.count
        let savedFloor = stackFloor
        let savedOverflow = overflowDepth
        let savedText = (textMatrix, lineMatrix)
        defer {
            state = savedState
            stack.removeSubrange(min(savedStack, stack.count)...)
            stackFloor = savedFloor
            overflowDepth = savedOverflow
            (textMatrix, lineMatrix) = savedText
        }
        stackFloor = stack.count
        if let matrixArray = (try? source.value(dictionary, "Matrix"))?.array,
            let matrix = Self.matrix(matrixArray.map { (try? source.resolve($0)) ?? .null })
        {
            state.ctm = matrix.concatenating(state.ctm)
        }
        if let boxArray = (try? source.value(dictionary, "BBox"))?.array, boxArray.count == 4 {
            let numbers = boxArray.compactMap { (try? source.resolve($0))?.number }
            if numbers.count == 4 {
                var box: PDFRect?
                for (x, y) in [
                    (numbers[0], numbers[1]), (numbers[2], numbers[1]), (numbers[0], numbers[3]),
                    (numbers[2], numbers[3]),
                ] {
                    let point = state.ctm.apply(x: x, y: y)
                    box =
                        box.map {
                            PDFRect(
                                min($0.minX, point.x), min($0.minY, point.y), max($0.maxX, point.x),
                                max($0.maxY, point.y))
                        } ?? PDFRect(point.x, point.y, point.x, point.y)
                }
                if let box { intersectClip(box) }
            }
        }
        if let reference { formStack.append(reference) }
        formDepth += 1
        defer {
            formDepth -= 1
            if reference != nil { formStack.removeLast() }
        }
        try run(content: data, resources: formResources ?? resources.dictionary)
    }
}
