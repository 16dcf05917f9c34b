public import FolioModel

/// Turns files of any supported format into one normalized ``Document``, or streams their blocks.
///
/// ```swift
/// let ingestor = Ingestor()
/// let document = try ingestor.document(atPath: "ko-10-k.html")
/// for block in document.blocks { print(block.kind, document.text(of: block)) }
///
/// for try await block in ingestor.blocks(atPath: "novel.txt.gz") { … }   // while the file is read
/// ```
///
/// Formats are detected by content first and by the file name second (``IngestOptions/format``
/// overrides both): plain text in UTF-8, UTF-16 (with a byte-order mark), GB18030 or windows-1252; HTML,
/// XHTML and inline-XBRL filings; XML and XBRL instances; DOCX and ODT; and gzip-compressed versions of
/// all of them. Hostile input fails with an ``IngestError`` naming the file and the reason or limit, and
/// content of any other format (PDF, images, executables, archives, binary data) with
/// ``IngestError/Code/unsupportedFormat`` saying what it looks like, whatever the file's name.
///
/// - Important: Offsets are Unicode scalars into ``Document/text``. A plain-text document's text is the
///   decoded file verbatim (only a byte-order mark removed), so offsets are offsets into the file's
///   characters; other formats are normalized (see ``Document/text``).
public struct Ingestor: Sendable {
    public var options: IngestOptions

    public init(options: IngestOptions = IngestOptions()) {
        self.options = options
    }

    /// Reads the file at `path` (`-` for standard input) into a document.
    ///
    /// - Throws: ``IngestError`` naming `path`.
    public func document(atPath path: String) throws(IngestError) -> Document {
        var assembler = DocumentAssembler()
        let result = try run(atPath: path, standardInput: 0) { blocks throws(IngestError) in
            for block in blocks { assembler.append(block) }
        }
        return assembler.document(result)
    }

    /// Reads bytes in memory into a document; `name` (a file name) helps detect the format and names the
    /// document in errors.
    public func document(from bytes: [UInt8], name: String? = nil) throws(IngestError) -> Document {
        var assembler = DocumentAssembler()
        let result = try run(bytes: bytes, name: name) { blocks throws(IngestError) in
            for block in blocks { assembler.append(block) }
        }
        return assembler.document(result)
    }

    /// Reads the file at `path` and hands each block to `body` as soon as it is read; returns what was
    /// learnt about the source. An error thrown by `body` stops reading and is rethrown.
    @discardableResult
    public func read(
        atPath path: String, _ body: (ExtractedBlock) throws(IngestError) -> Void
    ) throws(IngestError) -> DocumentMetadata {
        try read(atPath: path, standardInput: 0, body)
    }

    /// ``read(atPath:_:)`` with another descriptor standing for `-` (tests).
    package func read(
        atPath path: String, standardInput: Int32, _ body: (ExtractedBlock) throws(IngestError) -> Void
    ) throws(IngestError) -> DocumentMetadata {
        try run(atPath: path, standardInput: standardInput) { blocks throws(IngestError) in
            for block in blocks { try body(block) }
        }
    }

    /// ``read(atPath:_:)`` handing on the blocks in batches, never empty: the blocks each read of the
    /// input completed (what the streaming pipeline passes between its threads at once).
    package func readBatches(
        atPath path: String, standardInput: Int32 = 0, _ body: ([ExtractedBlock]) throws(IngestError) -> Void
    ) throws(IngestError) -> DocumentMetadata {
        try run(atPath: path, standardInput: standardInput, body)
    }

    /// Reads bytes in memory, handing each block to `body` as soon as it is read.
    @discardableResult
    public func read(
        bytes: [UInt8], name: String? = nil, _ body: (ExtractedBlock) throws(IngestError) -> Void
    ) throws(IngestError) -> DocumentMetadata {
        try run(bytes: bytes, name: name) { blocks throws(IngestError) in
            for block in blocks { try body(block) }
        }
    }

    /// ``read(bytes:name:_:)`` handing on the blocks in batches, as ``readBatches(atPath:standardInput:_:)``.
    package func readBatches(
        bytes: [UInt8], name: String? = nil, _ body: ([ExtractedBlock]) throws(IngestError) -> Void
    ) throws(IngestError) -> DocumentMetadata {
        try run(bytes: bytes, name: name, body)
    }

    private func run(
        atPath path: String, standardInput: Int32, _ body: ([ExtractedBlock]) throws(IngestError) -> Void
    ) throws(IngestError) -> DocumentMetadata {
        do {
            try options.limits.validate()
            let input = try FileInput(path: path, standardInput: standardInput)
            var pipeline = IngestPipeline(options: options, name: path == "-" ? nil : path)
            pipeline.zipFilePath = path == "-" ? nil : path
            return try pipeline.run(
                input, sourceByteCount: { input.fileSize ?? input.byteCount },
                emit: { blocks throws(IngestError) in if !blocks.isEmpty { try body(blocks) } }
            )
        } catch {
            throw error.naming(path)
        }
    }

    private func run(
        bytes: [UInt8], name: String?, _ body: ([ExtractedBlock]) throws(IngestError) -> Void
    ) throws(IngestError) -> DocumentMetadata {
        do {
            try options.limits.validate()
            var pipeline = IngestPipeline(options: options, name: name)
            pipeline.zipBytes = bytes
            return try pipeline.run(
                MemoryInput(bytes), sourceByteCount: { bytes.count },
                emit: { blocks throws(IngestError) in if !blocks.isEmpty { try body(blocks) } }
            )
        } catch {
            throw error.naming(name)
        }
    }
}

/// Collects streamed blocks into a document.
///
/// Appending native strings copies their bytes without validating them again.
struct DocumentAssembler {
    private var text = ""
    private var blocks: [Block] = []

    mutating func append(_ extracted: ExtractedBlock) {
        text += extracted.separator
        precondition(text.utf8.count == extracted.block.utf8Range.lowerBound, "blocks must tile the text")
        text += extracted.text
        blocks.append(extracted.block)
    }

    func document(_ metadata: DocumentMetadata) -> Document {
        Document(text: text + metadata.trailingText, blocks: blocks, metadata: metadata)
    }
}
