internal import FolioChunking
internal import FolioIngest
public import FolioModel
public import FolioScheduler
internal import FolioSystem
internal import Foundation

/// How ``Engine/forEachChunk(ofFile:session:visibility:timeToLive:_:)`` served a file.
public struct ChunkedFile: Sendable {
    /// The cached document when the file went through the cache; nil when it was streamed (larger
    /// than ``EngineConfiguration/streamingThresholdBytes``, or not a regular file).
    public var handle: DocumentHandle?
    /// What was learnt about the source (format, encoding, title).
    public var metadata: DocumentMetadata
    public var chunkCount: Int
    /// The sum of the chunks' exact token counts (overlap counted in each chunk that repeats it; see
    /// ``ProcessedDocument/chunkTokenTotal``).
    public var chunkTokenTotal: Int

    /// Whether the chunks came from the cache (memory, disk, or a concurrent ingest) rather than from
    /// reading the file now.
    public var isCacheHit: Bool { handle?.cacheSource.isHit ?? false }
}

extension Engine {
    /// Hands each chunk of a file to `body`, in order: the cached path for files up to
    /// ``EngineConfiguration/streamingThresholdBytes``, a streamed one beyond.
    ///
    /// - A regular file up to the threshold is ingested as ``ingest(file:session:visibility:timeToLive:)``
    ///   does (through the cache: a file seen before is not read again) and its chunks are decoded
    ///   one at a time from the processed document.
    /// - A larger file, a pipe or a device is cut while it is read, as one job of `session` on the
    ///   pool: memory holds a bounded queue of blocks and chunks, never the document, and nothing is
    ///   cached. The chunks equal those the cached path gives.
    ///
    /// `body` runs in the calling task; a slow `body` slows the reading, it does not grow memory.
    ///
    /// - Throws: ``EngineError/Code/input`` naming the file when it cannot be read,
    ///   ``EngineError/Code/limit``, ``EngineError/Code/overloaded``, ``EngineError/Code/cancelled``;
    ///   what `body` throws, which stops the reading.
    @discardableResult
    public func forEachChunk(
        ofFile path: String, session: Session, visibility: DocumentVisibility = .private, timeToLive: Duration? = nil,
        _ body: (Chunk) async throws(EngineError) -> Void
    ) async throws(EngineError) -> ChunkedFile {
        try await forEachChunk(
            ofFile: path, standardInput: nil, session: session, visibility: visibility, timeToLive: timeToLive, body)
    }

    /// ``forEachChunk(ofFile:session:visibility:timeToLive:_:)``, where `-` reads `standardInput`
    /// (the command line's standard input, or a descriptor a test passes), streamed.
    package func forEachChunk(
        ofFile path: String, standardInput: Int32?, session: Session, visibility: DocumentVisibility = .private,
        timeToLive: Duration? = nil, _ body: (Chunk) async throws(EngineError) -> Void
    ) async throws(EngineError) -> ChunkedFile {
        let size = Self.regularFileSize(path)
        if let size, size <= configuration.streamingThresholdBytes {
            let handle = try await ingest(file: path, session: session, visibility: visibility, timeToLive: timeToLive)
            let document = handle.document
            for try await chunk in chunks(of: handle) { try await body(chunk) }
            return ChunkedFile(
                handle: handle, metadata: document.metadata, chunkCount: document.chunkCount,
                chunkTokenTotal: document.chunkTokenTotal)
        }
        // A pipe's size is unknown: it is costed as a document of a few megabytes.
        let cost = Double(size.map { max(1, $0) } ?? Self.unknownSizeCost)
        return try await streamChunks(
            ofFile: path, standardInput: standardInput ?? 0, cost: cost, session: session, body)
    }

    /// Chunks cut while the file is read, as one job on the pool; nothing cached.
    private func streamChunks(
        ofFile path: String, standardInput: Int32, cost: Double, session: Session,
        _ body: (Chunk) async throws(EngineError) -> Void
    ) async throws(EngineError) -> ChunkedFile {
        let ingestor = self.ingestor
        let stream = chunker.chunks(reading: { send throws(IngestError) in
            try ingestor.readBatches(atPath: path, standardInput: standardInput, send)
        })
        do {
            return try await pool.run(session, cost: cost) { context in
                var chunkCount = 0
                var chunkTokenTotal = 0
                for try await chunk in stream {
                    try await body(chunk)
                    chunkCount += 1
                    chunkTokenTotal += chunk.tokenCount
                    if chunkCount % Self.chunksPerCheckpoint == 0 { try await context.checkpoint() }
                }
                guard let metadata = stream.metadata else {
                    throw EngineError(.input, "\(path): the stream ended without its metadata", documentName: path)
                }
                return ChunkedFile(
                    handle: nil, metadata: metadata, chunkCount: chunkCount, chunkTokenTotal: chunkTokenTotal)
            }
        } catch {
            throw EngineError.wrapping(error, documentName: path)
        }
    }

    /// How often a streamed job offers its worker to higher-precedence work.
    static let chunksPerCheckpoint = 64
    /// The cost, in bytes, of a source whose size is not known in advance.
    static let unknownSizeCost = 4 << 20

    /// The size of the regular file at `path`; nil for standard input, pipes, devices and paths that
    /// cannot be examined (the streamed path reports why).
    private static func regularFileSize(_ path: String) -> Int? {
        if path == "-" { return nil }
        guard let status = try? FileStatus(path: path), status.isRegularFile else { return nil }
        return status.byteCount
    }
}
