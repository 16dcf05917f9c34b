package import ArgumentParser
internal import FolioCache
internal import FolioScheduler
internal import Foundation

/// `folio replay`: a request trace through the prompt-prefix cache.
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
            min(512·k, input_length) tokens. Standard error gets the replay's speed. Prints \
            {"policy","capacityBlocks","requests","blocks",\
            "hitBlocks","blockHitRatio","tokenHitRatio"}; tokenHitRatio = saved ÷ all input tokens. \
            belady knows the future and is there only as the ceiling.
            """
    )

    @Argument(help: "A Mooncake-format trace (JSON lines).")
    var trace: String

    @Option(name: .customLong("capacity-blocks"), help: "Blocks the cache holds.")
    var capacityBlocks: Int

    @Option(help: "folio (default, online), lru, or belady (offline ceiling).")
    var policy = "folio"

    package init() {}

    package func validate() throws {
        guard ["folio", "lru", "belady"].contains(policy) else {
            throw ValidationError("--policy must be folio, lru or belady, not \(policy)")
        }
        guard capacityBlocks >= 1 else { throw ValidationError("--capacity-blocks must be at least 1") }
    }

    package func run() throws {
        try runWithStandardStreams { output, errors in execute(output: &output, errors: &errors) }
    }

    /// The replay's counts.
    struct Result: Equatable {
        var requests = 0
        var blocks = 0
        var hitBlocks = 0
        var inputTokens = 0
        var savedTokens = 0
    }

    /// Replays `requests` (already in arrival order) through `cache`.
    static func replay(_ chains: [[BlockHash]], inputLengths: [Int], cache: inout PrefixCache) -> Result {
        var result = Result()
        for (chain, inputLength) in zip(chains, inputLengths) {
            let hits = cache.longestCachedPrefix(of: chain)
            cache.insertOrTouch(chain)
            result.requests += 1
            result.blocks += chain.count
            result.hitBlocks += hits
            result.inputTokens += inputLength
            result.savedTokens += min(BlockHashChain.defaultBlockSize * hits, inputLength)
        }
        return result
    }

    /// Runs the command; returns the exit status.
    package func execute(output: inout some TextSink, errors: inout some TextSink) -> Int32 {
        do {
            let trace = try MooncakeTrace(contentsOf: self.trace)
            let ordered = trace.requests.enumerated()
                .sorted { ($0.element.timestampMs, $0.offset) < ($1.element.timestampMs, $1.offset) }
                .map(\.element)
            let chains = ordered.map { $0.hashIDs.map { BlockHash(rawValue: UInt64(bitPattern: $0)) } }
            let evictionPolicy: PrefixEvictionPolicy =
                switch policy {
                case "lru": .lru
                case "belady": .belady(BeladyFuture(requests: chains))
                default: .folio
                }
            var cache = try PrefixCache(capacityBlocks: capacityBlocks, policy: evictionPolicy)
            let inputLengths = ordered.map(\.inputLength)
            let clock = ContinuousClock()
            let started = clock.now
            let result = Self.replay(chains, inputLengths: inputLengths, cache: &cache)
            let elapsed = started.duration(to: clock.now)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            errors.write(
                "folio: \(result.blocks) block lookups in \(String(format: "%.1f", seconds * 1_000)) ms "
                    + "(\(String(format: "%.2f", Double(result.blocks) / max(seconds, 1e-9) / 1e6)) million/s)\n")
            let blockRatio = result.blocks > 0 ? Double(result.hitBlocks) / Double(result.blocks) : 0
            let tokenRatio = result.inputTokens > 0 ? Double(result.savedTokens) / Double(result.inputTokens) : 0
            output.write(
                "{\"policy\":\"\(policy)\",\"capacityBlocks\":\(capacityBlocks),\"requests\":\(result.requests),"
                    + "\"blocks\":\(result.blocks),\"hitBlocks\":\(result.hitBlocks),"
                    + "\"blockHitRatio\":\(String(format: "%.4f", blockRatio)),"
                    + "\"tokenHitRatio\":\(String(format: "%.4f", tokenRatio))}\n")
            return 0
        } catch {
            errors.write("folio: \(error)\n")
            return 1
        }
    }
}
