// Performance notes
// - Measured with a throwaway release-build test (not kept): a file in memory fed in 1 MiB blocks,
//   best of 7 runs, on the 2-core AMD EPYC development VM. "Drained" empties the output after every
//   block, as a streaming consumer does; a growing 100 MB output array adds reallocation and page
//   faults to every decoder (ASCII UTF-8 then runs at about 1.0 GB/s, Chinese at about 0.5 GB/s).
// - UTF-8 goes straight to FolioModel's `UTF8Repair` (eight-byte ASCII test, runs copied with one
//   `append`): 11–13 GB/s on ASCII (the contracts, non-ASCII bytes dropped, 108 MB) and 760 MB/s on
//   the Chinese novel (30 MB). The automatic decoder passes ASCII through with the same eight-byte
//   test (16 GB/s) and then costs what the chosen decoder costs.
// - The other decoders write into the array's spare room: it grows by a bound on the output of a
//   64 KiB chunk (three bytes per input byte, plus slack for word-sized stores), the loop writes
//   through a pointer, and the unused tail is cut. Chunking keeps the over-allocation at 192 KiB
//   however large the caller's blocks are. Tried and dropped: decoding into a temporary buffer and
//   appending it, which measured the same within noise (GB18030 637–695 MB/s against 677–689).
// - Windows-1252: 4.7 GB/s on ASCII, 1.0 GB/s on Latin-1 letters (one table load per byte).
// - Numbers for GB18030 and UTF-16 are in their files.

package import FolioModel

