import FolioSystem
import Foundation
import Testing

@Suite struct MappedFileTests {
    enum Mode: String, CaseIterable, CustomTestStringConvertible {
        case mapped, copied
        var testDescription: String { rawValue }
        func open(_ path: String) throws(SystemError) -> MappedFile {
            self == .mapped ? try MappedFile.map(path, populate: true) : try MappedFile.copy(path)
        }
    }

    @Test(arguments: Mode.allCases, [0, 1, 4_096, 3 << 20])
    func theBytesAreTheFilesBytes(mode: Mode, count: Int) throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/entry"
            let bytes = patternBytes(count, seed: 21)
            try foundationWrite(bytes, to: path)
            let file = try mode.open(path)
            #expect(file.byteCount == count && file.isPrivateCopy == (mode == .copied))
            #expect(file.withUnsafeBytes { Array($0) } == bytes)
            #expect(file.copyBytes(count / 2..<(count + 10)) == Array(bytes[(count / 2)...]))
        }
    }

    @Test(arguments: Mode.allCases)
    func aMissingFileOrADirectoryIsATypedError(mode: Mode) throws {
        try withTemporaryDirectory { directory in
            let missing = try #require(throws: SystemError.self) { try mode.open(directory + "/missing") }
            #expect(missing.code == .notFound)
            #expect(missing.message == "\(directory)/missing: cannot open: No such file or directory")
            let folder = try #require(throws: SystemError.self) { try mode.open(directory) }
            #expect(folder.code == .notRegularFile && folder.message == "\(directory): cannot map: not a regular file")
        }
    }

    /// Replacing or removing the file leaves what was opened as it was, in both modes.
    @Test(arguments: Mode.allCases)
    func aRenamedOverOrRemovedFileKeepsItsBytes(mode: Mode) throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/entry"
            let bytes = patternBytes(1 << 20, seed: 4)
            try foundationWrite(bytes, to: path)
            let first = try mode.open(path)
            try AtomicFile.replace(path, with: patternBytes(1 << 20, seed: 5))
            let second = try mode.open(path)
            try FileSystem.removeFile(path)
            #expect(first.withUnsafeBytes { Array($0) } == bytes)
            #expect(second.withUnsafeBytes { Array($0) } == patternBytes(1 << 20, seed: 5))
        }
    }

    /// The case a mapping cannot survive (SIGBUS on the pages past the new end): a private copy
    /// keeps every byte when the file is truncated in place behind it.
    @Test(arguments: [1 << 20, 5 << 20])
    func aCopySurvivesAnOutsideTruncation(count: Int) throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/entry"
            let bytes = patternBytes(count, seed: 8)
            try foundationWrite(bytes, to: path)
            let copy = try MappedFile.copy(path)
            let handle = try #require(FileHandle(forUpdatingAtPath: path))
            try handle.truncate(atOffset: 100)  // as `truncate`, `cp` over it or `> file` would
            try handle.close()
            #expect(try foundationContents(path).count == 100)
            #expect(copy.withUnsafeBytes { Array($0) } == bytes)  // every page read after the truncation
        }
    }
}
