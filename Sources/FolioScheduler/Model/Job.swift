/// Who a job is for: the tenant it bills, the session inside that tenant, and its service class.
public struct Session: Hashable, Sendable, CustomStringConvertible {
    public var tenant: String
    public var id: String
    /// The name of one of the pool's ``ServiceClass``es.
    public var serviceClass: String

    public init(tenant: String, id: String, serviceClass: String) {
        self.tenant = tenant
        self.id = id
        self.serviceClass = serviceClass
    }

    public var description: String { "\(tenant)/\(id) (\(serviceClass))" }
}

/// The identity of one admitted job, unique within a pool or a simulation.
public struct JobID: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public var description: String { "job \(rawValue)" }
}

/// A claim on capacity that a rejection reserved for the rejected job's retry.
///
/// Pass it back in ``JobOptions/retryToken`` when retrying after ``Rejection/retryAfter``; the
/// scheduler then counts the job's work as already booked. A token is good from a little before
/// its retry time until ``SchedulerConfiguration/retryGrace`` after it.
public struct RetryToken: Hashable, Sendable {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
}

/// The honest "busy" answer: why a job was not admitted and when to come back.
public struct Rejection: Hashable, Sendable, CustomStringConvertible {
    public enum Reason: Hashable, Sendable {
        /// The estimated wait passed the job's `maxWait` (standard work at peak).
        case estimatedWaitTooLong(estimate: Duration, limit: Duration)
        /// The class's queue is at its hard bound (priority work at peak).
        case queueFull(limit: Int)
        /// The pool is shutting down.
        case shuttingDown
    }

    public var reason: Reason
    /// When a retry is expected to be admitted.
    public var retryAfter: Duration
    /// Present when capacity was booked for the retry.
    public var retryToken: RetryToken?

    public init(reason: Reason, retryAfter: Duration, retryToken: RetryToken? = nil) {
        self.reason = reason
        self.retryAfter = retryAfter
        self.retryToken = retryToken
    }

    public var description: String {
        let seconds = Double(retryAfter.components.seconds) + Double(retryAfter.components.attoseconds) * 1e-18
        let retry = "retry in \(Int(seconds.rounded(.up))) s"
        switch reason {
        case .estimatedWaitTooLong(let estimate, let limit):
            return "busy: estimated wait \(estimate) is over the limit of \(limit); \(retry)"
        case .queueFull(let limit):
            return "busy: the queue holds its limit of \(limit) jobs; \(retry)"
        case .shuttingDown:
            return "the pool is shutting down"
        }
    }
}

/// How an admitted job ended. Every admitted job ends exactly once, with one of these.
public enum JobOutcome: String, Hashable, Sendable, CaseIterable {
    case completed, failed, cancelled, timedOut
}

/// Per-job options.
public struct JobOptions: Sendable {
    /// The longest this job will queue; admission compares its estimated wait with this, and a
    /// job still queued after it times out. Default: the class's ``ServiceClass/maxWait``.
    public var maxWait: Duration?
    /// The job must end by this time: queued, it leaves the queue as timed out; running, its next
    /// ``JobContext/checkpoint()`` throws ``SchedulerError/Code/timedOut``.
    public var deadline: ContinuousClock.Instant?
    /// The token of an earlier rejection, when this submission is its retry.
    public var retryToken: RetryToken?

    public init(maxWait: Duration? = nil, deadline: ContinuousClock.Instant? = nil, retryToken: RetryToken? = nil) {
        self.maxWait = maxWait
        self.deadline = deadline
        self.retryToken = retryToken
    }
}
