internal import Dispatch
internal import Synchronization

/// Blocks the threads that call ``block()`` synchronously — as parsing a large document blocks the
/// thread it runs on — until ``release()``, or until `timeout` passes, so that code which wrongly
/// blocks the cooperative pool fails its test instead of hanging it.
public final class ThreadBlocker: Sendable {
    private struct State {
        var blocked = 0
        var released = false
        var timedOut = false
    }
    private let state = Mutex(State())
    private let semaphore = DispatchSemaphore(value: 0)
    private let timeout: Duration

    public init(timeout: Duration = .seconds(20)) { self.timeout = timeout }

    /// Blocks the calling thread until ``release()`` or the timeout.
    public func block() {
        let released = state.withLock { state in
            state.blocked += 1
            return state.released
        }
        guard !released else { return }
        let nanoseconds = Int(timeout.components.seconds) * 1_000_000_000
        if semaphore.wait(timeout: .now() + .nanoseconds(nanoseconds)) == .timedOut {
            state.withLock { $0.timedOut = true }
        }
    }

    /// Releases every blocked thread, and lets later callers of ``block()`` through.
    public func release() {
        let count = state.withLock { state in
            state.released = true
            return state.blocked
        }
        for _ in 0..<count { semaphore.signal() }
    }

    /// Threads that have called ``block()``.
    public var blockedCount: Int { state.withLock { $0.blocked } }
    /// Whether a thread gave up waiting: nothing released it within the timeout.
    public var timedOut: Bool { state.withLock { $0.timedOut } }
}

/// Measures what a host's timers and event loops would feel: how long a task started on Swift's
/// global concurrent (cooperative) executor waits before it runs.
public enum CooperativeLatency {
    public static func probe() async -> Duration {
        let clock = ContinuousClock()
        let start = clock.now
        let ran = await Task.detached { clock.now }.value
        return ran - start
    }

    /// The `fraction` quantile (0…1) of `samples`.
    public static func quantile(_ samples: [Duration], _ fraction: Double) -> Duration {
        precondition(!samples.isEmpty, "no samples")
        let sorted = samples.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * fraction).rounded()))]
    }
}
