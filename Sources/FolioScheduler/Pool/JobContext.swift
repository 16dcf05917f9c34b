internal import Synchronization

/// What a running job can ask of its pool: whether to stop, and a checkpoint at unit boundaries.
public struct JobContext: Sendable {
    let pool: WorkerPool
    public let id: JobID

    /// Call between units of work (a document, a batch of chunks). It throws `CancellationError`
    /// when the job's task was cancelled, ``SchedulerError/Code/shuttingDown`` when the pool is
    /// shutting down with ``WorkerPool/ShutdownMode/cancel``, and ``SchedulerError/Code/timedOut``
    /// past the job's deadline; and it suspends the job when the scheduler wants its worker for
    /// higher-precedence work, resuming it when a worker is free again.
    public func checkpoint() async throws {
        try Task.checkCancellation()
        enum Decision { case proceed, yielded, cancelled, timedOut }
        var resumptions = WorkerPool.Resumptions()
        let decision: Decision = pool.state.withLock { state in
            let now = pool.now
            if state.cancelledRunning.contains(id) { return .cancelled }
            if state.scheduler.isPastDeadline(id, now: now) { return .timedOut }
            guard state.scheduler.checkpoint(id, now: now) else { return .proceed }
            pool.dispatch(&state, now: now, into: &resumptions)
            return .yielded
        }
        resumptions.perform(pool.metrics)
        switch decision {
        case .proceed:
            return
        case .cancelled:
            throw SchedulerError(.shuttingDown, "\(id): cancelled by the pool's shutdown")
        case .timedOut:
            throw SchedulerError(.timedOut, "\(id): passed its deadline while running")
        case .yielded:
            try await pool.waitForDispatch(id)
        }
    }

    /// Whether the job should stop: its task was cancelled or the pool is cancelling it.
    public var isCancelled: Bool {
        Task.isCancelled || pool.state.withLock { $0.cancelledRunning.contains(id) }
    }
}
