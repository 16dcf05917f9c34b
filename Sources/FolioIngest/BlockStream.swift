public import FolioModel
internal import Foundation
internal import Synchronization

extension Ingestor {
    /// The blocks of the file at `path`, as an asynchronous sequence produced while the file is read.
    ///
    /// Reading starts at the first `next()`, on a thread of its own (parsing is synchronous C work that
    /// must not block Swift's cooperative threads), and stays at most ``BlockStream/bufferCapacity``
    /// blocks ahead of the consumer: a slow consumer slows the reader instead of growing memory. Ending
    /// the iteration early, or cancelling the consuming task, stops the reader.
    public func blocks(atPath path: String) -> BlockStream {
        BlockStream(ingestor: self) { ingestor, body throws(IngestError) in try ingestor.read(atPath: path, body) }
    }

    /// The blocks of bytes in memory, as ``blocks(atPath:)`` streams a file's.
    public func blocks(from bytes: [UInt8], name: String? = nil) -> BlockStream {
        BlockStream(ingestor: self) { ingestor, body throws(IngestError) in try ingestor.read(bytes: bytes, name: name, body) }
    }
}

/// A document's blocks, streamed while its file is read (see ``Ingestor/blocks(atPath:)``).
///
/// A stream is consumed once, by one task. After the last block, ``metadata`` holds what was learnt
/// about the source; a failure ends the iteration by throwing the ``IngestError`` that stopped reading.
public struct BlockStream: AsyncSequence, Sendable {
    public typealias Element = ExtractedBlock
    public typealias Failure = IngestError

    /// Blocks the reader may be ahead of the consumer.
    public static let bufferCapacity = 64

    typealias Job = @Sendable (Ingestor, (ExtractedBlock) throws(IngestError) -> Void) throws(IngestError) -> DocumentMetadata

    private let channel: BlockChannel

    fileprivate init(ingestor: Ingestor, job: @escaping Job) {
        channel = BlockChannel(capacity: Self.bufferCapacity, ingestor: ingestor, job: job)
    }

    /// What was learnt about the source, once the last block has been delivered (nil before, and after
    /// a failure).
    public var metadata: DocumentMetadata? { channel.metadata }

    public func makeAsyncIterator() -> Iterator { Iterator(channel: channel) }

    public struct Iterator: AsyncIteratorProtocol {
        public typealias Element = ExtractedBlock
        public typealias Failure = IngestError

        private let channel: BlockChannel
        private let lifetime: ConsumerLifetime

        fileprivate init(channel: BlockChannel) {
            self.channel = channel
            self.lifetime = ConsumerLifetime(channel: channel)
        }

        public mutating func next() async throws(IngestError) -> ExtractedBlock? {
            try await channel.next()
        }

        public mutating func next(isolation actor: isolated (any Actor)?) async throws(IngestError) -> ExtractedBlock? {
            try await channel.next()
        }
    }
}

/// Stops the reader when the last iterator of a stream goes away.
private final class ConsumerLifetime: Sendable {
    let channel: BlockChannel
    init(channel: BlockChannel) { self.channel = channel }
    deinit { channel.cancel() }
}

/// The bounded buffer between the reading thread and the consuming task.
///
/// The reader waits on a counting semaphore (one permit per free slot) on its own thread; the consumer
/// suspends on a continuation when the buffer is empty. State lives in a `Mutex`.
final class BlockChannel: Sendable {
    private struct State {
        var buffer: [ExtractedBlock] = []
        var head = 0
        var ended: Result<DocumentMetadata, IngestError>?
        var waiter: CheckedContinuation<Void, Never>?
        var isCancelled = false
        var isStarted = false
    }

    private let state = Mutex(State())
    private let freeSlots: DispatchSemaphore
    private let ingestor: Ingestor
    private let job: BlockStream.Job

    init(capacity: Int, ingestor: Ingestor, job: @escaping BlockStream.Job) {
        // Created empty and then given its permits: libdispatch traps when a semaphore is released with
        // fewer permits than it was created with, which is how a stream left early ends.
        freeSlots = DispatchSemaphore(value: 0)
        for _ in 0..<capacity { freeSlots.signal() }
        self.ingestor = ingestor
        self.job = job
    }

    var metadata: DocumentMetadata? {
        state.withLock { state in
            if case .success(let metadata) = state.ended, state.head == state.buffer.count { return metadata }
            return nil
        }
    }

    func next() async throws(IngestError) -> ExtractedBlock? {
        startIfNeeded()
        while true {
            if Task.isCancelled {
                cancel()
                throw IngestError(.cancelled, "the task reading the document was cancelled")
            }
            enum Step {
                case block(ExtractedBlock)
                case end(Result<DocumentMetadata, IngestError>)
                case wait
            }
            let step: Step = state.withLock { state in
                if state.head < state.buffer.count {
                    let block = state.buffer[state.head]
                    state.head += 1
                    if state.head > 256 && state.head * 2 > state.buffer.count {
                        state.buffer.removeFirst(state.head)
                        state.head = 0
                    }
                    return .block(block)
                }
                if let ended = state.ended { return .end(ended) }
                return .wait
            }
            switch step {
            case .block(let block):
                freeSlots.signal()
                return block
            case .end(.success):
                return nil
            case .end(.failure(let error)):
                throw error
            case .wait:
                await withTaskCancellationHandler {
                    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                        let resumeNow = state.withLock { state -> Bool in
                            if state.head < state.buffer.count || state.ended != nil || state.isCancelled { return true }
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

    /// Stops the reader: it sees the cancellation at its next block and ends.
    func cancel() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.isCancelled else { return nil }
            state.isCancelled = true
            defer { state.waiter = nil }
            return state.waiter
        }
        freeSlots.signal()
        waiter?.resume()
    }

    private func startIfNeeded() {
        let start = state.withLock { state -> Bool in
            defer { state.isStarted = true }
            return !state.isStarted
        }
        guard start else { return }
        let thread = Thread { [self] in self.produce() }
        thread.name = "folio.ingest"
        thread.stackSize = 8 << 20
        thread.start()
    }

    private func produce() {
        let result: Result<DocumentMetadata, IngestError>
        do {
            let metadata = try job(ingestor) { block throws(IngestError) in try self.send(block) }
            result = .success(metadata)
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

    private func send(_ block: ExtractedBlock) throws(IngestError) {
        freeSlots.wait()
        let (accepted, waiter) = state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?) in
            guard !state.isCancelled else { return (false, nil) }
            state.buffer.append(block)
            defer { state.waiter = nil }
            return (true, state.waiter)
        }
        waiter?.resume()
        if !accepted { throw IngestError(.cancelled, "the consumer stopped reading the stream") }
    }
}
