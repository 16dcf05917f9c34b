internal import Synchronization

/// A latch that jobs or computations wait on until the test opens it.
public final class Gate: Sendable {
    private struct State {
        var isOpen = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        var arrivals = 0
    }
    private let state = Mutex(State())

    public init() {}

    /// Waits until ``open()``; not cancellable, so work blocked here outlives a cancelled waiter.
    public func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state in
                state.arrivals += 1
                if state.isOpen { return true }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    public func open() {
        let waiters = state.withLock { state in
            state.isOpen = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// How many waiters have reached the gate.
    public var arrivals: Int { state.withLock { $0.arrivals } }
}
