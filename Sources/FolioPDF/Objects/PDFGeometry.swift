/// An affine transformation `[a b c d e f]` (ISO 32000-1, 8.3.3): a point (x, y) maps to
/// (a·x + c·y + e, b·x + d·y + f).
public struct PDFMatrix: Hashable, Sendable {
    public var a, b, c, d, e, f: Double

    public init(_ a: Double, _ b: Double, _ c: Double, _ d: Double, _ e: Double, _ f: Double) {
        (self.a, self.b, self.c, self.d, self.e, self.f) = (a, b, c, d, e, f)
    }

    public static let identity = PDFMatrix(1, 0, 0, 1, 0, 0)

    /// `self` then `other`: PDF's `cm` sets CTM = M × CTM, which is `m.concatenating(ctm)`.
    public func concatenating(_ other: PDFMatrix) -> PDFMatrix {
        PDFMatrix(
            a * other.a + b * other.c, a * other.b + b * other.d,
            c * other.a + d * other.c, c * other.b + d * other.d,
            e * other.a + f * other.c + other.e, e * other.b + f * other.d + other.f)
    }

    public func apply(x: Double, y: Double) -> (x: Double, y: Double) {
        (a * x + c * y + e, b * x + d * y + f)
    }
}

/// A rectangle in default user space, normalized so that `minX ≤ maxX` and `minY ≤ maxY`.
public struct PDFRect: Hashable, Sendable {
    public var minX, minY, maxX, maxY: Double

    public init(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) {
        (minX, maxX) = (Swift.min(x0, x1), Swift.max(x0, x1))
        (minY, maxY) = (Swift.min(y0, y1), Swift.max(y0, y1))
    }

    /// US Letter, the default when a page declares no usable MediaBox.
    public static let letter = PDFRect(0, 0, 612, 792)

    public var width: Double { maxX - minX }
    public var height: Double { maxY - minY }

    public func contains(x: Double, y: Double, tolerance: Double = 0) -> Bool {
        x >= minX - tolerance && x <= maxX + tolerance && y >= minY - tolerance && y <= maxY + tolerance
    }

    /// The overlap of two rectangles; nil when they do not overlap.
    public func intersection(_ other: PDFRect) -> PDFRect? {
        let x0 = Swift.max(minX, other.minX)
        let y0 = Swift.max(minY, other.minY)
        let x1 = Swift.min(maxX, other.maxX)
        let y1 = Swift.min(maxY, other.maxY)
        guard x0 <= x1, y0 <= y1 else { return nil }
        return PDFRect(x0, y0, x1, y1)
    }
}
