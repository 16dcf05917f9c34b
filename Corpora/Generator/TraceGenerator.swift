internal import FolioModel
internal import Foundation

/// Writes deterministic request traces in Mooncake's format, of the shapes a prompt-prefix cache
/// meets in production, for `folio replay` and the cache's tests.
///
/// A trace is a list of LLM requests: arrival time (ms), prompt and answer length (tokens) and the
/// prompt's block ids, one per 512-token block, chained (an id stands for its whole prefix, so two
/// prompts share an id exactly when they share that prefix). The last, partial block of a prompt
/// gets an id of its own: a later prompt that extends it has different tokens in that block.
///
/// Shapes (`Shape`), each about an hour of traffic, sized after the workloads in Mooncake's FAST '25
/// paper (conversation: ~12,000-token prompts, ~340-token answers, ~40 % of prompt tokens
/// reusable; tool and agent: ~8,600 and ~180, ~60 %):
/// - ``Shape/conversation``: multi-turn chats. A few system prompts carry most requests (Zipf);
///   a chat's next turn repeats its whole history plus the answer and a new message, and comes
///   minutes after the answer ends (log-normal think time); some messages paste a long document.
/// - ``Shape/agent``: tool and agent loops. Large shared tool-definition prompts; each session runs
///   several steps a few seconds apart, each adding a short answer and a tool result.
/// - ``Shape/scan``: a scan-heavy mix. Questions about a set of popular documents (Zipf) under one
///   of a few system prompts, interleaved with one-off long documents that are never seen again.
///
/// Time is modelled as in `folio simulate` (8,000 prompt tokens/s, 25 ms per answer token, 50 ms
/// per request), so a turn's successor arrives after the turn could have finished. No field is
/// drawn to predict reuse: answer lengths are independent of whether a chat goes on.
///
/// - Complexity: O(*n*) in the blocks written; the trace is built in memory (tens of MB at most).
public struct TraceGenerator: Sendable {
    /// The kind of traffic.
    public enum Shape: String, CaseIterable, Sendable {
        case conversation
        case agent
        case scan
    }

    /// One request of a trace.
    public struct Request: Sendable, Equatable {
        public var timestampMs: Int64
        public var inputLength: Int
        public var outputLength: Int
        public var hashIDs: [Int64]
    }

    /// Tokens per block, as in Mooncake's traces.
    public static let blockSize = 512

    public let shape: Shape
    public let seed: UInt64
    /// Seconds of traffic.
    public let durationSeconds: Int

    public init(shape: Shape, seed: UInt64 = 1, durationSeconds: Int = 3_600) {
        self.shape = shape
        self.seed = seed
        self.durationSeconds = durationSeconds
    }

    /// The requests, in arrival order (ties in the order they were made).
    public func requests() -> [Request] {
        var builder = Builder(seed: seed ^ Self.shapeSalt(shape), horizonMs: Int64(durationSeconds) * 1_000)
        switch shape {
        case .conversation: builder.conversations()
        case .agent: builder.agentSessions()
        case .scan: builder.scanMix()
        }
        return builder.ordered()
    }

    /// Writes the trace as JSON lines (`timestamp`, `input_length`, `output_length`, `hash_ids`).
    public func write(to sink: (String) throws -> Void) rethrows {
        var piece = ""
        for request in requests() {
            piece += "{\"timestamp\": \(request.timestampMs), \"input_length\": \(request.inputLength), "
            piece += "\"output_length\": \(request.outputLength), \"hash_ids\": ["
            piece += request.hashIDs.map(String.init).joined(separator: ", ")
            piece += "]}\n"
            if piece.utf8.count >= 1 << 16 {
                try sink(piece)
                piece = ""
            }
        }
        if !piece.isEmpty { try sink(piece) }
    }

    private static func shapeSalt(_ shape: Shape) -> UInt64 {
        switch shape {
        case .conversation: 0xC0_4E55
        case .agent: 0xA6_E47
        case .scan: 0x5C_A4
        }
    }
}

/// The generator's state: a random source, the next fresh block id and the requests made so far.
private struct Builder {
    var random: SplitMix64
    let horizonMs: Int64
    var nextID: Int64 = 1
    var made: [(request: TraceGenerator.Request, order: Int)] = []

    init(seed: UInt64, horizonMs: Int64) {
        random = SplitMix64(seed: seed)
        self.horizonMs = horizonMs
    }

