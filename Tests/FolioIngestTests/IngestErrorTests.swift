import FolioIngest
import Testing

struct IngestErrorTests {
    @Test func theMessageNamesTheFileAndTheReason() {
        let error = IngestError(
            .limitExceeded, "nesting depth exceeds 10000 elements", path: "deep.html",
            limit: .init(name: "maxNestingDepth", value: 10_000))
        #expect(error.message == "deep.html: nesting depth exceeds 10000 elements")
        #expect(error.limit?.description == "maxNestingDepth = 10000")
        #expect("\(error)" == error.message)
    }
}
