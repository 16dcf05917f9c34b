internal import FolioCache
internal import FolioChunking
internal import FolioIndex
internal import FolioIngest
internal import FolioModel
public import FolioScheduler
internal import FolioSystem
internal import Foundation

extension Engine {
    /// Reads, cuts and indexes a file (any format Folio ingests), or finds it in the cache.
    ///
    /// A file unchanged since it was last hashed (same device, inode, size and times) is looked up
    /// without being read: a warm ingest costs a `stat` and a memory lookup.
    ///
    /// - Parameters:
    ///   - visibility: ``DocumentVisibility/private`` caches under the session's tenant;
    ///     ``DocumentVisibility/public`` shares the result with every tenant.
    ///   - timeToLive: How long a newly cached result lives (default: the configuration's).
    /// - Throws: ``EngineError/Code/input`` (unreadable, unsupported, malformed; the file is named),
    ///   ``EngineError/Code/limit``, ``EngineError/Code/overloaded``, ``EngineError/Code/cancelled``,
    ///   ``EngineError/Code/invalidRequest`` for a session naming no service class.
    public func ingest(
        file path: String, session: Session, visibility: DocumentVisibility = .private, timeToLive: Duration? = nil
    ) async throws(EngineError) -> DocumentHandle {
        try await ingest(file: path, name: path, session: session, visibility: visibility, timeToLive: timeToLive)
    }

    /// Reads the file at `path` as the document `name`: what a gateway does with an upload it
    /// stored under an id. `name` (the client's file name) is what the handle, errors and packed
    /// citations say, and its extension helps detect the format, as for
    /// ``ingest(bytes:name:session:visibility:timeToLive:)``; the server's path appears nowhere.
    ///
    /// - Throws: As ``ingest(file:session:visibility:timeToLive:)``, naming `name`.
    public func ingest(
        file path: String, name: String, session: Session, visibility: DocumentVisibility = .private,
        timeToLive: Duration? = nil
    ) async throws(EngineError) -> DocumentHandle {
        do {
            return try await ingestFile(
                path, name: name, session: session, visibility: visibility, timeToLive: timeToLive)
        } catch  where name != path {
            var error = error
            error.message = error.message.replacingOccurrences(of: path, with: name)
            if error.documentName == path { error.documentName = name }
            throw error
        }
    }

    private func ingestFile(
        _ path: String, name: String, session: Session, visibility: DocumentVisibility, timeToLive: Duration?
    ) async throws(EngineError) -> DocumentHandle {
        let scope = scope(of: visibility, session: session)
        if let digest = memo.digest(ofFile: path, scope: scope) {
            do {
                return try await lookup(
                    digest: digest, name: name, session: session, visibility: visibility, timeToLive: timeToLive
                ) { [self] in
                    let (bytes, readDigest) = try await pool.perform { () throws(EngineError) in
                        try readFile(path, scope: scope)
                    }
                    // Changed between the stat and the read: not this key's content; start over.
                    guard readDigest == digest else { throw FileChangedWhileReading() }
                    return try await process(
                        bytes, name: name, digest: digest, session: session, visibility: visibility)
                }
            } catch  where error.underlying is FileChangedWhileReading {
                // Fall through to the cold path with the new content.
            }
        }
        let (bytes, digest) = try await pool.perform { () throws(EngineError) in try readFile(path, scope: scope) }
        return try await lookup(
            digest: digest, name: name, session: session, visibility: visibility, timeToLive: timeToLive
        ) { [self] in
            try await process(bytes, name: name, digest: digest, session: session, visibility: visibility)
        }
    }

    /// Reads, cuts and indexes a document held in memory; `name` (a file name) helps detect the
    /// format and names the document in errors.
    ///
    /// - Throws: As ``ingest(file:session:visibility:timeToLive:)``; ``EngineError/Code/limit`` for
    ///   more than ``EngineConfiguration/maxInputBytes``.
    public func ingest(
        bytes: [UInt8], name: String, session: Session, visibility: DocumentVisibility = .private,
        timeToLive: Duration? = nil
    ) async throws(EngineError) -> DocumentHandle {
        guard bytes.count <= configuration.maxInputBytes else {
            throw EngineError(
                .limit,
                "\(name): \(bytes.count) bytes is over the limit of \(configuration.maxInputBytes) (maxInputBytes)",
                documentName: name)
        }
        // Hashing is linear work: a large input is hashed on the pool's threads, a small one here.
        let digest =
            bytes.count < Self.inlineHashLimit
            ? SHA256Digest(hashing: bytes) : await pool.perform { SHA256Digest(hashing: bytes) }
        return try await lookup(
            digest: digest, name: name, session: session, visibility: visibility, timeToLive: timeToLive
        ) { [self] in
            try await process(bytes, name: name, digest: digest, session: session, visibility: visibility)
        }
    }

