/// Turns arbitrary bytes into valid UTF-8 exactly as Python's `bytes.decode("utf-8", errors="replace")` does.
///
/// Each *maximal subpart* of an ill-formed sequence becomes one U+FFFD REPLACEMENT CHARACTER (the
/// practice the Unicode standard recommends, and the one Python and WHATWG follow):
/// 1. a byte that can never start a sequence (`80`–`C1`, `F5`–`FF`) is one replacement;
/// 2. a valid lead byte followed by fewer continuation bytes than it needs is one replacement for the
///    lead and the continuation bytes that fit, and decoding resumes at the first byte that does not;
/// 3. the second byte's range is restricted after `E0`, `ED`, `F0` and `F4` (no overlong forms, no
///    surrogates, nothing above U+10FFFF), so `ED A0 80` is three replacements, not one.
///
/// The repairer streams: bytes may arrive in blocks that split a sequence anywhere. An incomplete
/// sequence at the end of a block is held back (at most three bytes) until the next block or
/// ``finish()``. Every replacement is counted in ``replacementCount``; nothing is dropped silently.
public struct UTF8Repair: Sendable {
    /// How many U+FFFD characters were inserted so far.
    public private(set) var replacementCount = 0
    /// Bytes of an incomplete sequence held back from the end of the previous block.
    private var held: [UInt8] = []

    public init() {}

    /// Repairs a whole buffer at once.
    public static func repair(_ bytes: some Collection<UInt8>) -> (text: String, replacementCount: Int) {
        var repair = UTF8Repair()
        var text = repair.append(bytes)
        text += repair.finish()
        return (text, repair.replacementCount)
    }

    /// Returns the repaired text of `bytes`, holding back a sequence that the next block may complete.
    public mutating func append(_ bytes: some Collection<UInt8>) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + held.count + 16)
        let handled: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            appendRepaired(buffer, into: &output)
        }
        if handled == nil {
            Array(bytes).withUnsafeBufferPointer { appendRepaired($0, into: &output) }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Ends the stream: a sequence still held back is incomplete and becomes one replacement.
    public mutating func finish() -> String {
        guard !held.isEmpty else { return "" }
        // The held bytes are a valid but incomplete prefix: exactly one maximal subpart.
        held = []
        replacementCount += 1
        return String(decoding: Self.replacementBytes, as: UTF8.self)
    }

    /// Appends the repaired bytes of `input` to `output` (valid UTF-8), holding back an incomplete
    /// sequence at the end; the byte-level form of ``append(_:)`` for decoders that build UTF-8 buffers.
    package mutating func append(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        appendRepaired(input, into: &output)
    }

    /// Ends the stream into a byte buffer: a held-back sequence becomes one replacement.
    package mutating func finish(into output: inout [UInt8]) {
        guard !held.isEmpty else { return }
        held = []
        replacementCount += 1
        output.append(contentsOf: Self.replacementBytes)
    }

    /// Bytes held back from the end of the last block (0 to 3).
    package var heldByteCount: Int { held.count }

    private static let replacementBytes: [UInt8] = [0xEF, 0xBF, 0xBD]

    private mutating func appendRepaired(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        var start = 0
        if !held.isEmpty {
            // Complete the held sequence (a valid prefix) with the first bytes of this block.
            let heldCount = held.count
            let borrowed = min(4 - heldCount, input.count)
            let joined = held + input[0..<borrowed]
            held = []
            var index = 0
            joined.withUnsafeBufferPointer { buffer in
                while index < heldCount {
                    switch Self.step(buffer, at: index) {
                    case .valid(let length):
                        output.append(contentsOf: buffer[index..<index + length])
                        index += length
                    case .invalid(let length):
                        output.append(contentsOf: Self.replacementBytes)
                        replacementCount += 1
                        index += length
                    case .incomplete:
                        // The block was too short to finish it: hold everything again.
                        held = Array(buffer[index...])
                        index = buffer.count
                    }
                }
            }
            if !held.isEmpty { return }
            start = index - heldCount
        }
        var runStart = start
        var index = start
        let count = input.count
        while index < count {
            // ASCII fast path, eight bytes at a time.
            while index &+ 8 <= count,
                UnsafeRawPointer(input.baseAddress! + index).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0
            {
                index &+= 8
            }
            if index >= count { break }
            let lead = input[index]
            if lead < 0x80 {
                index &+= 1
                continue
            }
            // The common well-formed sequences, decided with bit tests: two bytes (C2–DF), and three bytes
            // whose second byte is unrestricted (E1–EC, EE–EF: CJK, most punctuation). The rest, and
            // anything ill-formed, goes through `step`.
            if lead >= 0xE1 && lead <= 0xEF && lead != 0xED && index &+ 2 < count
                && input[index &+ 1] & 0xC0 == 0x80 && input[index &+ 2] & 0xC0 == 0x80
            {
                index &+= 3
                continue
            }
            if lead >= 0xC2 && lead <= 0xDF && index &+ 1 < count && input[index &+ 1] & 0xC0 == 0x80 {
                index &+= 2
                continue
            }
            switch Self.step(input, at: index) {
            case .valid(let length):
                index &+= length
            case .invalid(let length):
                output.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart..<index]))
                output.append(contentsOf: Self.replacementBytes)
                replacementCount += 1
                index &+= length
                runStart = index
            case .incomplete:
                output.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart..<index]))
                held = Array(input[index...])
                return
            }
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart..<count]))
    }

    private enum Step {
        case valid(Int)
        /// A maximal subpart of this many bytes that can never become valid.
        case invalid(Int)
        /// A valid prefix that runs into the end of the buffer.
        case incomplete
    }

    /// Classifies the sequence that starts at `index`.
    private static func step(_ buffer: UnsafeBufferPointer<UInt8>, at index: Int) -> Step {
        guard let shape = UTF8Sequence.shape(ofLead: buffer[index]) else { return .invalid(1) }
        for offset in 1..<shape.length {
            let position = index + offset
            if position >= buffer.count { return .incomplete }
            if !UTF8Sequence.isValid(buffer[position], at: offset, second: shape.second) { return .invalid(offset) }
        }
        return .valid(shape.length)
    }
}
