public import FolioIngest
public import FolioModel
internal import Foundation
internal import Synchronization

extension Chunker {
    /// The chunks of the file at `path`, cut while the file is still being read.
    ///
    /// Ingestion (reading, decoding, parsing) runs on one thread and segmenting, counting and cutting
    /// on another, with a bounded queue of blocks between them and a bounded buffer of
    /// ``ChunkStream/bufferCapacity`` chunks before the consumer: a slow consumer slows the reader
    /// instead of growing memory. The chunks are those ``chunks(of:)`` gives for the document
    /// `ingestor.document(atPath:)` reads. Ending the iteration early, or cancelling the consuming task,
    /// stops both threads.
    public func chunks(atPath path: String, ingestor: Ingestor = Ingestor()) -> ChunkStream {
        chunks(reading: { send throws(IngestError) in try ingestor.read(atPath: path, send) })
    }

    /// The chunks of any reader of blocks, streamed as ``chunks(atPath:ingestor:)`` streams a file's.
    package func chunks(reading read: @escaping ChunkStream.Read) -> ChunkStream {
        ChunkStream(chunker: self, read: read)
    }

    /// Reads the file at `path` and hands each chunk to `body` as soon as it is cut, on the calling
    /// thread, while another thread reads ahead (the pipeline of ``chunks(atPath:ingestor:)`` without
    /// the async consumer). Returns what was learnt about the source.
    ///
    /// - Throws: ``ChunkingError/Code/input`` (with the `IngestError` as `underlying`) when the file
    ///   cannot be read; an error thrown by `body`, which stops reading.
    @discardableResult
    public func forEachChunk(
        atPath path: String, ingestor: Ingestor = Ingestor(), _ body: (Chunk) throws(ChunkingError) -> Void
    ) throws(ChunkingError) -> DocumentMetadata {
        try forEachChunk(reading: { send throws(IngestError) in try ingestor.read(atPath: path, send) }, body)
    }

    /// ``forEachChunk(atPath:ingestor:_:)`` over any reader of blocks.
    @discardableResult
    package func forEachChunk(
        reading read: @escaping ChunkStream.Read,
        _ body: (Chunk) throws(ChunkingError) -> Void
    ) throws(ChunkingError) -> DocumentMetadata {
        let queue = BlockQueue(capacity: ChunkStream.blockQueueCapacity)
        let reader = Thread {
            do throws(IngestError) {
                let metadata = try read { block throws(IngestError) in try queue.put(block) }
                queue.finish(.success(metadata))
            } catch {
                queue.finish(.failure(error))
            }
        }
        reader.name = "folio.ingest"
        reader.stackSize = 8 << 20
        reader.start()
        defer { queue.cancel() }

        var session = makeSession()
        var ready: [Chunk] = []
        while true {
            let block: ExtractedBlock?
            do {
                block = try queue.take()
            } catch {
                throw ChunkingError(.input, error.message, underlying: error)
            }
            guard let block else { break }
            session.append(block) { ready.append($0) }
            for chunk in ready { try body(chunk) }
            ready.removeAll(keepingCapacity: true)
        }
        session.finish { ready.append($0) }
        for chunk in ready { try body(chunk) }
        guard case .success(let metadata)? = queue.result else {
            preconditionFailure("the block queue ended without a result")
        }
        return metadata
    }

    /// The chunks of bytes in memory, streamed as ``chunks(atPath:ingestor:)`` streams a file's.
    public func chunks(from bytes: [UInt8], name: String? = nil, ingestor: Ingestor = Ingestor()) -> ChunkStream {
        chunks(reading: { send throws(IngestError) in try ingestor.read(bytes: bytes, name: name, send) })
    }
}

/// A document's chunks, streamed while its file is read (see ``Chunker/chunks(atPath:ingestor:)``).
///
/// A stream is consumed once, by one task. After the last chunk, ``metadata`` holds what was learnt
/// about the source. A failure ends the iteration by throwing a ``ChunkingError``: code
/// ``ChunkingError/Code/input`` with the `IngestError` as its `underlying` error, or
/// ``ChunkingError/Code/cancelled``.
public struct ChunkStream: AsyncSequence, Sendable {
    public typealias Element = Chunk
    public typealias Failure = ChunkingError

