internal import FolioCompression
internal import Foundation
internal import FolioModel

/// Reads a DOCX or ODT straight from its ZIP container: entries are inflated as they stream into the
/// XML parser, nothing is extracted to disk, and entry paths are only ever looked up, never trusted.
///
/// 1. An ODT names itself in its `mimetype` entry; a DOCX has a main document part (found through
///    `_rels/.rels`, else `word/document.xml`). Any other ZIP is ``IngestError/Code/unsupportedFormat``,
///    named when its entries tell what it is (an XLSX's main part is `xl/workbook.xml`, an EPUB's
///    `mimetype` says so, a JAR has a manifest).
/// 2. DOCX: `word/styles.xml` is read first for heading and list styles, then the main part streams
///    through ``DOCXDocumentHandler``; the title comes from `docProps/core.xml`.
/// 3. ODT: `content.xml` streams through ``ODTContentHandler``; the title comes from `meta.xml`.
///
/// Each entry is held to ``IngestLimits/maxDecompressedBytes`` and ``IngestLimits/maxCompressionRatio``,
/// decided from the directory before inflating and enforced again while inflating.
struct OfficeContainer {
    let archive: ZipArchive
    let limits: IngestLimits

    struct Result {
        var format: DocumentFormat
        var title: String?
    }

    init(source: some ZipByteSource, limits: IngestLimits) throws(IngestError) {
        let zipLimits = ZipArchive.Limits(
            maxEntryCount: limits.maxArchiveEntries, maxEntryBytes: limits.maxDecompressedBytes,
            maxCompressionRatio: limits.maxCompressionRatio, ratioFloorBytes: limits.compressionRatioFloorBytes)
        do {
            archive = try ZipArchive(source: source, limits: zipLimits)
        } catch {
            throw Self.translate(error, limits: limits)
        }
        self.limits = limits
    }

    func read(emit: ([ExtractedBlock]) throws(IngestError) -> Void) throws(IngestError) -> Result {
        if let mimetype = archive.entry(named: "mimetype") {
            let type = String(decoding: try readAll(mimetype).filter { $0 > 0x20 }, as: UTF8.self)
            if type == ODFNamespaces.textDocumentMediaType { return try readODT(emit: emit) }
            if let other = Self.otherPackage(mediaType: type) {
                throw IngestError(.unsupportedFormat, other.reason(insideGzip: false))
            }
        }
        if let main = mainDocumentPath() {
            if let other = Self.otherOfficePackage(mainPath: main) {
                throw IngestError(.unsupportedFormat, other.reason(insideGzip: false))
            }
            return try readDOCX(mainPath: main, emit: emit)
        }
        throw IngestError(.unsupportedFormat, otherArchive().reason(insideGzip: false))
    }

    // MARK: DOCX

    private func mainDocumentPath() -> String? {
        if let rels = archive.entry(named: "_rels/.rels") {
            let handler = RelationshipsHandler()
            if (try? parse(rels, with: handler, partName: "_rels/.rels")) != nil,
                let target = handler.target(ofType: "officeDocument"),
                let path = Self.resolve(target, relativeTo: ""), archive.entry(named: path) != nil
            {
                return path
            }
        }
        return archive.entry(named: "word/document.xml") != nil ? "word/document.xml" : nil
    }

    private func readDOCX(
        mainPath: String, emit: ([ExtractedBlock]) throws(IngestError) -> Void
    ) throws(IngestError) -> Result {
        let folder = mainPath.split(separator: "/").dropLast().joined(separator: "/")
        let fileName = mainPath.split(separator: "/").last.map(String.init) ?? mainPath
        var stylesPath = Self.resolve("styles.xml", relativeTo: folder)
        if let rels = archive.entry(named: (folder.isEmpty ? "" : folder + "/") + "_rels/" + fileName + ".rels") {
            let handler = RelationshipsHandler()
            try parse(rels, with: handler, partName: rels.path)
            if let target = handler.target(ofType: "styles") { stylesPath = Self.resolve(target, relativeTo: folder) }
        }
        let stylesHandler = DOCXStylesHandler()
        if let stylesPath, let styles = archive.entry(named: stylesPath) {
            try parse(styles, with: stylesHandler, partName: stylesPath)
        }
        stylesHandler.styles.resolve()

        let handler = DOCXDocumentHandler(styles: stylesHandler.styles)
        guard let main = archive.entry(named: mainPath) else {
            throw IngestError(.corruptContainer, "the DOCX has no \(mainPath)")
        }
        try parse(main, with: handler, partName: mainPath) { () throws(IngestError) in
            try emit(handler.state.assembler.takeFinished())
        }
        handler.state.assembler.finish()
        try emit(handler.state.assembler.takeFinished())
        return Result(format: .docx, title: title(in: "docProps/core.xml"))
    }

