import FolioSystem
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite struct SystemFileTests {
    @Test(arguments: [0, 1, 4_095, 4_096, 65_537, (1 << 20) + 3])
    func readAllReadsEveryByte(count: Int) throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/data.bin"
            let bytes = patternBytes(count, seed: UInt64(count))
            try foundationWrite(bytes, to: path)
            #expect(try SystemFile.readAll(path) == bytes)
        }
    }

    @Test func aMissingFileNamesThePathTheOperationAndTheReason() throws {
        let path = "/nonexistent-folio/contract.txt"
        let error = try #require(throws: SystemError.self) { try SystemFile(path) }
        #expect(error.code == .notFound)
        #expect(error.operation == .open && error.path == path && error.errno == ENOENT)
        #expect(error.message == "/nonexistent-folio/contract.txt: cannot open: No such file or directory")
        #expect("\(error)" == error.message)
    }

    @Test func readingADirectoryIsRefusedByName() throws {
        try withTemporaryDirectory { directory in
            let error = try #require(throws: SystemError.self) { try SystemFile.readAll(directory) }
            #expect(error.code == .isDirectory && error.message == "\(directory): cannot read: Is a directory")
        }
    }

    @Test func positionedReadsFillTheBufferOrStopAtTheEnd() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/data.bin"
            let bytes = patternBytes(10_000, seed: 3)
            try foundationWrite(bytes, to: path)
            let file = try SystemFile(path)
            var buffer = [UInt8](repeating: 0, count: 1_000)
            let middle = try buffer.withUnsafeMutableBytes { try file.read(into: $0, at: 4_321) }
            #expect(middle == 1_000 && buffer == Array(bytes[4_321..<5_321]))
            let tail = try buffer.withUnsafeMutableBytes { try file.read(into: $0, at: 9_500) }
            #expect(tail == 500 && Array(buffer[0..<500]) == Array(bytes[9_500...]))
            #expect(try buffer.withUnsafeMutableBytes { try file.read(into: $0, at: 20_000) } == 0)
            // Positioned reads leave the offset alone: a plain read still starts at 0.
            let first = try buffer.withUnsafeMutableBytes { try file.read(into: $0) }
            #expect(first == 1_000 && buffer == Array(bytes[0..<1_000]))
        }
    }

    /// A pipe hands bytes over in pieces: `read` returns short counts, and `readToEnd` keeps going.
    @Test func shortReadsFromAPipeAreReadToTheEnd() throws {
        let pipe = Pipe()
        let bytes = patternBytes(300_000, seed: 5)
        let writer = Thread {
            var offset = 0
            while offset < bytes.count {
                let end = min(bytes.count, offset + 7_919)
                pipe.fileHandleForWriting.write(Data(bytes[offset..<end]))
                offset = end
            }
            try? pipe.fileHandleForWriting.close()
        }
        writer.start()
        let reader = SystemFile(borrowing: pipe.fileHandleForReading.fileDescriptor, name: "pipe")
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        let first = try buffer.withUnsafeMutableBytes { try reader.read(into: $0) }
        #expect(first > 0 && first < bytes.count)  // one read returns what is there, not all
        let rest = try reader.readToEnd()
        #expect(Array(buffer[0..<first]) + rest == bytes)
    }

    /// A pipe takes 64 KiB at a time: writing 3 MB into one takes many short `write`s.
    @Test func writeAllWritesEveryByteThroughShortWrites() throws {
        let pipe = Pipe()
        let bytes = patternBytes(3 << 20, seed: 9)
        let received = Mutex<[UInt8]>([])
        let done = DispatchSemaphore(value: 0)
        let reader = Thread {
            let all = pipe.fileHandleForReading.readDataToEndOfFile()
            received.withLock { $0 = Array(all) }
            done.signal()
        }
        reader.start()
        let writer = SystemFile(borrowing: pipe.fileHandleForWriting.fileDescriptor, name: "pipe")
        try writer.write(bytes)
        try pipe.fileHandleForWriting.close()
        done.wait()
        #expect(received.withLock { $0 } == bytes)
    }

    /// A signal that interrupts a blocked `read` (a handler without `SA_RESTART`) makes it fail
    /// with `EINTR`; the read is retried and returns the bytes that come later.
    @Test func aReadInterruptedBySignalsIsRetried() throws {
        var action = sigaction()
        #if canImport(Darwin)
        action.__sigaction_u.__sa_handler = { _ in interruptions.add(1, ordering: .relaxed) }
        #else
        action.__sigaction_handler.sa_handler = { _ in interruptions.add(1, ordering: .relaxed) }
        #endif
        action.sa_flags = 0  // no SA_RESTART: a blocked read returns EINTR
        var previous = sigaction()
        sigaction(SIGUSR1, &action, &previous)
        defer { sigaction(SIGUSR1, &previous, nil) }

        let pipe = Pipe()
        let result = Mutex<Result<[UInt8], SystemError>?>(nil)
        let thread = Mutex<pthread_t?>(nil)
        let finished = DispatchSemaphore(value: 0)
        let reader = Thread {
            // Threads may start with signals blocked; this one takes SIGUSR1.
            var set = sigset_t()
            sigemptyset(&set)
            sigaddset(&set, SIGUSR1)
            pthread_sigmask(SIG_UNBLOCK, &set, nil)
            thread.withLock { $0 = pthread_self() }
            let file = SystemFile(borrowing: pipe.fileHandleForReading.fileDescriptor, name: "pipe")
            let outcome = Result { () throws(SystemError) in try file.readToEnd() }
            result.withLock { $0 = outcome }
            finished.signal()
        }
        reader.start()
        while thread.withLock({ $0 }) == nil { usleep(1_000) }
        let before = interruptions.load(ordering: .relaxed)
        for _ in 0..<5 {
            usleep(20_000)  // the reader is blocked in read(2) by now
            pthread_kill(thread.withLock { $0 }!, SIGUSR1)
        }
        usleep(20_000)
        pipe.fileHandleForWriting.write(Data("after the signals".utf8))
        try pipe.fileHandleForWriting.close()
        finished.wait()
        #expect(interruptions.load(ordering: .relaxed) - before == 5)
        #expect(try result.withLock { $0 }?.get() == Array("after the signals".utf8))
    }

    @Test func writingCreatesTruncatesAndAppends() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/log.txt"
            do {
                let file = try SystemFile(path, access: .writeOnly, options: [.create, .truncate])
                try file.write(Array("first line\n".utf8))
                try file.synchronize()
                try file.close()
                try file.close()  // a second close does nothing
            }
            let again = try #require(throws: SystemError.self) {
                try SystemFile(path, access: .writeOnly, options: [.create, .exclusive])
            }
            #expect(again.code == .alreadyExists && again.operation == .open)
            let appending = try SystemFile(path, access: .readWrite, options: [.append])
            try appending.write(Array("second\n".utf8))
            #expect(try SystemFile.readAll(path) == Array("first line\nsecond\n".utf8))
            try appending.truncate(to: 5)
            #expect(try appending.status().byteCount == 5)
            #expect(try foundationContents(path) == Array("first".utf8))
        }
    }

    @Test func aBorrowedDescriptorIsNotClosed() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/data.bin"
            try foundationWrite([1, 2, 3], to: path)
            let handle = try #require(FileHandle(forReadingAtPath: path))
            do {
                let borrowed = SystemFile(borrowing: handle.fileDescriptor, name: "borrowed")
                try borrowed.close()
            }
            #expect(try handle.readToEnd() == Data([1, 2, 3]))  // still open
            try handle.close()
        }
    }
}

/// Signals handled by ``SystemFileTests/aReadInterruptedBySignalsIsRetried()``.
private let interruptions = Atomic<Int>(0)
