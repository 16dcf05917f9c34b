internal import Foundation
internal import Synchronization

/// Elements made on a thread of their own and consumed by one task through a bounded buffer: Folio's
/// ``BlockStream`` and `ChunkStream` are this type.
///
/// 1. The first `next()` starts the producing job on a thread of its own (parsing and counting are
///    synchronous work that must not block Swift's cooperative threads).
/// 2. The job hands elements on in batches (the blocks one read of the input gave, the chunks cut from
///    them); at most `capacity` batches wait for the consumer, so a slow consumer slows the producer
///    instead of growing memory.
/// 3. The iterator takes a whole batch at a time and returns its elements one by one: the consuming task
///    suspends only when no batch is ready, and the producer hears from it once per batch.
/// 4. Cancelling the consuming task, or dropping the last iterator, stops the job at its next hand-off.
///
/// A stream is consumed once, by one task. After the last element, ``outcome`` (`metadata` for Folio's
/// streams) holds what the job returned; a failure ends the iteration by throwing the job's error.
///
/// - Important: Cancellation is checked before every element; the job sees it at its next hand-off.
public struct BoundedStream<Element: Sendable, Outcome: Sendable, Failure: Error>: AsyncSequence, Sendable {
    /// The producing job: it hands batches to `send`, which waits while the buffer is full and throws the
    /// stream's cancellation error once the consumer is gone; it returns the outcome.
    package typealias Job = @Sendable (_ send: ([Element]) throws(Failure) -> Void) throws(Failure) -> Outcome

    private let producer: Producer

    /// A stream whose job runs on a thread named `threadName`, at most `capacity` batches ahead of the
    /// consumer; `cancellation` makes the error a cancelled stream throws.
    package init(
        capacity: Int, threadName: String, cancellation: @escaping @Sendable (_ reason: String) -> Failure,
        job: @escaping Job
    ) {
        producer = Producer(capacity: capacity, threadName: threadName, cancellation: cancellation, job: job)
    }

    /// What the job returned, once the iteration has ended (nil before, and after a failure).
    public var outcome: Outcome? { producer.queue.outcome }

    public func makeAsyncIterator() -> Iterator { Iterator(producer: producer) }

    public struct Iterator: AsyncIteratorProtocol {
        private let producer: Producer
        private let lifetime: ConsumerLifetime
        /// The batch being handed out, last element first (so each is moved out, not copied).
        private var batch: [Element] = []

        fileprivate init(producer: Producer) {
            self.producer = producer
            self.lifetime = ConsumerLifetime(queue: producer.queue)
        }

        public mutating func next() async throws(Failure) -> Element? {
            try await next(isolation: nil)
        }

        public mutating func next(isolation actor: isolated (any Actor)?) async throws(Failure) -> Element? {
            if !batch.isEmpty {
                if Task.isCancelled {
                    batch = []
                    producer.queue.cancel()
                    throw producer.cancellation("the task reading the stream was cancelled")
                }
                return batch.removeLast()
            }
            producer.startIfNeeded()
            guard var next = try await producer.queue.next() else { return nil }
            next.reverse()
            batch = next
            return batch.removeLast()  // the job sends no empty batch
        }
    }

    /// The job, its thread and the queue between it and the consumer.
    fileprivate final class Producer: Sendable {
        let queue: HandoffQueue<[Element], Outcome, Failure>
        let cancellation: @Sendable (String) -> Failure
        private let threadName: String
        private let job: Job
        private let isStarted = Atomic(false)

        init(
            capacity: Int, threadName: String, cancellation: @escaping @Sendable (String) -> Failure,
            job: @escaping Job
        ) {
            queue = HandoffQueue(capacity: capacity, cancellation: cancellation)
            self.cancellation = cancellation
            self.threadName = threadName
            self.job = job
        }

        func startIfNeeded() {
            guard !isStarted.load(ordering: .acquiring),
                isStarted.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
            else { return }
            let thread = Thread { [self] in produce() }
            thread.name = threadName
            thread.stackSize = 8 << 20
            thread.start()
        }

        private func produce() {
            do throws(Failure) {
                let queue = self.queue
                let outcome = try job { batch throws(Failure) in
                    if !batch.isEmpty { try queue.put(batch) }
                }
                queue.finish(.success(outcome))
            } catch {
                queue.finish(.failure(error))
            }
        }
    }

    /// An object whose end cancels the queue: iterators hold one, so dropping the last iterator of a
    /// stream stops the thread behind it.
    fileprivate final class ConsumerLifetime: Sendable {
        let queue: HandoffQueue<[Element], Outcome, Failure>
        init(queue: HandoffQueue<[Element], Outcome, Failure>) { self.queue = queue }
        deinit { queue.cancel() }
    }
}
