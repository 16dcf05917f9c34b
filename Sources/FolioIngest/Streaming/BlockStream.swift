public import FolioModel

/// A document's blocks, streamed while its file is read (see ``Ingestor/blocks(atPath:)``).
///
/// A stream is consumed once, by one task. After the last block, `metadata` holds what was learnt
/// about the source; a failure ends the iteration by throwing the ``IngestError`` that stopped reading.
public typealias BlockStream = BoundedStream<ExtractedBlock, DocumentMetadata, IngestError>

extension Ingestor {
    /// The blocks of the file at `path`, as an asynchronous sequence produced while the file is read.
    ///
    /// Reading starts at the first `next()`, on a thread of its own (parsing is synchronous C work that
    /// must not block Swift's cooperative threads), and stays at most ``BoundedStream/bufferCapacity``
    /// batches of blocks (each what one read of the file gave) ahead of the consumer: a slow consumer
    /// slows the reader instead of growing memory. Ending the iteration early, or cancelling the
    /// consuming task, stops the reader.
    public func blocks(atPath path: String) -> BlockStream {
        BlockStream(reading: { [self] send throws(IngestError) in try readBatches(atPath: path, send) })
    }

    /// The blocks of bytes in memory, as ``blocks(atPath:)`` streams a file's.
    public func blocks(from bytes: [UInt8], name: String? = nil) -> BlockStream {
        BlockStream(reading: { [self] send throws(IngestError) in try readBatches(bytes: bytes, name: name, send) })
    }
}

extension BoundedStream where Element == ExtractedBlock, Outcome == DocumentMetadata, Failure == IngestError {
    /// Batches of blocks the reader may be ahead of the consumer; a batch is what one read of the input
    /// gave (at most 256 KiB of input).
    public static var bufferCapacity: Int { 4 }

    fileprivate init(reading job: @escaping Job) {
        self.init(
            capacity: Self.bufferCapacity, threadName: "folio.ingest", cancellation: { IngestError(.cancelled, $0) },
            job: job)
    }
}

extension BoundedStream where Outcome == DocumentMetadata {
    /// What was learnt about the source, once the iteration has ended (nil before, and after a failure).
    public var metadata: DocumentMetadata? { outcome }
}
