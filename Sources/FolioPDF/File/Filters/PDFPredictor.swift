/// The predictors of FlateDecode and LZWDecode (ISO 32000-1, 7.4.4.4): TIFF predictor 2 and the PNG
/// predictors 10–15, whose rows each start with their own filter type (None, Sub, Up, Average, Paeth).
enum PDFPredictor {
    /// `data` with the predictor `/DecodeParms` names undone; `data` itself when there is none.
    ///
    /// - Throws: ``PDFError/Code/malformed`` for parameters out of range (`/Colors`, `/BitsPerComponent`,
    ///   `/Columns`) or a predictor that does not exist; ``PDFError/Code/limitExceeded``.
    static func apply(
        to data: [UInt8], parameters: PDFDictionary?, budget: PDFDecodeBudget
    ) throws(PDFError) -> [UInt8] {
        guard let parameters, let predictor = parameters["Predictor"]?.integer, predictor > 1 else { return data }
        let colors = parameters["Colors"]?.integer ?? 1
        let bitsPerComponent = parameters["BitsPerComponent"]?.integer ?? 8
        let columns = parameters["Columns"]?.integer ?? 1
        guard (1...32).contains(colors), [1, 2, 4, 8, 16].contains(bitsPerComponent), (1...(1 << 24)).contains(columns)
        else {
            throw PDFError(
                .malformed,
                "predictor parameters out of range: /Colors \(colors), /BitsPerComponent \(bitsPerComponent), "
                    + "/Columns \(columns)",
                byteOffset: budget.byteOffset)
        }
        let bitsPerPixel = colors * bitsPerComponent
        let rowBytes = (columns * bitsPerPixel + 7) / 8
        let pixelBytes = max(1, (bitsPerPixel + 7) / 8)
        if predictor == 2 {
            return tiff(data, rowBytes: rowBytes, colors: colors, bitsPerComponent: bitsPerComponent)
        }
        guard predictor >= 10 && predictor <= 15 else {
            throw PDFError(.malformed, "predictor \(predictor) does not exist", byteOffset: budget.byteOffset)
        }
        let output = png(data, rowBytes: rowBytes, pixelBytes: pixelBytes)
        try budget.check(output.count)
        return output
    }

    /// PNG rows: a filter-type byte, then `rowBytes` bytes predicted from the byte `pixelBytes` to the
    /// left and the row above. A final partial row is decoded as far as it goes; an unknown filter
    /// type copies the row.
    static func png(_ data: [UInt8], rowBytes: Int, pixelBytes: Int) -> [UInt8] {
        let stride = rowBytes + 1
        let rowCount = (data.count + stride - 1) / stride
        var output = [UInt8](repeating: 0, count: 0)
        output.reserveCapacity(rowCount * rowBytes)
        var previous = [UInt8](repeating: 0, count: rowBytes)
        var current = [UInt8](repeating: 0, count: rowBytes)
        var start = 0
        while start < data.count {
            let type = data[start]
            let available = min(rowBytes, data.count - start - 1)
            guard available > 0 else { break }
            for column in 0..<available {
                let raw = data[start + 1 + column]
                let left: UInt8 = column >= pixelBytes ? current[column - pixelBytes] : 0
                let up = previous[column]
                switch type {
                case 1: current[column] = raw &+ left
                case 2: current[column] = raw &+ up
                case 3: current[column] = raw &+ UInt8((Int(left) + Int(up)) / 2)
                case 4:
                    let upLeft: UInt8 = column >= pixelBytes ? previous[column - pixelBytes] : 0
                    current[column] = raw &+ paeth(left, up, upLeft)
                default: current[column] = raw
                }
            }
            output.append(contentsOf: current[0..<available])
            swap(&previous, &current)
            start += stride
        }
        return output
    }

    @inline(__always) private static func paeth(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8 {
        let p = Int(a) + Int(b) - Int(c)
        let pa = abs(p - Int(a))
        let pb = abs(p - Int(b))
        let pc = abs(p - Int(c))
        if pa <= pb && pa <= pc { return a }
        return pb <= pc ? b : c
    }

    /// TIFF predictor 2: each component is the difference from the same component of the pixel to
    /// its left, row by row.
    static func tiff(_ data: [UInt8], rowBytes: Int, colors: Int, bitsPerComponent: Int) -> [UInt8] {
        var output = data
        var rowStart = 0
        while rowStart < output.count {
            let rowEnd = min(rowStart + rowBytes, output.count)
            switch bitsPerComponent {
            case 8:
                var index = rowStart + colors
                while index < rowEnd {
                    output[index] = output[index] &+ output[index - colors]
                    index += 1
                }
            case 16:
                var index = rowStart + 2 * colors
                while index + 1 < rowEnd {
                    let left = UInt16(output[index - 2 * colors]) << 8 | UInt16(output[index - 2 * colors + 1])
                    let value = (UInt16(output[index]) << 8 | UInt16(output[index + 1])) &+ left
                    output[index] = UInt8(value >> 8)
                    output[index + 1] = UInt8(truncatingIfNeeded: value)
                    index += 2
                }
            default:  // 1, 2 or 4 bits: unpack the row's components, sum, pack again
                let mask = (1 << bitsPerComponent) - 1
                let componentCount = (rowEnd - rowStart) * 8 / bitsPerComponent
                var components = [Int](repeating: 0, count: componentCount)
                for component in 0..<componentCount {
                    let bit = component * bitsPerComponent
                    let byte = Int(output[rowStart + bit / 8])
                    components[component] = byte >> (8 - bitsPerComponent - bit % 8) & mask
                }
                if componentCount > colors {
                    for component in colors..<componentCount {
                        components[component] = (components[component] + components[component - colors]) & mask
                    }
                }
                for index in rowStart..<rowEnd { output[index] = 0 }
                for component in 0..<componentCount {
                    let bit = component * bitsPerComponent
                    let shift = 8 - bitsPerComponent - bit % 8
                    output[rowStart + bit / 8] |= UInt8(components[component] << shift)
                }
            }
            rowStart += rowBytes
        }
        return output
    }
}
