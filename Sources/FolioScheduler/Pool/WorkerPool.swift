internal import Foundation
internal import Synchronization

/// Runs jobs for sessions on N workers with priority classes, fairness between tenants,
/// admission control, yielding, cancellation, deadlines and graceful shutdown.
///
/// A worker is a permit to run on one of the pool's own threads: a job's body runs in the task that
/// awaits it (``run(_:cost:options:_:)``) or in a task the pool creates (``submit(_:cost:options:_:)``),
/// once the ``Scheduler`` state machine dispatches it, with the pool's threads as its task executor,
/// so that parsing, counting and cutting never occupy one of Swift's cooperative threads. All
/// decisions happen in that state machine, under one `Mutex`, and take microseconds; continuations
/// are resumed outside the lock.
///
/// - Important: Every admitted job ends exactly once — completed, failed, cancelled or timed
///   out — and ``statistics`` counts it. Task cancellation reaches a queued job, which leaves the
///   queue at once, and a running one, which sees `Task.isCancelled` and a throwing
///   ``JobContext/checkpoint()``.
public final class WorkerPool: Sendable {
    public let configuration: SchedulerConfiguration

    /// What a queued job's task is doing, so that a dispatch that comes before the task waits is not lost.
    enum Waiter {
        case waiting(UnsafeContinuation<Void, any Error>)
        case dispatched
        case failed(any Error)
    }

    struct State {
        var scheduler: Scheduler
        var waiters: [JobID: Waiter] = [:]
        /// Running jobs the pool itself cancelled (shutdown), whose next checkpoint throws.
        var cancelledRunning: Set<JobID> = []
        var drainWaiters: [CheckedContinuation<Void, Never>] = []
        var timekeeperRunning = false
        /// Retry bookings by session: a rejected job's token, until it expires, for the session's next
        /// job that brings none (an HTTP client retrying the same request knows nothing of tokens).
        var retryBookings: [Session: [(token: RetryToken, expires: Duration)]] = [:]
    }

    /// Bookings a session may hold at once; older ones are dropped (the scheduler releases them).
    static let maxBookingsPerSession = 16

    /// Continuations to resume once the lock is released.
    struct Resumptions {
        var continuations: [(UnsafeContinuation<Void, any Error>, Result<Void, any Error>)] = []
        var ended: [EndedJob] = []
        var drained: [CheckedContinuation<Void, Never>] = []

        func perform(_ metrics: PoolMetrics) {
            for (continuation, result) in continuations { continuation.resume(with: result) }
            for job in ended { metrics.ended(job) }
            for waiter in drained { waiter.resume() }
        }
    }

    let state: Mutex<State>
    /// One thread per worker: the task executor every job's body runs on.
    let threads: WorkerThreads
    /// Threads for short blocking work outside the scheduler (``perform(_:)``).
    let auxiliaryThreads: WorkerThreads
    let clock = ContinuousClock()
    let epoch: ContinuousClock.Instant
    let metrics: PoolMetrics

    /// A pool with Folio's default classes and one worker per active core.
    public convenience init() {
        // The default configuration is valid for any core count up to 4,096.
        try! self.init(configuration: .folio(workers: Swift.min(4_096, Self.activeCores)))
    }

    public init(configuration: SchedulerConfiguration) {
        self.configuration = configuration
        self.state = Mutex(State(scheduler: Scheduler(configuration: configuration)))
        self.epoch = clock.now
        self.metrics = PoolMetrics(classNames: configuration.classes.map(\.name))
        self.threads = WorkerThreads(
            count: configuration.workers, name: "folio.worker", niceness: configuration.workerNiceness)
        self.auxiliaryThreads = WorkerThreads(
            count: Swift.max(2, Swift.min(configuration.workers, Self.auxiliaryThreadLimit)), name: "folio.io")
    }

    /// The most auxiliary threads a pool starts: they read, hash and decode, which the disk bounds.
    static let auxiliaryThreadLimit = 8

    /// Time since the pool started, the state machine's clock.
    var now: Duration { clock.now - epoch }

    // MARK: Submitting