/// Decodes text in a ``TextEncoding`` to valid UTF-8, block by block, exactly as Python's
/// `bytes.decode(codec, errors="replace")` does (Windows-1252 aside, which follows WHATWG).
///
/// Blocks may split a character anywhere: an incomplete sequence at the end of a block is held back
/// (at most three bytes) until the next block or ``finish(into:)``, so the output never depends on
/// how the input was split. Every U+FFFD inserted is counted in ``replacementCount``.
/// 1. UTF-8 goes through FolioModel's `UTF8Repair`: one U+FFFD per maximal subpart;
/// 2. UTF-16 replaces each unpaired surrogate (two bytes) with one U+FFFD, and an odd trailing byte,
///    or a high surrogate cut by the end of the input, with one more;
/// 3. GB18030 replaces the first byte of an invalid sequence and resumes at the next byte (so an ASCII
///    trail byte survives), as Python's CJK codecs do; a sequence cut by the end of the input is one
///    U+FFFD however many bytes it had, even when they could never have become valid (`81 30 41`);
/// 4. Windows-1252 maps every byte, `81 8D 8F 90 9D` to the C1 controls U+0081… (WHATWG), and never
///    replaces.
///
/// ``automatic()`` makes a decoder that chooses between UTF-8 and GB18030 from the text itself
/// (see ``EncodingDetector``).
///
/// - Important: A byte order mark is the caller's business (``EncodingDetector/byteOrderMark(in:)``):
///   one left in the input decodes to U+FEFF.
package struct TextDecoder: Sendable {
    /// The encoding being decoded: fixed from the start, or nil until an automatic decoder has seen its
    /// detection window (`.utf8` after ``finish(into:)`` when every byte was ASCII).
    package private(set) var detectedEncoding: TextEncoding?
    /// How many U+FFFD characters were inserted so far.
    package var replacementCount: Int { utf8.replacementCount + otherReplacementCount }

    /// Where an automatic decoder stands; fixed decoders are always `.decoding`.
    private enum Stage: Sendable {
        case decoding
        /// Every byte so far was ASCII, passed through: the same in UTF-8 and GB18030.
        case awaitingNonASCII
        /// Collecting ``EncodingDetector/windowByteCount`` bytes (and one more) from the first non-ASCII byte.
        case collectingWindow
    }

    private var stage: Stage
    /// The decoder of `.utf8`.
    private var utf8 = UTF8Repair()
    /// Replacements by the UTF-16 and GB18030 decoders.
    private var otherReplacementCount = 0
    /// An incomplete UTF-16 or GB18030 sequence from the end of the last block (0 to 3 bytes).
    private var held: [UInt8] = []
    /// An automatic decoder's bytes from the first non-ASCII one, until it decides.
    private var window: [UInt8] = []

    /// Input is decoded in chunks of at most this many bytes, bounding the spare room of the output.
    static let chunkByteCount = 64 << 10

    /// A decoder for text in `encoding`.
    package init(_ encoding: TextEncoding) {
        detectedEncoding = encoding
        stage = .decoding
    }

    /// A decoder that chooses UTF-8 or GB18030 as ``EncodingDetector/automaticEncoding(window:inputEnded:)``
    /// does, and decodes as if that encoding had been given from the start.
    ///
    /// ASCII is the same in both, so it passes straight through and the decision waits for the first
    /// non-ASCII byte; from there the decoder holds back up to 64 KiB (plus one byte, to know whether the
    /// input goes on) before it decides and emits them.
    package static func automatic() -> TextDecoder {
        var decoder = TextDecoder(.utf8)
        decoder.detectedEncoding = nil
        decoder.stage = .awaitingNonASCII
        return decoder
    }

    /// Decodes the whole of `bytes` in `encoding`.
    package static func decode(_ bytes: some Collection<UInt8>, from encoding: TextEncoding) -> (
        utf8: [UInt8], replacementCount: Int
    ) {
        var decoder = TextDecoder(encoding)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + bytes.count / 2 + 16)
        let handled: Void? = bytes.withContiguousStorageIfAvailable { decoder.decode($0, into: &output) }
        if handled == nil {
            Array(bytes).withUnsafeBufferPointer { decoder.decode($0, into: &output) }
        }
        decoder.finish(into: &output)
        return (output, decoder.replacementCount)
    }

    /// Bytes received but not yet decoded: an incomplete sequence, or an automatic decoder's window.
    package var heldByteCount: Int {
        switch stage {
        case .awaitingNonASCII: 0
        case .collectingWindow: window.count
        case .decoding: detectedEncoding == .utf8 ? utf8.heldByteCount : held.count
        }
    }

    /// Appends the UTF-8 of `input` to `output`, holding back a sequence the next block may complete.
    package mutating func decode(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        switch stage {
        case .decoding:
            decodeDecided(input, into: &output)
        case .awaitingNonASCII:
            let asciiCount = EncodingDetector.asciiPrefixLength(of: input)
            output.append(contentsOf: UnsafeBufferPointer(rebasing: input[0..<asciiCount]))
            guard asciiCount < input.count else { return }
            stage = .collectingWindow
            collectWindow(UnsafeBufferPointer(rebasing: input[asciiCount...]), into: &output)
        case .collectingWindow:
            collectWindow(input, into: &output)
        }
    }

    /// Ends the input: a held-back incomplete sequence becomes one U+FFFD, and an automatic decoder
    /// that is still collecting its window decides on what it has.
    package mutating func finish(into output: inout [UInt8]) {
        switch stage {
        case .awaitingNonASCII:
            detectedEncoding = .utf8
            stage = .decoding
        case .collectingWindow:
            decide(inputEnded: true, into: &output)
        case .decoding:
            break
        }
        if detectedEncoding == .utf8 {
            utf8.finish(into: &output)
        } else if !held.isEmpty {
            held = []
            otherReplacementCount += 1
            output.append(contentsOf: [0xEF, 0xBF, 0xBD])
        }
    }

    // MARK: Automatic choice

    private mutating func collectWindow(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        // One byte past the window tells that the input goes on beyond it.
        let wanted = EncodingDetector.windowByteCount + 1 - window.count
        guard input.count >= wanted else {
            window.append(contentsOf: input)
            return
        }
        window.append(contentsOf: UnsafeBufferPointer(rebasing: input[0..<wanted]))
        decide(inputEnded: false, into: &output)
        decodeDecided(UnsafeBufferPointer(rebasing: input[wanted...]), into: &output)
    }

    private mutating func decide(inputEnded: Bool, into output: inout [UInt8]) {
        let collected = window
        window = []
        let encoding = collected.withUnsafeBufferPointer { buffer in
            let end = min(buffer.count, EncodingDetector.windowByteCount)
            return EncodingDetector.automaticEncoding(
                window: UnsafeBufferPointer(rebasing: buffer[0..<end]), inputEnded: inputEnded)
        }
        detectedEncoding = encoding
        stage = .decoding
        collected.withUnsafeBufferPointer { decodeDecided($0, into: &output) }
    }

    // MARK: Decoding in the decided encoding

    private mutating func decodeDecided(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        guard let encoding = detectedEncoding else { preconditionFailure("decoding before the encoding is decided") }
        if encoding == .utf8 {
            utf8.append(input, into: &output)
            return
        }
        var start = 0
        if !held.isEmpty {
            guard let resume = decodeAcrossBlocks(input, encoding: encoding, into: &output) else { return }
            start = resume
        }
        while start < input.count {
            let end = min(input.count, start + Self.chunkByteCount)
            let chunk = UnsafeBufferPointer(rebasing: input[start..<end])
            let consumed = decodeComplete(chunk, encoding: encoding, into: &output)
            if consumed < chunk.count && end == input.count {
                held = Array(chunk[consumed...])
                return
            }
            start += consumed
        }
    }

    /// Completes the held sequence with the first bytes of `input`; returns where decoding goes on in
    /// `input`, or nil when `input` ran out first (what is left is held again).
    ///
    /// Decoding `held` plus four input bytes always ends past the held bytes: whatever is left over is
    /// an incomplete sequence, shorter than the four bytes of the longest one.
    private mutating func decodeAcrossBlocks(
        _ input: UnsafeBufferPointer<UInt8>, encoding: TextEncoding, into output: inout [UInt8]
    ) -> Int? {
        let heldCount = held.count
        let borrowedCount = min(4, input.count)
        let joined = held + input[0..<borrowedCount]
        held = []
        let consumed = joined.withUnsafeBufferPointer { decodeComplete($0, encoding: encoding, into: &output) }
        guard borrowedCount == 4 else {
            held = Array(joined[consumed...])
            return nil
        }
        precondition(consumed > heldCount, "a held sequence outlived four more bytes")
        return consumed - heldCount
    }

    /// Decodes the complete sequences of `chunk` (at most ``chunkByteCount`` bytes) and returns how many
    /// bytes they took; the rest is an incomplete sequence.
    private mutating func decodeComplete(
        _ chunk: UnsafeBufferPointer<UInt8>, encoding: TextEncoding, into output: inout [UInt8]
    ) -> Int {
        var step = DecodeStep()
        switch encoding {
        case .gb18030:
            let index = GB18030Index.shared
            Self.appendBytes(to: &output, maxByteCount: 3 * chunk.count + 4) { target in
                step = Self.decodeGB18030(chunk, index: index, into: target)
                return step.writtenCount
            }
        case .utf16LE:
            Self.appendBytes(to: &output, maxByteCount: chunk.count / 2 * 3 + 4) { target in
                step = Self.decodeUTF16(chunk, bigEndian: false, into: target)
                return step.writtenCount
            }
        case .utf16BE:
            Self.appendBytes(to: &output, maxByteCount: chunk.count / 2 * 3 + 4) { target in
                step = Self.decodeUTF16(chunk, bigEndian: true, into: target)
                return step.writtenCount
            }
        case .windows1252:
            Self.appendBytes(to: &output, maxByteCount: 3 * chunk.count + 8) { target in
                step = Self.decodeWindows1252(chunk, into: target)
                return step.writtenCount
            }
        case .utf8:
            preconditionFailure("UTF-8 is decoded by UTF8Repair")
        }
        otherReplacementCount += step.replacementCount
        return step.consumedCount
    }

    /// Lets `body` write up to `maxByteCount` bytes at the end of `output` and keeps as many as it returns.
    @inline(__always)
    private static func appendBytes(
        to output: inout [UInt8], maxByteCount: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int
    ) {
        let oldCount = output.count
        output.append(contentsOf: repeatElement(0, count: maxByteCount))
        let writtenCount = output.withUnsafeMutableBufferPointer { body($0.baseAddress! + oldCount) }
        precondition(writtenCount <= maxByteCount, "a decoder overran its output bound")
        output.removeLast(maxByteCount - writtenCount)
    }
}

