import FolioSystem
import Foundation
import Testing

@Suite struct FileSystemTests {
    @Test func namesAreSortedWithoutDotEntries() throws {
        try withTemporaryDirectory { directory in
            for name in ["b.txt", "a.txt", ".hidden", "c"] { try foundationWrite([], to: directory + "/" + name) }
            #expect(try FileSystem.names(inDirectory: directory) == [".hidden", "a.txt", "b.txt", "c"])
            let error = try #require(throws: SystemError.self) {
                try FileSystem.names(inDirectory: directory + "/none")
            }
            #expect(error.code == .notFound)
            #expect(error.message == "\(directory)/none: cannot list: No such file or directory")
            let file = try #require(throws: SystemError.self) { try FileSystem.names(inDirectory: directory + "/c") }
            #expect(file.code == .notDirectory)
        }
    }

    @Test func regularFilesBelowAreFoundRecursivelySkippingHiddenNamesAndLinks() throws {
        try withTemporaryDirectory { directory in
            try FileSystem.createDirectories(directory + "/b/deep/er")
            try FileSystem.createDirectories(directory + "/.git")
            try foundationWrite([1, 2, 3], to: directory + "/b/deep/er/x.txt")
            try foundationWrite([1], to: directory + "/a.txt")
            try foundationWrite([1, 2], to: directory + "/b/.secret")
            try foundationWrite([1, 2], to: directory + "/.git/config")
            try FileManager.default.createSymbolicLink(
                atPath: directory + "/link.txt", withDestinationPath: directory + "/a.txt")
            let found = try FileSystem.regularFiles(below: directory)
            #expect(found.map(\.path) == [directory + "/a.txt", directory + "/b/deep/er/x.txt"])
            #expect(found.map(\.byteCount) == [1, 3])
            #expect(try FileSystem.regularFiles(below: directory + "/").map(\.path).first == directory + "/a.txt")
            #expect(throws: SystemError.self) { try FileSystem.regularFiles(below: directory + "/none") }
        }
    }

    @Test func globMatchesSortedAndNothingIsNoMatch() throws {
        try withTemporaryDirectory { directory in
            for name in ["r2.html", "r1.html", "r10.txt", "notes.md"] {
                try foundationWrite([], to: directory + "/" + name)
            }
            #expect(try FileSystem.glob(directory + "/r*.html") == [directory + "/r1.html", directory + "/r2.html"])
            #expect(try FileSystem.glob(directory + "/r?.*") == [directory + "/r1.html", directory + "/r2.html"])
            #expect(try FileSystem.glob(directory + "/*.pdf").isEmpty)
        }
    }

    @Test func directoriesAreCreatedWithTheirParentsAndRemoved() throws {
        try withTemporaryDirectory { directory in
            try FileSystem.createDirectories(directory + "/a/b/c")
            try FileSystem.createDirectories(directory + "/a/b/c")  // already there: fine
            #expect(try FileStatus(path: directory + "/a/b/c").isDirectory)
            try foundationWrite([], to: directory + "/a/file")
            let error = try #require(throws: SystemError.self) {
                try FileSystem.createDirectories(directory + "/a/file")
            }
            #expect(error.code == .notDirectory)
            try FileSystem.removeDirectory(directory + "/a/b/c")
            #expect(try FileSystem.names(inDirectory: directory + "/a/b").isEmpty)
            let missing = try #require(throws: SystemError.self) { try FileSystem.removeFile(directory + "/nothing") }
            #expect(missing.code == .notFound && missing.operation == .remove)
        }
    }

    @Test func statusTellsTypeSizeAndAnIdentityThatChangesWithTheFile() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/doc.txt"
            try foundationWrite(Array("first".utf8), to: path)
            let first = try FileStatus(path: path)
            #expect(first.isRegularFile && first.byteCount == 5)
            #expect(try FileStatus(path: path).identity == first.identity)  // unchanged: equal
            #expect(try FileStatus(path: directory).type == .directory)

            // Written in place: size and times change.
            let handle = try #require(FileHandle(forWritingAtPath: path))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(" and more".utf8))
            try handle.close()
            let written = try FileStatus(path: path)
            #expect(written.identity != first.identity && written.inode == first.inode && written.byteCount == 14)

            // Replaced by a rename, same size: another inode.
            try AtomicFile.replace(path, with: Array("first and more".utf8))
            let replaced = try FileStatus(path: path)
            #expect(replaced.identity != written.identity && replaced.inode != written.inode)

            // Touched: the modification time moves, so the identity does.
            let attributes: [FileAttributeKey: Any] = [.modificationDate: Date(timeIntervalSinceNow: -3_600)]
            try FileManager.default.setAttributes(attributes, ofItemAtPath: path)
            let dated = try FileStatus(path: path)
            try FileSystem.touch(path)
            let touched = try FileStatus(path: path)
            #expect(touched.modificationTime > dated.modificationTime && touched.identity != dated.identity)

            let missing = try #require(throws: SystemError.self) { try FileStatus(path: directory + "/none") }
            #expect(missing.message == "\(directory)/none: cannot stat: No such file or directory")
        }
    }

    @Test func theWallClockAgreesWithFoundation() {
        let foundation = Int64(Date().timeIntervalSince1970 * 1e9)
        #expect(abs(WallClock.nanosecondsSince1970() - foundation) < 1_000_000_000)
    }

    @Test func theIdentityTextKeepsItsFormat() {
        let identity = FileIdentity(
            device: 2049, inode: 77, byteCount: 12,
            modificationTime: FileTime(seconds: 1_700_000_000, nanoseconds: 5_000),
            changeTime: FileTime(seconds: 1_700_000_001, nanoseconds: 123_456_789))
        #expect(identity.description == "2049 77 12 1700000000.5000 1700000001.123456789")
    }
}
