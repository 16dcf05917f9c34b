/// Reads PDF objects (ISO 32000-1, 7.3) from a ``PDFLexer``'s tokens.
///
/// Arrays and dictionaries are built on an explicit stack, never by recursion, so the nesting a file
/// may use is bounded by ``PDFLimits/maxNestingDepth`` alone: an array nested 100,000 deep is a typed
/// error, not a stack overflow. `N G R` is recognized with two tokens of look-ahead.
///
/// Indirect objects (`N G obj … endobj`) are read by ``parseIndirectHeader()`` and
/// ``parseIndirectBody()``, which stops at the
/// `stream` keyword and leaves the stream's extent to the file, because `/Length` may be an indirect
/// reference.
struct PDFParser {
    var lexer: PDFLexer
    let maxNestingDepth: Int
    /// Applied to every string read (decryption with the object's key), when set.
    var stringTransform: (([UInt8]) -> [UInt8])?
    private var lookahead: [(token: PDFToken, position: Int)] = []

    init(lexer: PDFLexer, maxNestingDepth: Int, stringTransform: (([UInt8]) -> [UInt8])? = nil) {
        self.lexer = lexer
        self.maxNestingDepth = maxNestingDepth
        self.stringTransform = stringTransform
    }

    init(bytes: [UInt8], position: Int = 0, end: Int? = nil, limits: PDFLimits) {
        self.init(lexer: PDFLexer(bytes: bytes, position: position, end: end), maxNestingDepth: limits.maxNestingDepth)
    }

    /// Where the next token starts (after any look-ahead already read).
    var position: Int { lookahead.first?.position ?? lexer.position }

    mutating func nextToken() -> PDFToken {
        if !lookahead.isEmpty { return lookahead.removeFirst().token }
        return lexer.next()
    }

    mutating func peekToken(_ offset: Int = 0) -> PDFToken {
        while lookahead.count <= offset {
            lexer.skipWhitespaceAndComments()
            let start = lexer.position
            lookahead.append((lexer.next(), start))
        }
        return lookahead[offset].token
    }

    private struct Frame {
        var isDictionary: Bool
        var array: [PDFObject] = []
        var entries: [PDFName: PDFObject] = [:]
        var key: PDFName?
        let position: Int
    }

