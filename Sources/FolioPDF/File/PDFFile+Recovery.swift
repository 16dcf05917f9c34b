/// What one pass over the whole file finds when its cross-reference is missing or broken: every
/// `N G obj` (each definition, in file order), every `trailer`, and the objects whose dictionaries
/// say `/XRef` or `/ObjStm`.
///
/// - Complexity: O(*n*) in the file's size: one pass, looking back a few bytes at each `obj`.
struct PDFRecoveryScan {
    /// Object number → byte offsets of its `N G obj` definitions, in file order.
    var objects: [Int: [Int]] = [:]
    /// Offsets just after each `trailer` keyword.
    var trailers: [Int] = []
    /// Offsets of objects that look like cross-reference streams (`/Type /XRef`).
    var crossReferenceStreams: [Int] = []
    /// Numbers of objects that look like object streams (`/Type /ObjStm`).
    var objectStreams: [Int] = []

    /// `/XRef` or `/ObjStm` counts for the last object when it is at most this far after its `obj`.
    static let dictionaryReach = 4096

    init(bytes: [UInt8]) {
        let count = bytes.count
        var index = 0
        var last: (number: Int, offset: Int, body: Int)?
        while index < count {
            switch bytes[index] {
            case 0x6F:  // o
                if index + 2 < count, bytes[index + 1] == 0x62, bytes[index + 2] == 0x6A,
                    index + 3 == count || !PDFLexer.isRegular(bytes[index + 3]),
                    let header = Self.header(in: bytes, before: index)
                {
                    objects[header.number, default: []].append(header.offset)
                    last = (header.number, header.offset, index + 3)
                    index += 3
                    continue
                }
            case 0x74:  // t
                if PDFLexer.matches("trailer", in: bytes, at: index),
                    index + 7 == count || !PDFLexer.isRegular(bytes[index + 7])
                {
                    trailers.append(index + 7)
                    index += 7
                    continue
                }
            case 0x2F:  // /
                if let object = last, index - object.body <= Self.dictionaryReach {
                    if PDFLexer.matches("/XRef", in: bytes, at: index),
                        index + 5 == count || !PDFLexer.isRegular(bytes[index + 5])
                    {
                        crossReferenceStreams.append(object.offset)
                        last = nil
                    } else if PDFLexer.matches("/ObjStm", in: bytes, at: index),
                        index + 7 == count || !PDFLexer.isRegular(bytes[index + 7])
                    {
                        objectStreams.append(object.number)
                        last = nil
                    }
                }
            default:
                break
            }
            index += 1
        }
    }

    /// `N G` before the `obj` at `keyword`: white space, 1–5 digits, white space, 1–10 digits.
    private static func header(in bytes: [UInt8], before keyword: Int) -> (number: Int, offset: Int)? {
        var cursor = keyword - 1
        guard cursor >= 0, PDFLexer.isWhitespace(bytes[cursor]) else { return nil }
        while cursor >= 0 && PDFLexer.isWhitespace(bytes[cursor]) { cursor -= 1 }
        let generationEnd = cursor
        while cursor >= 0 && PDFLexer.isDigit(bytes[cursor]) { cursor -= 1 }
        guard (1...5).contains(generationEnd - cursor), cursor >= 0, PDFLexer.isWhitespace(bytes[cursor]) else {
            return nil
        }
        while cursor >= 0 && PDFLexer.isWhitespace(bytes[cursor]) { cursor -= 1 }
        let numberEnd = cursor
        while cursor >= 0 && PDFLexer.isDigit(bytes[cursor]) { cursor -= 1 }
        guard (1...10).contains(numberEnd - cursor) else { return nil }
        var number = 0
        for digit in bytes[(cursor + 1)...numberEnd] { number = number * 10 + Int(digit - 0x30) }
        return (number, cursor + 1)
    }
}

extension PDFFile {
    /// The scan of the whole file, made once when first needed.
    func recoveryScan() -> PDFRecoveryScan {
        if let scan { return scan }
        let made = PDFRecoveryScan(bytes: bytes)
        scan = made
        return made
    }

    /// Rebuilds the cross-reference from the scan: each object's last definition, and the trailer
    /// of the last `trailer` or cross-reference stream that names a `/Root` (its `/Encrypt`, `/ID`
    /// and `/Info` too, or the latest found elsewhere).
    ///
    /// - Throws: ``PDFError/Code/limitExceeded`` past ``PDFLimits/maxObjects``.
    func recoverCrossReference() throws(PDFError) {
        let scan = recoveryScan()
        wasRecovered = true
        guard scan.objects.count <= limits.maxObjects else {
            throw PDFError.limit(
                "maxObjects", limits.maxObjects, "the file defines more than \(limits.maxObjects) objects")
        }
        var entries: [Int: PDFCrossReferenceEntry] = [:]
        for (number, offsets) in scan.objects {
            if let offset = offsets.last { entries[number] = .inFile(offset: offset) }
        }
        crossReference = entries
        objectCache.removeAll()
        objectStreamCache.removeAll()

        var candidates: [(offset: Int, dictionary: PDFDictionary)] = []
        for offset in scan.trailers {
            var parser = PDFParser(bytes: bytes, position: offset, limits: limits)
            if case .dictionary(let dictionary)? = try? parser.parseObject() { candidates.append((offset, dictionary)) }
        }
        for offset in scan.crossReferenceStreams {
            var parser = PDFParser(bytes: bytes, position: offset, limits: limits)
            guard parser.parseIndirectHeader() != nil,
                case .dictionary(let dictionary)? = try? parser.parseIndirectBody().object
            else { continue }
            candidates.append((offset, dictionary))
        }
        candidates.sort { $0.offset < $1.offset }
        var recovered = candidates.last { $0.dictionary["Root"] != nil }?.dictionary ?? PDFDictionary()
        for key: PDFName in ["Encrypt", "ID", "Info"] where recovered[key] == nil {
            recovered[key] = candidates.last { $0.dictionary[key] != nil }?.dictionary[key]
        }
        recovered["Prev"] = nil
        recovered["XRefStm"] = nil
        trailer = recovered
    }

    /// After decryption is set up: indexes the objects inside object streams that no definition in
    /// the file supersedes, and finds the catalog by its `/Type` when no trailer named it.
    func completeRecovery() throws(PDFError) {
        for stream in recoveryScan().objectStreams {
            let contents: PDFObjectStreamContents
            do {
                contents = try objectStream(stream)
            } catch {
                if error.code == .limitExceeded { throw error }
                continue
            }
            for (index, entry) in contents.objects.enumerated() where crossReference[entry.number] == nil {
                crossReference[entry.number] = .compressed(stream: stream, index: index)
            }
        }
        guard trailer["Root"] == nil else { return }
        for number in crossReference.keys.sorted() {
            let object: PDFObject
            do {
                object = try self.object(number)
            } catch {
                if error.code == .limitExceeded { throw error }
                continue
            }
            if case .dictionary(let dictionary) = object, dictionary.type == "Catalog", dictionary["Pages"] != nil {
                trailer["Root"] = .reference(PDFReference(number))
                return
            }
        }
    }
}
