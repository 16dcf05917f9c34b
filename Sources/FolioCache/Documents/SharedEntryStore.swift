/// A tier beyond this machine: processed entries that other processes (a fleet's nodes) stored, in
/// the disk tier's own format with its checksums, named by ``DocumentKey/fileName`` (a hash of the
/// scope, the content digest and the pipeline, so an entry is found only by a lookup of that very
/// key: one tenant's entries are never another's).
///
/// A ``DocumentCache`` asks it after a disk miss, before computing; a fetched entry is written to the
/// disk tier and verified there like any other (a damaged one is discarded and the value computed).
/// A computed entry is offered to it after the disk write. Both are best effort: a store that fails
/// only costs a computation.
public protocol SharedEntryStore: Sendable {
    /// The entry stored as `name`, or nil (none, or the store did not answer).
    func entry(named name: String) async -> [UInt8]?
    /// Keeps `bytes` as `name` (an entry of that name, if any, is the same).
    func store(_ bytes: [UInt8], named name: String) async
    /// Entries above this size are not offered (their transfer would cost about what computing does).
    var maxEntryBytes: Int { get }
}
