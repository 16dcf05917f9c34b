// Performance notes
//
// Every hand-off between Folio's pipeline threads goes through this queue, so its cost per item decides
// whether the pipeline keeps up with its slowest stage. Before this type, each block and each chunk
// crossed on its own, through two semaphores (a free slot, a filled slot) and, before an async consumer,
// a continuation resumed per chunk: `folio chunk` of a 50 MB generated report (release, 2026-12-07) made
// 311,000 futex calls for 295,000 blocks and 25,000 chunks, and spent a third of its CPU time in the
// kernel switching threads (1.32 s of system time). Now:
// - items are batches (the blocks one read of the input completed, the chunks cut from one batch), so a
//   hand-off moves hundreds of elements;
// - a side sleeps only when it must (the queue is full, or empty) and says so in the shared state, and
//   the other side signals only then: a hand-off to a busy side is one uncontended lock, no system call.
// The same run now makes 2,845 futex calls (0.07 s of system time). See BENCHMARKS.md, "The streaming path
// at the batch speed".

internal import DequeModule
internal import Foundation
internal import Synchronization

/// A bounded queue of items between one producing thread and one consumer, a thread or a task.
///
/// 1. The producer queues items with ``put(_:)``, waiting while `capacity` items are queued, and ends
///    the queue with ``finish(_:)`` (what it made of the input, or its error).
/// 2. The consumer takes them in order with ``take()`` on a thread or ``next()`` in a task, waiting
///    while none is queued; after the last item it gets nil, or the producer's error.
/// 3. ``cancel()`` says the consumer is gone: the producer's next ``put(_:)`` throws the cancellation
///    error, and a waiting producer wakes to throw it.
///
/// A side that has to wait records it in the shared state before it sleeps, and the other side wakes it
/// only then, so a hand-off to a side that is busy costs one uncontended lock.
///
/// - Important: One producer and one consumer. Memory is bounded by `capacity` items, so an item
///   should be bounded too (a batch of what one read of the input gave, say).
package final class HandoffQueue<Item: Sendable, Outcome: Sendable, Failure: Error>: Sendable {
    private enum Waiter {
        case none
        case thread
        case task(CheckedContinuation<Void, Never>)
    }

    private struct State {
        var items = Deque<Item>()
        var end: Result<Outcome, Failure>?
        /// The consumer has been handed the end.
        var isEndTaken = false
        var isCancelled = false
        var producerWaits = false
        var consumer = Waiter.none
    }

    private enum Step {
        case item(Item, wakeProducer: Bool)
        case end(Result<Outcome, Failure>)
        case cancelled
        case wait
    }

    private enum Put {
        case queued
        case wait
        case cancelled
    }

    private let state = Mutex(State())
    private let capacity: Int
    private let cancellation: @Sendable (_ reason: String) -> Failure
    // Created at zero and signalled only for a side that said it waits: each signal meets one wait.
    private let producerWake = DispatchSemaphore(value: 0)
    private let consumerWake = DispatchSemaphore(value: 0)

    /// A queue of at most `capacity` items; `cancellation` makes the error a cancelled side throws.
    package init(capacity: Int, cancellation: @escaping @Sendable (_ reason: String) -> Failure) {
        precondition(capacity > 0, "a hand-off queue holds at least one item")
        self.capacity = capacity
        self.cancellation = cancellation
    }

    /// What the producer returned, once the consumer has been handed the end (nil before, and after a
    /// failure).
    package var outcome: Outcome? {
        state.withLock { state in
            guard state.isEndTaken, case .success(let outcome)? = state.end else { return nil }
            return outcome
        }
    }

    /// Items queued and not yet taken: for a producer that does extra work for the consumer only
    /// when the consumer has work waiting.
    package var count: Int { state.withLock { $0.items.count } }

    // MARK: Producer

    /// Queues `item`, waiting while the queue is full.
    ///
    /// - Throws: the cancellation error once the consumer is gone (the item is dropped).
    package func put(_ item: Item) throws(Failure) {
        while true {
            let (put, consumer) = state.withLock { state -> (Put, Waiter) in
                if state.isCancelled { return (.cancelled, .none) }
                guard state.items.count < capacity else {
                    state.producerWaits = true
                    return (.wait, .none)
                }
                state.items.append(item)
                defer { state.consumer = .none }
                return (.queued, state.consumer)
            }
            switch put {
            case .queued:
                wake(consumer)
                return
            case .wait:
                producerWake.wait()
            case .cancelled:
                throw cancellation("the consumer stopped reading the stream")
            }
        }
    }

    /// Ends the queue: after the items queued, the consumer gets nil (success) or `result`'s error.
    package func finish(_ result: Result<Outcome, Failure>) {
        let consumer = state.withLock { state -> Waiter in
            state.end = result
            defer { state.consumer = .none }
            return state.consumer
        }
        wake(consumer)
    }

    // MARK: Consumer

    /// The next item, waiting on this thread while none is queued; nil after the last one.
    ///
    /// - Throws: the producer's error, after the items queued before it; the cancellation error after
    ///   ``cancel()``.
    package func take() throws(Failure) -> Item? {
        while true {
            let step = state.withLock { state -> Step in
                let step = Self.step(&state)
                if case .wait = step { state.consumer = .thread }
                return step
            }
            if case .wait = step {
                consumerWake.wait()
                continue
            }
            return try deliver(step)
        }
    }

    /// The next item, suspending the calling task while none is queued; nil after the last one.
    /// Cancelling the task cancels the queue.
    ///
    /// - Throws: the producer's error, after the items queued before it; the cancellation error when
    ///   the task is cancelled.
    package func next() async throws(Failure) -> Item? {
        while true {
            if Task.isCancelled {
                cancel()
                throw cancellation("the task reading the stream was cancelled")
            }
            let step = state.withLock { Self.step(&$0) }
            guard case .wait = step else { return try deliver(step) }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow = state.withLock { state -> Bool in
                        guard state.items.isEmpty && state.end == nil && !state.isCancelled else { return true }
                        state.consumer = .task(continuation)
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            } onCancel: {
                self.cancel()
            }
        }
    }

    /// The consumer is gone: the producer stops at its next ``put(_:)`` (or wakes to stop now), and the
    /// items queued are dropped.
    package func cancel() {
        let (producerWaits, consumer) = state.withLock { state -> (Bool, Waiter) in
            guard !state.isCancelled else { return (false, .none) }
            state.isCancelled = true
            state.items.removeAll()
            defer {
                state.producerWaits = false
                state.consumer = .none
            }
            return (state.producerWaits, state.consumer)
        }
        if producerWaits { producerWake.signal() }
        wake(consumer)
    }

    // MARK: Steps

    /// What the consumer does next; takes the item or the end from `state` when there is one.
    private static func step(_ state: inout State) -> Step {
        if let item = state.items.popFirst() {
            defer { state.producerWaits = false }
            return .item(item, wakeProducer: state.producerWaits)
        }
        if state.isCancelled { return .cancelled }
        if let end = state.end {
            state.isEndTaken = true
            return .end(end)
        }
        return .wait
    }

    private func deliver(_ step: Step) throws(Failure) -> Item? {
        switch step {
        case .item(let item, let wakeProducer):
            if wakeProducer { producerWake.signal() }
            return item
        case .end(.success):
            return nil
        case .end(.failure(let error)):
            throw error
        case .cancelled:
            throw cancellation("the stream was cancelled")
        case .wait:
            preconditionFailure("a consumer delivered a wait")
        }
    }

    private func wake(_ waiter: Waiter) {
        switch waiter {
        case .none: break
        case .thread: consumerWake.signal()
        case .task(let continuation): continuation.resume()
        }
    }
}