    func ordered() -> [TraceGenerator.Request] {
        made.sorted { ($0.request.timestampMs, $0.order) < ($1.request.timestampMs, $1.order) }.map(\.request)
    }

    // MARK: Shapes

    /// Chats: 12,000 requests an hour at the default length.
    mutating func conversations() {
        let systems = makePrompts(tokens: [1_100, 700, 1_500, 600, 900, 400, 1_300, 800])
        var startMs = 0.0
        while let next = nextArrival(after: startMs, perSecond: 2.0) {
            startMs = next
            let system = systems[zipf(systems.count, exponent: 1.1)]
            var history = Chain(prefix: system)
            var arrival = startMs
            var turn = 0
            repeat {
                // The first message often pastes a document; later ones mostly do not.
                let pasted = random.chance(turn == 0 ? 35 : 8)
                let message =
                    pasted
                    ? logNormal(median: 16_000, sigma: 0.8, cap: 120_000)
                    : logNormal(median: 180, sigma: 1.0, cap: 4_000)
                history.append(tokens: message, ids: &nextID)
                let answer = logNormal(median: 230, sigma: 0.9, cap: 4_000)
                emit(at: arrival, chain: history, output: answer)
                history.append(tokens: answer, ids: &nextID)
                turn += 1
                // Think time after the answer ends: median 200 s, often many minutes.
                arrival +=
                    serviceMs(input: history.tokens, output: answer)
                    + Double(logNormal(median: 200_000, sigma: 1.0, cap: 3_000_000))
            } while random.chance(42) && Int64(arrival) < horizonMs && turn < 40
        }
    }

    /// Tool and agent loops: 12,000 requests an hour at the default length.
    mutating func agentSessions() {
        let tools = makePrompts(tokens: [
            6_200, 4_100, 7_600, 3_000, 5_200, 2_400, 3_300, 4_800, 2_900, 6_700, 3_800, 5_600,
        ])
        var startMs = 0.0
        while let next = nextArrival(after: startMs, perSecond: 0.8) {
            startMs = next
            var chain = Chain(prefix: tools[zipf(tools.count, exponent: 1.0)])
            chain.append(tokens: logNormal(median: 2_500, sigma: 1.2, cap: 40_000), ids: &nextID)
            var arrival = startMs
            let steps = 1 + geometric(mean: 3)
            for _ in 0..<steps {
                let answer = logNormal(median: 90, sigma: 0.9, cap: 2_000)
                emit(at: arrival, chain: chain, output: answer)
                chain.append(tokens: answer, ids: &nextID)
                // The tool runs, its result joins the context, and the next step follows.
                chain.append(tokens: logNormal(median: 1_200, sigma: 1.2, cap: 30_000), ids: &nextID)
                arrival +=
                    serviceMs(input: chain.tokens, output: answer)
                    + Double(logNormal(median: 2_500, sigma: 1.0, cap: 120_000))
                guard Int64(arrival) < horizonMs, chain.tokens < 128_000 else { break }
            }
        }
    }

    /// Questions about popular documents, with one-off long documents between them.
    mutating func scanMix() {
        let systems = makePrompts(tokens: [1_400, 2_200, 800])
        let documents = makePrompts(tokens: (0..<600).map { _ in logNormal(median: 9_000, sigma: 0.7, cap: 60_000) })
        var arrival = 0.0
        while let next = nextArrival(after: arrival, perSecond: 3.4) {
            arrival = next
            var chain = Chain(prefix: systems[zipf(systems.count, exponent: 1.0)])
            if random.chance(35) {
                // A one-off document: read once, never again.
                chain.append(tokens: logNormal(median: 30_000, sigma: 0.6, cap: 128_000), ids: &nextID)
            } else {
                chain.append(document: documents[zipf(documents.count, exponent: 0.9)])
            }
            chain.append(tokens: logNormal(median: 120, sigma: 0.8, cap: 2_000), ids: &nextID)
            emit(at: arrival, chain: chain, output: logNormal(median: 200, sigma: 0.9, cap: 4_000))
        }
    }

    // MARK: Parts

    /// Prompts of the given lengths, each with ids of its own.
    mutating func makePrompts(tokens: [Int]) -> [Chain] {
        tokens.map { count in
            var chain = Chain(prefix: nil)
            chain.append(tokens: count, ids: &nextID)
            return chain
        }
    }

