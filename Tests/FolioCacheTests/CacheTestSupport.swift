import FolioModel
import FolioCache
import FolioTestSupport
import Foundation
import Synchronization
import Testing

/// A fresh directory for one test, removed when the body returns.
func withCacheDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("folio-cache-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try await body(path)
}

/// The entry files under a cache directory (`DIR/entries/<scope>/<key>.entry`), sorted.
func entryFiles(in directory: String) -> [String] {
    let entries = directory + "/entries"
    let scopes = (try? FileManager.default.contentsOfDirectory(atPath: entries)) ?? []
    return scopes.flatMap { scope in
        let names = (try? FileManager.default.contentsOfDirectory(atPath: entries + "/" + scope)) ?? []
        return names.filter { $0.hasSuffix(".entry") }.map { entries + "/" + scope + "/" + $0 }
    }.sorted()
}

func fileSize(_ path: String) throws -> Int {
    try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
}

/// A key whose content digest is the SHA-256 of `content`.
func documentKey(_ content: String, scope: CacheScope = .tenant("acme"), pipeline: String = "test/512/0") -> DocumentKey
{
    DocumentKey(scope: scope, contentDigest: SHA256Digest(hashing: Array(content.utf8)), pipeline: pipeline)
}

func cachedText(_ text: String, tokens: Int = 7) -> CachedBytes {
    CachedBytes(bytes: Array(text.utf8), tokenCount: tokens)
}

func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
    var random = SplitMix64(seed: seed)
    return (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
}

/// A cache of `CachedBytes`; it writes entries before lookups return (tests read the disk right
/// after) unless `writesBehind`.
func makeCache(
    directory: String? = nil, memoryCapacityBytes: Int = 1 << 30, diskCapacityBytes: Int = 1 << 30,
    defaultTimeToLive: Duration? = nil, writesBehind: Bool = false
) throws -> DocumentCache<CachedBytes> {
    try DocumentCache(
        configuration: DocumentCacheConfiguration(
            memoryCapacityBytes: memoryCapacityBytes, directory: directory, diskCapacityBytes: diskCapacityBytes,
            defaultTimeToLive: defaultTimeToLive, writesBehind: writesBehind))
}

/// Counts calls per name, from any task.
final class CallCounter: Sendable {
    private let counts = Mutex<[String: Int]>([:])

    func record(_ name: String) { counts.withLock { $0[name, default: 0] += 1 } }
    func count(_ name: String) -> Int { counts.withLock { $0[name, default: 0] } }
    var total: Int { counts.withLock { $0.values.reduce(0, +) } }
    var all: [String: Int] { counts.withLock { $0 } }
}

/// Polls `condition` every 2 ms for up to `timeout`; true as soon as it holds.
///
/// The timeout is generous on purpose: with `swift test` running suites in parallel, CPU-bound tests
/// can hold every thread of the cooperative pool for many seconds on a small machine.
func eventually(timeout: Duration = .seconds(120), _ condition: () -> Bool) async -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(2))
    }
    return condition()
}

struct ComputeFailed: Error, Equatable {
    var reason: String
}
