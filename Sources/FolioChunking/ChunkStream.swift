// Performance notes
//
// The streamed path must cut as fast as the batch path cuts a document in memory, with reading,
// extracting and the consumer's work hidden on the other core. `folio chunk --max-tokens 512` of a 200 MB
// generated report went at about half the batch speed: each block and each chunk crossed a thread
// boundary on its own (two semaphores and a lock per block, a continuation per chunk), a third of the CPU
// time was the kernel switching threads. Blocks now cross in batches (what one read of the input gave)
// and chunks in batches (what one batch of blocks gave), through `HandoffQueue`, which wakes a side only
// when it sleeps. See BENCHMARKS.md, "The streaming path at the batch speed", for the figures and what
// was dropped.

public import FolioIngest
public import FolioModel
internal import Foundation

/// A document's chunks, streamed while its file is read (see ``Chunker/chunks(atPath:ingestor:)``).
///
/// A stream is consumed once, by one task. After the last chunk, `metadata` holds what was learnt
/// about the source. A failure ends the iteration by throwing a ``ChunkingError``: code
/// ``ChunkingError/Code/input`` with the `IngestError` as its `underlying` error, or
/// ``ChunkingError/Code/cancelled``.
public typealias ChunkStream = BoundedStream<Chunk, DocumentMetadata, ChunkingError>

extension BoundedStream where Element == Chunk, Outcome == DocumentMetadata, Failure == ChunkingError {
    /// Batches of chunks the pipeline may be ahead of the consumer; a batch holds the chunks cut from
    /// one batch of blocks.
    public static var bufferCapacity: Int { 2 }
    /// Batches of blocks ingestion may be ahead of cutting; a batch holds the blocks one read of the
    /// input completed.
    public static var blockQueueCapacity: Int { 2 }

    /// A reader of blocks: hands them to `send` in batches, returns what it learnt about the source.
    package typealias Read =
        @Sendable (_ send: ([ExtractedBlock]) throws(IngestError) -> Void) throws(IngestError) -> DocumentMetadata
}

extension Chunker {
    /// The chunks of the file at `path`, cut while the file is still being read.
    ///
    /// Ingestion (reading, decoding, parsing) runs on one thread and segmenting, counting and cutting
    /// on another, with a bounded queue of batches of blocks between them and at most
    /// ``BoundedStream/bufferCapacity`` batches of chunks before the consumer: a slow consumer slows the
    /// reader instead of growing memory. The chunks are those ``chunks(of:)`` gives for the document
    /// `ingestor.document(atPath:)` reads. Ending the iteration early, or cancelling the consuming task,
    /// stops both threads.
    public func chunks(atPath path: String, ingestor: Ingestor = Ingestor()) -> ChunkStream {
        chunks(reading: { send throws(IngestError) in try ingestor.readBatches(atPath: path, send) })
    }

    /// The chunks of any reader of blocks, streamed as ``chunks(atPath:ingestor:)`` streams a file's.
    package func chunks(reading read: @escaping ChunkStream.Read) -> ChunkStream {
        ChunkStream(
            capacity: ChunkStream.bufferCapacity, threadName: "folio.chunk",
            cancellation: { ChunkingError(.cancelled, $0) },
            job: { send throws(ChunkingError) in try forEachChunkBatch(reading: read, send) }
        )
    }

    /// The chunks of bytes in memory, streamed as ``chunks(atPath:ingestor:)`` streams a file's.
    public func chunks(from bytes: [UInt8], name: String? = nil, ingestor: Ingestor = Ingestor()) -> ChunkStream {
        chunks(reading: { send throws(IngestError) in try ingestor.readBatches(bytes: bytes, name: name, send) })
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
        let read: ChunkStream.Read = { send throws(IngestError) in try ingestor.readBatches(atPath: path, send) }
        return try forEachChunkBatch(reading: read) { chunks throws(ChunkingError) in
            for chunk in chunks { try body(chunk) }
        }
    }

    /// The pipeline behind the streams: a reader thread runs `read` and queues its batches of blocks;
    /// the calling thread cuts them and hands `body` the chunks each batch completed (never an empty
    /// batch). Returns what was learnt about the source.
    ///
    /// - Throws: ``ChunkingError/Code/input`` (with the `IngestError` as `underlying`) when `read`
    ///   fails; an error thrown by `body`, which stops the reader.
    @discardableResult
    package func forEachChunkBatch(
        reading read: @escaping ChunkStream.Read, _ body: ([Chunk]) throws(ChunkingError) -> Void
    ) throws(ChunkingError) -> DocumentMetadata {
        let queue = HandoffQueue<SegmentedBlocks, DocumentMetadata, IngestError>(
            capacity: ChunkStream.blockQueueCapacity,
            cancellation: { _ in IngestError(.cancelled, "the chunker stopped reading") })
        let reader = Thread {
            do throws(IngestError) {
                let metadata = try read { blocks throws(IngestError) in
                    // While the cutter has blocks waiting, reading is ahead: this thread finds the units
                    // and the cutter only counts and cuts. When the cutter waits for blocks (markup is
                    // slower to read than text), it finds them itself.
                    try queue.put(SegmentedBlocks(blocks, segmenting: queue.count > 0))
                }
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
            let blocks: SegmentedBlocks?
            do {
                blocks = try queue.take()
            } catch {
                throw ChunkingError(.input, error.message, underlying: error)
            }
            guard let blocks else { break }
            session.append(blocks) { ready.append($0) }
            if !ready.isEmpty {
                try body(ready)
                ready = []
            }
        }
        session.finish { ready.append($0) }
        if !ready.isEmpty { try body(ready) }
        guard let metadata = queue.outcome else { preconditionFailure("the block queue ended without a result") }
        return metadata
    }
}