    /// Reads one direct object (an array or dictionary with everything inside it).
    ///
    /// Lenient where readers agree to be: a non-name where a key belongs is skipped, a stray `]` or
    /// `>>` is ignored, and a keyword such as `endobj` inside an unclosed array or dictionary closes
    /// it.
    ///
    /// - Throws: ``PDFError/Code/limitExceeded`` past ``PDFLimits/maxNestingDepth``;
    ///   ``PDFError/Code/malformed`` when no object starts here.
    mutating func parseObject() throws(PDFError) -> PDFObject {
        var stack: [Frame] = []
        while true {
            let start = position
            let token = nextToken()
            var value: PDFObject
            switch token {
            case .integer(let number):
                value = .integer(number)
                if number >= 0, case .integer(let generation) = peekToken(0), generation >= 0,
                    case .keyword(.reference) = peekToken(1)
                {
                    lookahead.removeFirst(2)
                    value = .reference(PDFReference(number, generation))
                }
            case .real(let number):
                value = .real(number)
            case .string(let bytes):
                value = .string(stringTransform.map { $0(bytes) } ?? bytes)
            case .name(let name):
                value = .name(name)
            case .arrayOpen, .dictionaryOpen:
                guard stack.count < maxNestingDepth else {
                    throw PDFError.limit(
                        "maxNestingDepth", maxNestingDepth,
                        "arrays and dictionaries are nested more than \(maxNestingDepth) deep", byteOffset: start)
                }
                stack.append(Frame(isDictionary: token == .dictionaryOpen, position: start))
                continue
            case .arrayClose, .dictionaryClose:
                guard let top = stack.last, top.isDictionary == (token == .dictionaryClose) else {
                    if stack.isEmpty {
                        throw PDFError(.malformed, "unexpected \(token == .arrayClose ? "]" : ">>")", byteOffset: start)
                    }
                    continue  // a stray closer inside the other kind of container
                }
                value = Self.close(stack.removeLast())
            case .keyword(.true):
                value = .bool(true)
            case .keyword(.false):
                value = .bool(false)
            case .keyword(.null):
                value = .null
            case .keyword(let keyword):
                if stack.isEmpty {
                    throw PDFError(.malformed, "expected an object, found \(describe(keyword))", byteOffset: start)
                }
                switch keyword {
                case .other, .reference: continue  // junk inside a container
                default: break
                }
                // A structural keyword inside an open container: the container was never closed.
                lookahead.insert((token, start), at: 0)
                value = Self.closeAll(&stack)
            case .end:
                if stack.isEmpty { throw PDFError(.malformed, "expected an object, found the end of the data") }
                value = Self.closeAll(&stack)
            }
            guard !stack.isEmpty else { return value }
            let top = stack.count - 1
            if stack[top].isDictionary {
                if let key = stack[top].key {
                    stack[top].entries[key] = value
                    stack[top].key = nil
                } else if case .name(let name) = value {
                    stack[top].key = name
                }
            } else {
                stack[top].array.append(value)
            }
        }
    }

    private static func close(_ frame: Frame) -> PDFObject {
        frame.isDictionary ? .dictionary(PDFDictionary(frame.entries)) : .array(frame.array)
    }

    /// Closes every open container, innermost first, and returns the outermost.
    private static func closeAll(_ stack: inout [Frame]) -> PDFObject {
        var value = close(stack.removeLast())
        while !stack.isEmpty {
            let top = stack.count - 1
            if stack[top].isDictionary {
                if let key = stack[top].key { stack[top].entries[key] = value }
            } else {
                stack[top].array.append(value)
            }
            value = close(stack.removeLast())
        }
        return value
    }

    private func describe(_ keyword: PDFKeyword) -> String {
        switch keyword {
        case .other(let range):
            let text = String(decoding: lexer.bytes[range.prefix(20)], as: UTF8.self)
            return "'\(text)'"
        default:
            return "'\(keyword)'"
        }
    }

    /// An indirect object's body: the object, and where a stream's data starts.
    struct IndirectBody {
        var object: PDFObject
        /// For a stream: the index of its first data byte (after `stream` and its end of line).
        var streamDataStart: Int?
    }

    /// Reads `N G obj`; nil (with tokens consumed) when it does not start here.
    mutating func parseIndirectHeader() -> PDFReference? {
        guard case .integer(let number) = nextToken(), number >= 0,
            case .integer(let generation) = nextToken(), generation >= 0,
            case .keyword(.obj) = nextToken()
        else { return nil }
        return PDFReference(number, generation)
    }

    /// Reads the object after `N G obj`, then `stream` (when a dictionary is followed by one) or
    /// `endobj` (tolerated when missing).
    ///
    /// - Throws: what ``parseObject()`` throws.
    mutating func parseIndirectBody() throws(PDFError) -> IndirectBody {
        let object = try parseObject()
        if case .dictionary = object, case .keyword(.stream) = peekToken() {
            let keywordEnd = lookahead[0].position + 6
            lookahead.removeAll()
            return IndirectBody(object: object, streamDataStart: Self.streamDataStart(lexer.bytes, keywordEnd))
        }
        if case .keyword(.endobj) = peekToken() { _ = nextToken() }
        return IndirectBody(object: object, streamDataStart: nil)
    }

    /// The first data byte of a stream whose `stream` keyword ends at `index`: after CR LF or LF
    /// (a lone CR and spaces before the end of line are tolerated).
    static func streamDataStart(_ bytes: [UInt8], _ index: Int) -> Int {
        var cursor = index
        while cursor < bytes.count && bytes[cursor] == 0x20 { cursor += 1 }
        if cursor < bytes.count && bytes[cursor] == 0x0D {
            cursor += 1
            if cursor < bytes.count && bytes[cursor] == 0x0A { cursor += 1 }
            return cursor
        }
        if cursor < bytes.count && bytes[cursor] == 0x0A { return cursor + 1 }
        return index  // no end of line: the data starts right after the keyword
    }
}
