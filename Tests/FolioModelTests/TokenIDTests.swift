import FolioModel
import Testing

struct TokenIDTests {
    @Test func idsOrderByRawValue() {
        let ids: [TokenID] = [3, 1, 2]
        #expect(ids.sorted() == [1, 2, 3])
        #expect(TokenID(7).description == "7")
    }
}
