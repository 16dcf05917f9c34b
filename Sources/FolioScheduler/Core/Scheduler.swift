internal import DequeModule
internal import Foundation  // exp
internal import HeapModule

/// The scheduling policy as a value-type state machine: the one implementation that both the real
/// ``WorkerPool`` (wall clock) and the ``Simulator`` (virtual clock) drive.
///
/// Its methods take the current time (as time since the driver's epoch), never await, and return
/// what the driver must do. After every event the driver calls ``nextDispatch(now:)`` until it
/// returns `nil` and starts the jobs it names.
///
/// The policy:
/// 1. Admission: a job whose class has a `maxWait` is admitted while its estimated wait
///    (queued cost ahead × learned seconds per cost ÷ the workers its class can expect) is within
///    it; otherwise it is rejected with a `retryAfter` and a ``RetryToken`` that books its work.
///    Every class has a hard queue bound.
/// 2. Order: a job that has waited its class's `maxWait` minus the aging lead is served next;
///    then a class below its reserved share of the workers; then classes by precedence, equal
///    precedence by weight (virtual time); tenants within a class by deficit round-robin over
///    cost; FIFO within a tenant. Jobs that yielded resume before their class's new jobs.
/// 3. At peak, ``SchedulerConfiguration/peakHeadroom`` workers stay free of lower-precedence
///    work, and running lower-precedence jobs yield at checkpoints to waiting higher-precedence work.
///
/// - Important: Every admitted job ends exactly once, through ``finish(_:outcome:now:)``,
///   ``cancel(_:now:)`` or ``expire(now:)``.
package struct Scheduler: Sendable {
    package let configuration: SchedulerConfiguration

    struct ClassState {
        var policy: ServiceClass
        var reservedWorkers: Int
        var maxWaitNs: Int64?
        var tenants: [String: TenantQueue] = [:]
        var activeTenants: Deque<String> = []
        var resumable: Deque<JobID> = []
        var arrivals: Deque<JobID> = []
        /// Jobs waiting or resumable, and their cost.
        var queuedCount = 0
        var queuedCost = 0.0
        var running = 0
        var virtualTime = 0.0
        var ticketCost = 0.0
        /// Time-smoothed number of workers busy with classes of lower precedence number.
        var higherBusyAverage = 0.0
        var averageCost = 0.0
        /// The round-robin quantum: the largest cost admitted, so every tenant's turn serves at
        /// least its head job (large jobs are not passed over round after round).
        var largestCost = 0.0
    }

    struct DeadlineEntry: Comparable {
        var ns: Int64
        var id: JobID
        static func < (lhs: Self, rhs: Self) -> Bool { (lhs.ns, lhs.id.rawValue) < (rhs.ns, rhs.id.rawValue) }
    }

    var classes: [ClassState]
    var jobs: [JobID: JobRecord] = [:]
    var nextJobNumber: UInt64 = 1
    var running = 0
    var queuedTotal = 0
    var lastEventNs: Int64 = 0
    var peakUntilNs: Int64 = .min
    /// The other nodes of a fleet (none: a node on its own).
    package var fleet = FleetLoad()
    var topPrecedence: Int
    var precedences: [Int]
    var deadlines = Heap<DeadlineEntry>()
    var tickets: [UInt64: RetryTicket] = [:]
    var ticketExpiries = Heap<DeadlineEntry>()
    var nextTicketNumber: UInt64 = 1
    var averageServiceNs = 0.0
    var averageCost = 0.0
    var secondsPerCost: Double
    var counts: [SchedulerStatistics.ClassCounts]
    /// Queued jobs per configured class (in FIFO ordering all share one queue).
    var queuedByClass: [Int]
    var shuttingDown = false

    package init(configuration: SchedulerConfiguration) {
        self.configuration = configuration
        let queueClasses = configuration.ordering == .fifo ? [configuration.classes[0]] : configuration.classes
        classes = queueClasses.map { policy in
            ClassState(
                policy: policy,
                reservedWorkers: configuration.reservedShares ? policy.reservedWorkers(of: configuration.workers) : 0,
                maxWaitNs: policy.maxWait?.nanosecondCount)
        }
        precedences = Array(Set(classes.map(\.policy.precedence))).sorted()
        topPrecedence = precedences[0]
        secondsPerCost = configuration.initialSecondsPerCost
        counts = Array(repeating: .init(), count: configuration.classes.count)
        queuedByClass = Array(repeating: 0, count: configuration.classes.count)
    }

    /// Jobs of a configured class waiting for a worker now.
    package func queueLength(classIndex: Int) -> Int { queuedByClass[classIndex] }

    // MARK: Submission

    /// Admits or rejects a job.
    package mutating func submit(_ request: JobRequest, now: Duration) -> SubmitDecision {
        let nowNs = now.nanosecondCount
        advance(to: nowNs)
        precondition(configuration.classes.indices.contains(request.classIndex), "class index out of range")
        if shuttingDown {
            counts[request.classIndex].rejected += 1
            return .rejected(Rejection(reason: .shuttingDown, retryAfter: .zero))
        }
        let queueIndex = configuration.ordering == .fifo ? 0 : request.classIndex
        let cost = Swift.max(0, request.cost.isFinite ? request.cost : 0)
        if let rejection = admissionCheck(request, queueIndex: queueIndex, cost: cost, nowNs: nowNs) {
            counts[request.classIndex].rejected += 1
            return .rejected(rejection)
        }
        let id = JobID(rawValue: nextJobNumber)
        nextJobNumber += 1
        var record = JobRecord(
            classIndex: request.classIndex, queueIndex: queueIndex,
            tenant: configuration.ordering == .fifo ? "" : request.tenant,
            cost: cost, admittedNs: nowNs, queuedSinceNs: nowNs)
        record.deadlineNs = request.deadline?.nanosecondCount
        record.startByNs = request.maxWait.map { nowNs + $0.nanosecondCount }
        if let expiry = record.queuedExpiryNs { deadlines.insert(DeadlineEntry(ns: expiry, id: id)) }
        jobs[id] = record
        enqueue(id, record)
        counts[request.classIndex].admitted += 1
        return .admitted(id)
    }

    private mutating func enqueue(_ id: JobID, _ record: JobRecord) {
        let queueIndex = record.queueIndex
        if classes[queueIndex].queuedCount == 0 {
            // A class that was idle joins its tier at the tier's current virtual time.
            let precedence = classes[queueIndex].policy.precedence
            var floor = classes[queueIndex].virtualTime
            for other in classes.indices
            where other != queueIndex && classes[other].policy.precedence == precedence
                && classes[other].queuedCount > 0
            {
                floor = Swift.max(floor, classes[other].virtualTime)
            }
            classes[queueIndex].virtualTime = floor
        }
        classes[queueIndex].queuedCount += 1
        queuedByClass[record.classIndex] += 1
        classes[queueIndex].queuedCost += record.cost
        classes[queueIndex].largestCost = Swift.max(classes[queueIndex].largestCost, record.cost)
        queuedTotal += 1
        classes[queueIndex].arrivals.append(id)
        if classes[queueIndex].tenants[record.tenant] == nil {
            classes[queueIndex].tenants[record.tenant] = TenantQueue()
            classes[queueIndex].activeTenants.append(record.tenant)
        }
        classes[queueIndex].tenants[record.tenant]!.jobs.append(id)
    }

    // MARK: Running jobs

    /// Ends a running job. The worker is free again: call ``nextDispatch(now:)``.
    package mutating func finish(_ id: JobID, outcome: JobOutcome, now: Duration) -> EndedJob? {
        let nowNs = now.nanosecondCount
        advance(to: nowNs)
        guard let record = jobs[id], record.state == .running else { return nil }
        jobs[id] = nil
        let serviceNs = record.serviceNs + (nowNs - record.runningSinceNs)
        running -= 1
        classes[record.queueIndex].running -= 1
        if outcome == .completed, record.cost > 0 {
            learn(serviceNs: serviceNs, cost: record.cost)
        }
        count(outcome, record.classIndex)
        return EndedJob(
            id: id, classIndex: record.classIndex, outcome: outcome,
            waitTime: .nanoseconds(record.firstStartNs - record.admittedNs), queuedTime: .nanoseconds(record.queuedNs),
            serviceTime: .nanoseconds(serviceNs), started: true)
    }

    /// Whether a running job should give its worker up at this unit boundary. When it returns
    /// `true` the job is queued again (ahead of its class's new jobs) and the driver must suspend
    /// it until ``nextDispatch(now:)`` names it again.
    package mutating func checkpoint(_ id: JobID, now: Duration) -> Bool {
        let nowNs = now.nanosecondCount
        guard configuration.yieldsToHigherPrecedence, configuration.ordering == .classes,
            var record = jobs[id], record.state == .running
        else { return false }
        advance(to: nowNs)
        let queueIndex = record.queueIndex
        let precedence = classes[queueIndex].policy.precedence
        guard precedence != topPrecedence, classes[queueIndex].running > classes[queueIndex].reservedWorkers else {
            return false
        }
        let higherWaiting = classes.contains { $0.policy.precedence < precedence && $0.queuedCount > 0 }
        let noFreeWorker = running >= configuration.workers
        let headroomShort = isPeak(nowNs) && configuration.workers - running < configuration.peakHeadroom
        guard (higherWaiting && noFreeWorker) || headroomShort else { return false }
        record.serviceNs += nowNs - record.runningSinceNs
        record.state = .resumable
        record.queuedSinceNs = nowNs
        jobs[id] = record
        // Deadline entries of running jobs are dropped lazily; a queued job needs its entry back.
        if let expiry = record.queuedExpiryNs { deadlines.insert(DeadlineEntry(ns: expiry, id: id)) }
        running -= 1
        classes[queueIndex].running -= 1
        classes[queueIndex].queuedCount += 1
        queuedByClass[record.classIndex] += 1
        classes[queueIndex].queuedCost += record.cost
        classes[queueIndex].resumable.append(id)
        queuedTotal += 1
        counts[record.classIndex].yielded += 1
        return true
    }

    // MARK: Cancellation, deadlines, shutdown

    /// Cancels a job: a queued one leaves the queue at once; a running one must be told by the driver.
    package mutating func cancel(_ id: JobID, now: Duration) -> CancelDecision {
        let nowNs = now.nanosecondCount
        advance(to: nowNs)
        guard let record = jobs[id] else { return .notFound }
        if record.state == .running { return .running }
        return .removed(removeQueued(id, record, outcome: .cancelled, nowNs: nowNs))
    }

    /// The earliest time a queued job's deadline passes, as time since the epoch.
    package mutating func nextDeadline() -> Duration? {
        while let first = deadlines.min {
            if let record = jobs[first.id], record.state != .running, record.queuedExpiryNs == first.ns {
                return .nanoseconds(first.ns)
            }
            _ = deadlines.removeMin()
        }
        return nil
    }

    /// Removes queued jobs whose deadline has passed; they end as timed out.
    package mutating func expire(now: Duration) -> [EndedJob] {
        let nowNs = now.nanosecondCount
        advance(to: nowNs)
        var ended: [EndedJob] = []
        while let first = deadlines.min, first.ns <= nowNs {
            _ = deadlines.removeMin()
            guard let record = jobs[first.id], record.state != .running, record.queuedExpiryNs == first.ns else {
                continue
            }
            ended.append(removeQueued(first.id, record, outcome: .timedOut, nowNs: nowNs))
        }
        return ended
    }

    /// Whether a running job's deadline has passed (its `maxWait` bounds only its queueing).
    package func isPastDeadline(_ id: JobID, now: Duration) -> Bool {
        guard let expiry = jobs[id]?.deadlineNs else { return false }
        return now.nanosecondCount >= expiry
    }

    /// Stops admitting: every later submission is rejected as ``Rejection/Reason/shuttingDown``.
    package mutating func beginShutdown() { shuttingDown = true }

    /// The IDs of every queued job (for a shutdown that cancels them).
    package var queuedJobs: [JobID] { jobs.compactMap { $0.value.state == .running ? nil : $0.key } }

    /// The IDs of every running job.
    package var runningJobs: [JobID] { jobs.compactMap { $0.value.state == .running ? $0.key : nil } }

    /// How many jobs are running and queued now.
    package var load: (running: Int, queued: Int) { (running, queuedTotal) }

    package var statistics: SchedulerStatistics {
        var statistics = SchedulerStatistics(secondsPerCost: secondsPerCost)
        for (index, serviceClass) in configuration.classes.enumerated() {
            statistics.classes[serviceClass.name] = counts[index]
            let queueIndex = configuration.ordering == .fifo ? 0 : index
            statistics.classes[serviceClass.name]!.estimatedWait = .seconds(estimatedWait(queueIndex, extraCost: 0))
        }
        for record in jobs.values {
            if record.state == .running {
                statistics.classes[configuration.classes[record.classIndex].name]!.running += 1
            } else {
                statistics.classes[configuration.classes[record.classIndex].name]!.queued += 1
            }
        }
        return statistics
    }

    private mutating func removeQueued(_ id: JobID, _ record: JobRecord, outcome: JobOutcome, nowNs: Int64) -> EndedJob
    {
        // Tenant queues, arrival lists and the resume queue skip ended jobs lazily.
        jobs[id] = nil
        classes[record.queueIndex].queuedCount -= 1
        queuedByClass[record.classIndex] -= 1
        classes[record.queueIndex].queuedCost -= record.cost
        if classes[record.queueIndex].queuedCount == 0 { classes[record.queueIndex].queuedCost = 0 }
        queuedTotal -= 1
        count(outcome, record.classIndex)
        return EndedJob(
            id: id, classIndex: record.classIndex, outcome: outcome,
            waitTime: .nanoseconds(record.started ? record.firstStartNs - record.admittedNs : 0),
            queuedTime: .nanoseconds(record.queuedNs + nowNs - record.queuedSinceNs),
            serviceTime: .nanoseconds(record.serviceNs), started: record.started)
    }

    private mutating func count(_ outcome: JobOutcome, _ classIndex: Int) {
        switch outcome {
        case .completed: counts[classIndex].completed += 1
        case .failed: counts[classIndex].failed += 1
        case .cancelled: counts[classIndex].cancelled += 1
        case .timedOut: counts[classIndex].timedOut += 1
        }
    }

    // MARK: Learning and time

    /// Learns seconds per cost as the ratio of smoothed service time to smoothed cost, so that
    /// fixed per-job overheads do not skew it toward small jobs.
    private mutating func learn(serviceNs: Int64, cost: Double) {
        let weight = configuration.rateSmoothing
        if averageCost == 0 {
            averageCost = cost
            averageServiceNs = Double(serviceNs)
        } else {
            averageCost += weight * (cost - averageCost)
            averageServiceNs += weight * (Double(serviceNs) - averageServiceNs)
        }
        if averageCost > 0 { secondsPerCost = averageServiceNs * 1e-9 / averageCost }
    }

    /// Moves the smoothed per-class load figures forward to `nowNs`.
    mutating func advance(to nowNs: Int64) {
        let elapsed = nowNs - lastEventNs
        guard elapsed > 0 else { return }
        lastEventNs = nowNs
        let keep = Self.decay(elapsedNs: elapsed)
        for index in classes.indices {
            let precedence = classes[index].policy.precedence
            var higher = 0
            for other in classes where other.policy.precedence < precedence { higher += other.running }
            classes[index].higherBusyAverage = keep * classes[index].higherBusyAverage + (1 - keep) * Double(higher)
        }
        expireTickets(nowNs: nowNs)
    }

    /// How long the pool stays at peak after a rejection.
    static let peakWindowNs: Int64 = 30_000_000_000

    /// The smoothing time of the load figures admission uses.
    static let loadSmoothingNs = 10.0e9

    static func decay(elapsedNs: Int64) -> Double {
        let x = Double(elapsedNs) / loadSmoothingNs
        return x > 30 ? 0 : exp(-x)
    }

    func isPeak(_ nowNs: Int64) -> Bool { nowNs < peakUntilNs || fleet.isPeak }
}
