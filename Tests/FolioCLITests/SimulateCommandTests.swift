import ArgumentParser
import FolioTestSupport
import Foundation
import Testing

@testable import FolioCLI

@Suite struct SimulateCommandTests {
    static let trace = PackageCorpora.root.appendingPathComponent("traces/sample-trace.jsonl").path

    func simulate(_ arguments: [String]) throws -> (Int32, [String: Any], String) {
        let (status, output, errors) = try PackCommandTests.run(SimulateCommand.self, [Self.trace] + arguments) {
            $0.execute(output: &$1, errors: &$2)
        }
        let json = output.isEmpty ? [:] : try JSONSerialization.jsonObject(with: Data(output.utf8)) as! [String: Any]
        return (status, json, errors)
    }

    @Test func printsOneReportWithBothClasses() throws {
        let (status, json, errors) = try simulate(["--load", "2.0", "--workers", "8", "--seed", "5"])
        #expect(status == 0, "\(errors)")
        #expect(json["policy"] as? String == "folio")
        #expect(json["workers"] as? Int == 8)
        #expect(json["lost"] as? Int == 0)
        let classes = try #require(json["classes"] as? [String: [String: Any]])
        let priority = try #require(classes["priority"])
        let standard = try #require(classes["standard"])
        #expect((priority["arrived"] as! Int) + (standard["arrived"] as! Int) == 1_000)
        let waits = try #require(standard["waitMs"] as? [String: Double])
        #expect(Set(waits.keys) == ["p50", "p95", "p99", "max"])
        #expect(waits["max"]! <= 30_000)
    }

    @Test func onlyClassAndBaselines() throws {
        let (_, all, _) = try simulate(["--load", "1.5"])
        let (_, alone, _) = try simulate(["--load", "1.5", "--only-class", "priority"])
        let allClasses = all["classes"] as! [String: [String: Any]]
        let aloneClasses = alone["classes"] as! [String: [String: Any]]
        #expect(aloneClasses["priority"]!["arrived"] as! Int == allClasses["priority"]!["arrived"] as! Int)
        #expect(aloneClasses["standard"]!["arrived"] as! Int == 0)
        for policy in ["fifo", "strict"] {
            let (status, json, _) = try simulate(["--load", "1.5", "--policy", policy])
            #expect(status == 0 && json["policy"] as? String == policy)
        }
    }

    @Test func badArgumentsAndFilesAreReported() throws {
        #expect(throws: (any Error).self) { try SimulateCommand.parse([Self.trace, "--policy", "lottery"]) }
        #expect(throws: (any Error).self) { try SimulateCommand.parse([Self.trace, "--load", "-1"]) }
        let (status, _, errors) = try PackCommandTests.run(SimulateCommand.self, ["/no/such/trace.jsonl"]) {
            $0.execute(output: &$1, errors: &$2)
        }
        #expect(status == 1 && errors.contains("/no/such/trace.jsonl"))
    }
}
