internal import FolioCache
internal import FolioChunking
internal import FolioIndex
internal import FolioIngest
public import FolioScheduler
public import FolioTokenizer
internal import Foundation

/// Ingests, chunks, indexes and packs documents on a priority worker pool, through a two-tier
/// document cache: the one object a gateway needs.
///
/// ```swift
/// let engine = Engine()                                        // ~/.cache/folio, one worker per core
/// let session = Session(tenant: "acme", id: "alice", serviceClass: "priority")
/// let filing = try await engine.ingest(file: "ko-10-k.html", session: session)
/// print(filing.document.tokenCount, filing.cacheSource)          // exact; memory, disk or computed
/// for try await chunk in engine.chunks(of: filing) { … }
/// let context = try await engine.pack("change of control", budget: 2_048, in: [filing])
/// ```
///
/// Method of an ingest:
/// 1. The content's SHA-256 names it: for a file, from the digest memo when the file is unchanged
///    since it was last hashed (no read, no hash), else by reading and hashing it.
/// 2. The key is the scope (the session's tenant, or shared for ``DocumentVisibility/public``), the
///    digest and ``pipelineFingerprint``. The cache answers from memory, from disk (verified), from
///    a concurrent ingest of the same key, or computes.
/// 3. Computing runs on the ``pool`` for the session, with the source's byte count as its cost:
///    read the document, cut it into chunks, index the chunks; the cache keeps the result in
///    memory and writes it to disk.
///
/// - Important: A pool that does not admit the work throws ``EngineError/Code/overloaded`` with
///   ``EngineError/retryAfter``; a cancelled task throws ``EngineError/Code/cancelled`` at once,
///   while the computation goes on for other ingests of the same content that wait for it.
public final class Engine: Sendable {
    public let configuration: EngineConfiguration
    /// The tokenizer of ``EngineConfiguration/encoding``, shared by every chunk and pack.
    public let tokenizer: BPETokenizer
    /// The worker pool every ingest, search and pack runs on; a gateway may run its own jobs on it.
    public let pool: WorkerPool
    let cache: DocumentCache<ProcessedDocument>
    let memo: FileDigestMemo
    let chunker: Chunker
    let ingestor: Ingestor
    /// Everything in the pipeline that shapes a processed document, part of every cache key:
    /// `cl100k_base/512/0/folio-extract-2/…`.
    public let pipelineFingerprint: String

    /// An engine with the default configuration (``EngineConfiguration/init()``). When the default
    /// cache directory cannot be used (no home directory, a read-only file system), the engine
    /// caches in memory only.
    public init() {
        var configuration = EngineConfiguration()
        var parts: Parts
        do {
            parts = try Self.makeParts(configuration)
        } catch {
            configuration.cacheDirectory = nil
            do {
                parts = try Self.makeParts(configuration)
            } catch {
                // Only a broken installation (the embedded cl100k_base ranks missing) gets here.
                fatalError("Folio cannot start with its default configuration: \(error.message)")
            }
        }
        self.configuration = configuration
        (tokenizer, pool, cache, memo, chunker, ingestor, pipelineFingerprint) = parts
    }

    /// An engine with `configuration`.
    ///
    /// - Throws: ``EngineError/Code/invalidConfiguration`` naming the value out of range (budget,
    ///   overlap, encoding, capacities, time to live, workers, ingest limits);
    ///   ``EngineError/Code/cache`` when the cache directory cannot be created.
    public init(configuration: EngineConfiguration) throws(EngineError) {
        self.configuration = configuration
        // Indexes decoded from the cache name the table by fingerprint: make it findable.
        if let table = configuration.termVectors { TermVectors.register(table) }
        (tokenizer, pool, cache, memo, chunker, ingestor, pipelineFingerprint) = try Self.makeParts(configuration)
    }

    typealias Parts = (
        BPETokenizer, WorkerPool, DocumentCache<ProcessedDocument>, FileDigestMemo, Chunker, Ingestor, String
    )

    /// Cost units are source bytes; about 10 MB/s end to end before the pool has learnt the rate.
    static let initialSecondsPerByte = 1e-7

