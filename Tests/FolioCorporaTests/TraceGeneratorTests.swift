import Foundation
import Testing

@testable import FolioCorpora

/// Generated request traces: deterministic, well-formed chains, and the shape each one claims.
struct TraceGeneratorTests {
    static let traces = Dictionary(
        uniqueKeysWithValues: TraceGenerator.Shape.allCases.map { ($0, TraceGenerator(shape: $0).requests()) })

    @Test func theSameSeedGivesTheSameTraceAndTheFileSaysWhatTheRequestsSay() throws {
        let generator = TraceGenerator(shape: .agent, seed: 5, durationSeconds: 300)
        #expect(generator.requests() == generator.requests())
        #expect(TraceGenerator(shape: .agent, seed: 6, durationSeconds: 300).requests() != generator.requests())
        var text = ""
        generator.write { text += $0 }
        let parsed = try text.split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            return TraceGenerator.Request(
                timestampMs: (object["timestamp"] as! NSNumber).int64Value,
                inputLength: object["input_length"] as! Int, outputLength: object["output_length"] as! Int,
                hashIDs: (object["hash_ids"] as! [NSNumber]).map(\.int64Value))
        }
        #expect(parsed == generator.requests())
    }

    /// An id stands for its whole prefix: wherever it appears, the same id precedes it. A prompt has
    /// one id per started 512-token block, and arrivals are in order within the hour.
    @Test(arguments: TraceGenerator.Shape.allCases)
    func idsAreChainedPrefixes(shape: TraceGenerator.Shape) {
        let requests = Self.traces[shape]!
        var parentOf: [Int64: Int64] = [:]
        var clashes = 0
        for request in requests {
            #expect(request.hashIDs.count == (request.inputLength + 511) / 512)
            for (depth, id) in request.hashIDs.enumerated() {
                let parent = depth == 0 ? -1 : request.hashIDs[depth - 1]
                if let known = parentOf.updateValue(parent, forKey: id), known != parent { clashes += 1 }
            }
        }
        #expect(clashes == 0)
        #expect(zip(requests, requests.dropFirst()).allSatisfy { $0.timestampMs <= $1.timestampMs })
        #expect(requests.last!.timestampMs < 3_600_000)
    }

    /// The sizes the documentation gives: about 12,000 requests an hour, and the prompt and answer
    /// lengths of Mooncake's conversation and tool-and-agent workloads.
    @Test func shapesHaveTheirDocumentedSizes() {
        func mean(_ values: [Int]) -> Double { Double(values.reduce(0, +)) / Double(values.count) }
        for (shape, requests) in Self.traces {
            #expect((10_000...14_000).contains(requests.count), "\(shape): \(requests.count) requests")
        }
        let conversation = Self.traces[.conversation]!
        #expect((8_000...13_000).contains(mean(conversation.map(\.inputLength))))
        #expect((280...400).contains(mean(conversation.map(\.outputLength))))
        let agent = Self.traces[.agent]!
        #expect((100...220).contains(mean(agent.map(\.outputLength))))
        // The scan mix: a third of its prompts are one-off documents whose blocks never come back.
        var uses: [Int64: Int] = [:]
        for request in Self.traces[.scan]! { for id in request.hashIDs { uses[id, default: 0] += 1 } }
        let once = uses.values.filter { $0 == 1 }.count
        #expect(Double(once) / Double(uses.count) > 0.8)
    }
}
