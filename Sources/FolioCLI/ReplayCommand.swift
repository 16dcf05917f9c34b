package import ArgumentParser
internal import FolioCache
internal import FolioScheduler
internal import Foundation

/// `folio replay`: a request trace through the prompt-prefix cache, beside LRU, LFU and Belady.
package struct ReplayCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay a request trace through the prompt-prefix block cache.",
        discussion: """
            TRACE is Mooncake's format: one JSON object per line with timestamp (ms), input_length, \
            output_length and hash_ids (one id per 512-token block, chained: an id stands for its whole \
            prefix). Requests are replayed in timestamp order (file order for ties) through the real \
            cache code. A request's hits are the longest prefix of its hash_ids cached when it arrives; \
            then all its blocks are inserted or touched. A request with k hit blocks saves \
            min(512·k, input_length) tokens. A request finishes, and the cache learns its output_length, \
            when `folio simulate`'s cost model says it would end on an idle worker (arrival + 50 ms + \
            input/8,000 s + 25 ms per output token); never earlier. For each capacity, prints \
            {"policy","capacityBlocks","requests","blocks","hitBlocks","blockHitRatio","tokenHitRatio",\
            "baselines"}: tokenHitRatio = saved ÷ all input tokens, and baselines holds the token hit \
            ratio of each --baselines policy on the same trace and capacity. --table prints a Markdown \
            table instead. Standard error gets each replay's speed and, for folio, the rule in force at \
            the end. belady knows the future and is there only as the ceiling.
            """
    )

    @Argument(help: "A Mooncake-format trace (JSON lines).")
    var trace: String

    @Option(
        name: .customLong("capacity-blocks"),
        help: "Blocks the cache holds; a comma-separated list replays each (1000,4000,16000,64000).",
        transform: ReplayCommand.capacities)
    var capacities: [Int]

    @Option(help: "folio (default, online, adaptive), lru, lfu, or belady (offline ceiling).")
    var policy = "folio"

    @Option(help: "Policies replayed beside it, comma-separated, or none (default: lru,lfu,belady).")
    var baselines = "lru,lfu,belady"

    @Flag(help: "Print a Markdown table (token hit ratios, %) instead of JSON lines.")
    var table = false

    package init() {}

    static let policies = ["folio", "lru", "lfu", "belady"]

    var baselinePolicies: [String] {
        baselines == "none" ? [] : baselines.split(separator: ",").map(String.init).filter { $0 != policy }
    }

    package func validate() throws {
        guard Self.policies.contains(policy) else {
            throw ValidationError("--policy must be folio, lru, lfu or belady, not \(policy)")
        }
        for baseline in baselinePolicies where !Self.policies.contains(baseline) {
            throw ValidationError("--baselines lists folio, lru, lfu or belady (or is none), not \(baseline)")
        }
    }

    package func run() throws {
        try runWithStandardStreams { output, errors in execute(output: &output, errors: &errors) }
    }

    private static func capacities(_ argument: String) throws -> [Int] {
        let values = argument.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) >= 1 }) else {
            throw ValidationError(
                "--capacity-blocks takes block counts of at least 1, comma-separated, not \(argument)")
        }
        return values.compactMap(\.self)
    }

    /// One request of the trace, ready to replay.
    struct Request {
        var chain: [BlockHash]
        var inputLength: Int
        var outputLength: Int
        var arrivalNs: Int64
        var completionNs: Int64
    }

    /// The replay's counts.
    struct Result: Equatable {
        var requests = 0
        var blocks = 0
        var hitBlocks = 0
        var inputTokens = 0
        var savedTokens = 0

        var tokenHitRatio: Double { inputTokens > 0 ? Double(savedTokens) / Double(inputTokens) : 0 }
        var blockHitRatio: Double { blocks > 0 ? Double(hitBlocks) / Double(blocks) : 0 }
    }

    /// The trace's requests in arrival order, each with its completion time in `folio simulate`'s model.
    static func requests(of trace: MooncakeTrace, costModel: ServiceCostModel = ServiceCostModel()) -> [Request] {
        trace.requests.map { request in
            let arrival = request.timestampMs * 1_000_000
            return Request(
                chain: request.hashIDs.map { BlockHash(rawValue: UInt64(bitPattern: $0)) },
                inputLength: request.inputLength, outputLength: request.outputLength, arrivalNs: arrival,
                completionNs: arrival
                    + costModel.serviceNanoseconds(inputLength: request.inputLength, outputLength: request.outputLength)
            )
        }
    }

    /// Replays `requests` (in arrival order) through `cache`. Before each arrival, every request that
    /// has finished by then is reported to the cache, in order of completion.
    static func replay(_ requests: [Request], cache: inout some PrefixReplayCache) -> Result {
        var result = Result()
        let byCompletion = requests.indices.sorted {
            (requests[$0].completionNs, $0) < (requests[$1].completionNs, $1)
        }
        var hits = [Int](repeating: 0, count: requests.count)
        var finished = 0
        for (index, request) in requests.enumerated() {
            while finished < byCompletion.count, requests[byCompletion[finished]].completionNs <= request.arrivalNs {
                let done = byCompletion[finished]
                cache.finish(requests[done].chain, hitBlocks: hits[done], outputTokens: requests[done].outputLength)
                finished += 1
            }
            let hit = cache.longestCachedPrefix(of: request.chain)
            hits[index] = hit
            cache.insertOrTouch(
                request.chain, lastBlockIsPartial: request.inputLength % BlockHashChain.defaultBlockSize != 0)
            result.requests += 1
            result.blocks += request.chain.count
            result.hitBlocks += hit
            result.inputTokens += request.inputLength
            result.savedTokens += min(BlockHashChain.defaultBlockSize * hit, request.inputLength)
        }
        return result
    }

    static func evictionPolicy(_ name: String, requests: [Request]) -> PrefixEvictionPolicy {
        switch name {
        case "lru": .lru
        case "lfu": .lfu
        case "belady": .belady(BeladyFuture(requests: requests.map(\.chain)))
        default: .folio
        }
    }

    /// Runs the command; returns the exit status.
    package func execute(output: inout some TextSink, errors: inout some TextSink) -> Int32 {
        do {
            let requests = Self.requests(of: try MooncakeTrace(contentsOf: trace))
            let names = [policy] + baselinePolicies
            let policies = names.map { Self.evictionPolicy($0, requests: requests) }
            if table {
                output.write("| blocks | " + names.joined(separator: " | ") + " |\n")
                output.write("|---:|" + String(repeating: "---:|", count: names.count) + "\n")
            }
            for capacity in capacities {
                var ratios: [Double] = []
                var first = Result()
                for (name, evictionPolicy) in zip(names, policies) {
                    var cache = try PrefixCache(capacityBlocks: capacity, policy: evictionPolicy)
                    let clock = ContinuousClock()
                    let started = clock.now
                    let result = Self.replay(requests, cache: &cache)
                    let elapsed = started.duration(to: clock.now)
                    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
                    let milliseconds = String(format: "%.1f", seconds * 1_000)
                    let millions = String(format: "%.2f", Double(result.blocks) / max(seconds, 1e-9) / 1e6)
                    let rule = name == "folio" ? "; rule in force at the end: \(cache.ruleInForce)" : ""
                    errors.write(
                        "folio: \(name) at \(capacity) blocks: \(result.blocks) block lookups in \(milliseconds) ms "
                            + "(\(millions) million/s)\(rule)\n")
                    if ratios.isEmpty { first = result }
                    ratios.append(result.tokenHitRatio)
                }
                if table {
                    let cells = ratios.map { String(format: "%.2f", $0 * 100) }
                    output.write("| \(capacity) | " + cells.joined(separator: " | ") + " |\n")
                    continue
                }
                let beside = zip(names, ratios).dropFirst().map { "\"\($0)\":\(String(format: "%.4f", $1))" }
                output.write(
                    "{\"policy\":\"\(policy)\",\"capacityBlocks\":\(capacity),\"requests\":\(first.requests),"
                        + "\"blocks\":\(first.blocks),\"hitBlocks\":\(first.hitBlocks),"
                        + "\"blockHitRatio\":\(String(format: "%.4f", first.blockHitRatio)),"
                        + "\"tokenHitRatio\":\(String(format: "%.4f", first.tokenHitRatio)),"
                        + "\"baselines\":{\(beside.joined(separator: ","))}}\n")
            }
            return 0
        } catch {
            errors.write("folio: \(error)\n")
            return 1
        }
    }
}

/// What a replay tells a prompt-prefix cache: ``PrefixCache``'s calls, so tests can record them.
protocol PrefixReplayCache {
    func longestCachedPrefix(of chain: some Collection<BlockHash>) -> Int
    mutating func insertOrTouch(_ chain: [BlockHash], lastBlockIsPartial: Bool)
    mutating func finish(_ chain: [BlockHash], hitBlocks: Int, outputTokens: Int)
}

extension PrefixCache: PrefixReplayCache {}
