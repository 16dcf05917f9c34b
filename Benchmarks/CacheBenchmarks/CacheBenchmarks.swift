import Benchmark
import Folio
import FolioCache
import FolioCorpora
import FolioSystem
import Foundation

/// The cache targets of issue 7, measured: prompt-prefix replay speed, and re-ingest of a
/// 2,000,000-character document from memory and from disk against a full ingest.
///
/// - `PrefixCache:replay:<policy>:<N>` replays Kimi's synthetic Mooncake trace
///   (`../shared/corpora/traces/mooncake_synthetic_trace.jsonl`, else `Corpora/traces/sample-trace.jsonl`)
///   through the prefix cache: one iteration is every request's longest-prefix check plus
///   insert-or-touch, without the completion calls `folio replay` adds (its own speed report, on
///   standard error, includes them: BENCHMARKS.md, issue 19). Divide the wall-clock time by the
///   lookups printed at setup for the per-lookup figure (target ≥ 1,000,000 lookups/s).
/// - `Engine:ingest:<kind>:<tier>` ingests a generated 2,000,000-character document (`report`: an
///   English filing-like text; `chinese`) by file path: `cold` with an empty cache (read, hash,
///   extract, chunk, index; the entry is written behind the ingest), `cold:written` until the entry
///   is on disk too, `memory` a warm engine (target ≤ 50 µs), `disk` a fresh engine over the cache
///   directory (target ≤ 5 ms). `Engine:firstChunk:<kind>:disk` adds the first chunk to the disk hit
///   (what inflating the cached text and index costs). The file is dated an hour back, as settled
///   files are, so the digest memo may trust it. `Engine:ingestBytes:<kind>:memory` passes the same
///   content as bytes, which are hashed on every call.
/// - `Engine:cooperativeLatency:<idle|saturated>` (CooperativeLatency.swift): how long a task on
///   Swift's cooperative pool waits to run while the engine's pool is idle or saturated by ingests.
///
/// - `Cache:openEntry:<kind>:<how>` opens the same document's entry file and hashes every byte (as
///   a disk hit verifies it): `map` maps it (`MAP_POPULATE`), `copy` reads it into private memory
///   (what the disk tier does, so that an outside truncation cannot end the process with SIGBUS).
///
/// Run with `FOLIO_BENCHMARKS=1 swift package --scratch-path .build-bench benchmark --target CacheBenchmarks`.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident],
        scalingFactor: .one,
        maxDuration: .seconds(5),
        maxIterations: 200
    )

    cooperativeLatencyBenchmarks()

    let chains = traceChains()
    let lookups = chains.reduce(0) { $0 + $1.count }
    print("CacheBenchmarks: trace of \(chains.count) requests, \(lookups) block lookups per replay")
    for (name, policy) in [("folio", PrefixEvictionPolicy.folio), ("lru", .lru), ("lfu", .lfu)] {
        for capacity in [4_000, 16_000] {
            Benchmark("PrefixCache:replay:\(name):\(capacity)") { benchmark in
                var cache = try PrefixCache(capacityBlocks: capacity, policy: policy)
                var hits = 0
                benchmark.startMeasurement()
                for chain in chains {
                    hits += cache.longestCachedPrefix(of: chain)
                    cache.insertOrTouch(chain)
                }
                benchmark.stopMeasurement()
                blackHole(hits)
            }
        }
    }

    for kind in [CorpusGenerator.Kind.report, .chinese] {
        let fixture = IngestFixture(kind: kind)
        let session = Session(tenant: "bench", id: "s", serviceClass: "priority")
        Benchmark("Engine:ingest:\(kind):cold", configuration: .init(maxIterations: 10)) { benchmark in
            let directory = fixture.directory + "/cold-\(UUID())"
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let engine = try fixture.engine(cacheDirectory: directory)
            benchmark.startMeasurement()
            let handle = try await engine.ingest(file: fixture.path, session: session)
            benchmark.stopMeasurement()
            await engine.waitForPendingWrites()
            precondition(handle.cacheSource == .computed)
        }
        Benchmark("Engine:ingest:\(kind):cold:written", configuration: .init(maxIterations: 10)) { benchmark in
            let directory = fixture.directory + "/cold-\(UUID())"
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let engine = try fixture.engine(cacheDirectory: directory)
            benchmark.startMeasurement()
            let handle = try await engine.ingest(file: fixture.path, session: session)
            await engine.waitForPendingWrites()
            benchmark.stopMeasurement()
            precondition(handle.cacheSource == .computed)
        }
        Benchmark("Engine:ingest:\(kind):memory") { benchmark in
            let engine = try fixture.warmEngine()
            benchmark.startMeasurement()
            let handle = try await engine.ingest(file: fixture.path, session: session)
            benchmark.stopMeasurement()
            precondition(handle.cacheSource == .memory)
        }
        Benchmark("Engine:ingestBytes:\(kind):memory", configuration: .init(maxIterations: 50)) { benchmark in
            let engine = try fixture.warmEngine()
            let bytes = fixture.bytes
            benchmark.startMeasurement()
            let handle = try await engine.ingest(bytes: bytes, name: "document.txt", session: session)
            benchmark.stopMeasurement()
            precondition(handle.cacheSource == .memory)
        }
        Benchmark("Engine:ingest:\(kind):disk", configuration: .init(maxIterations: 50)) { benchmark in
            let engine = try fixture.engine(cacheDirectory: fixture.warmDirectory)
            benchmark.startMeasurement()
            let handle = try await engine.ingest(file: fixture.path, session: session)
            benchmark.stopMeasurement()
            precondition(handle.cacheSource == .disk)
        }
        let entry = fixture.entryPath
        for (how, open) in [("map", { try MappedFile.map($0, populate: true) }), ("copy", MappedFile.copy)]
            as [(String, @Sendable (String) throws -> MappedFile)]
        {
            Benchmark("Cache:openEntry:\(kind):\(how)", configuration: .init(maxIterations: 100)) { benchmark in
                benchmark.startMeasurement()
                let file = try open(entry)
                let checksum = file.withUnsafeBytes { XXH64.hash($0) }
                benchmark.stopMeasurement()
                blackHole(checksum)
            }
        }
        Benchmark("Engine:firstChunk:\(kind):disk", configuration: .init(maxIterations: 50)) { benchmark in
            let engine = try fixture.engine(cacheDirectory: fixture.warmDirectory)
            benchmark.startMeasurement()
            let handle = try await engine.ingest(file: fixture.path, session: session)
            for try await chunk in engine.chunks(of: handle) {
                blackHole(chunk)
                break
            }
            benchmark.stopMeasurement()
            precondition(handle.cacheSource == .disk)
        }
    }
}

