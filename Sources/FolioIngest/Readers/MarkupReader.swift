internal import FolioModel

/// A reader of one format: fed the document's bytes in blocks (UTF-8 for text formats), it builds blocks.
///
/// Readers are push parsers: ``consume(_:)`` may finish any number of blocks, which the pipeline takes
/// with ``takeBlocks()`` and hands on before feeding more, so memory stays bounded by one input block's
/// worth of output.
protocol MarkupReader: AnyObject {
    /// Reads the next bytes of the document.
    func consume(_ bytes: UnsafeBufferPointer<UInt8>) throws(IngestError)
    /// Ends the document: the last blocks are finished.
    func finish() throws(IngestError)
    /// The blocks finished since the last call.
    func takeBlocks() -> [ExtractedBlock]
    /// The document's title, when it has one (known after ``finish()``).
    var title: String? { get }
    /// Text after the last block that belongs to the document (a plain-text file's trailing whitespace),
    /// known after ``finish()``.
    var trailingText: String { get }
}

extension MarkupReader {
    var trailingText: String { "" }
}
