internal import CZlib

/// Compresses test data with zlib's deflate (Folio itself only inflates).
public enum TestCompression {
    public enum Format: Sendable { case gzip, zlib, raw }

    public static func deflate(_ data: [UInt8], format: Format = .gzip, level: Int32 = 6) -> [UInt8] {
        var stream = z_stream()
        let windowBits: Int32 =
            switch format {
            case .gzip: 15 + 16
            case .zlib: 15
            case .raw: -15
            }
        precondition(czlib_deflate_init2(&stream, level, windowBits) == Z_OK)
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(data.count))) + 64)
        var input = data
        let produced = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = source.baseAddress
                stream.avail_in = UInt32(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = UInt32(target.count)
                precondition(CZlib.deflate(&stream, Z_FINISH) == Z_STREAM_END)
                return target.count - Int(stream.avail_out)
            }
        }
        return Array(output[0..<produced])
    }
}
