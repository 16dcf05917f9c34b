internal import Synchronization

/// Deadlines of queued jobs: one timekeeping task, started with the first job that has a deadline.
extension WorkerPool {
    /// The longest the timekeeper sleeps before looking again, so that a deadline added while
    /// it sleeps is honoured within this much.
    static let timekeepingInterval = Duration.milliseconds(5)

    func startTimekeeping() {
        Task { [weak self] in
            while let pool = self {
                guard let sleepUntil = pool.expireDue() else { return }
                try? await Task.sleep(until: sleepUntil, clock: pool.clock)
            }
        }
    }

    /// Ends queued jobs past their deadline; returns when to look next, or `nil` to stop (no
    /// deadline is pending; the next job with one starts the timekeeper again).
    private func expireDue() -> ContinuousClock.Instant? {
        var resumptions = Resumptions()
        let next: ContinuousClock.Instant? = state.withLock { state in
            let now = self.now
            for ended in state.scheduler.expire(now: now) {
                resumptions.ended.append(ended)
                Self.fail(
                    ended.id, with: SchedulerError(.timedOut, "\(ended.id): passed its deadline while queued"),
                    in: &state, into: &resumptions)
            }
            self.noteIfDrained(&state, into: &resumptions)
            guard let deadline = state.scheduler.nextDeadline() else {
                state.timekeeperRunning = false
                return nil
            }
            return epoch + Swift.min(deadline, now + Self.timekeepingInterval)
        }
        resumptions.perform(metrics)
        return next
    }
}
