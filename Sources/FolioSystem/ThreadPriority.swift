#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif

/// The calling thread's scheduling priority.
public enum ThreadPriority {
    /// Adds `niceness` (1–19) to the calling thread's nice value, so that when the cores are busy the
    /// process's other threads — a server's event loops, its health checks — run first. On Linux a
    /// thread has a nice value of its own (`setpriority` on its thread id); elsewhere this does nothing.
    ///
    /// - Returns: Whether the priority was lowered.
    @discardableResult
    public static func lowerCurrentThread(by niceness: Int) -> Bool {
        guard (1...19).contains(niceness) else { return false }
        #if os(Linux)
        guard let threadID = currentThreadID() else { return false }
        errno = 0
        let current = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), threadID)
        guard errno == 0 else { return false }
        return setpriority(__priority_which_t(PRIO_PROCESS.rawValue), threadID, min(19, current + Int32(niceness)))
            == 0
        #else
        return false
        #endif
    }

    #if os(Linux)
    /// The kernel's id of the calling thread: `/proc/thread-self` links to `PID/task/TID` (Glibc's
    /// headers give Swift no `gettid`, and `syscall` is variadic).
    private static func currentThreadID() -> id_t? {
        var buffer = [CChar](repeating: 0, count: 64)
        let count = readlink("/proc/thread-self", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        let link = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return link.split(separator: "/").last.flatMap { id_t($0) }
    }
    #endif
}
