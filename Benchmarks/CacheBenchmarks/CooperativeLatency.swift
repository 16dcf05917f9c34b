import Benchmark
import Folio
import FolioCorpora
import Foundation
import Synchronization

/// `Engine:cooperativeLatency:<load>`: how long a task started on Swift's global (cooperative)
/// executor waits before it runs — what a gateway's event loops, timers and health checks feel —
/// while the engine's pool is `idle` or `saturated`: more workers than cores, each one ingesting a
/// new 2,000,000-character report (read, count, cut, index) back to back. One iteration is one
/// probe; read the p99 of the wall clock.
func cooperativeLatencyBenchmarks() {
    for saturated in [false, true] {
        let load = SaturatingLoad(workers: ProcessInfo.processInfo.activeProcessorCount + 1)
        Benchmark(
            "Engine:cooperativeLatency:\(saturated ? "saturated" : "idle")",
            configuration: .init(
                metrics: [.wallClock], maxDuration: .seconds(10), maxIterations: 2_000,
                setup: { if saturated { try await load.start() } }, teardown: { await load.stop() })
        ) { benchmark in
            let clock = ContinuousClock()
            benchmark.startMeasurement()
            let ran = await Task.detached { clock.now }.value
            benchmark.stopMeasurement()
            blackHole(ran)
            try await Task.sleep(for: .milliseconds(1))  // a timer's cadence, not a tight loop
        }
    }
}

/// Ingests fresh documents on every worker of an engine until stopped.
private final class SaturatingLoad: Sendable {
    let workers: Int
    private let engine: Engine
    private let base: [UInt8]
    private let tasks = Mutex<[Task<Void, Never>]>([])
    private let stopped = Atomic<Bool>(false)

    init(workers: Int) {
        self.workers = workers
        var configuration = EngineConfiguration()
        configuration.cacheDirectory = nil
        configuration.memoryCapacityBytes = 64 << 20
        configuration.workers = workers
        engine = try! Engine(configuration: configuration)
        base = Array(CorpusGenerator(kind: .report, seed: 11).document(characters: 2_000_000).utf8)
    }

    /// Starts one ingest loop per worker and returns once every worker is busy.
    func start() async throws {
        stopped.store(false, ordering: .relaxed)
        let (engine, base) = (self.engine, self.base)
        let started = (0..<workers).map { worker in
            Task {
                var round = 0
                while !self.isStopped {
                    round += 1
                    // A new digest each round: always a cold ingest.
                    let bytes = base + Array("\n\nRound \(round) of worker \(worker).\n".utf8)
                    let session = Session(tenant: "load\(worker)", id: "s", serviceClass: "priority")
                    _ = try? await engine.ingest(bytes: bytes, name: "report.txt", session: session)
                }
            }
        }
        tasks.withLock { $0 = started }
        while (engine.statistics.pool.classes["priority"]?.running ?? 0) < workers {
            try await Task.sleep(for: .milliseconds(1))
        }
    }

    var isStopped: Bool { stopped.load(ordering: .relaxed) }

    func stop() async {
        stopped.store(true, ordering: .relaxed)
        for task in tasks.withLock({ $0 }) { await task.value }
        tasks.withLock { $0 = [] }
    }
}
