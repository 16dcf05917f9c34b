import FolioModel
import FolioScheduler
import Foundation
import FolioTestSupport
import Synchronization
import Testing

/// The real pool: Swift concurrency, wall clock.
struct WorkerPoolTests {
    static func session(_ serviceClass: String, tenant: String = "t", id: String = "s") -> Session {
        Session(tenant: tenant, id: id, serviceClass: serviceClass)
    }

    /// Polls until `condition` holds (at most 10 s).
    static func eventually(_ condition: () -> Bool) async throws {
        for _ in 0..<10_000 where !condition() { try await Task.sleep(for: .milliseconds(1)) }
        #expect(condition())
    }

    @Test func runReturnsTheJobsValueAndCountsIt() async throws {
        let pool = WorkerPool(configuration: try .folio(workers: 2))
        let value = try await pool.run(Self.session("standard"), cost: 10) { _ in 42 }
        #expect(value == 42)
        let counts = try #require(pool.statistics.classes["standard"])
        #expect(counts.admitted == 1 && counts.completed == 1 && counts.running == 0 && counts.queued == 0)
    }

    /// A job's body runs on the pool's own threads, never on Swift's cooperative ones: with more
    /// workers than the cooperative pool has threads, every one of them blocked in synchronous work,
    /// a task on the cooperative pool still runs. (Were the jobs on the cooperative threads, nothing
    /// could run until the blocked jobs gave up, minutes later; how fast the task runs is measured
    /// by `Engine:cooperativeLatency` in CacheBenchmarks, not here, where other tests share the pool.)
    @Test func jobsRunOnThePoolsOwnThreadsSoTheCooperativePoolStaysFree() async throws {
        let workers = ProcessInfo.processInfo.activeProcessorCount + 2
        let pool = WorkerPool(configuration: try .folio(workers: workers))
        let blocker = ThreadBlocker(timeout: .seconds(300))
        let onPoolThreads = Mutex(0)
        var handles: [JobHandle<Void>] = []
        for index in 0..<workers {
            guard
                case .admitted(let handle) = try pool.submit(
                    Self.session("priority", tenant: "t\(index)"), cost: 1,
                    { _ in
                        if pool.ownsCurrentThread { onPoolThreads.withLock { $0 += 1 } }
                        blocker.block()
                    })
            else {
                Issue.record("job \(index) was not admitted")
                return
            }
            handles.append(handle)
        }
        for _ in 0..<300_000 where blocker.blockedCount < workers { try await Task.sleep(for: .milliseconds(1)) }
        let allBlocked = blocker.blockedCount == workers
        for _ in 0..<20 { _ = await CooperativeLatency.probe() }
        let probedWhileBlocked = !blocker.timedOut
        blocker.release()
        for handle in handles { try await handle.value }
        #expect(allBlocked && probedWhileBlocked, "the blocked jobs held the cooperative threads")
        #expect(onPoolThreads.withLock { $0 } == workers)
    }

