internal import FolioSystem
internal import Foundation

/// The GB18030 mapping tables, read once per process from the bundled `gb18030-index.bin`.
///
/// `Scripts/generate_gb18030_index.py` writes the file from Python's own `gb18030` codec and checks it
/// against every two-byte and four-byte sequence. The format (little-endian):
/// 1. the magic `GBIX`, a `UInt16` version (1) and a `UInt16` range count *R*;
/// 2. the two-byte table: 126 × 190 `UInt16` code points, lead `81`–`FE` × trail `40`–`7E`, `80`–`FE`,
///    at `(lead − 0x81) × 190 + (trail − 0x40 − (trail > 0x7F ? 1 : 0))`, 0 for unmapped;
/// 3. *R* four-byte BMP ranges `(UInt16 pointer, UInt16 code point)`, pointers strictly increasing
///    from 0 (as WHATWG's index-gb18030-ranges): pointer *p* < 39420 maps to the code point of the
///    last range at or before *p*, plus the distance from its pointer.
///
/// Supplementary code points need no table: pointer 189000 + (*c* − 0x10000) is *c*.
package final class GB18030Index: Sendable {
    /// Two-byte tables have 126 leads (`81`–`FE`).
    static let leadCount = 126
    /// Trail bytes in the file: `40`–`7E` and `80`–`FE`.
    static let fileTrailCount = 190
    /// Trail bytes in memory: `40`–`FF`, so the index needs no branch (`7F` and `FF` are unmapped).
    static let trailCount = 192
    /// Four-byte pointers below this are BMP code points (through U+FFFF).
    static let bmpPointerCount = 39420
    /// The pointer of U+10000.
    static let supplementaryPointerBase = 189000
    static let magic: [UInt8] = Array("GBIX".utf8)
    static let version: UInt16 = 1
    static let headerByteCount = 8

    /// The UTF-8 of each two-byte sequence at `(lead − 0x81) × 192 + (trail − 0x40)`, packed as
    /// `PackedUTF8` does; 0 where Python's codec rejects the pair.
    package let twoByteUTF8: [UInt32]
    /// The first pointer of each four-byte BMP range, increasing from 0.
    let rangePointers: [UInt32]
    /// The code point of each range's first pointer.
    let rangeCodePoints: [UInt32]

    /// Why a table file cannot be used.
    package struct FormatError: Error, CustomStringConvertible {
        package let reason: String
        package var description: String { reason }
    }

    /// The tables every GB18030 decoder uses, loaded on first use.
    ///
    /// - Important: Stops the process with a message naming the resource when it is missing or
    ///   damaged: Folio's installation is broken and no decoding result could be trusted.
    package static let shared: GB18030Index = {
        guard let path = Bundle.module.path(forResource: "gb18030-index", ofType: "bin") else {
            let bundle = Bundle.module.bundlePath
            fatalError("the GB18030 table gb18030-index.bin is missing from Folio's resources (\(bundle)); reinstall")
        }
        let bytes: [UInt8]
        do throws(SystemError) {
            bytes = try SystemFile.readAll(path)
        } catch {
            fatalError("\(path): cannot read the GB18030 table (\(error.reason)); reinstall Folio")
        }
        do throws(FormatError) {
            return try GB18030Index(fileBytes: bytes)
        } catch {
            fatalError("\(path): \(error.reason); the file is damaged: reinstall Folio or rerun the generator script")
        }
    }()

    /// Parses the contents of a table file.
    ///
    /// - Throws: ``FormatError`` for a wrong magic number or version, a size that does not match the
    ///   range count, ranges that do not start at 0 or do not increase, or code points that are ASCII,
    ///   surrogates or beyond the BMP.
    package init(fileBytes bytes: [UInt8]) throws(FormatError) {
        func uint16(at offset: Int) -> UInt16 { UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8 }

        guard bytes.count >= Self.headerByteCount, Array(bytes[0..<4]) == Self.magic else {
            throw FormatError(reason: "not a GB18030 table (no GBIX header)")
        }
        guard uint16(at: 4) == Self.version else {
            throw FormatError(reason: "table version \(uint16(at: 4)), expected \(Self.version)")
        }
        let rangeCount = Int(uint16(at: 6))
        let tableByteCount = Self.leadCount * Self.fileTrailCount * 2
        let expectedByteCount = Self.headerByteCount + tableByteCount + rangeCount * 4
        guard bytes.count == expectedByteCount, rangeCount > 0 else {
            throw FormatError(reason: "\(bytes.count) bytes for \(rangeCount) ranges, expected \(expectedByteCount)")
        }

        var twoByte = [UInt32](repeating: 0, count: Self.leadCount * Self.trailCount)
        for lead in 0..<Self.leadCount {
            for filePosition in 0..<Self.fileTrailCount {
                let codePoint = uint16(at: Self.headerByteCount + (lead * Self.fileTrailCount + filePosition) * 2)
                if codePoint == 0 { continue }
                guard codePoint >= 0x80, !(0xD800...0xDFFF).contains(codePoint) else {
                    throw FormatError(reason: "two-byte entry \(lead), \(filePosition) maps to U+\(hex(codePoint))")
                }
                let trailOffset = filePosition < 0x3F ? filePosition : filePosition + 1  // skip trail 7F
                twoByte[lead * Self.trailCount + trailOffset] = PackedUTF8.bmp(UInt32(codePoint))
            }
        }

        var pointers: [UInt32] = []
        var codePoints: [UInt32] = []
        pointers.reserveCapacity(rangeCount)
        codePoints.reserveCapacity(rangeCount)
        for range in 0..<rangeCount {
            let offset = Self.headerByteCount + tableByteCount + range * 4
            let pointer = UInt32(uint16(at: offset))
            guard range == 0 ? pointer == 0 : pointer > pointers[range - 1], pointer < Self.bmpPointerCount else {
                throw FormatError(reason: "four-byte range \(range) starts at pointer \(pointer), out of order")
            }
            pointers.append(pointer)
            codePoints.append(UInt32(uint16(at: offset + 2)))
        }
        // Each range must stay in the BMP and clear of the surrogates.
        for range in 0..<rangeCount {
            let end = range + 1 < rangeCount ? pointers[range + 1] : UInt32(Self.bmpPointerCount)
            let first = codePoints[range]
            let last = first + (end - pointers[range]) - 1
            guard first >= 0x80, last <= 0xFFFF, last < 0xD800 || first > 0xDFFF else {
                let size = last - first + 1
                throw FormatError(reason: "four-byte range \(range) (\(size) from U+\(hex(first))) leaves the BMP")
            }
        }
        twoByteUTF8 = twoByte
        rangePointers = pointers
        rangeCodePoints = codePoints
    }

    /// The code point of a four-byte sequence whose pointer is below ``bmpPointerCount``.
    ///
    /// - Complexity: O(log *R*) for *R* ranges (206 with Python's codec); four-byte BMP sequences are
    ///   rare in Chinese text.
    package func bmpCodePoint(pointer: UInt32) -> UInt32 {
        precondition(pointer < Self.bmpPointerCount, "four-byte pointer \(pointer) is not in the BMP")
        var low = 0
        var high = rangePointers.count
        while high - low > 1 {
            let middle = (low + high) / 2
            if rangePointers[middle] <= pointer { low = middle } else { high = middle }
        }
        return rangeCodePoints[low] + (pointer - rangePointers[low])
    }
}

private func hex(_ value: some BinaryInteger) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}
