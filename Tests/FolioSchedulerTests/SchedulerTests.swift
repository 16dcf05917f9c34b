import FolioModel
import FolioScheduler
import FolioTestSupport
import Testing

/// The state machine on a manual clock: order, fairness, aging, reserved shares, admission,
/// yielding, cancellation, deadlines — and a random-operations property test.
struct SchedulerTests {
    static let priority = 0
    static let standard = 1

    func request(_ classIndex: Int, _ tenant: String, cost: Double = 1_000, token: RetryToken? = nil) -> JobRequest {
        JobRequest(classIndex: classIndex, tenant: tenant, cost: cost, retryToken: token)
    }

    func admit(_ scheduler: inout Scheduler, _ request: JobRequest, at now: Duration = .zero) -> JobID {
        guard case .admitted(let id) = scheduler.submit(request, now: now) else {
            Issue.record("expected admission")
            return JobID(rawValue: 0)
        }
        return id
    }

    func dispatchAll(_ scheduler: inout Scheduler, at now: Duration = .zero) -> [JobID] {
        var started: [JobID] = []
        while let id = scheduler.nextDispatch(now: now) { started.append(id) }
        return started
    }

    @Test func priorityIsServedBeforeStandard() throws {
        var scheduler = Scheduler(configuration: try .folio(workers: 2))
        let standardJobs = (0..<3).map { _ in admit(&scheduler, request(Self.standard, "s")) }
        let priorityJob = admit(&scheduler, request(Self.priority, "p"))
        #expect(dispatchAll(&scheduler) == [priorityJob, standardJobs[0]])
    }

    @Test func aTenantsSingleJobDoesNotWaitBehindAnotherTenantsThousand() throws {
        var configuration = try SchedulerConfiguration.folio(workers: 1)
        configuration.admissionControl = false
        var scheduler = Scheduler(configuration: configuration)
        let busy = admit(&scheduler, request(Self.standard, "big"))
        #expect(dispatchAll(&scheduler) == [busy])
        let bulk = (0..<1_000).map { _ in admit(&scheduler, request(Self.standard, "big")) }
        let single = admit(&scheduler, request(Self.standard, "small"))
        var order: [JobID] = []
        var current = busy
        for step in 1...3 {
            _ = scheduler.finish(current, outcome: .completed, now: .seconds(step))
            let next = scheduler.nextDispatch(now: .seconds(step))
            current = try #require(next)
            order.append(current)
        }
        #expect(order.contains(single), "the single job runs within a round, not after 1,000 others")
        #expect(order.filter { $0 != single } == Array(bulk.prefix(2)), "FIFO within the big tenant")
    }

