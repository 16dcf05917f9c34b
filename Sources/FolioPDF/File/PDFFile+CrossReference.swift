extension PDFFile {
    /// One cross-reference section: its entries and its trailer (a table's `trailer`, or a stream's
    /// dictionary).
    struct CrossReferenceSection {
        var entries: [Int: PDFCrossReferenceEntry] = [:]
        var trailer = PDFDictionary()
    }

    /// The `/Prev` chain is followed at most this far (a loop stops it earlier).
    static let maxCrossReferenceSections = 10_000

    /// Reads the cross-reference from `startxref` through the `/Prev` chain (7.5.4–7.5.8), newest
    /// first: the newest entry for an object wins, and the trailer keeps the newest value of each key.
    ///
    /// - Throws: ``PDFError/Code/malformed`` when a section cannot be read (the caller then recovers);
    ///   ``PDFError/Code/limitExceeded`` past ``PDFLimits/maxObjects``.
    func readCrossReference() throws(PDFError) {
        guard let keyword = PDFLexer.lastIndex(of: "startxref", in: bytes, before: bytes.count) else {
            throw PDFError(.malformed, "no startxref")
        }
        var lexer = PDFLexer(bytes: bytes, position: keyword + 9)
        guard case .integer(let start) = lexer.next() else {
            throw PDFError(.malformed, "startxref is not followed by an offset", byteOffset: keyword)
        }
        var pending = [start]
        var visited = Set<Int>()
        var entries: [Int: PDFCrossReferenceEntry] = [:]
        var merged = PDFDictionary()
        var isNewest = true
        while let offset = pending.popLast() {
            guard visited.insert(offset).inserted else { continue }  // a /Prev loop: stop following it
            guard visited.count <= Self.maxCrossReferenceSections else { break }
            let section: CrossReferenceSection
            do {
                section = try readSection(at: offset)
            } catch {
                // An older section that cannot be read ends the chain: what the newer sections
                // leave out is found by the scan, object by object. The newest must be readable.
                if isNewest || error.code == .limitExceeded { throw error }
                break
            }
            for (number, entry) in section.entries where entries[number] == nil {
                entries[number] = entry
            }
            guard entries.count <= limits.maxObjects else {
                throw PDFError.limit(
                    "maxObjects", limits.maxObjects,
                    "the cross-reference declares more than \(limits.maxObjects) objects")
            }
            for (key, value) in section.trailer.entries where merged.entries[key] == nil {
                if !isNewest && (key == "Prev" || key == "XRefStm") { continue }
                merged.entries[key] = value
            }
            isNewest = false
            if let previous = section.trailer["Prev"]?.integer { pending.append(previous) }
        }
        crossReference = entries
        trailer = merged
    }

    /// The section at `offset` (counted from the header; the raw offset is tried too): a table with its
    /// trailer (and the stream of a hybrid file's `/XRefStm`), or a cross-reference stream.
    func readSection(at offset: Int) throws(PDFError) -> CrossReferenceSection {
        var firstError: PDFError?
        for candidate in Set([offset + headerOffset, offset]).sorted(by: >) {
            do throws(PDFError) {
                if let section = try readSection(atAbsolute: candidate) { return section }
            } catch {
                if error.code == .limitExceeded { throw error }
                firstError = firstError ?? error
            }
        }
        throw firstError ?? PDFError(.malformed, "no cross-reference section at byte \(offset)", byteOffset: offset)
    }

    private func readSection(atAbsolute offset: Int) throws(PDFError) -> CrossReferenceSection? {
        guard offset >= 0 && offset < bytes.count else { return nil }
        var parser = PDFParser(bytes: bytes, position: offset, limits: limits)
        switch parser.peekToken() {
        case .keyword(.xref):
            _ = parser.nextToken()
            var section = try readTable(&parser, at: offset)
            if let streamOffset = section.trailer["XRefStm"]?.integer,
                let stream = try? readSection(at: streamOffset)
            {
                // A hybrid file: the stream adds objects the table leaves out (or marks free).
                for (number, entry) in stream.entries {
                    switch section.entries[number] {
                    case nil, .free: section.entries[number] = entry
                    default: break
                    }
                }
            }
            return section
        case .integer:
            return try readCrossReferenceStream(&parser, at: offset)
        default:
            return nil
        }
    }

    /// A classic table (7.5.4) after `xref`: subsections of `first count` then entries, read as tokens,
    /// so entries of 19 or 21 bytes and stray white space do no harm. A subsection that says it starts
    /// at 1 but begins with the free head of the list (`0000000000 65535 f`) starts at 0, as writers
    /// meant.
    private func readTable(_ parser: inout PDFParser, at offset: Int) throws(PDFError) -> CrossReferenceSection {
        var section = CrossReferenceSection()
        var total = 0
        while true {
            let token = parser.nextToken()
            if case .keyword(.trailer) = token { break }
            guard case .integer(var first) = token, case .integer(let count) = parser.nextToken(), first >= 0,
                count >= 0
            else {
                throw PDFError(.malformed, "a cross-reference table has no trailer", byteOffset: offset)
            }
            total += count
            guard total <= limits.maxObjects else {
                throw PDFError.limit(
                    "maxObjects", limits.maxObjects,
                    "the cross-reference declares more than \(limits.maxObjects) objects",
                    byteOffset: offset)
            }
            for index in 0..<count {
                guard case .integer(let entryOffset) = parser.nextToken(),
                    case .integer(let generation) = parser.nextToken(),
                    case .keyword(.other(let range)) = parser.nextToken(), range.count == 1
                else {
                    throw PDFError(.malformed, "a cross-reference table entry is broken", byteOffset: parser.position)
                }
                let inUse = bytes[range.lowerBound] == 0x6E  // n
                guard inUse || bytes[range.lowerBound] == 0x66 else {  // f
                    throw PDFError(
                        .malformed, "a cross-reference table entry is neither n nor f", byteOffset: range.lowerBound)
                }
                if index == 0 && first == 1 && !inUse && entryOffset == 0 && generation == 65535 { first = 0 }
                let number = first + index
                if inUse && entryOffset > 0 {
                    section.entries[number] = .inFile(offset: entryOffset + headerOffset)
                } else {
                    section.entries[number] = .free
                }
            }
        }
        guard case .dictionary(let trailer) = try parser.parseObject() else {
            throw PDFError(.malformed, "the trailer is not a dictionary", byteOffset: parser.position)
        }
        section.trailer = trailer
        return section
    }

    /// A cross-reference stream (7.5.8): rows of `/W` byte widths (type, field 2, field 3) for the
    /// object ranges of `/Index` (default `[0 /Size]`). Cross-reference streams are never encrypted.
    private func readCrossReferenceStream(
        _ parser: inout PDFParser, at offset: Int
    ) throws(PDFError) -> CrossReferenceSection? {
        guard let reference = parser.parseIndirectHeader() else { return nil }
        let body = try parser.parseIndirectBody()
        guard let dataStart = body.streamDataStart, case .dictionary(let dictionary) = body.object else {
            throw PDFError(.malformed, "the cross-reference at byte \(offset) is not a stream", byteOffset: offset)
        }
        // The stream's /Length may be indirect; read it without the cross-reference being ready.
        var length = dictionary["Length"]?.integer
        if length == nil, let lengthReference = dictionary["Length"]?.reference {
            length = try? lengthOfUnreadyObject(lengthReference)
        }
        guard let widthsArray = dictionary["W"]?.array, widthsArray.count >= 3 else {
            throw PDFError(.malformed, "the cross-reference stream has no /W", byteOffset: offset)
        }
        let widths = widthsArray.prefix(3).map { $0.integer ?? -1 }
        guard widths.allSatisfy({ (0...8).contains($0) }), widths.reduce(0, +) > 0 else {
            throw PDFError(.malformed, "the cross-reference stream's /W is out of range", byteOffset: offset)
        }
        let size = dictionary["Size"]?.integer ?? 0
        var ranges: [(first: Int, count: Int)] = []
        if let index = dictionary["Index"]?.array {
            var cursor = 0
            while cursor + 1 < index.count {
                if let first = index[cursor].integer, let count = index[cursor + 1].integer, first >= 0, count >= 0 {
                    ranges.append((first, count))
                }
                cursor += 2
            }
        } else {
            ranges = [(0, max(size, 0))]
        }
        let stream = PDFStream(
            dictionary: dictionary, encoded: bytes[try streamRange(from: dataStart, length: length)],
            object: reference, byteOffset: dataStart)
        let data = try decodedData(of: stream, decrypt: false)

        var section = CrossReferenceSection(trailer: dictionary)
        let rowBytes = widths[0] + widths[1] + widths[2]
        var position = 0
        var total = 0
        func field(_ width: Int, default value: Int) -> Int {
            guard width > 0 else { return value }
            var result = 0
            for _ in 0..<width {
                result = result << 8 | Int(data[position])
                position += 1
            }
            return result
        }
        for range in ranges {
            for index in 0..<range.count {
                guard position + rowBytes <= data.count else { break }
                total += 1
                guard total <= limits.maxObjects else {
                    throw PDFError.limit(
                        "maxObjects", limits.maxObjects,
                        "the cross-reference declares more than \(limits.maxObjects) objects", byteOffset: offset)
                }
                let type = field(widths[0], default: 1)
                let second = field(widths[1], default: 0)
                let third = field(widths[2], default: 0)
                let number = range.first + index
                switch type {
                case 0: section.entries[number] = .free
                case 1: section.entries[number] = second > 0 ? .inFile(offset: second + headerOffset) : .free
                case 2: section.entries[number] = .compressed(stream: second, index: third)
                default: break  // unknown types are references to the null object
                }
            }
        }
        return section
    }

    /// The stream data range for a cross-reference stream (whose `/Length` must not need the
    /// cross-reference being read).
    private func streamRange(from start: Int, length: Int?) throws(PDFError) -> Range<Int> {
        if let length, length >= 0, length <= bytes.count - start {
            var cursor = start + length
            while cursor < bytes.count && PDFLexer.isWhitespace(bytes[cursor]) { cursor += 1 }
            if PDFLexer.matches("endstream", in: bytes, at: cursor) { return start..<(start + length) }
        }
        guard var end = PDFLexer.firstIndex(of: "endstream", in: bytes, from: start) else {
            throw PDFError(.malformed, "the cross-reference stream has no endstream", byteOffset: start)
        }
        if end > start && bytes[end - 1] == 0x0A { end -= 1 }
        if end > start && bytes[end - 1] == 0x0D { end -= 1 }
        return start..<end
    }

    /// An integer object (a stream's `/Length`) found by scanning, for when the cross-reference is
    /// still being read.
    private func lengthOfUnreadyObject(_ reference: PDFReference) throws(PDFError) -> Int? {
        for offset in (recoveryScan().objects[reference.number] ?? []).reversed() {
            var parser = PDFParser(bytes: bytes, position: offset, limits: limits)
            guard parser.parseIndirectHeader()?.number == reference.number else { continue }
            if let value = try parser.parseIndirectBody().object.integer { return value }
        }
        return nil
    }
}