    /// Runs `body` as a job of `session` once the scheduler dispatches it, in the calling task.
    ///
    /// A rejection books capacity for the retry (its `retryAfter`). A job that brings no
    /// ``JobOptions/retryToken`` redeems its session's oldest unexpired booking, so a client that
    /// simply sends its request again after `retryAfter` (an HTTP client obeying `Retry-After`) finds
    /// the room that was kept for it.
    ///
    /// - Parameter cost: estimated work in any unit proportional to time (tokens, say).
    /// - Throws: ``SchedulerError/Code/rejected`` (with ``SchedulerError/rejection``) when not
    ///   admitted, ``SchedulerError/Code/shuttingDown`` once ``shutdown(_:)`` has begun (or when it
    ///   cancels the job), ``SchedulerError/Code/unknownClass``, `CancellationError` when cancelled,
    ///   ``SchedulerError/Code/timedOut`` past the deadline, or whatever `body` throws.
    public func run<T: Sendable>(
        _ session: Session, cost: Double, options: JobOptions = JobOptions(),
        _ body: (JobContext) async throws -> T
    ) async throws -> T {
        let id: JobID
        switch try admit(session, cost: cost, options: options) {
        case .rejected(let rejection) where rejection.reason == .shuttingDown:
            throw SchedulerError(
                .shuttingDown, "\(session): \(rejection); nothing new is admitted", rejection: rejection)
        case .rejected(let rejection):
            throw SchedulerError(.rejected, "\(session): \(rejection)", rejection: rejection)
        case .admitted(let admitted):
            id = admitted
        }
        return try await runAdmitted(id, body)
    }

    /// Admits or rejects a job at once; an admitted job runs in a task of its own.
    ///
    /// Rejection is a result, not an error: `.rejected` carries the reason and `retryAfter`.
    ///
    /// - Throws: ``SchedulerError/Code/unknownClass`` when the session names no configured class.
    public func submit<T: Sendable>(
        _ session: Session, cost: Double, options: JobOptions = JobOptions(),
        _ body: @escaping @Sendable (JobContext) async throws -> T
    ) throws(SchedulerError) -> Admission<T> {
        switch try admit(session, cost: cost, options: options) {
        case .rejected(let rejection):
            return .rejected(rejection)
        case .admitted(let id):
            let task = Task(executorPreference: threads) { try await self.runAdmitted(id, body) }
            return .admitted(JobHandle(id: id, task: task))
        }
    }

    private func admit(_ session: Session, cost: Double, options: JobOptions) throws(SchedulerError) -> SubmitDecision {
        guard let classIndex = configuration.classIndex(named: session.serviceClass) else {
            throw SchedulerError(
                .unknownClass,
                "\(session): no service class \"\(session.serviceClass)\"; configured: "
                    + configuration.classes.map(\.name).joined(separator: ", "))
        }
        var request = JobRequest(
            classIndex: classIndex, tenant: session.tenant, cost: cost, maxWait: options.maxWait,
            deadline: options.deadline.map { $0 - epoch }, retryToken: options.retryToken)
        var resumptions = Resumptions()
        let (decision, startTimekeeper, queueLength) = state.withLock { state in
            let now = self.now
            if request.retryToken == nil { request.retryToken = Self.redeemBooking(of: session, in: &state, now: now) }
            let decision = state.scheduler.submit(request, now: now)
            if case .rejected(let rejection) = decision, let token = rejection.retryToken {
                Self.book(
                    token, expires: now + rejection.retryAfter + configuration.retryGrace, for: session, in: &state)
            }
            var startTimekeeper = false
            if case .admitted = decision {
                self.dispatch(&state, now: now, into: &resumptions)
                if request.deadline != nil || request.maxWait != nil, !state.timekeeperRunning {
                    state.timekeeperRunning = true
                    startTimekeeper = true
                }
            }
            return (decision, startTimekeeper, state.scheduler.queueLength(classIndex: classIndex))
        }
        resumptions.perform(metrics)
        metrics.decided(decision, classIndex: classIndex, queueLength: queueLength)
        if startTimekeeper { startTimekeeping() }
        return decision
    }

    /// The session's oldest booking that has not expired, removed from the book.
    private static func redeemBooking(of session: Session, in state: inout State, now: Duration) -> RetryToken? {
        guard var bookings = state.retryBookings[session] else { return nil }
        bookings.removeAll { $0.expires < now }
        let token = bookings.isEmpty ? nil : bookings.removeFirst().token
        state.retryBookings[session] = bookings.isEmpty ? nil : bookings
        return token
    }

