internal import DequeModule
internal import Dispatch
internal import FolioSystem
internal import Foundation
internal import Synchronization

/// Threads a ``WorkerPool`` owns, as a `TaskExecutor`: CPU-heavy work runs here and is awaited,
/// so it never occupies one of Swift's cooperative threads, which a host's event loops, timers
/// and health checks need.
///
/// A task that prefers this executor (`withTaskExecutorPreference`, `Task(executorPreference:)`)
/// runs its nonisolated code on these threads; code isolated to an actor still runs on the actor.
/// Jobs are taken first in, first out by whichever thread is free.
///
/// - Important: Tasks refer to a task executor without retaining it. The owner keeps the executor
///   alive for as long as any task may prefer it (the pool and the engine hold theirs for their whole
///   lives, and every job they start retains them). The threads end once the executor is released
///   and the queue is empty.
package final class WorkerThreads: TaskExecutor, Sendable {
    /// The queue the threads serve; it outlives the executor only until it is drained.
    final class Queue: Sendable {
        struct State {
            var jobs = Deque<UnownedJob>()
            var isStopped = false
            /// The executor the jobs run on, set once it exists (unowned: see the note above).
            var executor: UnownedTaskExecutor?
        }
        let state = Mutex(State())
        /// One permit per queued job (and one per thread at the stop).
        let available = DispatchSemaphore(value: 0)
        /// This queue's identity, which its threads record (``ownsCurrentThread``).
        var mark: UInt { UInt(bitPattern: ObjectIdentifier(self).hashValue) }
    }

    private let queue = Queue()
    /// The threads' names, `name.1` … `name.N` (what a profiler or a debugger shows).
    package let name: String
    package let threadCount: Int

    /// Starts `count` threads named `name.1` … `name.N`, each with an 8 MiB stack (parsers recurse),
    /// `niceness` below the process's priority (``SchedulerConfiguration/workerNiceness``).
    package init(count: Int, name: String, niceness: Int = 0) {
        precondition(count >= 1, "a worker thread set needs at least one thread, not \(count)")
        self.name = name
        threadCount = count
        let queue = self.queue
        queue.state.withLock { $0.executor = self.asUnownedTaskExecutor() }
        for number in 1...count {
            let thread = Thread {
                if niceness > 0 { ThreadPriority.lowerCurrentThread(by: niceness) }
                Self.serve(queue)
            }
            thread.name = "\(name).\(number)"
            thread.stackSize = Self.stackSize
            thread.start()
        }
    }

    deinit {
        queue.state.withLock { $0.isStopped = true }
        for _ in 0..<threadCount { queue.available.signal() }
    }

    static let stackSize = 8 << 20

    package func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.state.withLock { $0.jobs.append(job) }
        queue.available.signal()
    }

    /// Runs `body` on one of these threads and returns its result to the calling task.
    ///
    /// - Important: Use it for synchronous work (parsing, hashing, decoding); the calling task is
    ///   suspended meanwhile and its cooperative thread is free.
    package func run<T, Failure: Error>(_ body: () throws(Failure) -> T) async throws(Failure) -> T {
        try await withTaskExecutorPreference(self) { () async throws(Failure) -> T in try body() }
    }

    /// Whether the calling code runs on one of these threads (for tests and assertions).
    package var ownsCurrentThread: Bool {
        Thread.current.threadDictionary[Self.markKey] as? UInt == queue.mark
    }

    /// The thread-dictionary key under which each thread records the queue it serves.
    private static let markKey = "folio.WorkerThreads"

    /// A thread's loop: take a job, run it, until the executor is gone and nothing is queued.
    private static func serve(_ queue: Queue) {
        Thread.current.threadDictionary[markKey] = queue.mark
        while true {
            queue.available.wait()
            enum Step { case run(UnownedJob, UnownedTaskExecutor), stop, wait }
            let step: Step = queue.state.withLock { state in
                if let executor = state.executor, let job = state.jobs.popFirst() { return .run(job, executor) }
                return state.isStopped ? .stop : .wait
            }
            switch step {
            case .run(let job, let executor): job.runSynchronously(on: executor)
            case .stop: return
            case .wait: continue
            }
        }
    }
}
