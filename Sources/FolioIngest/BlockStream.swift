public import FolioModel
internal import Foundation
internal import Synchronization

extension Ingestor {
    /// The blocks of the file at `path`, as an asynchronous sequence produced while the file is read.
    ///
    /// Reading starts at the first `next()`, on a thread of its own (parsing is synchronous C work that
    /// must not block Swift's cooperative threads), and stays at most ``BlockStream/bufferCapacity``
    /// blocks ahead of the consumer: a slow consumer slows the reader instead of growing memory. Ending
    /// the iteration early, or cancelling the consuming task, stops the reader.
    public func blocks(atPath path: String) -> BlockStream {
        BlockStream(ingestor: self) { ingestor, body throws(IngestError) in try ingestor.read(atPath: path, body) }
    }

    /// The blocks of bytes in memory, as ``blocks(atPath:)`` streams a file's.
    public func blocks(from bytes: [UInt8], name: String? = nil) -> BlockStream {
        BlockStream(ingestor: self) { ingestor, body throws(IngestError) in try ingestor.read(bytes: bytes, name: name, body) }
    }
}

/// A document's blocks, streamed while its file is read (see ``Ingestor/blocks(atPath:)``).
///
/// A stream is consumed once, by one task. After the last block, ``metadata`` holds what was learnt
/// about the source; a failure ends the iteration by throwing the ``IngestError`` that stopped reading.
public struct BlockStream: AsyncSequence, Sendable {
    public typealias Element = ExtractedBlock
    public typealias Failure = IngestError

    /// Blocks the reader may be ahead of the consumer.
    public static let bufferCapacity = 64

    typealias Job = @Sendable (Ingestor, (ExtractedBlock) throws(IngestError) -> Void) throws(IngestError) -> DocumentMetadata

    private let channel: ProducerChannel<ExtractedBlock, DocumentMetadata, IngestError>

    fileprivate init(ingestor: Ingestor, job: @escaping Job) {
        channel = ProducerChannel(
            capacity: Self.bufferCapacity, threadName: "folio.ingest",
            cancellation: { IngestError(.cancelled, $0) },
            job: { send throws(IngestError) in try job(ingestor, send) }
        )
    }

    /// What was learnt about the source, once the last block has been delivered (nil before, and after
    /// a failure).
    public var metadata: DocumentMetadata? { channel.outcome }

    public func makeAsyncIterator() -> Iterator { Iterator(channel: channel) }

    public struct Iterator: AsyncIteratorProtocol {
        public typealias Element = ExtractedBlock
        public typealias Failure = IngestError

        private let channel: ProducerChannel<ExtractedBlock, DocumentMetadata, IngestError>
        private let lifetime: ProducerChannel<ExtractedBlock, DocumentMetadata, IngestError>.ConsumerLifetime

        fileprivate init(channel: ProducerChannel<ExtractedBlock, DocumentMetadata, IngestError>) {
            self.channel = channel
            self.lifetime = channel.makeLifetime()
        }

        public mutating func next() async throws(IngestError) -> ExtractedBlock? {
            try await channel.next()
        }

        public mutating func next(isolation actor: isolated (any Actor)?) async throws(IngestError) -> ExtractedBlock? {
            try await channel.next()
        }
    }
}