    static func makeParts(_ configuration: EngineConfiguration) throws(EngineError) -> Parts {
        guard configuration.maxInputBytes > 0 else {
            throw EngineError(
                .invalidConfiguration, "maxInputBytes must be positive, got \(configuration.maxInputBytes)")
        }
        guard configuration.streamingThresholdBytes >= 0 else {
            throw EngineError(
                .invalidConfiguration,
                "streamingThresholdBytes must not be negative, got \(configuration.streamingThresholdBytes)")
        }
        let chunkConfiguration: ChunkConfiguration
        do {
            chunkConfiguration = try ChunkConfiguration(
                maxTokens: configuration.maxTokens, overlapTokens: configuration.overlapTokens)
        } catch {
            throw EngineError(.invalidConfiguration, error.message, underlying: error)
        }
        let tokenizer: BPETokenizer
        do {
            tokenizer = try BPETokenizer.named(configuration.encoding)
        } catch {
            throw EngineError(.invalidConfiguration, error.message, underlying: error)
        }
        do throws(IngestError) {
            try configuration.ingestOptions.limits.validate()
        } catch {
            throw EngineError(.invalidConfiguration, error.message, underlying: error)
        }
        let ingestor = Ingestor(options: configuration.ingestOptions)
        let scheduler: SchedulerConfiguration
        if let given = configuration.scheduler {
            scheduler = given
        } else {
            do {
                var folio = try SchedulerConfiguration.folio(workers: configuration.workers)
                folio.initialSecondsPerCost = initialSecondsPerByte
                scheduler = folio
            } catch {
                throw EngineError(.invalidConfiguration, error.message, underlying: error)
            }
        }
        let pool = WorkerPool(configuration: scheduler)
        let cache: DocumentCache<ProcessedDocument>
        let memo: FileDigestMemo
        do {
            cache = try DocumentCache(
                configuration: DocumentCacheConfiguration(
                    memoryCapacityBytes: configuration.memoryCapacityBytes, directory: configuration.cacheDirectory,
                    diskCapacityBytes: configuration.diskCapacityBytes,
                    defaultTimeToLive: configuration.defaultTimeToLive),
                executor: pool.auxiliaryExecutor, shared: configuration.sharedEntries)
            memo = try FileDigestMemo(directory: configuration.cacheDirectory.map { Self.trimmed($0) + "/digests" })
        } catch {
            throw wrapping(error)
        }
        let options = configuration.ingestOptions
        let limits = options.limits
        let fingerprint = [
            configuration.encoding, "\(configuration.maxTokens)", "\(configuration.overlapTokens)",
            EngineConfiguration.extractorVersion, "format=\(options.format?.rawValue ?? "auto")",
            "text=\(options.encoding?.rawValue ?? "auto")",
            "limits=\(limits.maxDecompressedBytes),\(limits.maxCompressionRatio),\(limits.compressionRatioFloorBytes),"
                + "\(limits.maxNestingDepth),\(limits.maxArchiveEntries),\(limits.maxPDFBytes)",
            "index=\(ProcessedDocument.formatVersion)", analyzerFingerprint(configuration.analyzer),
            "vectors=\(makeIndexBuilder(configuration).termVectors?.fingerprint ?? "none")",
        ].joined(separator: "/")
        return (
            tokenizer, pool, cache, memo,
            Chunker(tokenizer: tokenizer, configuration: chunkConfiguration), ingestor, fingerprint
        )
    }

    /// `stem` or `exact`, then the stop words (sorted, each length-prefixed so no list reads as another).
    static func analyzerFingerprint(_ analyzer: AnalyzerConfiguration) -> String {
        let stopWords = analyzer.stopWords.sorted().map { "\($0.utf8.count):\($0)" }.joined()
        return "analyzer=\(analyzer.stemming ? "stem" : "exact"),stop=\(SHA256Digest(hashing: stopWords.utf8))"
    }

    /// A builder of indexes with this engine's analyzer and encoding.
    func makeIndexBuilder() -> IndexBuilder { Self.makeIndexBuilder(configuration) }

    static func makeIndexBuilder(_ configuration: EngineConfiguration) -> IndexBuilder {
        IndexBuilder(
            analyzer: Analyzer(configuration: configuration.analyzer), encoding: configuration.encoding,
            maxChunkTokens: configuration.maxTokens, termVectors: configuration.termVectors)
    }

    private static func wrapping(_ error: CacheError) -> EngineError {
        EngineError(
            error.code == .invalidConfiguration ? .invalidConfiguration : .cache, error.message, underlying: error)
    }

    private static func trimmed(_ directory: String) -> String {
        directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
    }

    /// Stops the engine: from now on every ingest, search and pack that needs the pool throws
    /// ``EngineError/Code/shuttingDown``; returns when the pool's work has ended and every entry is
    /// written to the disk tier.
    ///
    /// - Parameter mode: ``WorkerPool/ShutdownMode/drain`` finishes what was admitted;
    ///   ``WorkerPool/ShutdownMode/cancel`` ends queued work at once and running work at its next
    ///   checkpoint (their callers get ``EngineError/Code/shuttingDown``).
    public func shutdown(_ mode: WorkerPool.ShutdownMode = .drain) async {
        await pool.shutdown(mode)
        await cache.waitForPendingWrites()
    }

    /// Waits until every document processed so far is written to the disk tier. Entries are written
    /// behind the ingests that computed them (compressing a large document can take longer than
    /// processing it), so a process that wants them kept for its next run calls this before it exits.
    public func waitForPendingWrites() async {
        await cache.waitForPendingWrites()
    }

    // MARK: Counting and statistics

    /// The exact number of tokens of `text` in the engine's encoding (special-token strings count as text).
    public func tokenCount(of text: String) -> Int { tokenizer.count(text) }

    /// Runs short blocking work (a file write, a hash) on the pool's auxiliary threads, off Swift's
    /// cooperative threads, outside the scheduler: what a gateway does with an upload's bytes.
    /// Work that grows with a document is a job (``WorkerPool/run(_:cost:options:_:)``).
    public func perform<T, Failure: Error>(_ body: () throws(Failure) -> T) async throws(Failure) -> T {
        try await pool.perform(body)
    }

    /// What the cache (hits per tier, computations, cached and uncached tokens) and the pool
    /// (admitted, rejected, completed per class) did since the engine was created.
    public var statistics: EngineStatistics {
        EngineStatistics(cache: cache.statistics, pool: pool.statistics)
    }
}
