import ArgumentParser
import FolioCLI
import FolioModel
import FolioTestSupport
import Foundation
import Testing

struct BenchCommandTests {
    @Test func reportsEncodeAndCountThroughput() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(UUID()).txt")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(String(repeating: "The parties agree to the terms. 双方同意。\n", count: 200).utf8).write(to: url)
        let command = try BenchCommand.Tokenize.parse(["--repeat", "1", "--encoding", "o200k_base", url.path])
        var output = CapturedText()
        var errors = CapturedText()
        #expect(command.execute(output: &output, errors: &errors) == 0)
        let rows = output.text.split(separator: "\n").map {
            try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        #expect(rows.map { $0["operation"] as? String } == ["encode", "count"])
        #expect(rows.allSatisfy { ($0["best_mb_per_s"] as? Double ?? 0) > 0 })
        #expect(Set(rows.map { $0["tokens"] as? Int }).count == 1)
    }
}
