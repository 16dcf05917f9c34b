@testable import FolioPDF
import FolioTestSupport
import Testing

/// Inputs built to hurt a reader: each must end in a typed error or a bounded result, quickly.
struct PDFHostileTests {
    func onePageFile(extra: (TestPDFBuilder) -> Void, resources: String = "<< >>") -> [UInt8] {
        let builder = TestPDFBuilder()
        builder.object(1, "<< /Type /Catalog /Pages 2 0 R >>")
        builder.object(2, "<< /Type /Pages /Kids [3 0 R] >>")
        builder.object(3, "<< /Type /Page /Resources \(resources) >>")
        extra(builder)
        builder.finishTable(trailer: "/Root 1 0 R")
        return builder.bytes
    }

    @Test func arraysNested100000DeepInAFileAreLimitExceeded() throws {
        let depth = 100_000
        let bytes = onePageFile(
            extra: { $0.object(9, String(repeating: "[", count: depth) + String(repeating: "]", count: depth)) },
            resources: "9 0 R")
        let file = try PDFFile(bytes: bytes)
        #expect { try file.page(at: 0) } throws: {
            ($0 as? PDFError)?.limit?.name == "maxNestingDepth"
        }
    }

    @Test func aDeeplyNestedRootIsLimitExceededNotMalformed() {
        let depth = 100_000
        let builder = TestPDFBuilder()
        builder.object(1, String(repeating: "<< /A ", count: depth) + String(repeating: ">> ", count: depth))
        builder.finishTable(trailer: "/Root 1 0 R")
        #expect { try PDFFile(bytes: builder.bytes) } throws: {
            ($0 as? PDFError)?.code == .limitExceeded
        }
    }

    @Test func anObjectThatIsAReferenceToItselfIsACycle() throws {
        let bytes = onePageFile(extra: { builder in
            builder.object(9, "9 0 R")
            builder.object(10, "11 0 R")
            builder.object(11, "10 0 R")
        })
        let file = try PDFFile(bytes: bytes)
        for number in [9, 10, 11] {
            #expect { try file.resolve(.reference(PDFReference(number))) } throws: {
                ($0 as? PDFError)?.code == .malformed
            }
        }
    }

    @Test func anObjectContainingItselfResolvesOneLevel() throws {
        let bytes = onePageFile(extra: { $0.object(9, "<< /Self 9 0 R /List [9 0 R] >>") })
        let file = try PDFFile(bytes: bytes)
        let object = try file.resolve(.reference(PDFReference(9)))
        #expect(object.dictionary?["Self"] == .reference(PDFReference(9)))
        #expect(try file.value(object.dictionary!, "Self") == object)
    }

    @Test func aStreamWhoseLengthIsItselfStillReads() throws {
        let bytes = onePageFile(extra: { $0.stream(9, text: "(self length) Tj", length: "9 0 R") })
        let file = try PDFFile(bytes: bytes)
        guard case .stream(let stream) = try file.resolve(.reference(PDFReference(9))) else {
            Issue.record("not a stream")
            return
        }
        #expect(try file.data(of: stream) == Array("(self length) Tj".utf8))
    }

    @Test func aPrevLoopStopsTheChain() throws {
        let builder = TestPDFBuilder.onePage(text: "loop")
        builder.finishTable(trailer: "/Root 1 0 R")
        var bytes = builder.bytes
        let first = try #require(PDFLexer.lastIndex(of: "xref", in: bytes, before: bytes.count - 30))
        // Two more sections pointing at each other, the newest also at the original.
        let second = bytes.count
        let third = second + 64
        var section = "xref\n0 0\ntrailer\n<< /Size 5 /Root 1 0 R /Prev \(third) >>\n"
        section += String(repeating: " ", count: 64 - section.utf8.count)
        bytes += Array(section.utf8)
        bytes += Array("xref\n0 0\ntrailer\n<< /Size 5 /Root 1 0 R /Prev \(second) /XRefStm \(first) >>\n".utf8)
        bytes += Array("startxref\n\(third)\n%%EOF\n".utf8)
        let clock = ContinuousClock()
        let start = clock.now
        let file = try PDFFile(bytes: bytes)
        #expect(file.pageCount == 1)
        #expect(clock.now - start < .seconds(2))
        // Loop only, no way back to the real table: recovery.
        var loop = Array(builder.bytes)
        let a = loop.count
        loop += Array("xref\n0 0\ntrailer\n<< /Size 5 /Root 1 0 R /Prev \(a) >>\nstartxref\n\(a)\n%%EOF\n".utf8)
        let looped = try PDFFile(bytes: loop)
        #expect(looped.pageCount == 1)
    }

    @Test func referencesToMissingObjectsAreNull() throws {
        let file = try PDFFile(bytes: onePageFile(extra: { _ in }))
        #expect(try file.resolve(.reference(PDFReference(1234))) == .null)
        #expect(try file.resolve(.reference(PDFReference(-1))) == .null)
    }

    @Test func tooManyObjectsIsLimitExceeded() {
        let builder = TestPDFBuilder.onePage()
        builder.finishTable(trailer: "/Root 1 0 R")
        #expect { try PDFFile(bytes: builder.bytes, limits: PDFLimits(maxObjects: 3)) } throws: {
            ($0 as? PDFError)?.limit?.name == "maxObjects"
        }
    }

    @Test func aHugeSubsectionCountDoesNotAllocate() {
        var bytes = TestPDFBuilder.onePage().bytes
        let xref = bytes.count
        bytes += Array("xref\n0 999999999999\n0000000000 65535 f \ntrailer\n<< /Root 1 0 R >>\n".utf8)
        bytes += Array("startxref\n\(xref)\n%%EOF\n".utf8)
        #expect { try PDFFile(bytes: bytes) } throws: { ($0 as? PDFError)?.limit?.name == "maxObjects" }
    }

    @Test func garbageOfEverySizeFailsTyped() {
        var state: UInt64 = 7
        for size in [0, 1, 5, 100, 10_000] {
            let garbage = (0..<size).map { _ -> UInt8 in
                state = state &* 6_364_136_223_846_793_005 &+ 1
                return UInt8(truncatingIfNeeded: state >> 33)
            }
            #expect(throws: PDFError.self) { try PDFFile(bytes: Array("%PDF-1.4\n".utf8) + garbage) }
        }
    }

    @Test func everyTruncationOfASmallFileFailsTypedOrOpens() {
        let builder = TestPDFBuilder()
        builder.objectStream(
            10, objects: [(1, "<< /Type /Catalog /Pages 2 0 R >>"), (2, "<< /Type /Pages /Kids [3 0 R] >>")])
        builder.object(3, "<< /Type /Page /Contents 4 0 R >>")
        builder.stream(4, data: TestCompression.deflate(Array("(truncated) Tj".utf8), format: .zlib))
        builder.finishStream(number: 11, trailer: "/Root 1 0 R")
        let bytes = builder.bytes
        for length in stride(from: 0, through: bytes.count, by: 7) {
            do {
                let file = try PDFFile(bytes: Array(bytes.prefix(length)))
                try file.forEachPage { page throws(PDFError) in
                    for stream in page.contents { _ = try? file.data(of: stream) }
                }
            } catch {
                #expect(error.code == .malformed || error.code == .unsupported, "cut at \(length): \(error)")
            }
        }
    }
}
