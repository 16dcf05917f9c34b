public import FolioChunking
public import FolioIngest
public import FolioModel
internal import FolioTokenizer

extension IndexBuilder {
    /// Reads a file (any format Folio ingests), cuts it with `chunker` and indexes each chunk as it
    /// is cut.
    ///
    /// - Returns: The document's number in the index.
    /// - Throws: ``IndexError/Code/input`` naming the file when it cannot be read (the builder is
    ///   unchanged), ``IndexError/Code/encodingMismatch`` when `chunker` counts in another encoding
    ///   than the builder records, ``IndexError/Code/tooLarge`` past the format's limits.
    @discardableResult
    public mutating func addFile(atPath path: String, ingestor: Ingestor = Ingestor(), chunker: Chunker)
        throws(IndexError) -> Int
    {
        try checkEncoding(of: chunker, path: path)
        let document: Document
        do {
            document = try ingestor.document(atPath: path)
        } catch {
            throw IndexError(.input, error.message)
        }
        return try add(path: path, document: document, chunker: chunker)
    }

    /// Cuts a document with `chunker` and indexes each chunk as it is cut.
    ///
    /// - Throws: ``IndexError/Code/encodingMismatch`` when `chunker` counts in another encoding than
    ///   the builder records (nothing is added), ``IndexError/Code/tooLarge`` past the format's limits.
    @discardableResult
    public mutating func add(path: String, document: Document, chunker: Chunker) throws(IndexError) -> Int {
        try checkEncoding(of: chunker, path: path)
        beginDocument(path: path)
        var failure: IndexError?
        chunker.forEachChunk(of: document) { chunk in
            guard failure == nil else { return }
            do throws(IndexError) {
                try append(chunk)
            } catch {
                failure = error
            }
        }
        if let failure {
            _ = try? finishDocument(text: "")
            throw failure
        }
        return try finishDocument(text: document.text)
    }

    private func checkEncoding(of chunker: Chunker, path: String) throws(IndexError) {
        guard chunker.tokenizer.name == encoding else {
            throw IndexError(
                .encodingMismatch,
                "\(path): the chunker counts in \(chunker.tokenizer.name), but this index records counts in \(encoding)"
            )
        }
    }
}
