import ArgumentParser
import FolioTestSupport
import Foundation
import Testing

@testable import FolioCLI

@Suite struct ReplayCommandTests {
    func replay(_ trace: String, _ arguments: [String]) throws -> (Int32, [String: Any], String) {
        let (status, output, errors) = try PackCommandTests.run(ReplayCommand.self, [trace] + arguments) {
            $0.execute(output: &$1, errors: &$2)
        }
        let json = output.isEmpty ? [:] : try JSONSerialization.jsonObject(with: Data(output.utf8)) as! [String: Any]
        return (status, json, errors)
    }

    static let sample = PackageCorpora.root.appendingPathComponent("traces/sample-trace.jsonl").path

    @Test func printsTheReportAndBeladyBoundsTheOnlinePolicies() throws {
        var ratios: [String: Double] = [:]
        for policy in ["lru", "folio", "belady"] {
            let (status, json, errors) = try replay(Self.sample, ["--capacity-blocks", "2000", "--policy", policy])
            #expect(status == 0, "\(errors)")
            #expect(
                Set(json.keys) == [
                    "policy", "capacityBlocks", "requests", "blocks", "hitBlocks", "blockHitRatio", "tokenHitRatio",
                ])
            #expect(json["requests"] as? Int == 1_000)
            let hitBlocks = try #require(json["hitBlocks"] as? Int)
            let blocks = try #require(json["blocks"] as? Int)
            #expect(hitBlocks <= blocks)
            ratios[policy] = json["tokenHitRatio"] as? Double
        }
        #expect(ratios["belady"]! >= ratios["folio"]! && ratios["belady"]! >= ratios["lru"]!, "\(ratios)")
    }

    @Test func badArgumentsAreRejected() throws {
        #expect(throws: (any Error).self) { try ReplayCommand.parse([Self.sample, "--capacity-blocks", "0"]) }
        #expect(throws: (any Error).self) {
            try ReplayCommand.parse([Self.sample, "--capacity-blocks", "10", "--policy", "lfu"])
        }
        let (status, _, errors) = try replay("/nonexistent/trace.jsonl", ["--capacity-blocks", "10"])
        #expect(status == 1 && errors.contains("/nonexistent/trace.jsonl"))
    }

    /// The reference figures of LRU (23.9 % and 54.0 %) and the offline optimum (50.3 % and 65.1 %)
    /// on Kimi's synthetic trace are reproduced exactly; folio beats LRU at both sizes.
    @Test(.tags(.corpus), .enabled(if: SharedCorpora.isAvailable))
    func mooncakeTraceReproducesTheReferenceFigures() throws {
        let trace = SharedCorpora.path("corpora/traces/mooncake_synthetic_trace.jsonl")
        var ratios: [String: Double] = [:]
        for policy in ["lru", "folio", "belady"] {
            for capacity in [4_000, 16_000] {
                let (_, json, _) = try replay(trace, ["--capacity-blocks", "\(capacity)", "--policy", policy])
                ratios["\(policy)/\(capacity)"] = json["tokenHitRatio"] as? Double
            }
        }
        func near(_ key: String, _ value: Double) -> Bool { abs((ratios[key] ?? -1) - value) < 1e-9 }
        #expect(near("lru/4000", 0.2389) && near("lru/16000", 0.5396), "\(ratios)")
        #expect(near("belady/4000", 0.5025) && near("belady/16000", 0.6512), "\(ratios)")
        #expect(ratios["folio/4000"]! >= ratios["lru/4000"]! + 0.03, "\(ratios)")
        #expect(ratios["folio/16000"]! >= ratios["lru/16000"]! + 0.03, "\(ratios)")
    }
}