    private static func book(_ token: RetryToken, expires: Duration, for session: Session, in state: inout State) {
        if state.retryBookings.count >= 65_536 {
            // Many sessions that never came back: keep only bookings still in force.
            state.retryBookings = state.retryBookings.compactMapValues { bookings in
                let live = bookings.filter { $0.expires >= expires - .seconds(120) }
                return live.isEmpty ? nil : live
            }
        }
        var bookings = state.retryBookings[session, default: []]
        bookings.append((token, expires))
        if bookings.count > maxBookingsPerSession { bookings.removeFirst(bookings.count - maxBookingsPerSession) }
        state.retryBookings[session] = bookings
    }

    /// Waits for the dispatch, runs the body, and reports how it ended.
    private func runAdmitted<T: Sendable>(_ id: JobID, _ body: (JobContext) async throws -> T) async throws -> T {
        try await waitForDispatch(id)
        do {
            let context = JobContext(pool: self, id: id)
            let value = try await withTaskExecutorPreference(threads) { try await body(context) }
            end(id, outcome: .completed)
            return value
        } catch {
            end(id, outcome: Self.outcome(of: error))
            throw error
        }
    }

    static func outcome(of error: any Error) -> JobOutcome {
        if error is CancellationError { return .cancelled }
        if let error = error as? SchedulerError {
            if error.code == .cancelled || error.code == .shuttingDown { return .cancelled }
            if error.code == .timedOut { return .timedOut }
        }
        return .failed
    }

    /// Runs short synchronous work (reading and hashing an input, verifying or decoding a cached
    /// entry) on the pool's auxiliary threads and returns its result: off Swift's cooperative
    /// threads, but outside the scheduler — not admitted, not counted, never queued behind jobs.
    ///
    /// - Important: Work whose cost grows with a document (parsing, counting, cutting, indexing,
    ///   packing) is a job: ``run(_:cost:options:_:)``.
    public func perform<T, Failure: Error>(_ body: () throws(Failure) -> T) async throws(Failure) -> T {
        try await auxiliaryThreads.run(body)
    }

    /// The executor of ``perform(_:)``, for tasks that do such work throughout (a cache's lookups).
    package var auxiliaryExecutor: any TaskExecutor { auxiliaryThreads }

    /// Whether the calling code runs on one of the threads jobs run on (for tests).
    package var ownsCurrentThread: Bool { threads.ownsCurrentThread }

    // MARK: Dispatching

    /// Starts every job the state machine names, recording which continuations to resume.
    func dispatch(_ state: inout State, now: Duration, into resumptions: inout Resumptions) {
        while let id = state.scheduler.nextDispatch(now: now) {
            if case .waiting(let continuation)? = state.waiters.removeValue(forKey: id) {
                resumptions.continuations.append((continuation, .success(())))
            } else {
                state.waiters[id] = .dispatched
            }
        }
    }

