/// Appends little-endian integers, LEB128 varints and length-prefixed strings to a byte array:
/// the encoding of cache entry headers and of the small segments values store in them.
package struct ByteWriter {
    package private(set) var bytes: [UInt8] = []

    package init() {}

    package mutating func fixed32(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    package mutating func fixed64(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    package mutating func varint(_ value: Int) {
        precondition(value >= 0, "varints are unsigned")
        var rest = UInt64(value)
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    package mutating func string(_ value: String) {
        varint(value.utf8.count)
        bytes.append(contentsOf: value.utf8)
    }

    package mutating func raw(_ value: some Sequence<UInt8>) { bytes.append(contentsOf: value) }
}

/// Reads what ``ByteWriter`` wrote; every read is bounds-checked and throws ``CacheError/Code/corrupt``.
package struct ByteReader {
    private let bytes: [UInt8]
    package private(set) var offset: Int
    private let end: Int

    package init(_ bytes: [UInt8], range: Range<Int>? = nil) {
        self.bytes = bytes
        offset = range?.lowerBound ?? 0
        end = range?.upperBound ?? bytes.count
    }

    package var isAtEnd: Bool { offset == end }

    private mutating func take(_ count: Int) throws(CacheError) -> Range<Int> {
        guard count >= 0, end - offset >= count else {
            throw CacheError(.corrupt, "an entry ends early: \(count) bytes wanted at offset \(offset) of \(end)")
        }
        defer { offset += count }
        return offset..<(offset + count)
    }

    package mutating func fixed32() throws(CacheError) -> UInt32 {
        let range = try take(4)
        var value: UInt32 = 0
        for (shift, index) in range.enumerated() { value |= UInt32(bytes[index]) << UInt32(shift * 8) }
        return value
    }

    package mutating func fixed64() throws(CacheError) -> UInt64 {
        let range = try take(8)
        var value: UInt64 = 0
        for (shift, index) in range.enumerated() { value |= UInt64(bytes[index]) << UInt64(shift * 8) }
        return value
    }

    package mutating func varint() throws(CacheError) -> Int {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = bytes[try take(1).lowerBound]
            guard shift < 63 else { throw CacheError(.corrupt, "a varint at offset \(offset) is too long") }
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { break }
            shift += 7
        }
        guard value <= UInt64(Int.max) else { throw CacheError(.corrupt, "a varint at offset \(offset) overflows") }
        return Int(value)
    }

    package mutating func string() throws(CacheError) -> String {
        let range = try take(try varint())
        return String(decoding: bytes[range], as: UTF8.self)
    }

    package mutating func raw(_ count: Int) throws(CacheError) -> ArraySlice<UInt8> {
        bytes[try take(count)]
    }
}
