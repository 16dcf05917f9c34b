public import Folio
internal import Logging
internal import NIOCore
internal import PostgresNIO

/// Processed documents shared by a fleet's nodes, in PostgreSQL (`folio_processed_entry`): a node
/// that has not processed a file fetches the entry another node stored instead of extracting,
/// segmenting and counting it again (``SharedEntryStore``). Entries are named by a hash of their
/// key, which includes the tenant, so only the same tenant's lookup of the same content finds one.
public struct PostgresEntryStore: SharedEntryStore {
    let store: PostgresMetadataStore
    public let maxEntryBytes: Int

    /// - Parameter maxEntryBytes: Larger entries are not shared (default 64 MiB).
    public init(store: PostgresMetadataStore, maxEntryBytes: Int = 64 << 20) {
        self.store = store
        self.maxEntryBytes = maxEntryBytes
    }

    public func entry(named name: String) async -> [UInt8]? {
        var bindings = PostgresBindings()
        bindings.append(name)
        do {
            guard let row = try await store.rows(EntryByName.self, bindings, "fetching a processed entry").first
            else { return nil }
            var buffer: ByteBuffer = try row["bytes"]
            return buffer.readBytes(length: buffer.readableBytes)
        } catch {
            store.logger.debug("no shared entry \(name): \(error)")
            return nil
        }
    }

    public func store(_ bytes: [UInt8], named name: String) async {
        let buffer = ByteBuffer(bytes: bytes)
        do {
            _ = try await store.rows(
                "INSERT INTO folio_processed_entry (name, bytes) VALUES (\(name), \(buffer)) ON CONFLICT DO NOTHING",
                "sharing a processed entry")
        } catch {
            store.logger.debug("could not share entry \(name): \(error)")
        }
    }
}

enum EntryByName: StatementText {
    static let sql = "SELECT bytes FROM folio_processed_entry WHERE name = $1"
}
