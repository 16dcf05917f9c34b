/// Why the cache refused a configuration, could not use its directory, or read a damaged entry.
///
/// Codes are a struct over a private enum, so adding a code breaks no caller. A damaged entry on
/// disk is never an error for a lookup (it is discarded and counted, and the value recomputed);
/// ``Code/corrupt`` comes only from reading an entry file directly.
public struct CacheError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String {
            case invalidConfiguration, io, corrupt
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// A configuration value is out of range (the value and the range are in the message).
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// The cache directory or an entry could not be created, written, synced or renamed.
        public static let io = Code(.io)
        /// An entry file fails its checks (magic, version, length, checksum, inflated size).
        public static let corrupt = Code(.corrupt)

        public var description: String { value.rawValue }
    }

    public var code: Code
    /// What happened and what to do.
    public var message: String
    /// The error that caused this one, if any.
    public var underlying: (any Error)?

    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String { message }
}