    /// Chunks the pipeline may be ahead of the consumer.
    public static let bufferCapacity = 16
    /// Blocks ingestion may be ahead of cutting.
    public static let blockQueueCapacity = 64

    package typealias Read = @Sendable (_ body: (ExtractedBlock) throws(IngestError) -> Void) throws(IngestError) -> DocumentMetadata

    private let channel: ProducerChannel<Chunk, DocumentMetadata, ChunkingError>

    init(chunker: Chunker, read: @escaping Read) {
        channel = ProducerChannel(
            capacity: Self.bufferCapacity, threadName: "folio.chunk",
            cancellation: { ChunkingError(.cancelled, $0) },
            job: { send throws(ChunkingError) in try chunker.forEachChunk(reading: read, send) }
        )
    }

    /// What was learnt about the source, once the last chunk has been delivered.
    public var metadata: DocumentMetadata? { channel.outcome }

    public func makeAsyncIterator() -> Iterator { Iterator(channel: channel) }

    public struct Iterator: AsyncIteratorProtocol {
        public typealias Element = Chunk
        public typealias Failure = ChunkingError

        private let channel: ProducerChannel<Chunk, DocumentMetadata, ChunkingError>
        private let lifetime: ProducerChannel<Chunk, DocumentMetadata, ChunkingError>.ConsumerLifetime

        fileprivate init(channel: ProducerChannel<Chunk, DocumentMetadata, ChunkingError>) {
            self.channel = channel
            self.lifetime = channel.makeLifetime()
        }

        public mutating func next() async throws(ChunkingError) -> Chunk? {
            try await channel.next()
        }

        public mutating func next(isolation actor: isolated (any Actor)?) async throws(ChunkingError) -> Chunk? {
            try await channel.next()
        }
    }
}

/// A bounded queue of blocks between two threads: `put` waits while it is full, `take` while it is
/// empty. Cancelling makes the next `put` throw, which stops the reader.
final class BlockQueue: Sendable {
    private struct State {
        var blocks = FIFOBuffer<ExtractedBlock>()
        var result: Result<DocumentMetadata, IngestError>?
        var isCancelled = false
    }

    private let state = Mutex(State())
    private let freeSlots: DispatchSemaphore
    private let filledSlots = DispatchSemaphore(value: 0)

    init(capacity: Int) {
        // Created empty and then given its permits (see ProducerChannel).
        freeSlots = DispatchSemaphore(value: 0)
        for _ in 0..<capacity { freeSlots.signal() }
    }

    var result: Result<DocumentMetadata, IngestError>? { state.withLock { $0.result } }

    func put(_ block: ExtractedBlock) throws(IngestError) {
        freeSlots.wait()
        let accepted = state.withLock { state -> Bool in
            guard !state.isCancelled else { return false }
            state.blocks.append(block)
            return true
        }
        guard accepted else { throw IngestError(.cancelled, "the chunker stopped reading") }
        filledSlots.signal()
    }

    func finish(_ result: Result<DocumentMetadata, IngestError>) {
        state.withLock { $0.result = result }
        filledSlots.signal()
    }

    /// The next block, nil after the last one, or the reader's error.
    func take() throws(IngestError) -> ExtractedBlock? {
        filledSlots.wait()
        let taken = state.withLock { state -> Result<ExtractedBlock?, IngestError> in
            if let block = state.blocks.popFirst() { return .success(block) }
            switch state.result {
            case .success?: return .success(nil)
            case .failure(let error)?: return .failure(error)
            case nil: preconditionFailure("a filled slot without a block or a result")
            }
        }
        if case .success(.some) = taken { freeSlots.signal() }
        return try taken.get()
    }

    func cancel() {
        state.withLock { $0.isCancelled = true }
        freeSlots.signal()
    }
}
