internal import Foundation
internal import Synchronization

/// The bounded buffer between a producing thread and one consuming task, behind Folio's streams.
///
/// The job runs on a thread of its own (parsing and counting are synchronous work that must not block
/// Swift's cooperative threads), started by the first `next()`. It hands elements to `send`, which
/// waits on a counting semaphore (one permit per free slot), so the producer stays at most `capacity`
/// elements ahead of the consumer; the consumer suspends on a continuation when the buffer is empty.
/// Cancelling (the consuming task is cancelled, or the last iterator goes away) makes the next `send`
/// throw the job's cancellation error, which stops the job. State lives in a `Mutex`.
package final class ProducerChannel<Element: Sendable, Outcome: Sendable, Failure: Error>: Sendable {
    package typealias Job = @Sendable (_ send: (Element) throws(Failure) -> Void) throws(Failure) -> Outcome

    private struct State {
        var pending = FIFOBuffer<Element>()
        var ended: Result<Outcome, Failure>?
        var waiter: CheckedContinuation<Void, Never>?
        var isCancelled = false
        var isStarted = false
    }

    private enum Step {
        case element(Element)
        case end(Result<Outcome, Failure>)
        case wait
    }

    private let state = Mutex(State())
    private let freeSlots: DispatchSemaphore
    private let threadName: String
    private let cancellation: @Sendable (String) -> Failure
    private let job: Job

    package init(capacity: Int, threadName: String, cancellation: @escaping @Sendable (String) -> Failure, job: @escaping Job) {
        // Created empty and then given its permits: libdispatch traps when a semaphore is released with
        // fewer permits than it was created with, which is how a stream left early ends.
        freeSlots = DispatchSemaphore(value: 0)
        for _ in 0..<capacity { freeSlots.signal() }
        self.threadName = threadName
        self.cancellation = cancellation
        self.job = job
    }

    /// What the job returned, once the last element has been delivered (nil before, and after a failure).
    package var outcome: Outcome? {
        state.withLock { state in
            if case .success(let outcome) = state.ended, state.pending.isEmpty { return outcome }
            return nil
        }
    }

    package func next() async throws(Failure) -> Element? {
        startIfNeeded()
        while true {
            if Task.isCancelled {
                cancel()
                throw cancellation("the task reading the stream was cancelled")
            }
            let step: Step = state.withLock { state in
                if let element = state.pending.popFirst() { return .element(element) }
                if let ended = state.ended { return .end(ended) }
                return .wait
            }
            switch step {
            case .element(let element):
                freeSlots.signal()
                return element
            case .end(.success):
                return nil
            case .end(.failure(let error)):
                throw error
            case .wait:
                await withTaskCancellationHandler {
                    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                        let resumeNow = state.withLock { state -> Bool in
                            if !state.pending.isEmpty || state.ended != nil || state.isCancelled { return true }
                            state.waiter = continuation
                            return false
                        }
                        if resumeNow { continuation.resume() }
                    }
                } onCancel: {
                    self.cancel()
                }
            }
        }
    }

    /// Stops the producer: it sees the cancellation at its next `send` and ends.
    package func cancel() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.isCancelled else { return nil }
            state.isCancelled = true
            defer { state.waiter = nil }
            return state.waiter
        }
        freeSlots.signal()
        waiter?.resume()
    }

    /// An object whose end cancels the producer: iterators hold one, so dropping the last iterator of a
    /// stream stops the thread behind it.
    package final class ConsumerLifetime: Sendable {
        let channel: ProducerChannel
        init(channel: ProducerChannel) { self.channel = channel }
        deinit { channel.cancel() }
    }

    package func makeLifetime() -> ConsumerLifetime { ConsumerLifetime(channel: self) }

    private func startIfNeeded() {
        let start = state.withLock { state -> Bool in
            defer { state.isStarted = true }
            return !state.isStarted
        }
        guard start else { return }
        let thread = Thread { [self] in self.produce() }
        thread.name = threadName
        thread.stackSize = 8 << 20
        thread.start()
    }

    private func produce() {
        let result: Result<Outcome, Failure>
        do {
            let outcome = try job { element throws(Failure) in try self.send(element) }
            result = .success(outcome)
        } catch {
            result = .failure(error)
        }
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.ended = result
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    private func send(_ element: Element) throws(Failure) {
        freeSlots.wait()
        let (accepted, waiter) = state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?) in
            guard !state.isCancelled else { return (false, nil) }
            state.pending.append(element)
            defer { state.waiter = nil }
            return (true, state.waiter)
        }
        waiter?.resume()
        if !accepted { throw cancellation("the consumer stopped reading the stream") }
    }
}

/// A first-in-first-out queue over an array, which drops the elements taken once they are more than
/// half of it (amortized O(1) per element, no ring arithmetic).
package struct FIFOBuffer<Element> {
    private var elements: [Element] = []
    private var head = 0

    package init() {}

    package var isEmpty: Bool { head == elements.count }

    package mutating func append(_ element: Element) { elements.append(element) }

    package mutating func popFirst() -> Element? {
        guard head < elements.count else { return nil }
        let element = elements[head]
        head += 1
        if head > 256 && head * 2 > elements.count {
            elements.removeFirst(head)
            head = 0
        }
        return element
    }
}

extension FIFOBuffer: Sendable where Element: Sendable {}
