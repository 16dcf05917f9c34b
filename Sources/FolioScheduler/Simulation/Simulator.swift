internal import FolioModel
internal import HeapModule

/// Replays a request trace through the scheduler's state machine on a virtual clock.
///
/// No threads and no sleeping: events (arrivals, retries, unit boundaries, completions) are taken
/// from a heap in time order, and after each one the simulator starts whatever
/// ``Scheduler/nextDispatch(now:)`` names, exactly as ``WorkerPool`` does with real jobs.
///
/// 1. Arrivals: trace timestamps rescaled so that the whole trace's work ÷ (workers × span) is
///    ``Options/load``. Each request is priority with probability ``Options/paidFraction`` (a
///    seeded generator, in trace order), its tenant is its first prefix block (requests sharing a
///    system prompt come from one application), and ``Options/onlyClass`` drops the other class
///    after that choice.
/// 2. A rejected request comes back after its `retryAfter` with its token, at most
///    ``Options/retries`` times.
/// 3. A running request reaches a checkpoint every ``ServiceCostModel/checkpointSeconds`` and
///    yields when the scheduler says so.
package struct Simulator: Sendable {
    package enum Policy: String, Sendable, CaseIterable {
        case folio, fifo, strict
    }

    package struct Options: Sendable {
        package var workers = 16
        package var load = 1.0
        package var paidFraction = 0.2
        package var seed: UInt64 = 1
        package var policy = Policy.folio
        package var retries = 1
        /// `"priority"` or `"standard"`: replay only that class's requests.
        package var onlyClass: String?
        package var costModel = ServiceCostModel()

        package init() {}
    }

    package let trace: MooncakeTrace
    package let options: Options

    package init(trace: MooncakeTrace, options: Options) {
        self.trace = trace
        self.options = options
    }

    /// The scheduler configuration a policy stands for.
    package static func configuration(_ policy: Policy, workers: Int) throws(SchedulerError) -> SchedulerConfiguration {
        switch policy {
        case .folio: try .folio(workers: workers)
        case .fifo: try .fifo(workers: workers)
        case .strict: try .strict(workers: workers)
        }
    }

    struct Arrival {
        var requestIndex: Int
        var classIndex: Int
        var tenant: String
        var arrivalNs: Int64
        var serviceNs: Int64
        var cost: Double
    }

    enum EventKind {
        case arrival(arrivalIndex: Int, attempt: Int, token: RetryToken?)
        case step(JobID)
    }

    struct Event: Comparable {
        var ns: Int64
        var sequence: Int
        var kind: EventKind
        static func < (lhs: Event, rhs: Event) -> Bool { (lhs.ns, lhs.sequence) < (rhs.ns, rhs.sequence) }
        static func == (lhs: Event, rhs: Event) -> Bool { lhs.ns == rhs.ns && lhs.sequence == rhs.sequence }
    }

    struct Running {
        var arrivalIndex: Int
        var remainingNs: Int64
        var sliceNs: Int64 = 0
    }

    /// The requests to replay, with their classes, tenants, arrival times and service times.
    func arrivals(configuration: SchedulerConfiguration) throws(SchedulerError) -> [Arrival] {
        guard options.load > 0, options.load.isFinite else {
            throw SchedulerError(.invalidConfiguration, "load is \(options.load); use a positive number")
        }
        guard (0...1).contains(options.paidFraction) else {
            throw SchedulerError(.invalidConfiguration, "paid fraction is \(options.paidFraction); use 0…1")
        }
        guard let priority = configuration.classIndex(named: "priority"),
            let standard = configuration.classIndex(named: "standard")
        else { throw SchedulerError(.unknownClass, "the simulator needs classes named priority and standard") }
        let model = options.costModel
        let services = trace.requests.map {
            model.serviceNanoseconds(inputLength: $0.inputLength, outputLength: $0.outputLength)
        }
        let totalWork = services.reduce(0.0) { $0 + Double($1) }
        let first = trace.requests.first!.timestampMs
        let spanMs = Double(trace.requests.last!.timestampMs - first)
        // Rescaled span = total work ÷ (workers × load); a trace with one instant arrives at once.
        let scaledSpanNs = totalWork / (Double(options.workers) * options.load)
        let scale = spanMs > 0 ? scaledSpanNs / (spanMs * 1e6) : 0
        var random = SplitMix64(seed: options.seed)
        var arrivals: [Arrival] = []
        for (index, request) in trace.requests.enumerated() {
            let paid = random.nextUnit() < options.paidFraction
            let classIndex = paid ? priority : standard
            if let only = options.onlyClass, configuration.classes[classIndex].name != only { continue }
            arrivals.append(
                Arrival(
                    requestIndex: index, classIndex: classIndex,
                    tenant: request.hashIDs.first.map { "t\($0)" } ?? "r\(index)",
                    arrivalNs: Int64((Double(request.timestampMs - first) * 1e6 * scale).rounded()),
                    serviceNs: services[index],
                    cost: model.cost(inputLength: request.inputLength, outputLength: request.outputLength)))
        }
        return arrivals
    }

    /// Runs the replay to the end (every admitted request completes; nothing has a deadline).
    ///
    /// - Throws: ``SchedulerError/Code/invalidConfiguration`` for a bad load, fraction or worker count.
    package func run() throws(SchedulerError) -> SimulationReport {
        let configuration = try Self.configuration(options.policy, workers: options.workers)
        if let only = options.onlyClass, configuration.classIndex(named: only) == nil {
            throw SchedulerError(.unknownClass, "no service class named \"\(only)\"; use priority or standard")
        }
        let arrivals = try arrivals(configuration: configuration)
        var scheduler = Scheduler(configuration: configuration)
        var events = Heap<Event>()
        var sequence = 0
        func schedule(_ ns: Int64, _ kind: EventKind) {
            events.insert(Event(ns: ns, sequence: sequence, kind: kind))
            sequence += 1
        }
        for (index, arrival) in arrivals.enumerated() {
            schedule(arrival.arrivalNs, .arrival(arrivalIndex: index, attempt: 0, token: nil))
        }
        var report = SimulationReport(
            policy: options.policy.rawValue, workers: options.workers, load: options.load,
            classNames: configuration.classes.map(\.name))
        var running: [JobID: Running] = [:]
        let checkpointNs = Int64(options.costModel.checkpointSeconds * 1e9)

        func startSlice(_ id: JobID, nowNs: Int64) {
            let slice = Swift.min(running[id]!.remainingNs, checkpointNs)
            running[id]!.sliceNs = slice
            schedule(nowNs + slice, .step(id))
        }

        while let event = events.popMin() {
            let nowNs = event.ns
            let now = Duration.nanoseconds(nowNs)
            switch event.kind {
            case .arrival(let arrivalIndex, let attempt, let token):
                let arrival = arrivals[arrivalIndex]
                if attempt == 0 { report.classes[arrival.classIndex].arrived += 1 }
                if attempt == 1 { report.classes[arrival.classIndex].retried += 1 }
                let request = JobRequest(
                    classIndex: arrival.classIndex, tenant: arrival.tenant, cost: arrival.cost, retryToken: token)
                switch scheduler.submit(request, now: now) {
                case .admitted(let id):
                    report.classes[arrival.classIndex].admitted += 1
                    if attempt > 0 { report.classes[arrival.classIndex].admittedOnRetry += 1 }
                    running[id] = Running(arrivalIndex: arrivalIndex, remainingNs: arrival.serviceNs)
                case .rejected(let rejection):
                    if attempt == 0 { report.classes[arrival.classIndex].rejected += 1 }
                    if attempt < options.retries {
                        let retryNs = nowNs + Swift.max(1, rejection.retryAfter.nanosecondCount)
                        schedule(
                            retryNs,
                            .arrival(arrivalIndex: arrivalIndex, attempt: attempt + 1, token: rejection.retryToken))
                    }
                }
            case .step(let id):
                running[id]!.remainingNs -= running[id]!.sliceNs
                if running[id]!.remainingNs <= 0 {
                    if let ended = scheduler.finish(id, outcome: .completed, now: now) {
                        report.record(ended)
                    }
                    running[id] = nil
                } else if !scheduler.checkpoint(id, now: now) {
                    startSlice(id, nowNs: nowNs)
                }
            }
            while let id = scheduler.nextDispatch(now: now) {
                startSlice(id, nowNs: nowNs)
            }
        }
        report.lost = running.count
        report.statistics = scheduler.statistics
        return report
    }
}
