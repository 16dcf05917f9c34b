/// Pre-tokenizer flags of every Unicode scalar, exactly as tiktoken's regular-expression engine sees them.
///
/// The data (`UnicodeClasses+Data.swift`) is generated from tiktoken itself by
/// `Scripts/generate_unicode_classes.py`, so the scanner agrees with tiktoken even where the Swift
/// standard library's Unicode tables are of another version. Lookup is two-level: the scalar's
/// 256-scalar block selects one of the distinct flag blocks, the low byte the entry in it.
struct UnicodeClasses: Sendable {
    /// `\p{L}`.
    static let letter: UInt8 = 0x01
    /// `\p{N}`.
    static let number: UInt8 = 0x02
    /// `\s`: Unicode White_Space, including CR and LF.
    static let whitespace: UInt8 = 0x04
    /// `[\r\n]`.
    static let newline: UInt8 = 0x08
    /// o200k's `[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]`.
    static let upperSet: UInt8 = 0x10
    /// o200k's `[\p{Ll}\p{Lm}\p{Lo}\p{M}]`.
    static let lowerSet: UInt8 = 0x20

    /// Decoded once per process.
    static let shared = UnicodeClasses()

    /// For each block of 256 scalars (0x1100 blocks), the index of its flags in `blockFlags`.
    let blockIndex: [UInt16]
    /// The distinct 256-entry flag blocks, concatenated.
    let blockFlags: [UInt8]

    private init() {
        var flags = [UInt8](repeating: 0, count: 0x110000)
        var runs: [(start: Int, value: UInt8)] = []
        runs.reserveCapacity(Self.runCount)
        var digits: [UInt8] = []
        digits.reserveCapacity(8)
        for byte in Self.encodedRuns.utf8 where byte != UInt8(ascii: "\n") {
            digits.append(byte)
            if digits.count == 8 {
                let start = digits[0..<6].reduce(0) { $0 << 4 | Int(Self.hexValue($1)) }
                let value = digits[6..<8].reduce(UInt8(0)) { $0 << 4 | Self.hexValue($1) }
                runs.append((start, value))
                digits.removeAll(keepingCapacity: true)
            }
        }
        precondition(runs.count == Self.runCount && runs.first?.start == 0, "corrupt Unicode class data")
        for (index, run) in runs.enumerated() {
            let end = index + 1 < runs.count ? runs[index + 1].start : 0x110000
            for scalar in run.start..<end { flags[scalar] = run.value }
        }
        // Deduplicate the 4,352 blocks by a hash of their contents (most are "unassigned").
        var index = [UInt16](repeating: 0, count: 0x1100)
        var blocks: [UInt8] = []
        var seen: [UInt64: [UInt16]] = [:]
        flags.withUnsafeBufferPointer { all in
            for block in 0..<0x1100 {
                let contents = UnsafeRawPointer(all.baseAddress! + block << 8)
                var hash: UInt64 = 0xCBF2_9CE4_8422_2325
                for word in 0..<32 {
                    hash =
                        (hash ^ contents.loadUnaligned(fromByteOffset: word * 8, as: UInt64.self)) &* 0x0100_0000_01B3
                }
                let block256 = UnsafeBufferPointer(start: all.baseAddress! + block << 8, count: 256)
                if let existing = seen[hash, default: []].first(where: { candidate in
                    blocks[Int(candidate) << 8..<(Int(candidate) + 1) << 8].elementsEqual(block256)
                }) {
                    index[block] = existing
                } else {
                    let new = UInt16(blocks.count >> 8)
                    seen[hash, default: []].append(new)
                    index[block] = new
                    blocks.append(contentsOf: block256)
                }
            }
        }
        blockIndex = index
        blockFlags = blocks
    }

    private static func hexValue(_ digit: UInt8) -> UInt8 {
        digit <= UInt8(ascii: "9") ? digit - UInt8(ascii: "0") : digit - UInt8(ascii: "A") + 10
    }

    /// Runs `body` with raw pointers to the tables, valid for the duration of the call.
    @inline(__always)
    func withView<R>(_ body: (View) throws -> R) rethrows -> R {
        try blockIndex.withUnsafeBufferPointer { index in
            try blockFlags.withUnsafeBufferPointer { flags in
                try body(View(blockIndex: index.baseAddress!, blockFlags: flags.baseAddress!))
            }
        }
    }

    /// Raw view of the tables for the scanner's inner loop.
    struct View {
        let blockIndex: UnsafePointer<UInt16>
        let blockFlags: UnsafePointer<UInt8>

        /// Flags of the ASCII scalar `byte` (block 0 is always the first block).
        @inline(__always)
        func asciiFlags(_ byte: UInt8) -> UInt8 { blockFlags[Int(byte)] }

        @inline(__always)
        func flags(_ scalar: UInt32) -> UInt8 {
            blockFlags[Int(blockIndex[Int(scalar &>> 8)]) &<< 8 | Int(scalar & 0xFF)]
        }
    }
}