    @Test func unknownClassIsATypedError() async throws {
        let pool = WorkerPool()
        await #expect(throws: SchedulerError.self) {
            try await pool.run(Self.session("gold"), cost: 1) { _ in () }
        }
    }

    @Test func queuedPriorityJobRunsBeforeEarlierStandardJobs() async throws {
        // Aging must not interfere: on a loaded machine the standard jobs may wait past the
        // default 27 s aging point, and would then rightly be served first.
        var standard = ServiceClass.standard
        standard.maxWait = .seconds(3_600)
        let pool = WorkerPool(configuration: try SchedulerConfiguration(workers: 1, classes: [.priority, standard]))
        let gate = Gate()
        let order = Locked<[String]>([])
        guard
            case .admitted(let blocker) = try pool.submit(Self.session("standard"), cost: 1, { _ in await gate.wait() })
        else {
            Issue.record("admitted")
            return
        }
        try await Self.eventually { pool.statistics.classes["standard"]?.running == 1 }
        var handles: [JobHandle<Void>] = []
        for name in ["s1", "s2", "p1"] {
            let session = Self.session(name.hasPrefix("p") ? "priority" : "standard", tenant: name)
            guard
                case .admitted(let handle) = try pool.submit(
                    session, cost: 1, { _ in order.withLock { $0.append(name) } })
            else {
                Issue.record("admitted")
                return
            }
            handles.append(handle)
        }
        try await Self.eventually { pool.statistics.classes.values.reduce(0) { $0 + $1.queued } == 3 }
        gate.open()
        try await blocker.value
        for handle in handles { try await handle.value }
        #expect(order.withLock { $0 } == ["p1", "s1", "s2"])
    }

    @Test func cancellingAQueuedJobRemovesItAtOnce() async throws {
        let pool = WorkerPool(configuration: try .folio(workers: 1))
        let gate = Gate()
        guard
            case .admitted(let blocker) = try pool.submit(
                Self.session("standard"), cost: 1, { _ in await gate.wait() }),
            case .admitted(let queued) = try pool.submit(Self.session("standard"), cost: 1, { _ in "ran" })
        else {
            Issue.record("admitted")
            return
        }
        try await Self.eventually { pool.statistics.classes["standard"]?.queued == 1 }
        queued.cancel()
        await #expect(throws: CancellationError.self) { try await queued.value }
        #expect(pool.statistics.classes["standard"]?.queued == 0, "left the queue while the worker was still busy")
        gate.open()
        try await blocker.value
        let counts = try #require(pool.statistics.classes["standard"])
        #expect(counts.cancelled == 1 && counts.completed == 1)
    }

    @Test func runningJobSeesCancellationAtItsCheckpoint() async throws {
        let pool = WorkerPool(configuration: try .folio(workers: 1))
        let started = Gate()
        guard
            case .admitted(let handle) = try pool.submit(
                Self.session("standard"), cost: 1,
                { context in
                    started.open()
                    while true {
                        try await context.checkpoint()
                        try await Task.sleep(for: .milliseconds(1))
                    }
                })
        else {
            Issue.record("admitted")
            return
        }
        await started.wait()
        handle.cancel()
        await #expect(throws: CancellationError.self) { try await handle.value }
        #expect(pool.statistics.classes["standard"]?.cancelled == 1)
    }

    @Test func queuedJobTimesOutAtItsDeadline() async throws {
        let pool = WorkerPool(configuration: try .folio(workers: 1))
        let gate = Gate()
        guard
            case .admitted(let blocker) = try pool.submit(Self.session("standard"), cost: 1, { _ in await gate.wait() })
        else {
            Issue.record("admitted")
            return
        }
        let deadline = ContinuousClock.now + .milliseconds(30)
        let error = await #expect(throws: SchedulerError.self) {
            try await pool.run(Self.session("priority"), cost: 1, options: JobOptions(deadline: deadline)) { _ in () }
        }
        #expect(error?.code == .timedOut)
        #expect(ContinuousClock.now >= deadline)
        gate.open()
        try await blocker.value
        #expect(pool.statistics.classes["priority"]?.timedOut == 1)
    }

    @Test func longJobYieldsToAPriorityArrival() async throws {
        var configuration = try SchedulerConfiguration.folio(workers: 1)
        configuration.admissionControl = false
        let pool = WorkerPool(configuration: configuration)
        let events = Locked<[String]>([])
        let priority = Locked<JobHandle<Void>?>(nil)
        guard
            case .admitted(let long) = try pool.submit(
                Self.session("standard"), cost: 1_000,
                { context in
                    // The priority job arrives while this one runs. It is submitted from here, on the pool's
                    // thread, because the test's own task may wait a minute for a cooperative thread when
                    // other suites hold them on a loaded machine (it did, twice in five runs).
                    let arrival = try pool.submit(Self.session("priority"), cost: 1) { _ in
                        events.withLock { $0.append("priority") }
                    }
                    guard case .admitted(let handle) = arrival else { throw CancellationError() }
                    priority.withLock { $0 = handle }
                    // Units until the priority job has run, within a minute.
                    let deadline = ContinuousClock.now + .seconds(60)
                    var unit = 0
                    while ContinuousClock.now < deadline {
                        try await context.checkpoint()
                        if events.withLock({ $0.contains("priority") }) {
                            events.withLock { $0.append("long resumed after \(unit) units") }
                            return
                        }
                        unit += 1
                        try await Task.sleep(for: .milliseconds(1))
                    }
                })
        else {
            Issue.record("admitted")
            return
        }
        try await long.value
        try await #require(priority.withLock { $0 }).value
        let log = events.withLock { $0 }
        #expect(log.first == "priority" && log.count == 2, "\(log)")
        #expect((pool.statistics.classes["standard"]?.yielded ?? 0) >= 1)
    }

    @Test func rejectionIsAResultWithRetryAfter() async throws {
        let configuration = try SchedulerConfiguration(
            workers: 1, classes: [ServiceClass(name: "priority", precedence: 0, maxQueuedJobs: 1), .standard])
        let pool = WorkerPool(configuration: configuration)
        let gate = Gate()
        var handles: [JobHandle<Void>] = []
        var rejections: [Rejection] = []
        for _ in 0..<3 {
            switch try pool.submit(Self.session("priority"), cost: 1, { _ in await gate.wait() }) {
            case .admitted(let handle): handles.append(handle)
            case .rejected(let rejection): rejections.append(rejection)
            }
            try await Self.eventually { pool.statistics.classes["priority"]?.running == 1 }
        }
        #expect(handles.count == 2 && rejections.count == 1)
        #expect(rejections.first?.reason == .queueFull(limit: 1))
        gate.open()
        for handle in handles { try await handle.value }
    }

    @Test func aSessionsNextJobRedeemsTheBookingItsRejectionMade() async throws {
        // One worker, 5 s per job (no completions, so the initial rate holds): standard work is
        // admitted up to an 18 s estimated wait (0.6 × 30 s).
        var configuration = try SchedulerConfiguration(workers: 1)
        configuration.initialSecondsPerCost = 0.01
        let pool = WorkerPool(configuration: configuration)
        let gate = Gate()
        let alice = Self.session("standard", tenant: "a", id: "alice")
        let bob = Self.session("standard", tenant: "b", id: "bob")
        var handles: [JobHandle<Void>] = []
        var aliceRejection: Rejection?
        for _ in 0..<8 where aliceRejection == nil {
            switch try pool.submit(alice, cost: 500, { _ in await gate.wait() }) {
            case .admitted(let handle): handles.append(handle)
            case .rejected(let rejection): aliceRejection = rejection
            }
            try await Self.eventually { pool.statistics.classes["standard"]?.running == 1 }
        }
        #expect(aliceRejection?.retryToken != nil, "rejected with a booking")
        // 15 s of queued work now: under the target for a booked retry, over it for anyone else
        // (the queue plus the booking passes 18 s).
        handles.removeLast().cancel()
        try await Self.eventually { pool.statistics.classes["standard"]?.queued == handles.count - 1 }
        guard case .rejected = try pool.submit(bob, cost: 500, { _ in }) else {
            Issue.record("a session without a booking must wait behind the booked retry")
            gate.open()
            return
        }
        // Alice retries as an HTTP client does, with no token: her booking is redeemed.
        switch try pool.submit(alice, cost: 500, { _ in await gate.wait() }) {
        case .admitted(let handle): handles.append(handle)
        case .rejected(let rejection): Issue.record("the booked retry was rejected: \(rejection)")
        }
        gate.open()
        for handle in handles { try? await handle.value }
    }

    #if os(Linux)
    /// The calling thread's nice value, from /proc/thread-self/stat (field 19).
    static func threadNice() throws -> Int {
        let stat = try String(contentsOfFile: "/proc/thread-self/stat", encoding: .utf8)
        let fields = stat[stat.index(after: try #require(stat.lastIndex(of: ")")))...].split(separator: " ")
        return try #require(Int(fields[16]))
    }

    @Test func workerThreadsRunWithTheConfiguredNiceness() async throws {
        var configuration = try SchedulerConfiguration(workers: 2)
        configuration.workerNiceness = 7
        let pool = WorkerPool(configuration: configuration)
        let base = try Self.threadNice()
        let inJob = try await pool.run(Self.session("priority"), cost: 1) { _ in try Self.threadNice() }
        #expect(inJob == min(19, base + 7))
        let plain = WorkerPool(configuration: try SchedulerConfiguration(workers: 1))
        let inPlainJob = try await plain.run(Self.session("priority"), cost: 1) { _ in try Self.threadNice() }
        #expect(inPlainJob == base)
        await pool.shutdown(.drain)
        await plain.shutdown(.drain)
    }
    #endif

    @Test func shutdownDrainsAdmittedWorkAndRejectsNewWork() async throws {
        let pool = WorkerPool(configuration: try .folio(workers: 2))
        let done = Locked(0)
        var handles: [JobHandle<Void>] = []
        for index in 0..<20 {
            if case .admitted(let handle) = try pool.submit(
                Self.session("priority", tenant: "t\(index % 3)"), cost: 1,
                { _ in
                    try await Task.sleep(for: .milliseconds(1))
                    done.withLock { $0 += 1 }
                })
            {
                handles.append(handle)
            }
        }
        await pool.shutdown(.drain)
        #expect(done.withLock { $0 } == handles.count)
        guard case .rejected(let rejection) = try pool.submit(Self.session("priority"), cost: 1, { _ in () }) else {
            Issue.record("a pool that shut down admits nothing")
            return
        }
        #expect(rejection.reason == .shuttingDown)
        // Not "busy, retry": a pool that is shutting down says so.
        let error = await #expect(throws: SchedulerError.self) {
            try await pool.run(Self.session("priority"), cost: 1) { _ in () }
        }
        #expect(error?.code == .shuttingDown && error?.rejection?.reason == .shuttingDown)
    }

    @Test func shutdownCancelEndsQueuedAndRunningJobs() async throws {
        let pool = WorkerPool(configuration: try .folio(workers: 1))
        let started = Gate()
        guard
            case .admitted(let running) = try pool.submit(
                Self.session("priority"), cost: 1,
                { context in
                    started.open()
                    while true {
                        try await context.checkpoint()
                        try await Task.sleep(for: .milliseconds(1))
                    }
                }), case .admitted(let queued) = try pool.submit(Self.session("priority"), cost: 1, { _ in () })
        else {
            Issue.record("admitted")
            return
        }
        await started.wait()
        await pool.shutdown(.cancel)
        for handle in [running, queued] {
            let error = await #expect(throws: SchedulerError.self) { try await handle.value }
            #expect(error?.code == .shuttingDown)
        }
        #expect(pool.statistics.classes["priority"]?.cancelled == 2)
    }

    /// 100,000 jobs from 64 concurrent submitters, a random tenth of them cancelled at random
    /// moments (queued or running): every job is accounted for exactly once, by the submitters
    /// and by the pool's own counts.
    @Test func stressEveryJobEndsExactlyOnce() async throws {
        var configuration = try SchedulerConfiguration.folio(workers: 4)
        configuration.admissionControl = false
        let pool = WorkerPool(configuration: configuration)
        let submitters = 64
        let jobsPerSubmitter = 100_000 / submitters + 1
        let ran = Locked(Set<Int>())
        let ranTwice = Locked(0)
        let outcomes = try await withThrowingTaskGroup(of: [String: Int].self) { group in
            for submitter in 0..<submitters {
                group.addTask {
                    var random = SplitMix64(seed: UInt64(submitter) + 1)
                    var counts: [String: Int] = [:]
                    for index in 0..<jobsPerSubmitter {
                        let number = submitter * jobsPerSubmitter + index
                        guard number < 100_000 else { break }
                        let session = Session(
                            tenant: "t\(number % 7)", id: "s\(submitter)",
                            serviceClass: number % 5 == 0 ? "priority" : "standard")
                        let cancelIt = Int.random(in: 0..<10, using: &random) == 0
                        let job = Task {
                            try await pool.run(session, cost: Double(1 + number % 100)) { context in
                                if number % 3 == 0 { try await context.checkpoint() }
                                let inserted = ran.withLock { $0.insert(number).inserted }
                                if !inserted { ranTwice.withLock { $0 += 1 } }
                                if number % 11 == 0 { await Task.yield() }
                                try await context.checkpoint()
                            }
                        }
                        if cancelIt {
                            if Bool.random(using: &random) { await Task.yield() }
                            job.cancel()
                        }
                        do {
                            try await job.value
                            counts["completed", default: 0] += 1
                        } catch is CancellationError {
                            counts["cancelled", default: 0] += 1
                        } catch {
                            counts["other: \(error)", default: 0] += 1
                        }
                    }
                    return counts
                }
            }
            var total: [String: Int] = [:]
            for try await counts in group { total.merge(counts, uniquingKeysWith: +) }
            return total
        }
        #expect(outcomes.keys.allSatisfy { $0 == "completed" || $0 == "cancelled" }, "\(outcomes)")
        #expect(outcomes.values.reduce(0, +) == 100_000)
        #expect(ranTwice.withLock { $0 } == 0, "a job body ran twice")
        let statistics = pool.statistics
        let admitted = statistics.classes.values.reduce(0) { $0 + $1.admitted }
        let completed = statistics.classes.values.reduce(0) { $0 + $1.completed }
        let cancelled = statistics.classes.values.reduce(0) { $0 + $1.cancelled }
        let other = statistics.classes.values.reduce(0) { $0 + $1.failed + $1.timedOut + $1.queued + $1.running }
        #expect(admitted == 100_000)
        #expect(completed == outcomes["completed", default: 0])
        #expect(cancelled == outcomes["cancelled", default: 0])
        #expect(other == 0)
        #expect(outcomes["cancelled", default: 0] > 0, "some cancellations landed")
    }
}

/// A mutex-protected value that escaping closures can share.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<Result>(_ body: (inout sending Value) throws -> sending Result) rethrows -> sending Result {
        try mutex.withLock(body)
    }
}
