@testable import FolioIngest
import FolioModel
import Foundation
import Synchronization
import Testing

/// The bounded queue between Folio's pipeline threads, and the stream type built on it.
struct HandoffQueueTests {
    typealias Queue = HandoffQueue<Int, String, IngestError>

    static func makeQueue(capacity: Int) -> Queue {
        Queue(capacity: capacity, cancellation: { IngestError(.cancelled, $0) })
    }

    static func failure<Success>(_ result: Result<Success, any Error>) -> (any Error)? {
        if case .failure(let error) = result { return error }
        return nil
    }

    /// Whether `condition` held within five seconds.
    static func waitUntil(_ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(5)
        while !condition() {
            if Date() > deadline { return false }
            Thread.sleep(forTimeInterval: 0.005)
        }
        return true
    }

    /// Runs `body` on a thread of its own; the returned semaphore is signalled when it returns.
    static func onThread(_ body: @escaping @Sendable () -> Void) -> DispatchSemaphore {
        let done = DispatchSemaphore(value: 0)
        Thread {
            body()
            done.signal()
        }.start()
        return done
    }

    @Test func itemsArriveInOrderThenTheOutcome() throws {
        let queue = Self.makeQueue(capacity: 3)
        let producer = Self.onThread {
            for item in 0..<10_000 { try! queue.put(item) }
            queue.finish(.success("done"))
        }
        var taken: [Int] = []
        while let item = try queue.take() { taken.append(item) }
        producer.wait()
        #expect(taken == Array(0..<10_000))
        #expect(queue.outcome == "done")
        #expect(try queue.take() == nil, "the end is given again")
    }

    @Test func theProducerWaitsWhileTheQueueIsFull() throws {
        let queue = Self.makeQueue(capacity: 2)
        let queued = Mutex(0)
        let producer = Self.onThread {
            for item in 0..<5 {
                try! queue.put(item)
                queued.withLock { $0 += 1 }
            }
            queue.finish(.success(""))
        }
        #expect(Self.waitUntil { queued.withLock { $0 } >= 2 })
        Thread.sleep(forTimeInterval: 0.1)
        #expect(queued.withLock { $0 } == 2, "two items fit; the third put waits")
        #expect(queue.count == 2)
        #expect(try queue.take() == 0)
        #expect(Self.waitUntil { queued.withLock { $0 } >= 3 })
        Thread.sleep(forTimeInterval: 0.1)
        #expect(queued.withLock { $0 } == 3)
        while try queue.take() != nil {}
        producer.wait()
        #expect(queued.withLock { $0 } == 5)
    }

    @Test func anErrorComesAfterTheItemsBeforeIt() throws {
        let queue = Self.makeQueue(capacity: 4)
        try queue.put(1)
        try queue.put(2)
        queue.finish(.failure(IngestError(.corruptCompression, "truncated")))
        #expect(try queue.take() == 1)
        #expect(try queue.take() == 2)
        let error = #expect(throws: IngestError.self) { try queue.take() }
        #expect(error?.code == .corruptCompression)
        #expect(queue.outcome == nil)
    }

    @Test func cancellingWakesAWaitingProducerWithTheCancellationError() {
        let queue = Self.makeQueue(capacity: 1)
        let thrown = Mutex<IngestError?>(nil)
        let producer = Self.onThread {
            do throws(IngestError) {
                for item in 0... { try queue.put(item) }
            } catch {
                thrown.withLock { $0 = error }
            }
        }
        #expect(Self.waitUntil { queue.count == 1 })
        Thread.sleep(forTimeInterval: 0.05)  // the producer now waits on a full queue (or soon will)
        queue.cancel()
        #expect(producer.wait(timeout: .now() + 5) == .success, "the producer was not woken")
        #expect(thrown.withLock { $0 }?.code == .cancelled)
        #expect(throws: IngestError.self) { try queue.take() }
    }

    @Test func anAsyncConsumerWaitsForItemsAndSeesTheEnd() async throws {
        let queue = Self.makeQueue(capacity: 2)
        let producer = Self.onThread {
            for item in 0..<1_000 {
                if item % 100 == 0 { Thread.sleep(forTimeInterval: 0.001) }  // the consumer catches up and waits
                try! queue.put(item)
            }
            queue.finish(.success("end"))
        }
        var taken: [Int] = []
        while let item = try await queue.next() { taken.append(item) }
        #expect(taken == Array(0..<1_000))
        #expect(queue.outcome == "end")
        producer.wait()
    }

    @Test func cancellingTheConsumingTaskEndsItsWaitAndStopsTheProducer() async throws {
        let queue = Self.makeQueue(capacity: 1)
        let producerError = Mutex<IngestError?>(nil)
        let consumerEnded = DispatchSemaphore(value: 0)
        let producer = Self.onThread {
            consumerEnded.wait()  // the consumer waits in `next()` meanwhile, and is cancelled
            do throws(IngestError) {
                try queue.put(1)
            } catch {
                producerError.withLock { $0 = error }
            }
        }
        let consumer = Task { try await queue.next() }
        try await Task.sleep(for: .milliseconds(100))
        consumer.cancel()
        let result = await consumer.result
        consumerEnded.signal()
        #expect((Self.failure(result) as? IngestError)?.code == .cancelled)
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                producer.wait()
                continuation.resume()
            }
        }
        #expect(producerError.withLock { $0 }?.code == .cancelled)
    }

    @Test func aStreamHandsOutBatchesElementByElementAndReportsItsOutcomeAtTheEnd() async throws {
        let stream = BoundedStream<Int, String, IngestError>(
            capacity: 2, threadName: "test.stream", cancellation: { IngestError(.cancelled, $0) },
            job: { send throws(IngestError) in
                for start in stride(from: 0, to: 1_000, by: 7) { try send(Array(start..<min(start + 7, 1_000))) }
                try send([])  // never reaches the consumer
                return "outcome"
            })
        var elements: [Int] = []
        var iterator = stream.makeAsyncIterator()
        while let element = try await iterator.next() {
            elements.append(element)
            if elements.count == 500 { #expect(stream.outcome == nil, "no outcome before the end") }
        }
        #expect(elements == Array(0..<1_000))
        #expect(stream.outcome == "outcome")
    }

    @Test func aCancelledTaskStopsInsideABatch() async throws {
        let stream = BoundedStream<Int, Void, IngestError>(
            capacity: 2, threadName: "test.stream", cancellation: { IngestError(.cancelled, $0) },
            job: { send throws(IngestError) in
                for _ in 0..<1_000_000 { try send(Array(0..<100)) }
            })
        let taken = Mutex(0)
        let task = Task {
            for try await _ in stream {
                let count = taken.withLock { taken in
                    taken += 1
                    return taken
                }
                if count == 10 { withUnsafeCurrentTask { $0?.cancel() } }
            }
        }
        let result = await task.result
        #expect((Self.failure(result) as? IngestError)?.code == .cancelled)
        #expect(taken.withLock { $0 } == 10, "cancellation is seen before the next element, inside a batch")
    }
}
