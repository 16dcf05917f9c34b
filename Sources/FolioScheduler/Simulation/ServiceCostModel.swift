/// How long a traced LLM request occupies one worker, and what cost the scheduler is told.
///
/// The model of one worker (one inference replica):
/// 1. Prefill at ``prefillTokensPerSecond`` (default 8,000 tokens/s), decode at
///    ``decodeSecondsPerToken`` (default 25 ms per output token), plus ``overheadSeconds`` per
///    request (default 50 ms). A 15,000-token prompt with 150 output tokens takes 1.9 + 3.75 + 0.05 s.
/// 2. The work is a sequence of units; the request reaches a unit boundary (a checkpoint where it
///    may yield) every ``checkpointSeconds`` of service (default 100 ms: about two 512-token
///    prefill blocks or four decode steps).
/// 3. The cost the scheduler is told is known before the request runs: prompt tokens plus
///    ``decodeSecondsPerToken`` × ``prefillTokensPerSecond`` (200 by default) per requested output
///    token, i.e. prompt-token equivalents. The scheduler learns seconds per cost from completions.
package struct ServiceCostModel: Sendable, Equatable {
    package var prefillTokensPerSecond = 8_000.0
    package var decodeSecondsPerToken = 0.025
    package var overheadSeconds = 0.05
    package var checkpointSeconds = 0.1

    package init() {}

    /// Service time of a request, in nanoseconds.
    package func serviceNanoseconds(inputLength: Int, outputLength: Int) -> Int64 {
        let seconds =
            overheadSeconds + Double(inputLength) / prefillTokensPerSecond
            + Double(outputLength) * decodeSecondsPerToken
        return Int64((seconds * 1e9).rounded())
    }

    /// The cost estimate given to the scheduler, in prompt-token equivalents.
    package func cost(inputLength: Int, outputLength: Int) -> Double {
        Double(inputLength) + Double(outputLength) * decodeSecondsPerToken * prefillTokensPerSecond
    }
}