/// The trace's block-hash chains in arrival order (timestamp, then file order).
private func traceChains() -> [[BlockHash]] {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let shared = root.deletingLastPathComponent().appendingPathComponent(
        "shared/corpora/traces/mooncake_synthetic_trace.jsonl")
    let path =
        FileManager.default.fileExists(atPath: shared.path)
        ? shared.path : root.appendingPathComponent("Corpora/traces/sample-trace.jsonl").path
    let text = try! String(contentsOfFile: path, encoding: .utf8)
    var requests: [(timestamp: Int, offset: Int, chain: [BlockHash])] = []
    for (offset, line) in text.split(separator: "\n").enumerated() {
        let object = try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
        let ids = (object["hash_ids"] as! [NSNumber]).map { BlockHash(rawValue: UInt64(bitPattern: $0.int64Value)) }
        requests.append(((object["timestamp"] as! NSNumber).intValue, offset, ids))
    }
    return requests.sorted { ($0.timestamp, $0.offset) < ($1.timestamp, $1.offset) }.map(\.chain)
}

/// A generated 2,000,000-character document on disk, and a cache directory that holds it.
private final class IngestFixture: Sendable {
    let directory: String
    let path: String
    let bytes: [UInt8]
    let warmDirectory: String
    private let warm: Engine

    init(kind: CorpusGenerator.Kind) {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("folio-cache-bench-\(kind)").path
        try? FileManager.default.removeItem(atPath: directory)
        try! FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        path = directory + "/document.txt"
        warmDirectory = directory + "/warm"
        bytes = Array(CorpusGenerator(kind: kind, seed: 7).document(characters: 2_000_000).utf8)
        try! Data(bytes).write(to: URL(fileURLWithPath: path))
        try! FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSinceNow: -3_600)], ofItemAtPath: path)
        var configuration = EngineConfiguration()
        configuration.cacheDirectory = warmDirectory
        warm = try! Engine(configuration: configuration)
        let semaphore = DispatchSemaphore(value: 0)
        let engine = warm
        let file = path
        Task {
            _ = try! await engine.ingest(
                file: file, session: Session(tenant: "bench", id: "s", serviceClass: "priority"))
            await engine.waitForPendingWrites()
            semaphore.signal()
        }
        semaphore.wait()
    }

    /// The document's entry file in the warm cache directory.
    var entryPath: String {
        let entries = warmDirectory + "/entries"
        let scope = try! FileSystem.names(inDirectory: entries).first!
        let name = try! FileSystem.names(inDirectory: entries + "/" + scope).first { $0.hasSuffix(".entry") }!
        return entries + "/" + scope + "/" + name
    }

    /// The engine that computed the document: it answers from memory.
    func warmEngine() throws -> Engine { warm }

    func engine(cacheDirectory: String?) throws -> Engine {
        var configuration = EngineConfiguration()
        configuration.cacheDirectory = cacheDirectory
        return try Engine(configuration: configuration)
    }
}
