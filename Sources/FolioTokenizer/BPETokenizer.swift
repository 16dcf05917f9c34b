public import FolioModel
internal import Foundation

/// A byte-level BPE encoding, exactly compatible with tiktoken's `cl100k_base` and `o200k_base`.
///
/// Encoding works in two steps, as in tiktoken:
/// 1. pre-tokenization cuts the UTF-8 text into pieces with the encoding's pattern (a hand-written
///    scanner, see ``PreTokenizerPattern``);
/// 2. each piece is looked up whole, and otherwise merged pair by pair, lowest rank first.
///
/// A tokenizer is immutable and `Sendable`: load it once (``named(_:)`` caches the built-in ones for
/// the life of the process) and share it between tasks.
///
/// ```swift
/// let tokenizer = try BPETokenizer.named(.cl100kBase)
/// let ids = tokenizer.encode("Revenue grew 12% in fiscal 2024.")
/// let count = tokenizer.count(text)          // same number, no id array
/// let text = try tokenizer.decode(ids)
/// ```
///
/// - Important: Input is Swift text, so always valid UTF-8. For bytes of unknown validity, repair
///   them first with ``UTF8Repair`` (which counts the replacements as Python does).
public final class BPETokenizer: Sendable {
    /// The encoding's name (`cl100k_base`), or the rank file's path for a custom one.
    public let name: String
    /// The pre-tokenization rule.
    public let pattern: PreTokenizerPattern
    /// Special tokens by their text.
    public let specialTokens: [String: TokenID]

    let vocabulary: Vocabulary
    /// Special tokens' bytes, longest first (so the longest match wins at a position).
    let specialTokenBytes: [(text: String, bytes: [UInt8], id: TokenID)]

    /// Loads a rank file in tiktoken's format (plain or gzipped).
    ///
    /// - Parameters:
    ///   - path: the rank file.
    ///   - pattern: the pre-tokenization rule the ranks were trained with.
    ///   - specialTokens: special tokens by text; their ids must not be ordinary ranks.
    ///   - name: a name for messages; the path by default.
    /// - Throws: ``TokenizerError`` with code `rankFileUnreadable`, `rankFileCorrupt` (naming the
    ///   line) or `invalidSpecialTokens`.
    public convenience init(
        rankFileAt path: String, pattern: PreTokenizerPattern, specialTokens: [String: TokenID] = [:],
        name: String? = nil
    ) throws(TokenizerError) {
        let entries = try RankFile.load(path: path)
        try self.init(
            entries: entries, source: path, pattern: pattern, specialTokens: specialTokens, name: name ?? path)
    }

    /// Parses rank-file bytes already in memory (plain or gzipped).
    package convenience init(
        rankFileBytes: [UInt8], source: String, pattern: PreTokenizerPattern,
        specialTokens: [String: TokenID] = [:], name: String? = nil
    ) throws(TokenizerError) {
        let entries = try RankFile.parse(rankFileBytes, source: source)
        try self.init(
            entries: entries, source: source, pattern: pattern, specialTokens: specialTokens, name: name ?? source)
    }

    init(
        entries: RankFileEntries, source: String, pattern: PreTokenizerPattern, specialTokens: [String: TokenID],
        name: String
    ) throws(TokenizerError) {
        let vocabulary = try Vocabulary(entries, source: source)
        var seenIDs: [TokenID: String] = [:]
        for (text, id) in specialTokens.sorted(by: { $0.value < $1.value }) {
            guard !text.isEmpty else {
                throw TokenizerError(.invalidSpecialTokens, "\(source): a special token's text is empty")
            }
            guard vocabulary.bytes(ofRank: id.rawValue) == nil else {
                throw TokenizerError(
                    .invalidSpecialTokens,
                    "\(source): special token \(text) has id \(id), which is an ordinary token's rank")
            }
            if let other = seenIDs[id] {
                throw TokenizerError(
                    .invalidSpecialTokens, "\(source): special tokens \(other) and \(text) share id \(id)")
            }
            seenIDs[id] = text
        }
        self.name = name
        self.pattern = pattern
        self.specialTokens = specialTokens
        self.vocabulary = vocabulary
        self.specialTokenBytes =
            specialTokens
            .map { (text: $0.key, bytes: Array($0.key.utf8), id: $0.value) }
            .sorted { $0.bytes.count != $1.bytes.count ? $0.bytes.count > $1.bytes.count : $0.text < $1.text }
    }

    /// Number of ordinary (mergeable) tokens.
    public var ordinaryTokenCount: Int { vocabulary.tokenCount }

    /// Bytes of memory the loaded vocabulary retains.
    public var memoryFootprint: Int { vocabulary.footprintBytes }

    // MARK: Encoding

    /// The token ids of `text`.
    ///
    /// - Parameter allowedSpecial: which special tokens to recognise; none by default.
    /// - Complexity: O(*n*) for *n* bytes in the common case; a single piece of *m* bytes that is
    ///   not in the vocabulary costs O(*m* log *m*).
    public func encode(_ text: some StringProtocol, allowedSpecial: SpecialTokenPolicy = .none) -> [TokenID] {
        withUTF8(text) { buffer in
            var sink = IDSink(ids: [])
            sink.ids.reserveCapacity(buffer.count / 4 + 16)
            encode(buffer, allowedSpecial: allowedSpecial, into: &sink)
            return sink.ids
        }
    }

