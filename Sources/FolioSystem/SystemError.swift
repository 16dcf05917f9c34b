/// A system call that failed: the operation, the path it was about, and the system's reason.
///
/// ``message`` reads `contract.txt: cannot open: No such file or directory`. Modules above keep
/// their own error types and messages; they pass this error on as their `underlying` one and use
/// ``reason`` (the `strerror(3)` text) where their messages name the cause.
///
/// Codes are a struct over a private enum, so adding a code breaks no caller. ``errno`` keeps the
/// exact value for what the codes do not single out.
public struct SystemError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String {
            case notFound, alreadyExists, permissionDenied, isDirectory, notDirectory, notRegularFile, noSpace
            case endOfFile, other
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// Nothing at the path, or a directory on the way is missing (`ENOENT`).
        public static let notFound = Code(.notFound)
        /// Something is already at the path (`EEXIST`).
        public static let alreadyExists = Code(.alreadyExists)
        /// The permissions forbid it (`EACCES`, `EPERM`, `EROFS`).
        public static let permissionDenied = Code(.permissionDenied)
        /// A directory where a file was needed (`EISDIR`, or found by `stat`).
        public static let isDirectory = Code(.isDirectory)
        /// A file where a directory was needed (`ENOTDIR`).
        public static let notDirectory = Code(.notDirectory)
        /// Not a regular file (a pipe, a device, a socket) where one was needed.
        public static let notRegularFile = Code(.notRegularFile)
        /// The disk or the quota is full (`ENOSPC`, `EDQUOT`).
        public static let noSpace = Code(.noSpace)
        /// The file ended before the bytes asked for: it shrank while being read.
        public static let endOfFile = Code(.endOfFile)
        /// Any other failure: ``SystemError/errno`` says which.
        public static let other = Code(.other)

        public var description: String { value.rawValue }

        /// The code for an `errno` value.
        static func forErrno(_ value: Int32) -> Code {
            switch value {
            case Errno.notFound: .notFound
            case Errno.exists: .alreadyExists
            case Errno.accessDenied, Errno.notPermitted, Errno.readOnlyFileSystem: .permissionDenied
            case Errno.isDirectory: .isDirectory
            case Errno.notDirectory: .notDirectory
            case Errno.noSpace, Errno.quotaExceeded: .noSpace
            default: .other
            }
        }
    }

    /// What was being done, as a verb phrase for ``message`` ("open", "read", "rename into place").
    public struct Operation: Hashable, Sendable, CustomStringConvertible {
        public let description: String
        private init(_ description: String) { self.description = description }

        public static let open = Operation("open")
        public static let read = Operation("read")
        public static let write = Operation("write")
        public static let sync = Operation("sync")
        public static let truncate = Operation("truncate")
        public static let close = Operation("close")
        public static let stat = Operation("stat")
        public static let map = Operation("map")
        public static let create = Operation("create")
        public static let renameIntoPlace = Operation("rename into place")
        public static let remove = Operation("remove")
        public static let list = Operation("list")
        public static let match = Operation("match")
        public static let setTime = Operation("set the time of")
    }

    public var code: Code
    public var operation: Operation
    /// The path the call was about (a descriptor's path, or a name such as "standard input").
    public var path: String
    /// The `errno` value; 0 when the failure is not the system's (``Code/notRegularFile``, ``Code/endOfFile``).
    public var errno: Int32
    /// Why, in the system's words (`strerror(3)`) or ours: "No such file or directory".
    public var reason: String
    /// Always nil: a system call is the bottom of the stack. Here because every Folio error has one.
    public var underlying: (any Error)?

    /// An error for `errno` value `code`, worded by `strerror(3)`.
    init(_ operation: Operation, _ path: String, errno value: Int32) {
        code = .forErrno(value)
        self.operation = operation
        self.path = path
        errno = value
        reason = Errno.text(value)
    }

    /// An error that is not the system's: a file of the wrong type, one that ended early.
    init(_ code: Code, _ operation: Operation, _ path: String, reason: String) {
        self.code = code
        self.operation = operation
        self.path = path
        errno = 0
        self.reason = reason
    }

    /// `contract.txt: cannot open: No such file or directory`.
    public var message: String { "\(path): cannot \(operation): \(reason)" }

    public var description: String { message }
}
