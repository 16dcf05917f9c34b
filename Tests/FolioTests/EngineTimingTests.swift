import Folio
import FolioCorpora
import Foundation
import Testing

/// Wall-clock timings of a 2,000,000-character ingest: cold, from memory, from disk. Opt-in
/// (`FOLIO_TIMING=1`), for local runs: `FOLIO_TIMING=1 swift test -c release --filter EngineTimingTests`.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["FOLIO_TIMING"] != nil))
struct EngineTimingTests {
    @Test(arguments: [CorpusGenerator.Kind.chinese, .report])
    func ingestOfTwoMillionCharacters(kind: CorpusGenerator.Kind) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("folio-timing-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/document.txt"
        try Data(CorpusGenerator(kind: kind, seed: 7).document(characters: 2_000_000).utf8).write(to: URL(fileURLWithPath: path))
        // Settled, as files usually are: the digest memo may remember it (a fresh file is re-hashed).
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3_600)], ofItemAtPath: path)
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        var configuration = EngineConfiguration()
        configuration.cacheDirectory = directory + "/cache"
        let session = Session(tenant: "t", id: "s", serviceClass: "priority")
        let clock = ContinuousClock()
        func seconds(_ duration: Duration) -> String {
            String(format: "%.6f s", Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18)
        }

        let engine = try Engine(configuration: configuration)
        var cold: DocumentHandle?
        let coldTime = try await clock.measure { cold = try await engine.ingest(file: path, session: session) }
        var memory: DocumentHandle?
        let memoryTime = try await clock.measure { memory = try await engine.ingest(file: path, session: session) }
        let bytesTime = try await clock.measure { _ = try await engine.ingest(bytes: bytes, name: path, session: session) }
        let second = try Engine(configuration: configuration)
        var disk: DocumentHandle?
        let diskTime = try await clock.measure { disk = try await second.ingest(file: path, session: session) }
        var firstChunk: Chunk?
        let firstChunkTime = try await clock.measure {
            for try await chunk in second.chunks(of: disk!) { firstChunk = chunk; break }
        }
        var chunkCount = 0
        let allChunksTime = try await clock.measure { for try await _ in second.chunks(of: disk!) { chunkCount += 1 } }
        #expect(cold?.cacheSource == .computed && memory?.cacheSource == .memory && disk?.cacheSource == .disk)
        #expect(firstChunk != nil && chunkCount == cold?.document.chunkCount)
        print(
            "timing \(kind) 2,000,000 characters, \(cold!.document.utf8Count) bytes, \(cold!.document.chunkCount) chunks, "
                + "\(cold!.document.tokenCount) tokens: cold \(seconds(coldTime)), memory hit \(seconds(memoryTime)) "
                + "(as bytes, hashed: \(seconds(bytesTime))), "
                + "disk hit \(seconds(diskTime)) (+ first chunk \(seconds(firstChunkTime)), all chunks \(seconds(allChunksTime)))")
    }
}