    /// Suspends until the job is dispatched; cancellation removes a queued job at once.
    func waitForDispatch(_ id: JobID) async throws {
        try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Void, any Error>) in
                let ready: Result<Void, any Error>? = state.withLock { state in
                    switch state.waiters[id] {
                    case .dispatched?:
                        state.waiters[id] = nil
                        return .success(())
                    case .failed(let error)?:
                        state.waiters[id] = nil
                        return .failure(error)
                    default:
                        state.waiters[id] = .waiting(continuation)
                        return nil
                    }
                }
                if let ready { continuation.resume(with: ready) }
            }
        } onCancel: {
            self.cancel(id, with: CancellationError())
        }
    }

    /// Ends a queued job with `error` (cancellation or shutdown); a running job is left to see
    /// its task's cancellation.
    func cancel(_ id: JobID, with error: any Error) {
        var resumptions = Resumptions()
        state.withLock { state in
            if case .removed(let ended) = state.scheduler.cancel(id, now: self.now) {
                resumptions.ended.append(ended)
                Self.fail(id, with: error, in: &state, into: &resumptions)
                self.noteIfDrained(&state, into: &resumptions)
            }
        }
        resumptions.perform(metrics)
    }

    static func fail(_ id: JobID, with error: any Error, in state: inout State, into resumptions: inout Resumptions) {
        if case .waiting(let continuation)? = state.waiters.removeValue(forKey: id) {
            resumptions.continuations.append((continuation, .failure(error)))
        } else {
            state.waiters[id] = .failed(error)
        }
    }

    /// Reports a running job's end and gives its worker to the next job.
    func end(_ id: JobID, outcome: JobOutcome) {
        var resumptions = Resumptions()
        state.withLock { state in
            let now = self.now
            state.cancelledRunning.remove(id)
            if let ended = state.scheduler.finish(id, outcome: outcome, now: now) {
                resumptions.ended.append(ended)
                self.dispatch(&state, now: now, into: &resumptions)
                self.noteIfDrained(&state, into: &resumptions)
            }
        }
        resumptions.perform(metrics)
    }

    func noteIfDrained(_ state: inout State, into resumptions: inout Resumptions) {
        let load = state.scheduler.load
        if load.running == 0, load.queued == 0, !state.drainWaiters.isEmpty {
            resumptions.drained += state.drainWaiters
            state.drainWaiters.removeAll()
        }
    }

    // MARK: Statistics and shutdown

    /// Counts per class since the pool started, what is queued and running, and the learned rate.
    public var statistics: SchedulerStatistics {
        let nowNs = now.nanosecondCount
        return state.withLock { state in
            var statistics = state.scheduler.statistics
            statistics.isPeak = state.scheduler.isPeak(nowNs)
            return statistics
        }
    }

    // MARK: Fleet

    /// This node's load, for the other nodes of a fleet.
    public var nodeLoad: NodeLoad {
        let nowNs = now.nanosecondCount
        return state.withLock { $0.scheduler.nodeLoad(nowNs: nowNs) }
    }

    /// The other nodes' load (their latest heartbeats, summed): admission estimates waits, books
    /// retries and enters peak mode on the fleet's load from now on. An empty load: on its own again.
    public func updateFleet(_ load: FleetLoad) {
        state.withLock { $0.scheduler.fleet = load }
    }

    /// How a shutdown treats queued work.
    public enum ShutdownMode: Sendable {
        /// Run everything already admitted, then return.
        case drain
        /// Cancel queued jobs at once (they end as cancelled, throwing ``SchedulerError/Code/shuttingDown``),
        /// tell running jobs (their next checkpoint throws it), and return when they have ended.
        case cancel
    }

    /// Stops admitting (later submissions are rejected with ``Rejection/Reason/shuttingDown``)
    /// and returns when no admitted job is left.
    public func shutdown(_ mode: ShutdownMode) async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            var resumptions = Resumptions()
            state.withLock { state in
                state.scheduler.beginShutdown()
                if mode == .cancel {
                    let error = SchedulerError(.shuttingDown, "cancelled: the pool is shutting down")
                    for id in state.scheduler.queuedJobs {
                        if case .removed(let ended) = state.scheduler.cancel(id, now: self.now) {
                            resumptions.ended.append(ended)
                            Self.fail(id, with: error, in: &state, into: &resumptions)
                        }
                    }
                    state.cancelledRunning = Set(state.scheduler.runningJobs)
                }
                state.drainWaiters.append(waiter)
                self.noteIfDrained(&state, into: &resumptions)
            }
            resumptions.perform(metrics)
        }
    }

    static var activeCores: Int { Swift.max(1, ProcessInfo.processInfo.activeProcessorCount) }
}

/// The result of ``WorkerPool/submit(_:cost:options:_:)``.
public enum Admission<Value: Sendable>: Sendable {
    case admitted(JobHandle<Value>)
    case rejected(Rejection)
}

/// An admitted job running in a task of its own.
public struct JobHandle<Value: Sendable>: Sendable {
    public let id: JobID
    let task: Task<Value, any Error>

    /// The job's result; cancelling the awaiting task cancels the job.
    public var value: Value {
        get async throws {
            try await withTaskCancellationHandler {
                try await task.value
            } onCancel: {
                task.cancel()
            }
        }
    }

    /// Cancels the job: queued, it leaves the queue at once; running, it sees the cancellation.
    public func cancel() { task.cancel() }
}
