import Folio
import FolioCache
import FolioChunking
import FolioCorpora
import FolioIndex
import FolioModel
import FolioScheduler
import FolioTestSupport
import Foundation
import Synchronization
import Testing

/// The Engine end to end: the same chunks as the direct pipeline, from every cache tier, for every
/// tenant it may serve, under load.
struct EngineTests {
    static func samplePath(_ name: String) -> String {
        PackageCorpora.root.appendingPathComponent("samples/\(name)").path
    }

    static func engine(directory: String? = nil, maxTokens: Int = 512, scheduler: SchedulerConfiguration? = nil) throws
        -> Engine
    {
        var configuration = EngineConfiguration()
        configuration.cacheDirectory = directory
        configuration.maxTokens = maxTokens
        configuration.scheduler = scheduler
        return try Engine(configuration: configuration)
    }

    static func session(_ tenant: String = "acme", _ id: String = "alice", serviceClass: String = "priority") -> Session
    {
        Session(tenant: tenant, id: id, serviceClass: serviceClass)
    }

    /// A fresh temporary directory, removed when `body` returns.
    static func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("folio-engine-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        return try await body(directory)
    }

    /// What Ingestor and Chunker give without the engine.
    static func direct(_ path: String, maxTokens: Int = 512) throws -> (document: Document, chunks: [Chunk]) {
        let document = try Ingestor().document(atPath: path)
        let chunker = Chunker(
            tokenizer: try .named(.cl100kBase), configuration: try ChunkConfiguration(maxTokens: maxTokens))
        return (document, chunker.chunks(of: document))
    }

    static func collect(_ chunks: DocumentChunks) async throws -> [Chunk] {
        var result: [Chunk] = []
        for try await chunk in chunks { result.append(chunk) }
        return result
    }

    // MARK: Counts and chunks

    @Test(arguments: [
        "annual-report.html", "supply-agreement.docx", "supply-agreement.odt", "supply-agreement.pdf",
        "chinese-essay.txt", "generated/chinese.txt",
    ])
    func ingestCountsEqualTheDirectPipeline(sample: String) async throws {
        let path = Self.samplePath(sample)
        let engine = try Self.engine(maxTokens: 128)
        let handle = try await engine.ingest(file: path, session: Self.session())
        let (document, chunks) = try Self.direct(path, maxTokens: 128)
        #expect(handle.cacheSource == .computed)
        #expect(handle.document.chunkCount == chunks.count)
        #expect(handle.document.chunkTokenTotal == chunks.reduce(0) { $0 + $1.tokenCount })
        #expect(handle.document.tokenCount == engine.tokenCount(of: document.text))
        #expect(handle.document.characterCount == document.text.unicodeScalars.count)
        #expect(handle.document.utf8Count == document.text.utf8.count)
        #expect(handle.document.blockCount == document.blocks.count)
        #expect(handle.document.metadata == document.metadata)
        #expect(try handle.document.blocks() == document.blocks)
        #expect(try handle.document.text() == document.text)
        #expect(try await Self.collect(engine.chunks(of: handle)) == chunks)
    }

