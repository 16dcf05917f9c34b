import FolioModel
import FolioCache
import FolioTestSupport
import Foundation
import Testing

/// A damaged entry file is discarded, counted and recomputed, never served.
struct DocumentCacheCorruptionTests {
    static let key = documentKey("contract")
    static let original = CachedBytes(
        bytes: randomBytes(300, seed: 5) + Array(repeating: 0x41, count: 300), tokenCount: 99)
    static let replacement = CachedBytes(bytes: Array("recomputed".utf8), tokenCount: 3)

    /// Writes the original entry once, and returns its path and bytes.
    static func writeOriginal(in directory: String) async throws -> (path: String, bytes: [UInt8]) {
        let writer = try makeCache(directory: directory)
        _ = try await writer.value(for: key) { original }
        let files = entryFiles(in: directory)
        try #require(files.count == 1)
        return (files[0], Array(try Data(contentsOf: URL(fileURLWithPath: files[0]))))
    }

    /// Puts `damaged` where the entry was and checks that a fresh cache recomputes instead of serving it.
    static func expectDiscarded(_ damaged: [UInt8], at path: String, in directory: String, _ comment: Comment)
        async throws
    {
        try Data(damaged).write(to: URL(fileURLWithPath: path))
        let cache = try makeCache(directory: directory)
        let lookup = try await cache.value(for: key) { replacement }
        #expect(lookup.source == .computed, comment)
        #expect(lookup.value == replacement, comment)
        let statistics = cache.statistics
        #expect(statistics.disk.discardedCorrupt == 1 && statistics.disk.hits == 0, comment)
        #expect(statistics.computations == 1 && statistics.cachedTokens == 0, comment)
        // The damaged file was replaced by the recomputed value.
        #expect(try await makeCache(directory: directory).value(for: key) { original }.value == replacement, comment)
    }

    @Test func everyFlippedByteIsDetected() async throws {
        try await withCacheDirectory { directory in
            let (path, pristine) = try await Self.writeOriginal(in: directory)
            var random = SplitMix64(seed: 17)
            for position in pristine.indices {
                var damaged = pristine
                damaged[position] ^= UInt8.random(in: 1...255, using: &random)
                try await Self.expectDiscarded(
                    damaged, at: path, in: directory, "byte \(position) of \(pristine.count) flipped")
            }
        }
    }

    @Test func everyTruncationIsDetected() async throws {
        try await withCacheDirectory { directory in
            let (path, pristine) = try await Self.writeOriginal(in: directory)
            for length in 0..<pristine.count {
                try await Self.expectDiscarded(
                    Array(pristine.prefix(length)), at: path, in: directory,
                    "cut to \(length) of \(pristine.count) bytes")
            }
        }
    }

    @Test func appendedBytesAreDetected() async throws {
        try await withCacheDirectory { directory in
            let (path, pristine) = try await Self.writeOriginal(in: directory)
            for garbage in [[0], [0x78, 0x9C], randomBytes(1_000, seed: 8), pristine] {
                try await Self.expectDiscarded(
                    pristine + garbage, at: path, in: directory, "\(garbage.count) bytes appended")
            }
        }
    }

    /// Format 1 checksummed with CRC-32 where format 2 has XXH64: its entries are foreign, not misread.
    @Test func anEntryOfTheFirstFormatIsDiscarded() async throws {
        try await withCacheDirectory { directory in
            let (path, pristine) = try await Self.writeOriginal(in: directory)
            #expect(Array(pristine.prefix(8)) == Array("FOLIOCE2".utf8))
            let firstFormat = Array("FOLIOCE1".utf8) + pristine.dropFirst(8)
            try await Self.expectDiscarded(firstFormat, at: path, in: directory, "a FOLIOCE1 entry")
        }
    }

    @Test func anEntryOfAnotherKeyIsNotServed() async throws {
        try await withCacheDirectory { directory in
            let (path, _) = try await Self.writeOriginal(in: directory)
            // Another key's entry, moved to this key's path (a bad copy or restore), has intact checksums.
            let other = documentKey("other contract")
            _ = try await makeCache(directory: directory).value(for: other) { Self.original }
            let otherPath = try #require(entryFiles(in: directory).first { $0 != path })
            try FileManager.default.removeItem(atPath: path)
            try FileManager.default.moveItem(atPath: otherPath, toPath: path)
            try await Self.expectDiscarded(
                Array(try Data(contentsOf: URL(fileURLWithPath: path))), at: path, in: directory, "another key's entry")
        }
    }
}