    /// The number of tokens of `text`: the length of ``encode(_:allowedSpecial:)``, without the ids.
    public func count(_ text: some StringProtocol, allowedSpecial: SpecialTokenPolicy = .none) -> Int {
        withUTF8(text) { buffer in
            var sink = CountingSink()
            encode(buffer, allowedSpecial: allowedSpecial, into: &sink)
            return sink.count
        }
    }

    /// The length in bytes of the longest ordinary token, so `n` bytes of text are at least
    /// `n / longestTokenByteCount` tokens (rounded up).
    package var longestTokenByteCount: Int { vocabulary.longestTokenByteCount }

    /// The number of tokens of UTF-8 bytes as ordinary text (no special tokens).
    package func countOrdinary(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return 0 }
        var sink = CountingSink()
        encodeOrdinary(base, bytes.count, into: &sink)
        return sink.count
    }

    /// The pre-tokens of `text` (ordinary text only), for inspection and tests.
    public func preTokenize(_ text: some StringProtocol) -> [String] {
        withUTF8(text) { buffer in
            var pieces: [String] = []
            forEachPreToken(buffer.baseAddress!, buffer.count) { start, end, _ in
                pieces.append(String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<end]), as: UTF8.self))
                return true
            }
            return pieces
        }
    }

    /// Calls `body` with the text's UTF-8 bytes (never an empty base address).
    @inline(__always)
    func withUTF8<R>(_ text: some StringProtocol, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let result = text.utf8.withContiguousStorageIfAvailable({ buffer -> R? in
            guard buffer.baseAddress != nil else { return nil }
            return body(buffer)
        }), let result {
            return result
        }
        var copy = ContiguousArray(text.utf8)
        copy.append(0)  // keeps the base address non-nil for empty text
        return copy.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0.dropLast())) }
    }

    func encode<Sink: TokenSink>(
        _ buffer: UnsafeBufferPointer<UInt8>, allowedSpecial: SpecialTokenPolicy, into sink: inout Sink
    ) {
        let base = buffer.baseAddress!
        if allowedSpecial.kind == .none || specialTokenBytes.isEmpty {
            encodeOrdinary(base, buffer.count, into: &sink)
            return
        }
        let allowed = specialTokenBytes.filter { special in
            switch allowedSpecial.kind {
            case .none: false
            case .all: true
            case .only(let names): names.contains(special.text)
            }
        }
        var segmentStart = 0
        var index = 0
        while index < buffer.count {
            if let special = allowed.first(where: { Self.matches($0.bytes, buffer, at: index) }) {
                encodeOrdinary(base + segmentStart, index - segmentStart, into: &sink)
                sink.append(special.id.rawValue)
                index += special.bytes.count
                segmentStart = index
            } else {
                index += 1
            }
        }
        encodeOrdinary(base + segmentStart, buffer.count - segmentStart, into: &sink)
    }

    @inline(__always)
    private static func matches(_ needle: [UInt8], _ buffer: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        guard buffer[index] == needle[0], index + needle.count <= buffer.count else { return false }
        for offset in 1..<needle.count where buffer[index + offset] != needle[offset] { return false }
        return true
    }

    /// Encodes ordinary text (no special tokens): pre-tokenize, then merge each piece.
    @inline(__always)
    func encodeOrdinary<Sink: TokenSink>(_ base: UnsafePointer<UInt8>, _ count: Int, into sink: inout Sink) {
        guard count > 0 else { return }
        vocabulary.withView { vocabulary in
            UnicodeClasses.shared.withView { classes in
                let scanner = PreTokenScanner(base: base, end: count, classes: classes)
                var touchedEnd = false
                var start = 0
                switch pattern {
                case .cl100k:
                    while start < count {
                        let end = scanner.nextCl100k(from: start, touchedEnd: &touchedEnd)
                        vocabulary.encodePiece(base + start, end &- start, into: &sink)
                        start = end
                    }
                case .o200k:
                    while start < count {
                        let end = scanner.nextO200k(from: start, touchedEnd: &touchedEnd)
                        vocabulary.encodePiece(base + start, end &- start, into: &sink)
                        start = end
                    }
                }
            }
        }
    }

    /// Calls `body(start, end, touchedEnd)` for each pre-token until it returns false.
    func forEachPreToken(
        _ base: UnsafePointer<UInt8>, _ count: Int, _ body: (Int, Int, Bool) -> Bool
    ) {
        UnicodeClasses.shared.withView { classes in
            let scanner = PreTokenScanner(base: base, end: count, classes: classes)
            var start = 0
            while start < count {
                var touchedEnd = false
                let end =
                    switch pattern {
                    case .cl100k: scanner.nextCl100k(from: start, touchedEnd: &touchedEnd)
                    case .o200k: scanner.nextO200k(from: start, touchedEnd: &touchedEnd)
                    }
                guard body(start, end, touchedEnd) else { return }
                start = end
            }
        }
    }

    /// Counts the tokens of the leading pre-tokens that no appended text can change.
    ///
    /// - Returns: the number of bytes those pre-tokens cover; the rest must be kept and re-scanned.
    func countStablePrefix(_ base: UnsafePointer<UInt8>, _ count: Int, tokens: inout Int) -> Int {
        var sink = CountingSink()
        var stable = 0
        vocabulary.withView { vocabulary in
            forEachPreToken(base, count) { start, end, touchedEnd in
                guard !touchedEnd else { return false }
                vocabulary.encodePiece(base + start, end - start, into: &sink)
                stable = end
                return true
            }
        }
        tokens += sink.count
        return stable
    }

    // MARK: Decoding

    /// The bytes of one token, ordinary or special; nil for an unknown id.
    public func bytes(of id: TokenID) -> [UInt8]? {
        tokenBytes(id).map(Array.init)
    }

    private func tokenBytes(_ id: TokenID) -> ArraySlice<UInt8>? {
        vocabulary.bytes(ofRank: id.rawValue) ?? specialTokenBytes.first { $0.id == id }.map { $0.bytes[...] }
    }

    /// The id of a byte string that is one ordinary token, or nil.
    public func id(ofOrdinaryToken bytes: some Collection<UInt8>) -> TokenID? {
        vocabulary.rank(of: bytes).map(TokenID.init(rawValue:))
    }

    /// The concatenated bytes of `ids`.
    ///
    /// - Throws: ``TokenizerError/Code/unknownTokenID`` naming the first unknown id and its position.
    public func decodeBytes(_ ids: some Sequence<TokenID>) throws(TokenizerError) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(ids.underestimatedCount * 4)
        for (position, id) in ids.enumerated() {
            if let bytes = tokenBytes(id) {
                output.append(contentsOf: bytes)
            } else {
                throw TokenizerError(
                    .unknownTokenID,
                    """
                    token id \(id) at position \(position) is not a token of \(name) (ordinary \
                    ids below \(vocabulary.offsets.count - 1), special ids \
                    \(specialTokens.values.sorted().map(\.description).joined(separator: ", ")))
                    """
                )
            }
        }
        return output
    }

    /// The text of `ids`; bytes that are not valid UTF-8 (ids cut inside a character) become U+FFFD as
    /// in tiktoken's `decode(errors="replace")`.
    ///
    /// - Throws: ``TokenizerError/Code/unknownTokenID``.
    public func decode(_ ids: some Sequence<TokenID>) throws(TokenizerError) -> String {
        UTF8Repair.repair(try decodeBytes(ids)).text
    }
}