    @Test func aSecondIngestIsAMemoryHit() async throws {
        let engine = try Self.engine()
        let path = Self.samplePath("annual-report.html")
        let first = try await engine.ingest(file: path, session: Self.session())
        let second = try await engine.ingest(file: path, session: Self.session("acme", "bob"))
        #expect(first.cacheSource == .computed)
        #expect(second.cacheSource == .memory)
        #expect(second.document === first.document)
        let statistics = engine.statistics
        #expect(statistics.cache.computations == 1 && statistics.cache.memory.hits == 1)
        #expect(
            statistics.cache.cachedTokens == first.tokenCount && statistics.cache.uncachedTokens == first.tokenCount)
        #expect(statistics.pool.classes["priority"]?.completed == 1)
    }

    @Test func aFreshEngineOverTheSameDirectoryGetsADiskHitWithIdenticalChunks() async throws {
        try await Self.withTemporaryDirectory { directory in
            for sample in [
                "annual-report.html", "supply-agreement.docx", "supply-agreement.pdf", "generated/chinese.txt",
            ] {
                let path = Self.samplePath(sample)
                let first = try Self.engine(directory: directory)
                let computed = try await first.ingest(file: path, session: Self.session())
                #expect(computed.cacheSource == .computed)
                await first.waitForPendingWrites()

                let engine = try Self.engine(directory: directory)
                let fromDisk = try await engine.ingest(file: path, session: Self.session())
                #expect(fromDisk.cacheSource == .disk)
                let (document, chunks) = try Self.direct(path)
                #expect(fromDisk.document.tokenCount == computed.document.tokenCount)
                #expect(fromDisk.document.chunkTokenTotal == computed.document.chunkTokenTotal)
                #expect(fromDisk.document.metadata == document.metadata)
                #expect(try fromDisk.document.blocks() == document.blocks)
                #expect(try fromDisk.document.chunks() == chunks)
                #expect(try await Self.collect(engine.chunks(of: fromDisk)) == chunks)

                // Bytes of the same content find the same entry.
                let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
                let again = try await engine.ingest(bytes: bytes, name: path, session: Self.session())
                #expect(again.cacheSource == .memory)
            }
        }
    }

    /// An entry damaged after the disk hit that verified it (rewritten in place, not renamed) does
    /// not reach the document served: the hit copied and verified the entry, and its index is
    /// inflated from that copy. The next engine to open the file finds the damage, discards the
    /// entry and recomputes the document instead of serving it.
    @Test func anEntryDamagedAfterTheHitIsServedAsVerifiedThenDiscardedAndRecomputed() async throws {
        try await Self.withTemporaryDirectory { directory in
            let path = Self.samplePath("annual-report.html")
            let writer = try Self.engine(directory: directory)
            _ = try await writer.ingest(file: path, session: Self.session())
            await writer.waitForPendingWrites()
            let engine = try Self.engine(directory: directory)
            let fromDisk = try await engine.ingest(file: path, session: Self.session())
            try #require(fromDisk.cacheSource == .disk)
            let entries = try #require(
                FileManager.default.enumerator(atPath: directory + "/entries")?.allObjects as? [String])
            let entry = directory + "/entries/" + (try #require(entries.first { $0.hasSuffix(".entry") }))
            let size = try #require(FileManager.default.attributesOfItem(atPath: entry)[.size] as? Int)
            let handle = try #require(FileHandle(forUpdatingAtPath: entry))
            try handle.seek(toOffset: UInt64(size - 100))  // inside the index segment, the last one
            let byte = try #require(handle.readData(ofLength: 1).first)
            try handle.seek(toOffset: UInt64(size - 100))
            try handle.write(contentsOf: Data([byte ^ 0xFF]))
            try handle.close()

            let expected = try Self.direct(path).chunks
            #expect(try await Self.collect(engine.chunks(of: fromDisk)) == expected)
            #expect(engine.statistics.cache.disk.discardedCorrupt == 0)
            let next = try Self.engine(directory: directory)
            let again = try await next.ingest(file: path, session: Self.session())
            #expect(again.cacheSource == .computed && next.statistics.cache.disk.discardedCorrupt == 1)
            #expect(try await Self.collect(next.chunks(of: again)) == expected)
        }
    }

    @Test func overlappingChunksRoundTripThroughTheDiskTier() async throws {
        try await Self.withTemporaryDirectory { directory in
            var configuration = EngineConfiguration()
            configuration.cacheDirectory = directory
            configuration.maxTokens = 64
            configuration.overlapTokens = 24
            let path = Self.samplePath("annual-report.html")
            _ = try await Engine(configuration: configuration).ingest(file: path, session: Self.session())
            let fromDisk = try await Engine(configuration: configuration).ingest(file: path, session: Self.session())
            #expect(fromDisk.cacheSource == .disk)
            let document = try Ingestor().document(atPath: path)
            let chunker = Chunker(
                tokenizer: try .named(.cl100kBase),
                configuration: try ChunkConfiguration(maxTokens: 64, overlapTokens: 24))
            #expect(try fromDisk.document.chunks() == chunker.chunks(of: document))
        }
    }

    @Test func windowsAreCutOnDemandAsTheChunkerCutsThem() async throws {
        let engine = try Self.engine()
        let path = Self.samplePath("generated/report.txt")
        let handle = try await engine.ingest(file: path, session: Self.session())
        var windows: [Chunk] = []
        for try await window in try engine.windows(of: handle, maxTokens: 1_000, overlap: 100) {
            windows.append(window)
        }
        let document = try Ingestor().document(atPath: path)
        let chunker = Chunker(
            tokenizer: try .named(.cl100kBase), configuration: try .window(maxTokens: 1_000, overlapTokens: 100))
        #expect(windows.count > 2)
        #expect(windows == chunker.chunks(of: document))
        #expect(throws: EngineError.self) { try engine.windows(of: handle, maxTokens: 1_000, overlap: 900) }
    }

    // MARK: Concurrency and tenants

    @Test func sixtyFourSessionsProcessEachDocumentOnce() async throws {
        let engine = try Self.engine()
        let kinds: [CorpusGenerator.Kind] = [
            .report, .contract, .chinese, .report, .contract, .chinese, .report, .contract,
        ]
        let documents = kinds.enumerated().map { offset, kind in
            Array(CorpusGenerator(kind: kind, seed: UInt64(offset + 1)).document(characters: 20_000).utf8)
        }
        let handles = try await withThrowingTaskGroup(of: DocumentHandle.self) { group in
            for sessionNumber in 0..<64 {
                group.addTask {
                    let session = Self.session(
                        "acme", "s\(sessionNumber)", serviceClass: sessionNumber % 2 == 0 ? "priority" : "standard")
                    return try await engine.ingest(
                        bytes: documents[sessionNumber % 8], name: "doc-\(sessionNumber % 8).txt", session: session)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let statistics = engine.statistics.cache
        let computed = handles.filter { $0.cacheSource == .computed }
        let joined = handles.filter { $0.cacheSource == .joined }
        let fromMemory = handles.filter { $0.cacheSource == .memory }
        #expect(statistics.computations == 8)
        #expect(computed.count == 8 && Set(computed.map(\.key)).count == 8)
        #expect(statistics.singleFlightJoins == joined.count)
        #expect(statistics.memory.hits == fromMemory.count)
        #expect(statistics.memory.misses == computed.count + joined.count)
        #expect(statistics.memory.entries == 8)
        #expect(statistics.uncachedTokens == computed.reduce(0) { $0 + $1.tokenCount })
        #expect(statistics.cachedTokens == (joined + fromMemory).reduce(0) { $0 + $1.tokenCount })
        // Every handle of one content shares one document with the same counts.
        for key in Set(handles.map(\.key)) {
            let same = handles.filter { $0.key == key }
            #expect(same.count == 8)
            #expect(same.allSatisfy { $0.document === same[0].document })
        }
        let pool = engine.statistics.pool
        #expect(pool.classes.values.reduce(0) { $0 + $1.completed } == 8)
        #expect(pool.classes.values.reduce(0) { $0 + $1.rejected } == 0)
    }

    @Test func tenantsNeverShareAPrivateDocumentButShareAPublicOne() async throws {
        try await Self.withTemporaryDirectory { directory in
            let engine = try Self.engine(directory: directory)
            let path = Self.samplePath("supply-agreement.txt")
            let alice = Self.session("a", "alice")
            let bob = Self.session("b", "bob")

            // At the same time: b must neither join a's flight nor find its entry.
            async let fromA = engine.ingest(file: path, session: alice)
            async let fromB = engine.ingest(file: path, session: bob)
            let (a, b) = try await (fromA, fromB)
            #expect(a.cacheSource == .computed && b.cacheSource == .computed)
            #expect(a.key != b.key)
            // Later, from memory and from disk: each tenant finds only its own entry.
            let bAgain = try await engine.ingest(file: path, session: Self.session("b", "carol"))
            #expect(bAgain.document === b.document)
            let c = try await Self.engine(directory: directory).ingest(file: path, session: Self.session("c", "dave"))
            #expect(c.cacheSource == .computed)

            let report = Self.samplePath("annual-report.html")
            let publicA = try await engine.ingest(file: report, session: alice, visibility: .public)
            let publicB = try await engine.ingest(file: report, session: bob, visibility: .public)
            let privateB = try await engine.ingest(file: report, session: bob)
            #expect(publicA.cacheSource == .computed && publicB.cacheSource == .memory)
            // a public document keeps no directory of its first reader
            #expect(publicA.document.name == "annual-report.html")
            #expect(privateB.cacheSource == .computed)
            await engine.waitForPendingWrites()
            let publicC = try await Self.engine(directory: directory).ingest(
                file: report, session: Self.session("c", "erin"), visibility: .public)
            #expect(publicC.cacheSource == .disk)
        }
    }

    // MARK: Overload and errors

    @Test func invalidatingADocumentOrATenantRemovesOnlyThat() async throws {
        try await Self.withTemporaryDirectory { directory in
            let report = directory + "/report.html", contract = directory + "/contract.docx"
            try FileManager.default.copyItem(atPath: Self.samplePath("annual-report.html"), toPath: report)
            try FileManager.default.copyItem(atPath: Self.samplePath("supply-agreement.docx"), toPath: contract)
            // Settled files, so the digest memo remembers them (and the tenant's memo files exist).
            for file in [report, contract] {
                try FileManager.default.setAttributes(
                    [.modificationDate: Date(timeIntervalSinceNow: -3_600)], ofItemAtPath: file)
            }
            let cacheDirectory = directory + "/cache"
            let engine = try Self.engine(directory: cacheDirectory)
            let acme = Self.session("acme"), globex = Self.session("globex")
            let acmeReport = try await engine.ingest(file: report, session: acme)
            _ = try await engine.ingest(file: contract, session: acme)
            _ = try await engine.ingest(file: report, session: globex)
            _ = try await engine.ingest(file: contract, session: globex, visibility: .public)
            let memos = {
                (try? FileManager.default.subpathsOfDirectory(atPath: cacheDirectory + "/digests"))?.filter {
                    $0.contains("/")
                }.count ?? 0
            }
            #expect(memos() == 4)

            engine.invalidate(acmeReport)
            #expect(try await engine.ingest(file: report, session: acme).cacheSource == .computed)
            #expect(try await engine.ingest(file: contract, session: acme).cacheSource == .memory)

            engine.invalidate(tenant: "acme")
            #expect(memos() == 2)  // globex's private and public reads
            await engine.waitForPendingWrites()
            let fresh = try Self.engine(directory: cacheDirectory)  // nothing of acme's left on disk either
            #expect(try await fresh.ingest(file: report, session: acme).cacheSource == .computed)
            #expect(try await fresh.ingest(file: contract, session: acme).cacheSource == .computed)
            #expect(try await fresh.ingest(file: report, session: globex).cacheSource == .disk)
            #expect(try await fresh.ingest(file: contract, session: acme, visibility: .public).cacheSource == .disk)
        }
    }

    /// With the pool saturated by ingests — more workers than Swift has cooperative threads, each
    /// reading, counting, cutting and indexing a large document — a task on the cooperative pool
    /// still runs within milliseconds: that work runs on the pool's own threads. Measured in a process
    /// of its own (`CooperativeProbe`), where no other test holds the cooperative threads.
    @Test func ingestsOnAFullPoolLeaveTheCooperativePoolFree() async throws {
        let executable = try #require(
            BuiltProducts.executable(named: "CooperativeProbe"),
            "no CooperativeProbe beside the tests: run `swift build`")
        let process = Process()
        process.executableURL = executable
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let report = try JSONDecoder().decode(CooperativeProbeReport.self, from: data)
        #expect(report.probes >= 20, "only \(report.probes) probes ran while \(report.workers) ingests held the pool")
        #expect(report.p50Milliseconds < 50, "p50 \(report.p50Milliseconds) ms, p99 \(report.p99Milliseconds) ms")
    }

    struct CooperativeProbeReport: Decodable {
        var workers: Int
        var probes: Int
        var p50Milliseconds: Double
        var p99Milliseconds: Double
    }

    @Test func aFullPoolAnswersOverloadedWithARetryTime() async throws {
        let scheduler = try SchedulerConfiguration(
            workers: 1, classes: [ServiceClass(name: "priority", precedence: 0, maxQueuedJobs: 1)])
        let engine = try Self.engine(scheduler: scheduler)
        let gate = Gate()
        let session = Self.session()
        // One job holds the only worker, one fills the queue.
        guard case .admitted(let running) = try engine.pool.submit(session, cost: 1, { _ in await gate.wait() }),
            case .admitted(let queued) = try engine.pool.submit(session, cost: 1, { _ in await gate.wait() })
        else {
            Issue.record("the first two jobs must be admitted")
            return
        }
        do {
            _ = try await engine.ingest(bytes: Array("Busy. Very busy.".utf8), name: "busy.txt", session: session)
            Issue.record("expected .overloaded")
        } catch {
            #expect(error.code == .overloaded)
            #expect((error.retryAfter ?? .zero) > .zero)
            #expect(error.message.contains("busy.txt"))
        }
        gate.open()
        try await running.value
        try await queued.value
        let handle = try await engine.ingest(bytes: Array("Busy. Very busy.".utf8), name: "busy.txt", session: session)
        #expect(handle.cacheSource == .computed)
        #expect(engine.statistics.pool.classes["priority"]?.rejected == 1)
    }

    @Test func cancellingAQueuedIngestThrowsCancelledAndFreesItsPlace() async throws {
        let scheduler = try SchedulerConfiguration(
            workers: 1, classes: [ServiceClass(name: "priority", precedence: 0, maxQueuedJobs: 4)])
        let engine = try Self.engine(scheduler: scheduler)
        let gate = Gate()
        let session = Self.session()
        guard case .admitted(let running) = try engine.pool.submit(session, cost: 1, { _ in await gate.wait() }) else {
            Issue.record("the first job must be admitted")
            return
        }
        let ingest = Task {
            try await engine.ingest(bytes: Array("Queued. Then cancelled.".utf8), name: "q.txt", session: session)
        }
        for _ in 0..<10_000 where engine.statistics.pool.classes["priority"]?.queued != 1 {
            try await Task.sleep(for: .milliseconds(1))
        }
        ingest.cancel()
        await #expect { try await ingest.value } throws: { ($0 as? EngineError)?.code == .cancelled }
        for _ in 0..<10_000 where engine.statistics.pool.classes["priority"]?.queued != 0 {
            try await Task.sleep(for: .milliseconds(1))
        }
        #expect(engine.statistics.pool.classes["priority"]?.cancelled == 1)
        #expect(engine.statistics.cache.computations == 0)
        gate.open()
        try await running.value
    }

    @Test func unreadableAndOversizedInputsAreTypedErrors() async throws {
        var configuration = EngineConfiguration()
        configuration.cacheDirectory = nil
        configuration.maxInputBytes = 1_000
        let engine = try Engine(configuration: configuration)
        await #expect { try await engine.ingest(file: "/nonexistent/a.txt", session: Self.session()) } throws: {
            error in
            (error as? EngineError)?.code == .input
                && (error as? EngineError)?.message.contains("/nonexistent/a.txt") == true
        }
        await #expect {
            try await engine.ingest(file: Self.samplePath("annual-report.html"), session: Self.session())
        } throws: { error in
            (error as? EngineError)?.code == .limit
        }
        var broken = [UInt8](repeating: 0, count: 40)
        broken[0] = 0x1F
        broken[1] = 0x8B
        broken[2] = 8
        await #expect {
            try await engine.ingest(bytes: broken, name: "broken.txt.gz", session: Self.session())
        } throws: { error in
            (error as? EngineError)?.code == .input && (error as? EngineError)?.documentName == "broken.txt.gz"
        }
        let stream = AsyncThrowingStream<[UInt8], any Error> { continuation in
            for _ in 0..<3 { continuation.yield([UInt8](repeating: 0x41, count: 400)) }
            continuation.finish()
        }
        await #expect { try await engine.ingest(stream: stream, name: "upload.txt", session: Self.session()) } throws: {
            error in
            (error as? EngineError)?.code == .limit
        }
        await #expect {
            try await engine.ingest(bytes: [0x41], name: "a.txt", session: Self.session(serviceClass: "gold"))
        } throws: { error in
            (error as? EngineError)?.code == .invalidRequest
        }
    }

    /// What Folio cannot read is its own code (a gateway answers 415), named and described: a scan (no
    /// text layer) and a PDF that needs its user password among them.
    @Test func unreadablePDFsAreUnsupportedFormat() async throws {
        let engine = try Self.engine()
        let scan = TestPDF.paragraphs([[], []])
        await #expect { try await engine.ingest(bytes: scan, name: "scan.txt", session: Self.session()) } throws: {
            error in
            let error = error as? EngineError
            return error?.code == .unsupportedFormat && error?.documentName == "scan.txt"
                && error?.message == "scan.txt: no text layer on pages 1–2: a scan or images; OCR is not supported"
        }
        let locked = Array(
            try Data(
                contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                    .appendingPathComponent("FolioPDFTests/Fixtures/encrypted-user-password.pdf")))
        await #expect { try await engine.ingest(bytes: locked, name: "locked.pdf", session: Self.session()) } throws: {
            error in
            let error = error as? EngineError
            return error?.code == .unsupportedFormat && error?.message.contains("user password") == true
        }
    }

    /// A PDF's chunks carry the pages their blocks are on, from every tier of the cache.
    @Test func pdfChunksCarryTheirPagesThroughTheDiskTier() async throws {
        try await Self.withTemporaryDirectory { directory in
            let path = Self.samplePath("supply-agreement.pdf")
            let first = try Self.engine(directory: directory, maxTokens: 128)
            let computed = try await first.ingest(file: path, session: Self.session())
            await first.waitForPendingWrites()
            let fromDisk = try await Self.engine(directory: directory, maxTokens: 128).ingest(
                file: path, session: Self.session())
            #expect(fromDisk.cacheSource == .disk)
            #expect(fromDisk.document.metadata.pageCount == 3)
            let document = try fromDisk.document.document()
            let chunks = try fromDisk.document.chunks()
            #expect(chunks == (try computed.document.chunks()))
            for chunk in chunks {
                let blockPages = document.textBlocks.filter {
                    $0.range.start < chunk.range.end && chunk.range.start < $0.range.end
                }.compactMap(\.page)
                #expect(chunk.pages == blockPages.min()!...blockPages.max()!)
            }
            #expect(chunks.first?.pages?.lowerBound == 1 && chunks.last?.pages?.upperBound == 3)
        }
    }

    /// A stopping engine says so — not "busy, retry in 0 s" — and work it cancels ends the same way.
    @Test func aShutDownEngineAnswersShuttingDownNotOverloaded() async throws {
        let scheduler = try SchedulerConfiguration(workers: 1, classes: [ServiceClass(name: "priority", precedence: 0)])
        let engine = try Self.engine(scheduler: scheduler)
        let gate = Gate()
        guard
            case .admitted(let running) = try engine.pool.submit(
                Self.session(), cost: 1,
                { context in
                    await gate.wait()
                    try await context.checkpoint()
                })
        else {
            Issue.record("the first job must be admitted")
            return
        }
        let queued = Task {
            try await engine.ingest(bytes: Array("Queued.".utf8), name: "queued.txt", session: Self.session())
        }
        for _ in 0..<10_000 where engine.statistics.pool.classes["priority"]?.queued != 1 {
            try await Task.sleep(for: .milliseconds(1))
        }
        let shutdown = Task { await engine.shutdown(.cancel) }
        // The queued ingest ends at once; the running job, at its next checkpoint.
        for _ in 0..<10_000 where engine.statistics.pool.classes["priority"]?.cancelled != 1 {
            try await Task.sleep(for: .milliseconds(1))
        }
        gate.open()
        await shutdown.value
        await #expect { try await queued.value } throws: {
            let error = $0 as? EngineError
            return error?.code == .shuttingDown && error?.retryAfter == nil && error?.documentName == "queued.txt"
        }
        await #expect(throws: SchedulerError.self) { try await running.value }
        do {
            _ = try await engine.ingest(bytes: Array("Late.".utf8), name: "late.txt", session: Self.session())
            Issue.record("a shut-down engine admitted work")
        } catch {
            #expect(error.code == .shuttingDown && error.retryAfter == nil)
            #expect(error.message.contains("late.txt") && error.message.contains("shutting down"))
        }
    }

    /// Only errors Folio knows become the caller's: anything else is Folio's fault.
    @Test func anUnknownErrorIsUnexpectedNotInput() {
        struct Surprise: Error {}
        let error = EngineError.wrapping(Surprise(), documentName: "a.txt")
        #expect(error.code == .unexpected && error.underlying is Surprise && error.message.contains("a.txt"))
        let stopping = EngineError.wrapping(
            SchedulerError(.shuttingDown, "the pool is shutting down"), documentName: nil)
        #expect(stopping.code == .shuttingDown && stopping.retryAfter == nil)
        let busy = EngineError.wrapping(
            SchedulerError(
                .rejected, "busy", rejection: Rejection(reason: .queueFull(limit: 4), retryAfter: .seconds(3))),
            documentName: nil)
        #expect(busy.code == .overloaded && busy.retryAfter == .seconds(3))
    }

    @Test func aStreamIsCollectedAndIngested() async throws {
        let engine = try Self.engine()
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: Self.samplePath("supply-agreement.txt"))))
        let stream = AsyncThrowingStream<[UInt8], any Error> { continuation in
            var offset = 0
            while offset < bytes.count {
                continuation.yield(Array(bytes[offset..<min(offset + 333, bytes.count)]))
                offset += 333
            }
            continuation.finish()
        }
        let streamed = try await engine.ingest(stream: stream, name: "supply-agreement.txt", session: Self.session())
        let fromBytes = try await engine.ingest(bytes: bytes, name: "supply-agreement.txt", session: Self.session())
        #expect(streamed.cacheSource == .computed && fromBytes.cacheSource == .memory)
    }

    @Test func badConfigurationsAreRejectedWithTheReason() {
        var configuration = EngineConfiguration()
        configuration.cacheDirectory = nil
        configuration.maxTokens = 100
        configuration.overlapTokens = 60
        #expect { try Engine(configuration: configuration) } throws: { error in
            (error as? EngineError)?.code == .invalidConfiguration && "\(error)".contains("overlapTokens")
        }
        configuration.overlapTokens = 0
        configuration.encoding = "p50k_base"
        #expect { try Engine(configuration: configuration) } throws: {
            ($0 as? EngineError)?.code == .invalidConfiguration
        }
        configuration.encoding = "cl100k_base"
        configuration.workers = 0
        #expect { try Engine(configuration: configuration) } throws: {
            ($0 as? EngineError)?.code == .invalidConfiguration
        }
        configuration.workers = 2
        configuration.memoryCapacityBytes = -1
        #expect { try Engine(configuration: configuration) } throws: {
            ($0 as? EngineError)?.code == .invalidConfiguration
        }
        configuration.memoryCapacityBytes = 1 << 20
        configuration.ingestOptions.limits.maxNestingDepth = 0
        #expect { try Engine(configuration: configuration) } throws: { error in
            (error as? EngineError)?.code == .invalidConfiguration && "\(error)".contains("maxNestingDepth")
        }
    }

    @Test func anIndexImageIsCheckedAsAMappedFileIs() async throws {
        let engine = try Self.engine()
        let handle = try await engine.ingest(file: Self.samplePath("annual-report.html"), session: Self.session())
        let image = try handle.document.index().imageBytes
        let reopened = try SearchIndex.fromImage(image, origin: "test image")
        #expect(try reopened.text(ofDocument: 0) == handle.document.text())
        #expect(throws: IndexError.self) { try SearchIndex.fromImage(Array(image.dropLast(100)), origin: "cut") }
        var damaged = image
        damaged[damaged.count - 10] ^= 0xFF  // inside the text section, the last page
        let opened = try SearchIndex.fromImage(damaged, origin: "damaged")  // pages are checked when touched
        #expect { try opened.text(ofDocument: 0) } throws: { ($0 as? IndexError)?.code == .corrupt }
    }

    // MARK: Search and pack

    @Test(arguments: [64, 200, 1_000])
    func packRespectsTheBudgetExactly(budget: Int) async throws {
        let engine = try Self.engine(maxTokens: 96)
        let report = try await engine.ingest(file: Self.samplePath("annual-report.html"), session: Self.session())
        let contract = try await engine.ingest(file: Self.samplePath("supply-agreement.docx"), session: Self.session())
        for handles in [[report], [contract], [report, contract]] {
            let context = try await engine.pack("revenue growth and termination", budget: budget, in: handles)
            #expect(context.tokenCount <= budget)
            #expect(context.tokenCount == engine.tokenCount(of: context.text))
            #expect(!context.passages.isEmpty)
        }
        await #expect { try await engine.pack("revenue", budget: 8, in: [report]) } throws: {
            ($0 as? EngineError)?.code == .invalidRequest
        }
    }

    @Test func searchFindsChunksAcrossDocuments() async throws {
        let engine = try Self.engine(maxTokens: 96)
        let report = try await engine.ingest(file: Self.samplePath("annual-report.html"), session: Self.session())
        let contract = try await engine.ingest(file: Self.samplePath("supply-agreement.txt"), session: Self.session())
        let hits = try await engine.search("terminate agreement", in: [report, contract], limit: 5)
        #expect(!hits.isEmpty && hits.count <= 5)
        #expect(hits.allSatisfy { $0.handle.name == contract.name || $0.handle.name == report.name })
        #expect(hits.first?.handle.name == contract.name)
        for hit in hits { #expect(try hit.chunk == hit.handle.document.chunk(at: hit.chunk.index)) }
        let single = try await engine.search("terminate agreement", in: [contract], limit: 3)
        #expect(!single.isEmpty && single.allSatisfy { $0.handle.name == contract.name })
        await #expect { try await engine.search("the of", in: [contract]) } throws: {
            ($0 as? EngineError)?.code == .invalidRequest
        }
    }

    @Test func aPackCitesTheFileAsThisCallerNamedIt() async throws {
        try await Self.withTemporaryDirectory { directory in
            let first = directory + "/first.txt", second = directory + "/second.txt"
            try FileManager.default.copyItem(atPath: Self.samplePath("supply-agreement.txt"), toPath: first)
            try FileManager.default.copyItem(atPath: Self.samplePath("supply-agreement.txt"), toPath: second)
            let engine = try Self.engine(maxTokens: 96)
            _ = try await engine.ingest(file: first, session: Self.session())
            let copy = try await engine.ingest(file: second, session: Self.session())
            #expect(copy.cacheSource == .memory && copy.document.name == first)
            let context = try await engine.pack("termination", budget: 300, in: [copy])
            #expect(!context.passages.isEmpty && context.passages.allSatisfy { $0.path == second })
            #expect(context.text.contains(second) && !context.text.contains(first))
        }
    }

    @Test func theAnalyzerIsPartOfTheCacheKey() throws {
        var stemmed = EngineConfiguration()
        stemmed.cacheDirectory = nil
        var exact = stemmed
        exact.analyzer = .exact
        var fewerStopWords = stemmed
        fewerStopWords.analyzer.stopWords.remove("the")
        let fingerprints = try [stemmed, exact, fewerStopWords].map {
            try Engine(configuration: $0).pipelineFingerprint
        }
        #expect(Set(fingerprints).count == 3)
    }

    // MARK: Files, streamed or cached

    static func collect(
        _ engine: Engine, _ path: String, session: Session = session()
    ) async throws -> (ChunkedFile, [Chunk]) {
        var chunks: [Chunk] = []
        let served = try await engine.forEachChunk(ofFile: path, session: session) { chunks.append($0) }
        return (served, chunks)
    }

    @Test func aFileOverTheThresholdIsStreamedWithTheChunksTheCacheGives() async throws {
        let path = Self.samplePath("annual-report.html")
        let (document, direct) = try Self.direct(path, maxTokens: 128)
        var configuration = EngineConfiguration()
        configuration.cacheDirectory = nil
        configuration.maxTokens = 128
        let cached = try Engine(configuration: configuration)
        configuration.streamingThresholdBytes = 1_000  // the sample is larger
        let streaming = try Engine(configuration: configuration)

        let (computed, first) = try await Self.collect(cached, path)
        let (hit, second) = try await Self.collect(cached, path)
        let (streamed, third) = try await Self.collect(streaming, path)
        #expect(first == direct && second == direct && third == direct)
        #expect(computed.handle?.cacheSource == .computed && !computed.isCacheHit)
        #expect(hit.handle?.cacheSource == .memory && hit.isCacheHit)
        #expect(streamed.handle == nil && !streamed.isCacheHit)
        for served in [computed, hit, streamed] {
            #expect(served.chunkCount == direct.count)
            #expect(served.chunkTokenTotal == direct.reduce(0) { $0 + $1.tokenCount })
            #expect(served.metadata.format == document.metadata.format)
        }
        // Streaming caches nothing, and ran as one job on the pool.
        #expect(streaming.statistics.cache.computations == 0)
        #expect(streaming.statistics.pool.classes["priority"]?.completed == 1)
    }

    @Test func aStreamedFileThatCannotBeReadIsATypedErrorAndBodyErrorsStopIt() async throws {
        var configuration = EngineConfiguration()
        configuration.cacheDirectory = nil
        configuration.streamingThresholdBytes = 0
        let engine = try Engine(configuration: configuration)
        await #expect { try await Self.collect(engine, "/nonexistent/file.html") } throws: {
            let error = $0 as? EngineError
            return error?.code == .input && error?.message.contains("/nonexistent/file.html") == true
        }
        var seen = 0
        await #expect {
            try await engine.forEachChunk(ofFile: Self.samplePath("annual-report.html"), session: Self.session()) {
                _ throws(EngineError) in
                seen += 1
                if seen == 2 { throw EngineError(.cancelled, "enough") }
            }
        } throws: { ($0 as? EngineError)?.message == "enough" }
        #expect(seen == 2)
    }
}
