internal import DequeModule

/// A job as the scheduler's state machine sees it: who, which class, how costly, and its limits.
package struct JobRequest: Sendable {
    /// Index into ``SchedulerConfiguration/classes``.
    package var classIndex: Int
    package var tenant: String
    /// Estimated work, in any unit proportional to time (tokens, say); the scheduler learns the rate.
    package var cost: Double
    /// Overrides the class's `maxWait` for admission; the job times out if still queued after it.
    package var maxWait: Duration?
    /// Absolute deadline, as time since the driver's epoch.
    package var deadline: Duration?
    package var retryToken: RetryToken?

    package init(
        classIndex: Int, tenant: String, cost: Double, maxWait: Duration? = nil, deadline: Duration? = nil,
        retryToken: RetryToken? = nil
    ) {
        self.classIndex = classIndex
        self.tenant = tenant
        self.cost = cost
        self.maxWait = maxWait
        self.deadline = deadline
        self.retryToken = retryToken
    }
}

/// The state machine's answer to a submission.
package enum SubmitDecision: Sendable {
    case admitted(JobID)
    case rejected(Rejection)
}

/// What the state machine did with a cancellation.
package enum CancelDecision: Sendable, Equatable {
    /// The job was queued and has left the queue; it ended as cancelled.
    case removed(EndedJob)
    /// The job is running; the driver must tell it, and report its end with ``Scheduler/finish(_:outcome:now:)``.
    case running
    /// The job has already ended (or never existed).
    case notFound
}

/// A job that has ended, with what the driver needs for accounting.
package struct EndedJob: Sendable, Equatable {
    package var id: JobID
    package var classIndex: Int
    package var outcome: JobOutcome
    /// Time from admission to the first start (zero for a job that never started: see ``queuedTime``).
    package var waitTime: Duration
    /// Total time queued: before its first start plus after each yield.
    package var queuedTime: Duration
    /// Total time running.
    package var serviceTime: Duration
    /// Whether it ever started.
    package var started: Bool
}

/// Counts since the scheduler was created, per class, and what is queued and running now.
public struct SchedulerStatistics: Sendable, Equatable {
    public struct ClassCounts: Sendable, Equatable {
        public var admitted = 0
        public var rejected = 0
        public var completed = 0
        public var failed = 0
        public var cancelled = 0
        public var timedOut = 0
        public var yielded = 0
        public var queued = 0
        public var running = 0
        /// How long a new job of the class would wait now, by the admission estimate (queued work
        /// ahead of it at the learned rate, over the workers it can expect); booked retries excluded.
        public var estimatedWait: Duration = .zero

        /// Admitted jobs that have ended.
        public var ended: Int { completed + failed + cancelled + timedOut }
    }

    public var classes: [String: ClassCounts] = [:]
    /// Learned seconds of running time per unit of cost.
    public var secondsPerCost: Double = 0
    /// Whether the pool is at peak: it refused work within the last 30 s, so pass holders' work is
    /// what it keeps room for (a pool's statistics say; the bare state machine's leave it false).
    public var isPeak = false
}

/// Nanoseconds, the state machine's internal time unit.
extension Duration {
    var nanosecondCount: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

/// One tenant's queue inside a class: FIFO, with its deficit for round-robin by cost.
struct TenantQueue {
    var jobs: Deque<JobID> = []
    var deficit = 0.0
    var inTurn = false
}

/// A reservation for a rejected job's retry.
struct RetryTicket {
    var classIndex: Int
    var cost: Double
    var dueNs: Int64
    var expiresNs: Int64
}

/// One job's record while it is admitted and not yet ended.
struct JobRecord {
    enum State { case waiting, resumable, running }
    var classIndex: Int
    var queueIndex: Int
    var tenant: String
    var cost: Double
    var state: State = .waiting
    var admittedNs: Int64
    var queuedSinceNs: Int64
    var queuedNs: Int64 = 0
    var firstStartNs: Int64 = 0
    var runningSinceNs: Int64 = 0
    var serviceNs: Int64 = 0
    var started = false
    /// The job's deadline: it must end by then, queued or running.
    var deadlineNs: Int64?
    /// Admission time plus the job's own `maxWait`: it must start by then.
    var startByNs: Int64?

    /// When the job, while queued, times out.
    var queuedExpiryNs: Int64? {
        guard !started, let startByNs else { return deadlineNs }
        return Swift.min(deadlineNs ?? startByNs, startByNs)
    }
}