// MARK: Built-in encodings

extension BPETokenizer {
    /// The built-in encoding `name`, loaded from the package resources on first use and shared afterwards.
    ///
    /// - Throws: ``TokenizerError/Code/resourceMissing`` or ``TokenizerError/Code/rankFileCorrupt`` when
    ///   the installation is damaged.
    public static func named(_ name: EncodingName) throws(TokenizerError) -> BPETokenizer {
        switch name {
        case .cl100kBase: try cl100kBase.get()
        case .o200kBase: try o200kBase.get()
        }
    }

    /// A built-in encoding by name (`cl100k_base`, `o200k_base`).
    ///
    /// - Throws: ``TokenizerError/Code/unknownEncoding`` for other names.
    public static func named(_ name: String) throws(TokenizerError) -> BPETokenizer {
        guard let known = EncodingName(rawValue: name) else {
            throw TokenizerError(
                .unknownEncoding,
                """
                unknown encoding '\(name)': expected \
                \(EncodingName.allCases.map(\.rawValue).joined(separator: " or ")), or a path to a rank file
                """
            )
        }
        return try named(known)
    }

    private static let cl100kBase = Result { () throws(TokenizerError) in try loadBuiltIn(.cl100kBase) }
    private static let o200kBase = Result { () throws(TokenizerError) in try loadBuiltIn(.o200kBase) }

    /// Where the rank file of a built-in encoding is installed.
    package static func rankFilePath(of name: EncodingName) -> String? {
        Bundle.module.path(forResource: "\(name.rawValue).tiktoken", ofType: "gz")
    }

    private static func loadBuiltIn(_ name: EncodingName) throws(TokenizerError) -> BPETokenizer {
        guard let path = rankFilePath(of: name) else {
            throw TokenizerError(
                .resourceMissing,
                """
                the rank file \(name.rawValue).tiktoken.gz is missing from \
                Folio's resources (\(Bundle.module.bundlePath)); reinstall Folio
                """
            )
        }
        let tokenizer = try BPETokenizer(
            rankFileAt: path, pattern: name.pattern, specialTokens: name.specialTokens, name: name.rawValue)
        guard tokenizer.ordinaryTokenCount == name.ordinaryTokenCount else {
            throw TokenizerError(
                .rankFileCorrupt,
                """
                \(path): has \(tokenizer.ordinaryTokenCount) tokens, expected \
                \(name.ordinaryTokenCount); the file is damaged, reinstall Folio
                """
            )
        }
        return tokenizer
    }
}