    /// Collects a stream of byte buffers (an upload, say), up to
    /// ``EngineConfiguration/maxInputBytes``, then ingests it as ``ingest(bytes:name:session:visibility:timeToLive:)``.
    ///
    /// - Throws: ``EngineError/Code/limit`` as soon as the stream passes the limit (the rest is not
    ///   read), ``EngineError/Code/input`` when the stream fails, ``EngineError/Code/cancelled``.
    public func ingest(
        stream: some AsyncSequence<[UInt8], any Error>, name: String, session: Session,
        visibility: DocumentVisibility = .private, timeToLive: Duration? = nil
    ) async throws(EngineError) -> DocumentHandle {
        var bytes: [UInt8] = []
        do {
            for try await buffer in stream {
                guard buffer.count <= configuration.maxInputBytes - bytes.count else {
                    throw EngineError(
                        .limit,
                        "\(name): the stream passed the limit of \(configuration.maxInputBytes) bytes (maxInputBytes)",
                        documentName: name)
                }
                bytes.append(contentsOf: buffer)
                try Task.checkCancellation()
            }
        } catch let error as EngineError {
            throw error
        } catch is CancellationError {
            throw EngineError(.cancelled, "\(name): cancelled while reading the stream", documentName: name)
        } catch {
            throw EngineError(.input, "\(name): the stream failed: \(error)", documentName: name, underlying: error)
        }
        return try await ingest(
            bytes: bytes, name: name, session: session, visibility: visibility, timeToLive: timeToLive)
    }

    // MARK: Steps

    /// Inputs smaller than this are hashed in the calling task: a hop to another thread costs more.
    static let inlineHashLimit = 64 << 10

    struct FileChangedWhileReading: Error {}

    func scope(of visibility: DocumentVisibility, session: Session) -> CacheScope {
        visibility == .public ? .shared : .tenant(session.tenant)
    }

    func key(digest: SHA256Digest, scope: CacheScope) -> DocumentKey {
        DocumentKey(scope: scope, contentDigest: digest, pipeline: pipelineFingerprint)
    }

    /// The cache lookup every ingest ends in.
    private func lookup(
        digest: SHA256Digest, name: String, session: Session, visibility: DocumentVisibility, timeToLive: Duration?,
        compute: @escaping @Sendable () async throws -> ProcessedDocument
    ) async throws(EngineError) -> DocumentHandle {
        let key = key(digest: digest, scope: scope(of: visibility, session: session))
        do {
            let lookup = try await cache.value(for: key, timeToLive: timeToLive, compute: compute)
            return DocumentHandle(
                document: lookup.value, name: name, cacheSource: lookup.source, session: session,
                visibility: visibility,
                key: key)
        } catch let error as FileChangedWhileReading {
            throw EngineError(.input, "\(name): changed while being read", documentName: name, underlying: error)
        } catch {
            throw EngineError.wrapping(error, documentName: name)
        }
    }

    /// The file's bytes and digest, within the size limit.
    func readFile(_ path: String, scope: CacheScope) throws(EngineError) -> (bytes: [UInt8], digest: SHA256Digest) {
        let status: FileStatus
        do {
            status = try FileStatus(path: path)
        } catch {
            throw EngineError(.input, "\(path): cannot read: \(error.reason)", documentName: path, underlying: error)
        }
        guard status.isRegularFile else {
            throw EngineError(.input, "\(path): not a regular file", documentName: path)
        }
        guard status.byteCount <= configuration.maxInputBytes else {
            throw EngineError(
                .limit,
                "\(path): \(status.byteCount) bytes is over the limit of \(configuration.maxInputBytes)"
                    + " (maxInputBytes)",
                documentName: path)
        }
        do {
            return try memo.read(file: path, scope: scope)
        } catch {
            throw EngineError(.input, error.message, documentName: path, underlying: error)
        }
    }

    /// Reads, cuts and indexes `bytes` as a job of `session` on the pool.
    func process(
        _ bytes: [UInt8], name: String, digest: SHA256Digest, session: Session, visibility: DocumentVisibility
    ) async throws -> ProcessedDocument {
        let storedName = visibility == .public ? String(name.split(separator: "/").last ?? Substring(name)) : name
        do {
            return try await pool.run(session, cost: Double(max(1, bytes.count))) { context in
                try await context.checkpoint()
                let document: Document
                do throws(IngestError) {
                    document = try ingestor.document(from: bytes, name: name)
                } catch {
                    throw EngineError.wrapping(error)
                }
                try await context.checkpoint()
                var builder = makeIndexBuilder()
                builder.beginDocument(path: storedName)
                var kinds: [[BlockKind]] = []
                var chunkTokenTotal = 0
                var failure: IndexError?
                chunker.forEachChunk(of: document) { chunk in
                    guard failure == nil else { return }
                    kinds.append(chunk.blockKinds)
                    chunkTokenTotal += chunk.tokenCount
                    do throws(IndexError) { try builder.append(chunk) } catch { failure = error }
                }
                if let failure { throw EngineError.wrapping(failure, documentName: name) }
                do throws(IndexError) {
                    try builder.finishDocument(text: document.text)
                } catch {
                    throw EngineError.wrapping(error, documentName: name)
                }
                try await context.checkpoint()
                let tokenCount = tokenizer.count(document.text)
                return ProcessedDocument(
                    name: storedName, contentDigest: digest, document: document, kinds: kinds, index: builder.build(),
                    tokenCount: tokenCount, chunkTokenTotal: chunkTokenTotal, encoding: configuration.encoding,
                    maxTokens: configuration.maxTokens,
                    overlapTokens: configuration.overlapTokens)
            }
        } catch {
            throw EngineError.wrapping(error, documentName: name)
        }
    }
}
