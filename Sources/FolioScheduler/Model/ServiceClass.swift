/// A service class: how one kind of session is ordered, admitted and protected from starvation.
///
/// Classes with a lower ``precedence`` are served first; classes with equal precedence share
/// workers in proportion to their ``weight`` (by cost). The defaults are ``priority`` (sessions
/// holding an active pass) and ``standard`` (everyone else); an enterprise class that shares the
/// priority tier at three times its weight is
/// `ServiceClass(name: "enterprise", precedence: 0, weight: 3, maxQueuedJobs: 4096)`.
public struct ServiceClass: Hashable, Sendable {
    /// The name jobs use to pick the class (`"priority"`, `"standard"`).
    public var name: String
    /// Lower is served first; a queued job never waits behind a job of a higher precedence number,
    /// except for aged jobs and reserved shares.
    public var precedence: Int
    /// Share between classes of equal precedence (1…1,000).
    public var weight: Int
    /// The longest a job of this class should queue. It bounds admission (a job whose estimated
    /// wait is longer is rejected with a `retryAfter`) and ages jobs: one that has waited nearly
    /// this long is served next. `nil`: no wait-based admission and no aging.
    public var maxWait: Duration?
    /// The most jobs of this class that may queue; beyond it, jobs are rejected. Bounds memory.
    public var maxQueuedJobs: Int
    /// The fraction of the workers this class always gets while its work is waiting (0…0.5),
    /// rounded down, and at least one worker when the pool has four or more.
    public var reservedShare: Double

    public init(
        name: String, precedence: Int, weight: Int = 1, maxWait: Duration? = nil,
        maxQueuedJobs: Int = 65_536, reservedShare: Double = 0
    ) {
        self.name = name
        self.precedence = precedence
        self.weight = weight
        self.maxWait = maxWait
        self.maxQueuedJobs = maxQueuedJobs
        self.reservedShare = reservedShare
    }

    /// Sessions holding an active pass: served first, admitted up to a hard queue bound.
    public static let priority = ServiceClass(name: "priority", precedence: 0, maxQueuedJobs: 4_096)

    /// Everyone else: admitted while the estimated wait is at most 30 s, aged before 30 s, and
    /// given at least 10 % of the workers whenever standard work waits.
    public static let standard = ServiceClass(
        name: "standard", precedence: 1, maxWait: .seconds(30), maxQueuedJobs: 65_536, reservedShare: 0.1)

    /// The number of workers reserved for this class in a pool of `workers`.
    public func reservedWorkers(of workers: Int) -> Int {
        guard reservedShare > 0 else { return 0 }
        let share = Int((Double(workers) * reservedShare).rounded(.down))
        return workers >= 4 ? Swift.max(1, share) : share
    }
}
