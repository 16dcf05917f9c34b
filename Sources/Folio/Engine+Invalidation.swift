internal import FolioCache

extension Engine {
    /// Removes a processed document from the cache, in memory and on disk, for the scope it was
    /// cached under (its tenant's, or the shared one for public content). The next ingest of the
    /// content recomputes it; handles already returned keep working.
    ///
    /// An ingest of the same content under way still answers its callers but stores nothing.
    public func invalidate(_ handle: DocumentHandle) {
        cache.invalidate(handle.key)
    }

    /// Removes everything a tenant left in the cache (a tenant leaving, say): its private documents
    /// in memory and on disk, and the file digests remembered for its reads. Public documents stay.
    ///
    /// Ingests for the tenant under way still answer their callers but store nothing.
    public func invalidate(tenant: String) {
        cache.invalidate(scope: .tenant(tenant))
        memo.forget(scope: .tenant(tenant))
    }
}
