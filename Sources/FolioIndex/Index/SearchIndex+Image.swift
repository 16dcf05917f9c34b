extension SearchIndex {
    /// The index's bytes in the ``IndexFormat`` layout: what ``write(to:)`` saves and
    /// ``fromImage(_:origin:)`` reads back (a cache keeps an index as these bytes).
    package var imageBytes: [UInt8] {
        Array(UnsafeRawBufferPointer(start: storage.base, count: storage.count))
    }

    /// An index over a copy of `bytes`, checked as ``open(path:termVectors:)`` checks a mapped file: the header,
    /// the section directory and the page table at once, every other page against its checksum the
    /// first time a query touches it.
    ///
    /// - Parameter origin: Names the bytes in error messages (a cache entry, say).
    /// - Throws: ``IndexError/Code/notAnIndex``, ``IndexError/Code/unsupportedVersion``,
    ///   ``IndexError/Code/truncated``, ``IndexError/Code/corrupt``.
    package static func fromImage(
        _ bytes: [UInt8], origin: String, termVectors: TermVectors? = nil
    ) throws(IndexError) -> SearchIndex {
        let (pointer, release) = IndexStorage.copy(bytes)
        let validated: (sections: IndexFile.Sections, pagedStart: Int, pageChecksums: UnsafeBufferPointer<UInt32>)
        do {
            validated = try IndexFile.validate(pointer, count: bytes.count, origin: origin)
        } catch {
            release()
            throw error
        }
        let storage = IndexStorage(
            mapped: pointer, count: bytes.count, release: release, origin: origin, pagedStart: validated.pagedStart,
            pageChecksums: validated.pageChecksums)
        return try SearchIndex(storage: storage, sections: validated.sections, termVectors: termVectors)
    }
}
