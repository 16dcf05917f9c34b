/// Everything that shapes a scheduler's decisions. Validated by ``init(workers:classes:)``.
///
/// The same configuration drives the real ``WorkerPool`` and the ``Simulator``. ``fifo(workers:)``
/// and ``strict(workers:)`` are the baselines the simulator reports beside Folio's policy.
public struct SchedulerConfiguration: Sendable {
    /// How queued work is ordered.
    public enum Ordering: Sendable {
        /// Classes by precedence, tenants by deficit round-robin, FIFO within a tenant.
        case classes
        /// One queue in arrival order for every class and tenant (baseline).
        case fifo
    }

    /// Concurrent jobs (default: the number of active cores).
    public var workers: Int
    /// The service classes, each named uniquely.
    public var classes: [ServiceClass]
    public var ordering: Ordering = .classes
    /// Reject jobs whose estimated wait passes their `maxWait`, and queues at their bound.
    public var admissionControl = true
    /// Admission aims at this fraction of `maxWait` (default 0.6), so that estimation error and the
    /// reordering that fairness between tenants causes stay within the promise.
    public var admissionWaitFraction = 0.6
    /// Serve a job next once it has waited its class's `maxWait` minus ``agingLead``.
    public var aging = true
    /// Keep each class's ``ServiceClass/reservedShare`` of the workers while its work waits.
    public var reservedShares = true
    /// Aging starts this long before a class's `maxWait`, so that an aged job finds a worker
    /// before the promise runs out (default 3 s).
    public var agingLead: Duration = .seconds(3)
    /// At peak (the pool has rejected work within the last 30 s), this many workers are kept
    /// free of lower-precedence work, so that a top-precedence arrival starts at once; running
    /// lower-precedence jobs yield at their next checkpoint to restore it. Default: 1 when the
    /// pool has 8 or more workers.
    public var peakHeadroom: Int
    /// Running jobs of lower precedence yield at checkpoints to waiting higher-precedence work.
    public var yieldsToHigherPrecedence = true
    /// A retry token stays good this long after its retry time (default 10 s).
    public var retryGrace: Duration = .seconds(10)
    /// The cost→time rate before any job has completed, in seconds per unit of cost.
    public var initialSecondsPerCost: Double = 1e-4
    /// How fast the learned rate follows new completions (an exponential average's weight).
    public var rateSmoothing: Double = 0.05
    /// Nice value added to the worker threads (Linux; 0–19): above 0, when jobs keep every core busy
    /// the host's other threads — a server's event loops and health checks — still run at once.
    /// Jobs still get all the CPU nothing else wants.
    public var workerNiceness = 0

    /// Validates the pool size and classes.
    ///
    /// - Throws: ``SchedulerError/Code/invalidConfiguration`` naming the value and its range.
    public init(workers: Int, classes: [ServiceClass] = [.priority, .standard]) throws(SchedulerError) {
        guard (1...4_096).contains(workers) else {
            throw SchedulerError(.invalidConfiguration, "workers is \(workers); use 1…4096")
        }
        guard !classes.isEmpty else {
            throw SchedulerError(.invalidConfiguration, "at least one service class is needed")
        }
        var names = Set<String>()
        for serviceClass in classes {
            guard names.insert(serviceClass.name).inserted else {
                throw SchedulerError(
                    .invalidConfiguration, "service class \"\(serviceClass.name)\" is configured twice")
            }
            guard (1...1_000).contains(serviceClass.weight) else {
                throw SchedulerError(
                    .invalidConfiguration, "class \(serviceClass.name): weight \(serviceClass.weight); use 1…1000")
            }
            guard (0...0.5).contains(serviceClass.reservedShare) else {
                throw SchedulerError(
                    .invalidConfiguration,
                    "class \(serviceClass.name): reserved share \(serviceClass.reservedShare); use 0…0.5")
            }
            guard serviceClass.maxQueuedJobs >= 1 else {
                throw SchedulerError(
                    .invalidConfiguration, "class \(serviceClass.name): maxQueuedJobs must be at least 1")
            }
            if let maxWait = serviceClass.maxWait, maxWait <= .zero {
                throw SchedulerError(.invalidConfiguration, "class \(serviceClass.name): maxWait must be positive")
            }
        }
        self.workers = workers
        self.classes = classes
        self.peakHeadroom = workers >= 8 ? 1 : 0
    }

    /// Folio's policy with the default classes and `workers` (default: the active core count).
    public static func folio(workers: Int) throws(SchedulerError) -> SchedulerConfiguration {
        try SchedulerConfiguration(workers: workers)
    }

    /// Baseline: one FIFO queue, every job admitted, nothing yields.
    public static func fifo(workers: Int) throws(SchedulerError) -> SchedulerConfiguration {
        var configuration = try SchedulerConfiguration(workers: workers)
        configuration.ordering = .fifo
        configuration.admissionControl = false
        configuration.aging = false
        configuration.reservedShares = false
        configuration.peakHeadroom = 0
        configuration.yieldsToHigherPrecedence = false
        return configuration
    }

    /// Baseline: Folio's policy without aging and without reserved shares (priority strictly first).
    public static func strict(workers: Int) throws(SchedulerError) -> SchedulerConfiguration {
        var configuration = try SchedulerConfiguration(workers: workers)
        configuration.aging = false
        configuration.reservedShares = false
        return configuration
    }

    /// The index of the class named `name`.
    public func classIndex(named name: String) -> Int? {
        classes.firstIndex { $0.name == name }
    }
}
