internal import Synchronization

/// Who holds passes: a session of a tenant.
public struct PassHolder: Hashable, Sendable {
    public var tenant: String
    public var session: String
    public init(tenant: String, session: String) {
        self.tenant = tenant
        self.session = session
    }
}

/// One recorded purchase and the coverage it produced.
public struct PassGrant: Hashable, Sendable {
    public var holder: PassHolder
    public var productID: String
    /// When it was bought, in milliseconds since 1970.
    public var purchasedAtMilliseconds: Int64
    /// When the holder's priority now ends (after stacking), in milliseconds since 1970.
    public var expiresAtMilliseconds: Int64
}

/// The durable record of passes: grants stack, expiry is exact to the millisecond, and every
/// grant survives a restart or a crash once ``grant(_:to:atMilliseconds:)`` returns.
///
/// Stacking: a purchase at *t* of a pass lasting *d* covers [max(*t*, current expiry), that + *d*),
/// so a second purchase extends the expiry. A holder is priority at *t* when some coverage
/// interval contains *t* (start inclusive, end exclusive).
///
/// Storage is ``PassLedgerLog``: an append-only file, one checksummed line per grant, fsync'd
/// before the grant returns and replayed on open (`path == nil` keeps the ledger in memory).
public final class PassLedger: Sendable {
    public let catalog: PassCatalog
    public let path: String?

    struct State {
        var coverage: [PassHolder: [Range<Int64>]] = [:]
        var log: PassLedgerLog?
        var grantCount = 0
    }

    private let state: Mutex<State>

    /// Opens (or creates) the ledger at `path` and replays it.
    ///
    /// - Throws: ``SchedulerError/Code/ledgerIO`` when the file cannot be opened or read,
    ///   ``SchedulerError/Code/ledgerCorrupt`` when a record before the last is damaged, and
    ///   ``SchedulerError/Code/unknownPass`` when a record names a pass the catalog lacks. A torn
    ///   last record (a crash mid-write) is dropped and the file cut back to the last whole record.
    public init(path: String?, catalog: PassCatalog = .standard) throws(SchedulerError) {
        self.catalog = catalog
        self.path = path
        var state = State()
        if let path {
            let (log, records) = try PassLedgerLog.open(path: path)
            for record in records {
                guard let product = catalog.product(id: record.productID) else {
                    throw SchedulerError(
                        .unknownPass, "\(path): a grant names pass \"\(record.productID)\", which the catalog lacks")
                }
                _ = Self.apply(
                    record.holder, start: record.purchasedAtMilliseconds, duration: product.durationMilliseconds,
                    to: &state.coverage)
                state.grantCount += 1
            }
            state.log = log
        }
        self.state = Mutex(state)
    }

    deinit {
        state.withLock { $0.log?.close() }
    }

    /// Records a purchase durably and returns the holder's new expiry.
    ///
    /// - Throws: ``SchedulerError/Code/unknownPass`` or ``SchedulerError/Code/ledgerIO`` (the grant
    ///   is then not recorded).
    public func grant(_ productID: String, to holder: PassHolder, atMilliseconds time: Int64) throws(SchedulerError)
        -> PassGrant
    {
        guard let product = catalog.product(id: productID) else {
            throw SchedulerError(
                .unknownPass,
                "no pass \"\(productID)\"; the catalog has " + catalog.products.map(\.id).joined(separator: ", "))
        }
        let result: Result<PassGrant, SchedulerError> = state.withLock { state in
            if let log = state.log {
                do throws(SchedulerError) {
                    try log.append(
                        PassLedgerLog.Record(holder: holder, productID: productID, purchasedAtMilliseconds: time))
                } catch {
                    return .failure(error)
                }
            }
            let expiry = Self.apply(holder, start: time, duration: product.durationMilliseconds, to: &state.coverage)
            state.grantCount += 1
            return .success(
                PassGrant(
                    holder: holder, productID: productID, purchasedAtMilliseconds: time, expiresAtMilliseconds: expiry))
        }
        return try result.get()
    }

    /// Whether `holder` holds an active pass at `time` (milliseconds since 1970).
    public func isPriority(_ holder: PassHolder, atMilliseconds time: Int64) -> Bool {
        state.withLock { state in
            state.coverage[holder]?.contains { $0.contains(time) } ?? false
        }
    }

    /// When the coverage that contains `time` ends, or `nil` when `holder` is not priority then.
    public func expiry(of holder: PassHolder, atMilliseconds time: Int64) -> Int64? {
        state.withLock { state in state.coverage[holder]?.first { $0.contains(time) }?.upperBound }
    }

    /// The service class for a session at `time`: `"priority"` with an active pass, else `"standard"`.
    public func serviceClass(for holder: PassHolder, atMilliseconds time: Int64) -> String {
        isPriority(holder, atMilliseconds: time) ? "priority" : "standard"
    }

    /// How many grants the ledger holds.
    public var grantCount: Int { state.withLock { $0.grantCount } }

    /// Adds coverage for a purchase and returns the new expiry.
    private static func apply(
        _ holder: PassHolder, start: Int64, duration: Int64, to coverage: inout [PassHolder: [Range<Int64>]]
    ) -> Int64 {
        var intervals = coverage[holder] ?? []
        let currentEnd = intervals.last?.upperBound ?? .min
        let begin = Swift.max(start, currentEnd)
        let end = begin.addingReportingOverflow(duration).overflow ? .max : begin + duration
        if let last = intervals.last, last.upperBound == begin {
            intervals[intervals.count - 1] = last.lowerBound..<end
        } else {
            intervals.append(begin..<end)
        }
        coverage[holder] = intervals
        return end
    }
}
