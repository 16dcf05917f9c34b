import FolioPDF
import Testing

struct PDFGeometryTests {
    @Test func concatenationAppliesTheLeftMatrixFirst() {
        let scale = PDFMatrix(2, 0, 0, 2, 0, 0)
        let move = PDFMatrix(1, 0, 0, 1, 10, 20)
        let point = scale.concatenating(move).apply(x: 1, y: 1)
        #expect(point.x == 12 && point.y == 22)
        let other = move.concatenating(scale).apply(x: 1, y: 1)
        #expect(other.x == 22 && other.y == 42)
    }

    @Test func rectanglesAreNormalizedAndIntersect() {
        let box = PDFRect(612, 792, 0, 0)
        #expect(box == .letter)
        #expect(box.intersection(PDFRect(600, 780, 700, 900)) == PDFRect(600, 780, 612, 792))
        #expect(box.intersection(PDFRect(700, 0, 800, 10)) == nil)
    }
}