/// What one pass of an inner decoding loop did.
struct DecodeStep {
    /// Input bytes of complete sequences; the rest is an incomplete sequence.
    var consumedCount = 0
    var writtenCount = 0
    var replacementCount = 0
}

/// UTF-8 packed into a `UInt32` for the decoders' inner loops: one to three bytes in the low bytes
/// (first byte lowest) and their count in the high byte, so a loop stores four bytes at once and
/// advances by the count. Output buffers keep four bytes of slack for this.
enum PackedUTF8 {
    /// U+FFFD REPLACEMENT CHARACTER, `EF BF BD`.
    static var replacement: UInt32 { 0x03BD_BFEF }

    /// Packs a BMP scalar (not a surrogate).
    @inline(__always)
    static func bmp(_ scalar: UInt32) -> UInt32 {
        if scalar < 0x80 { return 1 << 24 | scalar }
        if scalar < 0x800 { return 2 << 24 | (0x80 | scalar & 0x3F) << 8 | (0xC0 | scalar >> 6) }
        return 3 << 24 | (0x80 | scalar & 0x3F) << 16 | (0x80 | scalar >> 6 & 0x3F) << 8 | (0xE0 | scalar >> 12)
    }

    /// Stores the bytes of `packed` (four, the last one junk for the next store to overwrite) and
    /// returns their count.
    @inline(__always)
    static func store(_ packed: UInt32, at target: UnsafeMutablePointer<UInt8>) -> Int {
        UnsafeMutableRawPointer(target).storeBytes(of: packed.littleEndian, as: UInt32.self)
        return Int(packed >> 24)
    }

    /// Stores the four bytes of a supplementary scalar (U+10000…U+10FFFF) and returns 4.
    @inline(__always)
    static func storeSupplementary(_ scalar: UInt32, at target: UnsafeMutablePointer<UInt8>) -> Int {
        let high = (0xF0 | scalar >> 18) | (0x80 | scalar >> 12 & 0x3F) << 8
        let word = high | (0x80 | scalar >> 6 & 0x3F) << 16 | (0x80 | scalar & 0x3F) << 24
        UnsafeMutableRawPointer(target).storeBytes(of: word.littleEndian, as: UInt32.self)
        return 4
    }
}

/// Copies ASCII from `base[position...]` to `output[written...]` eight bytes at a time, stopping before
/// the first eight-byte word that holds a non-ASCII byte (or fewer than eight bytes remain).
///
/// - Important: `output` must have room for `count - position` more bytes.
@inline(__always)
func copyASCIIWords(
    from base: UnsafePointer<UInt8>, at position: inout Int, count: Int, to output: UnsafeMutablePointer<UInt8>,
    at written: inout Int
) {
    while position &+ 8 <= count {
        let word = UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self)
        if word & 0x8080_8080_8080_8080 != 0 { return }
        UnsafeMutableRawPointer(output + written).storeBytes(of: word, as: UInt64.self)
        position &+= 8
        written &+= 8
    }
}
