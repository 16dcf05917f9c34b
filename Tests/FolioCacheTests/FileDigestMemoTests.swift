import FolioCache
import FolioTestSupport
import Foundation
import Testing

struct FileDigestMemoTests {
    /// Writes `bytes` to `path` and sets its modification time `age` seconds in the past.
    static func write(_ bytes: [UInt8], to path: String, age: TimeInterval?) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        if let age {
            try FileManager.default.setAttributes(
                [.modificationDate: Date(timeIntervalSinceNow: -age)], ofItemAtPath: path)
        }
    }

    @Test func aSettledFileIsRememberedAcrossMemos() async throws {
        try await withCacheDirectory { directory in
            let file = directory + "/report.html"
            let content = randomBytes(10_000, seed: 1)
            try Self.write(content, to: file, age: 60)
            let memo = try FileDigestMemo(directory: directory + "/digests")
            let scope = CacheScope.tenant("acme")
            #expect(memo.digest(ofFile: file, scope: scope) == nil)

            let read = try memo.read(file: file, scope: scope)
            #expect(read.bytes == content && read.digest == SHA256Digest(hashing: content))
            #expect(memo.digest(ofFile: file, scope: scope) == read.digest)
            // A later process finds it without reading the file.
            let fresh = try FileDigestMemo(directory: directory + "/digests")
            #expect(fresh.digest(ofFile: file, scope: scope) == read.digest)
            // Memos are per scope.
            #expect(fresh.digest(ofFile: file, scope: .tenant("other")) == nil)
            #expect(fresh.digest(ofFile: directory + "/no-such-file", scope: scope) == nil)
        }
    }

    @Test func aModifiedFileIsNotFound() async throws {
        try await withCacheDirectory { directory in
            let file = directory + "/report.html"
            try Self.write(randomBytes(10_000, seed: 1), to: file, age: 60)
            let scope = CacheScope.tenant("acme")
            _ = try FileDigestMemo(directory: directory + "/digests").read(file: file, scope: scope)

            // Same size, other content, another settled modification time.
            let changed = randomBytes(10_000, seed: 2)
            try Self.write(changed, to: file, age: 30)
            let memo = try FileDigestMemo(directory: directory + "/digests")
            #expect(memo.digest(ofFile: file, scope: scope) == nil)
            let reread = try memo.read(file: file, scope: scope)
            #expect(reread.digest == SHA256Digest(hashing: changed))
            #expect(
                try FileDigestMemo(directory: directory + "/digests").digest(ofFile: file, scope: scope)
                    == reread.digest)
        }
    }

    @Test func aJustWrittenFileIsNotRemembered() async throws {
        try await withCacheDirectory { directory in
            let file = directory + "/draft.txt"
            let content = Array("written a moment ago".utf8)
            try Self.write(content, to: file, age: nil)
            let scope = CacheScope.tenant("acme")
            let memo = try FileDigestMemo(directory: directory + "/digests")
            let read = try memo.read(file: file, scope: scope)
            #expect(read.digest == SHA256Digest(hashing: content))
            #expect(memo.digest(ofFile: file, scope: scope) == nil)
            #expect(try FileDigestMemo(directory: directory + "/digests").digest(ofFile: file, scope: scope) == nil)
        }
    }

    @Test func aMemoryOnlyMemoRemembersSettledFiles() async throws {
        try await withCacheDirectory { directory in
            let file = directory + "/report.html"
            try Self.write(Array("settled".utf8), to: file, age: 10)
            let memo = try FileDigestMemo(directory: nil)
            let read = try memo.read(file: file, scope: .shared)
            #expect(memo.digest(ofFile: file, scope: .shared) == read.digest)
        }
    }

    @Test func aMissingFileIsAnIOError() throws {
        let error = #expect(throws: CacheError.self) {
            try FileDigestMemo(directory: nil).read(file: "/no/such/file", scope: .shared)
        }
        #expect(error?.code == .io)
    }
}
