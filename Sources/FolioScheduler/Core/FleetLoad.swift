/// One node's load as it publishes it to the rest of a fleet (`folio serve` nodes on one
/// database), per queue of its scheduler (the configured classes, in order).
public struct NodeLoad: Sendable, Equatable {
    /// Worker threads.
    public var workers: Int
    /// Estimated seconds of work queued, per queue (queued cost × the node's learned seconds per cost).
    public var queuedSeconds: [Double]
    /// Jobs running, per queue.
    public var running: [Int]
    /// Whether the node itself refused work within the peak window (never because of other nodes,
    /// so that one node's peak does not echo around the fleet for ever).
    public var isPeak: Bool

    public init(workers: Int, queuedSeconds: [Double], running: [Int], isPeak: Bool) {
        self.workers = workers
        self.queuedSeconds = queuedSeconds
        self.running = running
        self.isPeak = isPeak
    }
}

/// The other nodes of a fleet, summed: what admission adds to its own node's load.
///
/// With it, a node estimates a class's wait as the fleet's (all queued work ahead over all the
/// workers it can expect), so its `Retry-After` is the fleet's backlog, and it is at peak while any
/// node is. A node whose own queue is short still admits (work-conserving: no worker idles while other
/// nodes are busy).
public struct FleetLoad: Sendable, Equatable {
    public var nodes = 0
    public var workers = 0
    public var queuedSeconds: [Double] = []
    public var running: [Int] = []
    public var isPeak = false

    public init() {}

    /// The sum of `loads` (nodes whose queues do not match `queues` in number are left out).
    public init(summing loads: some Sequence<NodeLoad>, queues: Int) {
        queuedSeconds = Array(repeating: 0, count: queues)
        running = Array(repeating: 0, count: queues)
        for load in loads
        where load.queuedSeconds.count == queues && load.running.count == queues {
            nodes += 1
            workers += load.workers
            isPeak = isPeak || load.isPeak
            for index in 0..<queues {
                queuedSeconds[index] += load.queuedSeconds[index]
                running[index] += load.running[index]
            }
        }
    }
}
