// Saturates an Engine's pool with ingests — one worker more than the machine has cores, each
// reading, counting, cutting and indexing a fresh 2,000,000-character report — and meanwhile probes
// how long a task on Swift's cooperative pool waits to run. Prints one JSON line:
// {"workers", "probes", "p50Milliseconds", "p99Milliseconds"}. Run by EngineTests in a process of
// its own, so that no other test holds the cooperative threads while it measures.
import Folio
import FolioCorpora
import FolioTestSupport
import Foundation

let workers = ProcessInfo.processInfo.activeProcessorCount + 1
var configuration = EngineConfiguration()
configuration.cacheDirectory = nil
configuration.workers = workers
let engine = try Engine(configuration: configuration)
let documents = (0..<workers).map { index in
    Array(CorpusGenerator(kind: .report, seed: UInt64(index + 1)).document(characters: 2_000_000).utf8)
}
let ingests = documents.enumerated().map { index, bytes in
    Task {
        let session = Session(tenant: "t\(index)", id: "probe", serviceClass: "priority")
        return try await engine.ingest(bytes: bytes, name: "report-\(index).txt", session: session)
    }
}
func running() -> Int { engine.statistics.pool.classes["priority"]?.running ?? 0 }
for _ in 0..<60_000 where running() < workers { try await Task.sleep(for: .milliseconds(1)) }
var latencies: [Duration] = []
while latencies.count < 1_000, running() == workers {
    latencies.append(await CooperativeLatency.probe())
    try await Task.sleep(for: .milliseconds(1))
}
for ingest in ingests { _ = try await ingest.value }
func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1e3 + Double(duration.components.attoseconds) * 1e-15
}
let p50 = latencies.isEmpty ? .infinity : milliseconds(CooperativeLatency.quantile(latencies, 0.5))
let p99 = latencies.isEmpty ? .infinity : milliseconds(CooperativeLatency.quantile(latencies, 0.99))
print(
    "{\"workers\": \(workers), \"probes\": \(latencies.count), \"p50Milliseconds\": \(p50 == .infinity ? 1e9 : p50), "
        + "\"p99Milliseconds\": \(p99 == .infinity ? 1e9 : p99)}")