    @Test func roundRobinIsByCostNotByJobCount() throws {
        var scheduler = Scheduler(configuration: try .folio(workers: 1))
        let blocker = admit(&scheduler, request(Self.standard, "x", cost: 8))
        _ = dispatchAll(&scheduler)
        // Tenant "cheap" has 8 jobs of cost 1, tenant "dear" 1 job of cost 8: the cost served should alternate fairly.
        var costOf: [JobID: (String, Double)] = [:]
        for _ in 0..<8 { costOf[admit(&scheduler, request(Self.standard, "cheap", cost: 1))] = ("cheap", 1) }
        for _ in 0..<2 { costOf[admit(&scheduler, request(Self.standard, "dear", cost: 8))] = ("dear", 8) }
        var current = blocker
        var served: [String: Double] = [:]
        var step = 1
        var trace: [String] = []
        while true {
            _ = scheduler.finish(current, outcome: .completed, now: .seconds(step))
            guard let next = scheduler.nextDispatch(now: .seconds(step)) else { break }
            let (tenant, cost) = costOf[next]!
            served[tenant, default: 0] += cost
            trace.append(tenant)
            current = next
            step += 1
            if served["dear", default: 0] == 8 {
                #expect(
                    served["cheap", default: 0] >= 8,
                    "the cheap tenant got as much cost by the time dear ran once: \(trace)")
                break
            }
        }
    }

    @Test func agedStandardJobGoesBeforePriority() throws {
        var scheduler = Scheduler(configuration: try .folio(workers: 1))
        let running = admit(&scheduler, request(Self.priority, "p"))
        _ = dispatchAll(&scheduler)
        let old = admit(&scheduler, request(Self.standard, "s"), at: .seconds(1))
        let fresh = admit(&scheduler, request(Self.priority, "p"), at: .seconds(20))
        _ = scheduler.finish(running, outcome: .completed, now: .seconds(29))
        // 28 s of waiting is past maxWait (30 s) minus the aging lead (3 s).
        let value1 = scheduler.nextDispatch(now: .seconds(29))
        #expect(value1 == old)
        _ = fresh
    }

    @Test func withoutAgingPriorityStillGoesFirst() throws {
        var scheduler = Scheduler(configuration: try .strict(workers: 1))
        let running = admit(&scheduler, request(Self.priority, "p"))
        _ = dispatchAll(&scheduler)
        _ = admit(&scheduler, request(Self.standard, "s"), at: .seconds(1))
        let fresh = admit(&scheduler, request(Self.priority, "p"), at: .seconds(20))
        _ = scheduler.finish(running, outcome: .completed, now: .seconds(29))
        let value2 = scheduler.nextDispatch(now: .seconds(29))
        #expect(value2 == fresh)
    }

    @Test func reservedShareKeepsOneWorkerForStandard() throws {
        var configuration = try SchedulerConfiguration.folio(workers: 4)
        configuration.admissionControl = false
        #expect(ServiceClass.standard.reservedWorkers(of: 4) == 1)
        #expect(ServiceClass.standard.reservedWorkers(of: 16) == 1)
        #expect(ServiceClass.standard.reservedWorkers(of: 20) == 2)
        #expect(ServiceClass.standard.reservedWorkers(of: 3) == 0)
        var scheduler = Scheduler(configuration: configuration)
        for _ in 0..<10 { _ = admit(&scheduler, request(Self.priority, "p")) }
        let standardJob = admit(&scheduler, request(Self.standard, "s"))
        let started = dispatchAll(&scheduler)
        #expect(started.count == 4)
        #expect(started.contains(standardJob), "one of four workers goes to waiting standard work")
    }

    @Test func standardIsRejectedWithRetryAfterAndTheTokenIsAdmitted() throws {
        var scheduler = Scheduler(configuration: try .folio(workers: 1))
        // Learn the rate: 1 cost unit = 1 ms.
        let first = admit(&scheduler, request(Self.standard, "a", cost: 1_000))
        _ = dispatchAll(&scheduler)
        _ = scheduler.finish(first, outcome: .completed, now: .seconds(1))
        #expect(abs(scheduler.statistics.secondsPerCost - 0.001) < 1e-9)
        // Queue 40 s of work on one worker: later standard jobs must be told to come back.
        let blocker = admit(&scheduler, request(Self.standard, "a", cost: 1_000), at: .seconds(1))
        _ = dispatchAll(&scheduler, at: .seconds(1))
        var queued = 0
        var rejection: Rejection?
        for index in 0..<60 {
            switch scheduler.submit(request(Self.standard, "t\(index)", cost: 1_000), now: .seconds(1)) {
            case .admitted: queued += 1
            case .rejected(let value): rejection = value
            }
            if rejection != nil { break }
        }
        let rejected = try #require(rejection)
        #expect(queued >= 9 && queued <= 19, "admits up to the 18 s target (0.6 × 30 s), rejects beyond: \(queued)")
        guard case .estimatedWaitTooLong(_, let limit) = rejected.reason else {
            Issue.record("unexpected reason \(rejected.reason)")
            return
        }
        #expect(limit == .seconds(30))
        #expect(rejected.retryAfter >= .seconds(1))
        let token = try #require(rejected.retryToken)
        // Drain the queue as the workers would, up to the retry time.
        var now = Duration.seconds(1)
        var current: JobID? = blocker
        while let job = current, now < .seconds(1) + rejected.retryAfter {
            now += .seconds(1)
            _ = scheduler.finish(job, outcome: .completed, now: now)
            current = scheduler.nextDispatch(now: now)
        }
        guard case .admitted = scheduler.submit(request(Self.standard, "late", cost: 1_000, token: token), now: now)
        else {
            Issue.record("the retry with its token should be admitted at its retryAfter")
            return
        }
        #expect(rejected.description.contains("retry in"))
    }

    @Test func priorityQueueHasAHardBound() throws {
        let configuration = try SchedulerConfiguration(
            workers: 1, classes: [ServiceClass(name: "priority", precedence: 0, maxQueuedJobs: 3), .standard])
        var scheduler = Scheduler(configuration: configuration)
        _ = admit(&scheduler, request(Self.priority, "p"))
        _ = dispatchAll(&scheduler)
        for _ in 0..<3 { _ = admit(&scheduler, request(Self.priority, "p")) }
        guard case .rejected(let rejection) = scheduler.submit(request(Self.priority, "p"), now: .zero) else {
            Issue.record("the fifth priority job (three queued, one running) must be rejected")
            return
        }
        #expect(rejection.reason == .queueFull(limit: 3))
        #expect(rejection.retryAfter > .zero)
        #expect(scheduler.statistics.classes["priority"]?.rejected == 1)
    }

    @Test func cancelledQueuedJobLeavesAtOnceAndEndsOnce() throws {
        var scheduler = Scheduler(configuration: try .folio(workers: 1))
        let running = admit(&scheduler, request(Self.standard, "a"))
        let queued = admit(&scheduler, request(Self.standard, "a"))
        _ = dispatchAll(&scheduler)
        guard case .removed(let ended) = scheduler.cancel(queued, now: .seconds(2)) else {
            Issue.record("a queued job is removed")
            return
        }
        #expect(ended.outcome == .cancelled && ended.queuedTime == .seconds(2) && !ended.started)
        let value3 = scheduler.cancel(queued, now: .seconds(2))
        #expect(value3 == .notFound)
        let value4 = scheduler.cancel(running, now: .seconds(2))
        #expect(value4 == .running)
        let value5 = scheduler.finish(running, outcome: .cancelled, now: .seconds(3))
        #expect(value5 != nil)
        let value6 = scheduler.finish(running, outcome: .completed, now: .seconds(3))
        #expect(value6 == nil, "ends exactly once")
        let value7 = scheduler.nextDispatch(now: .seconds(3))
        #expect(value7 == nil)
        let counts = try #require(scheduler.statistics.classes["standard"])
        #expect(counts.admitted == 2 && counts.cancelled == 2 && counts.ended == 2)
    }

    @Test func queuedJobTimesOutAtItsDeadline() throws {
        var scheduler = Scheduler(configuration: try .folio(workers: 1))
        _ = admit(&scheduler, request(Self.priority, "a"))
        _ = dispatchAll(&scheduler)
        var late = request(Self.priority, "a")
        late.deadline = .seconds(5)
        let id = admit(&scheduler, late)
        let value8 = scheduler.nextDeadline()
        #expect(value8 == .seconds(5))
        let early = scheduler.expire(now: .seconds(4))
        #expect(early.isEmpty)
        let ended = scheduler.expire(now: .seconds(5))
        #expect(ended.map(\.id) == [id] && ended.first?.outcome == .timedOut)
        let value9 = scheduler.nextDeadline()
        #expect(value9 == nil)
    }

    @Test func maxWaitBoundsQueueingNotRunning() throws {
        var scheduler = Scheduler(configuration: try .folio(workers: 1))
        let blocker = admit(&scheduler, request(Self.priority, "a"))
        _ = dispatchAll(&scheduler)
        var patient = request(Self.priority, "a")
        patient.maxWait = .seconds(5)
        patient.deadline = .seconds(60)
        let id = admit(&scheduler, patient)
        _ = scheduler.finish(blocker, outcome: .completed, now: .seconds(4))
        let started = scheduler.nextDispatch(now: .seconds(4))
        #expect(started == id)
        #expect(!scheduler.isPastDeadline(id, now: .seconds(30)), "running past maxWait is fine")
        #expect(scheduler.isPastDeadline(id, now: .seconds(60)), "the deadline still holds while running")
        var impatient = request(Self.priority, "a")
        impatient.maxWait = .seconds(5)
        let late = admit(&scheduler, impatient, at: .seconds(10))
        let expired = scheduler.expire(now: .seconds(15))
        #expect(expired.map(\.id) == [late] && expired.first?.outcome == .timedOut)
    }

    @Test func standardJobYieldsToWaitingPriorityWork() throws {
        var configuration = try SchedulerConfiguration.folio(workers: 4)
        configuration.admissionControl = false
        var scheduler = Scheduler(configuration: configuration)
        let standardJobs = (0..<4).map { _ in admit(&scheduler, request(Self.standard, "s")) }
        #expect(dispatchAll(&scheduler).count == 4)
        let priorityJob = admit(&scheduler, request(Self.priority, "p"), at: .seconds(1))
        let value10 = scheduler.nextDispatch(now: .seconds(1))
        #expect(value10 == nil)
        // Three may yield (one is the reserved share); the first checkpoint gives its worker up.
        let value11 = scheduler.checkpoint(standardJobs[0], now: .seconds(2))
        #expect(value11)
        let value12 = scheduler.nextDispatch(now: .seconds(2))
        #expect(value12 == priorityJob)
        let value13 = scheduler.checkpoint(standardJobs[1], now: .seconds(2))
        #expect(!value13, "nothing else waits above it")
        _ = scheduler.finish(priorityJob, outcome: .completed, now: .seconds(3))
        let value14 = scheduler.nextDispatch(now: .seconds(3))
        #expect(value14 == standardJobs[0], "the yielded job resumes first")
        let finished = scheduler.finish(standardJobs[0], outcome: .completed, now: .seconds(4))
        let ended = try #require(finished)
        #expect(ended.waitTime == .zero && ended.queuedTime == .seconds(1) && ended.serviceTime == .seconds(3))
    }

    @Test func fifoBaselineKeepsArrivalOrderAcrossClasses() throws {
        var scheduler = Scheduler(configuration: try .fifo(workers: 1))
        let jobs = [Self.standard, Self.priority, Self.standard].enumerated().map {
            admit(&scheduler, request($1, "t\($0)"))
        }
        var order: [JobID] = []
        var now = Duration.zero
        while let id = scheduler.nextDispatch(now: now) {
            order.append(id)
            now += .seconds(1)
            _ = scheduler.finish(id, outcome: .completed, now: now)
        }
        #expect(order == jobs)
    }

    /// Random submissions, dispatches, checkpoints, cancellations, deadlines and finishes: no
    /// more than N run at once, and once everything drains every admitted job ended exactly once.
    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8])
    func randomOperationsAccountForEveryJobOnce(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let workers = Int.random(in: 1...6, using: &random)
        var configuration = try SchedulerConfiguration.folio(workers: workers)
        configuration.agingLead = .seconds(1)
        var scheduler = Scheduler(configuration: configuration)
        var running = Set<JobID>()
        var admitted = Set<JobID>()
        var ended = [JobID: Int]()
        var now = Duration.zero
        func note(_ job: EndedJob) { ended[job.id, default: 0] += 1 }
        for _ in 0..<3_000 {
            now += .milliseconds(Int.random(in: 0...400, using: &random))
            switch Int.random(in: 0..<10, using: &random) {
            case 0...3:
                var job = request(
                    Int.random(in: 0...1, using: &random), "t\(Int.random(in: 0..<5, using: &random))",
                    cost: Double(Int.random(in: 1...5_000, using: &random)))
                if Bool.random(using: &random) {
                    job.deadline = now + .milliseconds(Int.random(in: 0...5_000, using: &random))
                }
                if case .admitted(let id) = scheduler.submit(job, now: now) { admitted.insert(id) }
            case 4...5:
                if let id = running.randomElement(using: &random) {
                    if let job = scheduler.finish(id, outcome: .completed, now: now) { note(job) }
                    running.remove(id)
                }
            case 6:
                if let id = running.randomElement(using: &random), scheduler.checkpoint(id, now: now) {
                    running.remove(id)
                }
            case 7:
                if let id = admitted.randomElement(using: &random) {
                    switch scheduler.cancel(id, now: now) {
                    case .removed(let job): note(job)
                    case .running:
                        if let job = scheduler.finish(id, outcome: .cancelled, now: now) { note(job) }
                        running.remove(id)
                    case .notFound: break
                    }
                }
            default:
                for job in scheduler.expire(now: now) { note(job) }
            }
            while let id = scheduler.nextDispatch(now: now) {
                #expect(!running.contains(id))
                running.insert(id)
            }
            #expect(running.count <= workers)
            #expect(scheduler.load.running == running.count)
        }
        // Drain: finish whatever runs until nothing is left.
        var guardSteps = 0
        while scheduler.load.running + scheduler.load.queued > 0, guardSteps < 100_000 {
            guardSteps += 1
            now += .milliseconds(10)
            for job in scheduler.expire(now: now) { note(job) }
            if let id = running.first {
                if let job = scheduler.finish(id, outcome: .completed, now: now) { note(job) }
                running.remove(id)
            }
            while let id = scheduler.nextDispatch(now: now) { running.insert(id) }
        }
        #expect(Set(ended.keys) == admitted, "seed \(seed)")
        #expect(ended.values.allSatisfy { $0 == 1 }, "seed \(seed): a job ended twice")
        let statistics = scheduler.statistics
        let total = statistics.classes.values.reduce(0) { $0 + $1.ended }
        #expect(total == admitted.count)
        #expect(statistics.classes.values.reduce(0) { $0 + $1.admitted } == admitted.count)
    }
}
