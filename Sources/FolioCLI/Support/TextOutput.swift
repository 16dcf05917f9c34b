// Performance notes
//
// `folio chunk` prints about as many bytes of JSON as it reads, so printing must stay well below the
// cutter's cost on the other core. Lines are built straight into the output buffer (``TextSink/write(building:)``)
// instead of as strings joined and copied: one pass over each chunk's text, eight bytes at a time while no
// byte needs an escape, runs copied whole. `folio chunk --max-tokens 512` of a 50 MB generated report
// (2026-12-07): the consuming thread went from 11 % to 6.6 % of the CPU samples (`perf record`).
// Standard output is written in pieces of 256 KiB (was 64 KiB): piped into `cat`, the 200 MB report
// took 0.21-0.23 s of system time against 0.23-0.28 s.

internal import ArgumentParser
internal import FolioSystem
internal import Foundation
internal import Synchronization

/// Where a command writes: standard output and error in the tool, strings in tests.
package protocol TextSink {
    mutating func write(_ text: String)
    /// Writes the UTF-8 bytes `build` appends to the buffer it is given (which may hold earlier output:
    /// `build` only appends).
    mutating func write(building build: (inout [UInt8]) -> Void)
}

extension TextSink {
    package mutating func write(building build: (inout [UInt8]) -> Void) {
        var bytes: [UInt8] = []
        build(&bytes)
        write(String(decoding: bytes, as: UTF8.self))
    }
}

/// Standard output or standard error, written with `write(2)` through a buffer.
package struct StandardStream: TextSink {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private let bufferLimit: Int

    /// Standard output, flushed every 256 KiB and by ``flush()``.
    package static var output: StandardStream { StandardStream(descriptor: 1, bufferLimit: 1 << 18) }
    /// Standard error, unbuffered.
    package static var error: StandardStream { StandardStream(descriptor: 2, bufferLimit: 0) }

    /// An open file, flushed every 256 KiB and by ``flush()``; the caller closes the descriptor.
    package static func file(descriptor: Int32) -> StandardStream {
        StandardStream(descriptor: descriptor, bufferLimit: 1 << 18)
    }

    private init(descriptor: Int32, bufferLimit: Int) {
        self.descriptor = descriptor
        self.bufferLimit = bufferLimit
    }

    package mutating func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count > bufferLimit { flush() }
    }

    package mutating func write(building build: (inout [UInt8]) -> Void) {
        build(&buffer)
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
    var bytes: [UInt8] = []
    appendJSONString(value, to: &bytes)
    return String(decoding: bytes, as: UTF8.self)
}

/// Appends `value` to `bytes` as a JSON string literal (RFC 8259 escaping: quotes, backslashes and
/// control characters; `\n`, `\r` and `\t` by name, the others as `\u00XX`).
package func appendJSONString(_ value: String, to bytes: inout [UInt8]) {
    var value = value
    value.withUTF8 { JSONEscaper.append(quoting: $0, to: &bytes) }
}

/// Appends the decimal digits of `value` to `bytes`.
package func appendDecimal(_ value: Int, to bytes: inout [UInt8]) {
    if value < 0 { bytes.append(0x2D) }
    var magnitude = value.magnitude
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
        var start = digits.count
        repeat {
            start -= 1
            digits[start] = 0x30 + UInt8(truncatingIfNeeded: magnitude % 10)
            magnitude /= 10
        } while magnitude > 0
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start...]))
    }
}

/// The escaping loop of ``appendJSONString(_:to:)``.
enum JSONEscaper {
    /// Appends `utf8` in quotes: runs that need no escape are copied whole, found eight bytes at a time.
    static func append(quoting utf8: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
        bytes.append(0x22)
        var runStart = 0
        var index = 0
        let count = utf8.count
        while index < count {
            if index + 8 <= count {
                let word = UnsafeRawPointer(utf8.baseAddress! + index).loadUnaligned(as: UInt64.self)
                if !needsEscape(word) {
                    index += 8
                    continue
                }
            }
            let byte = utf8[index]
            guard byte < 0x20 || byte == 0x22 || byte == 0x5C else {
                index += 1
                continue
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
            appendEscape(byte, to: &bytes)
            index += 1
            runStart = index
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        bytes.append(0x22)
    }

    /// Whether any of the eight bytes of `word` is a control character, a quote or a backslash (exact:
    /// each test is the classic "has a byte less than / equal to" bit trick, which never misses one).
    @inline(__always)
    static func needsEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let control = (word &- ones &* 0x20) & ~word & highs
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        return (control | ((quote &- ones) & ~quote & highs) | ((backslash &- ones) & ~backslash & highs)) != 0
    }

    static func appendEscape(_ byte: UInt8, to bytes: inout [UInt8]) {
        switch byte {
        case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
        case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
        case 0x0A: bytes.append(contentsOf: [0x5C, 0x6E])
        case 0x0D: bytes.append(contentsOf: [0x5C, 0x72])
        case 0x09: bytes.append(contentsOf: [0x5C, 0x74])
        default:
            let hex: StaticString = "0123456789abcdef"
            let digits = hex.utf8Start
            bytes.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
        }
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
