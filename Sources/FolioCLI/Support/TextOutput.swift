internal import ArgumentParser
internal import FolioSystem
internal import Foundation
internal import Synchronization

/// Where a command writes: standard output and error in the tool, strings in tests.
package protocol TextSink {
    mutating func write(_ text: String)
}

/// Standard output or standard error, written with `write(2)` through a buffer.
package struct StandardStream: TextSink {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private let bufferLimit: Int

    /// Standard output, flushed every 64 KiB and by ``flush()``.
    package static var output: StandardStream { StandardStream(descriptor: 1, bufferLimit: 1 << 16) }
    /// Standard error, unbuffered.
    package static var error: StandardStream { StandardStream(descriptor: 2, bufferLimit: 0) }

    /// An open file, flushed every 64 KiB and by ``flush()``; the caller closes the descriptor.
    package static func file(descriptor: Int32) -> StandardStream { StandardStream(descriptor: descriptor, bufferLimit: 1 << 16) }

    private init(descriptor: Int32, bufferLimit: Int) {
        self.descriptor = descriptor
        self.bufferLimit = bufferLimit
    }

    package mutating func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count > bufferLimit { flush() }
    }

    /// Writes out what is buffered (a closed pipe is not an error worth reporting).
    package mutating func flush() {
        try? SystemFile(borrowing: descriptor, name: "output").write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Runs a command body against standard output and error, flushes them, and turns a non-zero
/// status into ArgumentParser's `ExitCode`.
func runWithStandardStreams(_ body: (inout StandardStream, inout StandardStream) -> Int32) throws {
    var output = StandardStream.output
    var errors = StandardStream.error
    let status = body(&output, &errors)
    output.flush()
    errors.flush()
    if status != 0 { throw ExitCode(status) }
}

/// ``runWithStandardStreams(_:)`` for a command whose work is async: the work runs in a task while
/// the tool's main thread waits for it (the root command is synchronous).
func runWithStandardStreams<Command: ParsableCommand>(
    _ command: Command, _ body: @escaping @Sendable (Command, inout StandardStream, inout StandardStream) async -> Int32
) throws {
    // Safe: the main thread only waits, so nothing else touches the parsed command meanwhile.
    nonisolated(unsafe) let command = command
    let status = waitForTask {
        var output = StandardStream.output
        var errors = StandardStream.error
        let status = await body(command, &output, &errors)
        output.flush()
        errors.flush()
        return status
    }
    if status != 0 { throw ExitCode(status) }
}

/// Collects what a command writes, for tests.
package struct CapturedText: TextSink {
    package var text = ""
    package init() {}
    package mutating func write(_ text: String) { self.text += text }
}

/// JSON string literal for `value` (RFC 8259 escaping).
package func jsonString(_ value: String) -> String {
    // Bytes that need no escape are copied in runs; only quotes, backslashes and controls are rewritten.
    var value = value
    return value.withUTF8 { utf8 in
        var result: [UInt8] = []
        result.reserveCapacity(utf8.count + utf8.count / 16 + 2)
        result.append(0x22)
        var runStart = 0
        for index in 0..<utf8.count {
            let byte = utf8[index]
            guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
            result.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
            runStart = index + 1
            switch byte {
            case 0x22: result.append(contentsOf: [0x5C, 0x22])
            case 0x5C: result.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: result.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: result.append(contentsOf: [0x5C, 0x72])
            case 0x09: result.append(contentsOf: [0x5C, 0x74])
            default:
                let hex = Array("0123456789abcdef".utf8)
                result.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
            }
        }
        result.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        result.append(0x22)
        return String(decoding: result, as: UTF8.self)
    }
}

/// Runs async work from a synchronous `run()` (the root command is synchronous): a task does the
/// work while the calling thread, never a task, waits for its exit status.
func waitForTask(_ body: @escaping @Sendable () async -> Int32) -> Int32 {
    let status = Mutex<Int32>(1)
    let done = DispatchSemaphore(value: 0)
    Task {
        let result = await body()
        status.withLock { $0 = result }
        done.signal()
    }
    done.wait()
    return status.withLock { $0 }
}
