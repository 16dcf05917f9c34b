package import ArgumentParser
internal import FolioScheduler

/// `folio simulate`: replay a Mooncake-format trace through the worker pool's policy on a virtual clock.
package struct SimulateCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Replay a request trace through the scheduler on a virtual clock.",
        discussion: """
            TRACE is Mooncake's format: one JSON object per line with timestamp (ms), input_length, \
            output_length and hash_ids. Each request occupies one worker for 50 ms + input/8,000 s + \
            25 ms per output token, with a checkpoint every 100 ms of service; the scheduler is told \
            input + 200 × output as the job's cost and learns the rate. --load rescales arrival times so \
            that the whole trace's work ÷ (workers × span) is L. Each request is priority with \
            probability F (seeded, in trace order); its tenant is its first prefix block. A rejected \
            request retries after its retryAfter, with its token, up to K times. --only-class replays the \
            same selection's requests of one class.
            Prints {"policy","workers","load","lost","classes":{"priority":{...},"standard":{...}}} with \
            arrived, admitted, rejected, retried, admittedOnRetry, completed and waitMs {p50,p95,p99,max} \
            (queueing delay from admission to first start, in simulated milliseconds, nearest-rank \
            percentiles), and "all": the same waits pooled over both classes.
            """
    )

    @Argument(help: "A Mooncake-format trace (JSON lines).")
    var trace: String

    @Option(help: "Workers (concurrent requests).")
    var workers = 16

    @Option(help: "Offered work ÷ capacity over the whole trace.")
    var load = 1.0

    @Option(name: .customLong("paid-fraction"), help: "Probability that a request is priority.")
    var paidFraction = 0.2

    @Option(help: "Seed of the class choice.")
    var seed: UInt64 = 1

    @Option(
        help: "folio, fifo (one queue, no admission control) or strict (priority first, no aging, no reserved share).")
    var policy = "folio"

    @Option(help: "Retries of a rejected request.")
    var retries = 1

    @Option(name: .customLong("only-class"), help: "Replay only this class's requests (priority or standard).")
    var onlyClass: String?

    package init() {}

    package func validate() throws {
        guard Simulator.Policy(rawValue: policy) != nil else {
            throw ValidationError("--policy must be folio, fifo or strict, not \(policy)")
        }
        guard (1...4_096).contains(workers) else { throw ValidationError("--workers must be 1…4096") }
        guard load > 0, load.isFinite else { throw ValidationError("--load must be a positive number") }
        guard (0...1).contains(paidFraction) else { throw ValidationError("--paid-fraction must be 0…1") }
        guard retries >= 0 else { throw ValidationError("--retries must be 0 or more") }
        if let onlyClass, onlyClass != "priority", onlyClass != "standard" {
            throw ValidationError("--only-class must be priority or standard, not \(onlyClass)")
        }
    }

    package func run() throws {
        try runWithStandardStreams { output, errors in execute(output: &output, errors: &errors) }
    }

    /// Runs the command; returns the exit status.
    package func execute(output: inout some TextSink, errors: inout some TextSink) -> Int32 {
        do {
            let trace = try MooncakeTrace(contentsOf: self.trace)
            var options = Simulator.Options()
            options.workers = workers
            options.load = load
            options.paidFraction = paidFraction
            options.seed = seed
            options.policy = Simulator.Policy(rawValue: policy) ?? .folio
            options.retries = retries
            options.onlyClass = onlyClass
            let report = try Simulator(trace: trace, options: options).run()
            output.write(report.json + "\n")
            return report.lost == 0 ? 0 : 1
        } catch {
            errors.write("folio: \(error)\n")
            return 1
        }
    }
}