    mutating func emit(at milliseconds: Double, chain: Chain, output: Int) {
        let request = TraceGenerator.Request(
            timestampMs: Int64(milliseconds), inputLength: chain.tokens, outputLength: output,
            hashIDs: chain.blockIDs(ids: &nextID))
        made.append((request, made.count))
    }

    /// Milliseconds a request takes in `folio simulate`'s cost model.
    func serviceMs(input: Int, output: Int) -> Double {
        50 + Double(input) / 8.0 + Double(output) * 25
    }

    mutating func exponential(mean: Double) -> Double { -mean * log(1 - random.nextUnit()) }

    /// The next arrival (ms) of a Poisson process of `perSecond` after `milliseconds`, or `nil` once
    /// past the end of the trace.
    mutating func nextArrival(after milliseconds: Double, perSecond: Double) -> Double? {
        let next = milliseconds + exponential(mean: 1_000 / perSecond)
        return Int64(next) < horizonMs ? next : nil
    }

    mutating func geometric(mean: Double) -> Int { Int(exponential(mean: mean)) }

    /// A log-normal count with the given median, at least 1 and at most `cap`.
    mutating func logNormal(median: Double, sigma: Double, cap: Int) -> Int {
        // Box–Muller.
        let u = max(random.nextUnit(), 1e-12)
        let normal = (-2 * log(u)).squareRoot() * cos(2 * .pi * random.nextUnit())
        return min(cap, max(1, Int(median * exp(sigma * normal))))
    }

    /// An index in `0..<count`, Zipf-distributed (index 0 the most common).
    mutating func zipf(_ count: Int, exponent: Double) -> Int {
        var total = 0.0
        for rank in 1...count { total += 1 / pow(Double(rank), exponent) }
        var target = random.nextUnit() * total
        for rank in 1...count {
            target -= 1 / pow(Double(rank), exponent)
            if target < 0 { return rank - 1 }
        }
        return count - 1
    }
}

/// A prompt being built: the ids of its full blocks and how many tokens follow them.
private struct Chain {
    var fullBlocks: [Int64] = []
    var tokens = 0

    /// A prompt that starts as `prefix` (a copy: the prefix's own ids are kept).
    init(prefix: Chain?) {
        if let prefix {
            fullBlocks = prefix.fullBlocks
            tokens = prefix.tokens
        }
    }

    /// Adds `count` fresh tokens: every block they complete gets a fresh id.
    mutating func append(tokens count: Int, ids next: inout Int64) {
        let before = tokens / TraceGenerator.blockSize
        tokens += count
        let after = tokens / TraceGenerator.blockSize
        for _ in before..<after {
            fullBlocks.append(next)
            next += 1
        }
    }

    /// Adds a shared document after this prefix. Its blocks are the same in every request that puts
    /// the same document after the same prefix (and differ after another prefix, which may end
    /// mid-block), so their ids are derived from the prefix's last full block, the document and the
    /// block's position.
    mutating func append(document: Chain) {
        let prefixKey = fullBlocks.last ?? 0
        let documentKey = document.fullBlocks.first ?? 0
        let before = tokens / TraceGenerator.blockSize
        tokens += document.tokens
        let after = tokens / TraceGenerator.blockSize
        for index in before..<after {
            fullBlocks.append(Self.derived(prefixKey, documentKey, index))
        }
    }

    /// The prompt's ids: its full blocks, then a fresh id for a partial last block.
    func blockIDs(ids next: inout Int64) -> [Int64] {
        guard tokens % TraceGenerator.blockSize != 0 else { return fullBlocks }
        defer { next += 1 }
        return fullBlocks + [next]
    }

    /// A derived id, in a range fresh ids never reach (bit 62 set).
    static func derived(_ a: Int64, _ b: Int64, _ index: Int) -> Int64 {
        var x = UInt64(bitPattern: a) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(bitPattern: b) &* 0xC2B2_AE3D_27D4_EB4F
        x ^= UInt64(index) &* 0x1656_67B1_9E37_79F9
        x ^= x >> 31
        x &*= 0xBF58_476D_1CE4_E5B9
        x ^= x >> 29
        return Int64(bitPattern: (x & 0x3FFF_FFFF_FFFF_FFFF) | 0x4000_0000_0000_0000)
    }
}
