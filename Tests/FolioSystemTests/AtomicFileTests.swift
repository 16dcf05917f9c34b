import FolioSystem
import Foundation
import Synchronization
import Testing

@Suite struct AtomicFileTests {
    @Test func replaceCreatesThenReplacesAndLeavesNoTemporaryFile() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/index.folio"
            try AtomicFile.replace(path, with: Array("old".utf8))
            #expect(try foundationContents(path) == Array("old".utf8))
            try AtomicFile.replace(path, with: patternBytes(100_000, seed: 1))
            #expect(try foundationContents(path) == patternBytes(100_000, seed: 1))
            #expect(try foundationNames(directory) == ["index.folio"])
        }
    }

    @Test func aSeparateTemporaryDirectoryIsUsedAndLeftEmpty() throws {
        try withTemporaryDirectory { directory in
            try FileSystem.createDirectories(directory + "/tmp")
            try FileSystem.createDirectories(directory + "/entries")
            let path = directory + "/entries/a.entry"
            try AtomicFile.replace(path, with: [1, 2, 3], temporaryDirectory: directory + "/tmp")
            #expect(try foundationContents(directory + "/entries/a.entry") == [1, 2, 3])
            #expect(try foundationNames(directory + "/tmp").isEmpty)
        }
    }

    /// Readers running through many replacements see the old file or the new one, whole.
    @Test func aReaderSeesTheOldOrTheNewFileNeverAPart() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/file.bin"
            let versions = (0..<8).map { patternBytes(50_000 + $0 * 7_001, seed: UInt64($0)) }
            try AtomicFile.replace(path, with: versions[0])
            let stop = Atomic<Bool>(false)
            let mismatches = Atomic<Int>(0)
            let reads = Atomic<Int>(0)
            let done = DispatchSemaphore(value: 0)
            let reader = Thread {
                while !stop.load(ordering: .relaxed) {
                    if let bytes = try? SystemFile.readAll(path), !versions.contains(bytes) {
                        mismatches.add(1, ordering: .relaxed)
                    }
                    reads.add(1, ordering: .relaxed)
                }
                done.signal()
            }
            reader.start()
            for round in 0..<200 { try AtomicFile.replace(path, with: versions[round % versions.count]) }
            stop.store(true, ordering: .relaxed)
            done.wait()
            #expect(mismatches.load(ordering: .relaxed) == 0 && reads.load(ordering: .relaxed) > 0)
            #expect(try foundationNames(directory) == ["file.bin"])
        }
    }

    /// Writers of one path in one process each use a temporary file of their own: the file ends
    /// as one writer's bytes, whole.
    @Test func concurrentWritersOfOnePathLeaveOneWritersWholeFile() async throws {
        try await withTemporaryDirectoryAsync { directory in
            let path = directory + "/shared.bin"
            let versions = (0..<6).map { patternBytes(200_000 + $0 * 33_333, seed: 100 + UInt64($0)) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for version in versions {
                    group.addTask {
                        for _ in 0..<5 { try AtomicFile.replace(path, with: version) }
                    }
                }
                try await group.waitForAll()
            }
            #expect(versions.contains(try foundationContents(path)))
            #expect(try foundationNames(directory) == ["shared.bin"])
        }
    }

    @Test func aFailedRenameRemovesTheTemporaryFileAndNamesThePath() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/occupied"
            try FileSystem.createDirectories(path + "/inside")  // a non-empty directory cannot be renamed over
            let error = try #require(throws: SystemError.self) { try AtomicFile.replace(path, with: [1]) }
            #expect(error.operation == .renameIntoPlace && error.path == path)
            #expect(error.message.hasPrefix("\(path): cannot rename into place: "))
            #expect(try foundationNames(directory) == ["occupied"])
        }
    }

    @Test func aMissingDirectoryFailsAtCreatingTheTemporaryFile() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/missing/file.bin"
            let error = try #require(throws: SystemError.self) { try AtomicFile.replace(path, with: [1]) }
            #expect(error.code == .notFound && error.operation == .create)
            #expect(error.path.hasPrefix(directory + "/missing/.file.bin."))
            #expect(AtomicFile.isTemporaryName(String(error.path.split(separator: "/").last!)))
            #expect(error.message.hasSuffix(": cannot create: No such file or directory"))
        }
    }
}

func withTemporaryDirectoryAsync<T>(_ body: (String) async throws -> T) async throws -> T {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("folio-system-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try await body(path)
}