    // MARK: ODT

    private func readODT(emit: ([ExtractedBlock]) throws(IngestError) -> Void) throws(IngestError) -> Result {
        guard let content = archive.entry(named: "content.xml") else {
            throw IngestError(.corruptContainer, "the ODT has no content.xml")
        }
        let handler = ODTContentHandler()
        try parse(content, with: handler, partName: "content.xml") { () throws(IngestError) in
            try emit(handler.assembler.takeFinished())
        }
        handler.assembler.finish()
        try emit(handler.assembler.takeFinished())
        return Result(format: .odt, title: title(in: "meta.xml"))
    }

    // MARK: Parts

    private func title(in path: String) -> String? {
        guard let entry = archive.entry(named: path) else { return nil }
        let handler = TitleHandler()
        return (try? parse(entry, with: handler, partName: path)) != nil ? handler.title : nil
    }

    private func readAll(_ entry: ZipArchive.Entry) throws(IngestError) -> [UInt8] {
        do {
            return try archive.readAll(entry)
        } catch {
            throw Self.translate(error, limits: limits)
        }
    }

    /// Streams an entry through the XML parser (decoded to UTF-8 first), calling `afterBlock` after each
    /// inflated block so blocks are handed on while the entry is read.
    private func parse(
        _ entry: ZipArchive.Entry, with handler: any XMLContentHandler, partName: String,
        afterBlock: () throws(IngestError) -> Void = {}
    ) throws(IngestError) {
        let events = XMLEventReader(handler: handler, limits: limits, partName: partName)
        var decoder: TextDecoder?
        var utf8: [UInt8] = []
        do {
            try archive.read(entry) { block in
                if decoder == nil {
                    let mark = EncodingDetector.byteOrderMark(in: block)
                    let declared = DeclaredEncoding.xml(Array(block.prefix(512)))
                    decoder = TextDecoder(mark?.encoding ?? declared ?? .utf8)
                    if let mark { return try feed(UnsafeBufferPointer(rebasing: block[mark.length...])) }
                }
                try feed(block)
            }
            func feed(_ bytes: UnsafeBufferPointer<UInt8>) throws(IngestError) {
                utf8.removeAll(keepingCapacity: true)
                decoder!.decode(bytes, into: &utf8)
                try utf8.withUnsafeBufferPointer { bytes throws(IngestError) in try events.parse(bytes) }
                try afterBlock()
            }
        } catch let error as IngestError {
            throw error
        } catch let error as CompressionError {
            throw Self.translate(error, limits: limits)
        } catch {
            throw IngestError(.corruptContainer, "\(partName): \(error)")
        }
        utf8.removeAll(keepingCapacity: true)
        decoder?.finish(into: &utf8)
        try utf8.withUnsafeBufferPointer { bytes throws(IngestError) in try events.parse(bytes) }
        try events.finish()
        try afterBlock()
    }

    /// A relationship target resolved against a folder of the package (`..` segments folded); nil when it
    /// would leave the package.
    static func resolve(_ target: String, relativeTo folder: String) -> String? {
        var segments: [Substring] = target.hasPrefix("/") ? [] : folder.split(separator: "/")
        for segment in target.split(separator: "/") {
            switch segment {
            case ".": continue
            case "..":
                guard !segments.isEmpty else { return nil }
                segments.removeLast()
            default: segments.append(segment)
            }
        }
        return segments.isEmpty ? nil : segments.joined(separator: "/")
    }

    static func translate(_ error: CompressionError, limits: IngestLimits) -> IngestError {
        // The ZIP reader's limits are Folio's under other names.
        let message = error.message.replacingOccurrences(of: "(maxEntryBytes)", with: "(maxDecompressedBytes)")
            .replacingOccurrences(of: "(maxEntryCount)", with: "(maxArchiveEntries)")
        let error = CompressionError(error.code, message)
        switch error.code {
        case .outputLimitExceeded:
            return IngestError(
                .limitExceeded, error.message,
                limit: .init(name: "maxDecompressedBytes", value: limits.maxDecompressedBytes),
                underlying: error)
        case .ratioLimitExceeded:
            return IngestError(
                .limitExceeded, error.message,
                limit: .init(name: "maxCompressionRatio", value: limits.maxCompressionRatio),
                underlying: error)
        case .entryCountLimitExceeded:
            return IngestError(
                .limitExceeded, error.message, limit: .init(name: "maxArchiveEntries", value: limits.maxArchiveEntries),
                underlying: error)
        case .unreadable:
            return IngestError(.unreadable, error.message, underlying: error)
        case .unsupportedArchive:
            return IngestError(.unsupportedFormat, error.message, underlying: error)
        default:
            return IngestError(.corruptContainer, error.message, underlying: error)
        }
    }
}
