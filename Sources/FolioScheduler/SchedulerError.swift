/// Why the scheduler refused a configuration, a job, a trace or a ledger operation.
///
/// Codes are a struct over a private enum, so adding a code breaks no caller. Admission
/// rejections are normally results (``Admission/rejected(_:)``); the code ``Code/rejected`` is
/// only thrown by the convenience ``WorkerPool/run(_:cost:options:_:)``, with the ``Rejection``
/// attached.
public struct SchedulerError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String {
            case invalidConfiguration, unknownClass, rejected, cancelled, timedOut, shuttingDown,
                invalidTrace, ledgerIO, ledgerCorrupt, unknownPass
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// A configuration value is out of range (the value and the range are in the message).
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// A job names a service class the pool was not configured with.
        public static let unknownClass = Code(.unknownClass)
        /// The pool is busy: the job was not admitted; ``SchedulerError/rejection`` says when to retry.
        public static let rejected = Code(.rejected)
        /// The job's task was cancelled while queued or running.
        public static let cancelled = Code(.cancelled)
        /// The job passed its deadline while queued or running.
        public static let timedOut = Code(.timedOut)
        /// The pool is shutting down: it admits nothing new (``WorkerPool/run(_:cost:options:_:)``), and
        /// with ``WorkerPool/ShutdownMode/cancel`` it ends the jobs it holds.
        public static let shuttingDown = Code(.shuttingDown)
        /// A request trace could not be read or has a malformed line (the line number is in the message).
        public static let invalidTrace = Code(.invalidTrace)
        /// The pass ledger's file could not be opened, read, written or synced.
        public static let ledgerIO = Code(.ledgerIO)
        /// The pass ledger's file has a damaged record before its last one (not a torn final write).
        public static let ledgerCorrupt = Code(.ledgerCorrupt)
        /// A purchase names a pass that is not in the catalog.
        public static let unknownPass = Code(.unknownPass)

        public var description: String { value.rawValue }
    }

    public var code: Code
    /// What happened and what to do.
    public var message: String
    /// The admission decision, when ``code`` is ``Code/rejected``.
    public var rejection: Rejection?
    /// The error that caused this one, if any.
    public var underlying: (any Error)?

    public init(_ code: Code, _ message: String, rejection: Rejection? = nil, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.rejection = rejection
        self.underlying = underlying
    }

    public var description: String { message }
}
