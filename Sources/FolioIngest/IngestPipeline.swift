internal import FolioCompression
internal import FolioModel

/// One file's way through Folio: gzip → format detection → decoding to UTF-8 → the format's reader.
///
/// 1. The first bytes are read; gzip (magic `1F 8B`) is inflated as the rest streams, within limits.
/// 2. A PDF (``FormatSniffer/isPDF(_:)``, or ``InputFormat/pdf`` forced) is read whole, within
///    ``IngestLimits/maxPDFBytes``, by ``PDFReader``, whatever the name says. Content of a format Folio
///    does not read (``UnsupportedFormat``: images, executables, archives) is refused, whatever the name
///    or ``IngestOptions/format`` says; ``FormatSniffer`` (or the caller's ``IngestOptions/format``)
///    picks the reader.
/// 3. ZIP containers (DOCX, ODT) are read entry by entry from the file, or from memory when they came
///    gzipped or through a pipe.
/// 4. Text formats are decoded to UTF-8: the caller's encoding wins (a byte-order mark of that encoding
///    is skipped), then a byte-order mark, then the document's declaration (`<meta charset>`,
///    `<?xml encoding?>`), then detection (strict UTF-8, then GB18030). Input that is not plausibly text
///    in that encoding (``TextPlausibility``) is refused.
/// 5. Blocks are handed to `emit` after each input block, all at once, so memory stays bounded by one
///    block's output (a PDF's, after each page).
struct IngestPipeline {
    let options: IngestOptions
    /// The file name (for the extension hint), nil for standard input or unnamed bytes.
    let name: String?
    /// A seekable file to read a ZIP container from, when the input is that file uncompressed.
    var zipFilePath: String?
    /// The bytes of an in-memory input, to read a ZIP container from.
    var zipBytes: [UInt8]?

    init(options: IngestOptions, name: String?) {
        self.options = options
        self.name = name
    }

    func run(
        _ source: any ByteInput, sourceByteCount: () -> Int, emit: ([ExtractedBlock]) throws(IngestError) -> Void
    ) throws(IngestError) -> DocumentMetadata {
        var input: any ByteInput = source
        var first = try source.next() ?? []
        var isGzipped = false
        if first.count >= 2 && first[0] == 0x1F && first[1] == 0x8B {
            isGzipped = true
            // zlib inflates on a thread of its own while this one parses what it inflated.
            input = ReadAheadInput(try GunzipInput(PrefixedInput(prefix: first, rest: source), limits: options.limits))
            first = try input.next() ?? []
        }
        // Enough of the input to detect the format and the encoding.
        while first.count < FormatSniffer.windowSize, let more = try input.next() { first += more }
        let rest: any ByteInput = input

        // What Folio cannot read is refused here, whatever the file is named. A forced text format reads
        // a text-based one (RTF, PostScript) verbatim; nothing makes a binary format text.
        if let unsupported = UnsupportedFormat.recognize(first), !unsupported.isText || options.format == nil {
            throw IngestError(.unsupportedFormat, unsupported.reason(insideGzip: isGzipped))
        }

        // A PDF is a PDF whatever the name or the forced format says: it is never taken for text. Forced
        // PDF reads anything else Folio does not refuse as a PDF (and says why it is not one).
        if FormatSniffer.isPDF(first) || options.format == .pdf {
            let sizeHint = isGzipped ? 0 : sourceByteCount()
            var metadata = try readPDF(first: first, rest: rest, isGzipped: isGzipped, sizeHint: sizeHint, emit: emit)
            metadata.isGzipped = isGzipped
            metadata.sourceByteCount = sourceByteCount()
            return metadata
        }

        let hint = FormatSniffer.extensionHint(name)
        let container: FormatSniffer.Container
        switch options.format {
        case .docx?, .odt?: container = .zip
        case .html?: container = .markup(FormatSniffer.sniff(first, fileName: name).htmlFlavour)
        case .xml?: container = .markup(FormatSniffer.sniff(first, fileName: name).xmlFlavour)
        case .text?: container = .text
        case .pdf?: preconditionFailure("a PDF is read above")
        case nil:
            container = FormatSniffer.sniff(first, fileName: name)
            if container != .zip, hint == .docx || hint == .odt {
                throw IngestError(
                    .corruptContainer,
                    "the name says \(hint!) but the content is not a ZIP container (no PK signature at the start)")
            }
        }

        var metadata = DocumentMetadata(format: .plainText, isGzipped: isGzipped)
        if container == .zip {
            var result = try readContainer(first: first, rest: rest, isGzipped: isGzipped, emit: emit)
            result.isGzipped = isGzipped
            result.sourceByteCount = sourceByteCount()
            return result
        }

        // Text formats: decode to UTF-8 and read.
        let format: DocumentFormat
        let reader: any MarkupReader
        switch container {
        case .markup(let markup):
            format = markup
            switch markup {
            case .xml, .xbrl: reader = XMLReader(limits: options.limits, isXBRL: markup == .xbrl)
            default: reader = HTMLReader(limits: options.limits)
            }
        case .text, .zip:
            format = .plainText
            reader = PlainTextReader()
        }
        var (decoder, skip) = decoder(for: first, format: format)
        let inputEnded = first.count < FormatSniffer.windowSize
        if let refusal = TextPlausibility.refusal(
            first, skipping: skip, encoding: decoder.detectedEncoding, inputEnded: inputEnded, inflated: isGzipped)
        {
            throw IngestError(.unsupportedFormat, refusal)
        }
        var utf8: [UInt8] = []
        utf8.reserveCapacity(first.count + first.count / 2)
        var block = first
        var isFirst = true
        while true {
            utf8.removeAll(keepingCapacity: true)
            block.withUnsafeBufferPointer { bytes in
                let start = isFirst ? min(skip, bytes.count) : 0
                decoder.decode(UnsafeBufferPointer(rebasing: bytes[start...]), into: &utf8)
            }
            isFirst = false
            skip = 0
            try utf8.withUnsafeBufferPointer { bytes throws(IngestError) in try reader.consume(bytes) }
            try emit(reader.takeBlocks())
            guard let next = try rest.next() else { break }
            block = next
        }
        utf8.removeAll(keepingCapacity: true)
        decoder.finish(into: &utf8)
        try utf8.withUnsafeBufferPointer { bytes throws(IngestError) in try reader.consume(bytes) }
        try reader.finish()
        try emit(reader.takeBlocks())

        metadata.format = format
        metadata.textEncoding = decoder.detectedEncoding ?? .utf8
        metadata.title = reader.title
        metadata.replacementCount = decoder.replacementCount
        metadata.sourceByteCount = sourceByteCount()
        metadata.trailingText = reader.trailingText
        return metadata
    }

    /// The decoder for a text format, and how many bytes of byte-order mark to skip.
    private func decoder(for prefix: [UInt8], format: DocumentFormat) -> (TextDecoder, Int) {
        let mark = prefix.withUnsafeBufferPointer { EncodingDetector.byteOrderMark(in: $0) }
        if let chosen = options.encoding {
            // The caller's encoding wins; a byte-order mark of that encoding is still not text.
            return (TextDecoder(chosen), mark?.encoding == chosen ? mark!.length : 0)
        }
        if let mark { return (TextDecoder(mark.encoding), mark.length) }
        let declared: TextEncoding? =
            switch format {
            case .plainText, .docx, .odt, .pdf: nil
            case .xml, .xbrl: DeclaredEncoding.xml(prefix) ?? Self.utf16WithoutMark(prefix)
            case .html, .xhtml, .inlineXBRL: DeclaredEncoding.html(prefix) ?? DeclaredEncoding.xml(prefix)
            }
        if let declared, declared != .utf16LE && declared != .utf16BE || Self.utf16WithoutMark(prefix) == declared {
            return (TextDecoder(declared), 0)
        }
        return (TextDecoder.automatic(), 0)
    }

    /// XML in UTF-16 without a byte-order mark starts `<?` as `3C 00 3F 00` or `00 3C 00 3F`.
    private static func utf16WithoutMark(_ prefix: [UInt8]) -> TextEncoding? {
        if prefix.starts(with: [0x3C, 0x00, 0x3F, 0x00]) { return .utf16LE }
        if prefix.starts(with: [0x00, 0x3C, 0x00, 0x3F]) { return .utf16BE }
        return nil
    }

    /// Reads a PDF: the whole input, within ``IngestLimits/maxPDFBytes`` (bytes in memory are used as they
    /// are), then page by page.
    private func readPDF(
        first: [UInt8], rest: any ByteInput, isGzipped: Bool, sizeHint: Int,
        emit: ([ExtractedBlock]) throws(IngestError) -> Void
    ) throws(IngestError) -> DocumentMetadata {
        let maximum = options.limits.maxPDFBytes
        func tooLarge() -> IngestError {
            IngestError(
                .limitExceeded, "the PDF is larger than \(maximum) bytes (maxPDFBytes)",
                limit: .init(name: "maxPDFBytes", value: maximum))
        }
        var bytes: [UInt8]
        if !isGzipped, let zipBytes {
            bytes = zipBytes
        } else {
            bytes = first
            if sizeHint > first.count && sizeHint <= maximum { bytes.reserveCapacity(sizeHint) }
            while let more = try rest.next() {
                if bytes.count + more.count > maximum { throw tooLarge() }
                bytes += more
            }
        }
        if bytes.count > maximum { throw tooLarge() }
        return try PDFReader(limits: options.limits).read(bytes, emit: emit)
    }

    /// Reads a DOCX or ODT: from the file itself when it is the input uncompressed, else from memory (a
    /// gzipped container or a pipe is read whole, within ``IngestLimits/maxDecompressedBytes``).
    private func readContainer(
        first: [UInt8], rest: any ByteInput, isGzipped: Bool, emit: ([ExtractedBlock]) throws(IngestError) -> Void
    ) throws(IngestError) -> DocumentMetadata {
        let container: OfficeContainer
        if !isGzipped, let zipBytes {
            container = try OfficeContainer(source: ZipMemorySource(zipBytes), limits: options.limits)
        } else if !isGzipped, let zipFilePath {
            let source: ZipFileSource
            do {
                source = try ZipFileSource(path: zipFilePath)
            } catch {
                throw OfficeContainer.translate(error, limits: options.limits)
            }
            container = try OfficeContainer(source: source, limits: options.limits)
        } else {
            var bytes = first
            while let more = try rest.next() {
                bytes += more
                if bytes.count > options.limits.maxDecompressedBytes {
                    throw IngestError(
                        .limitExceeded,
                        """
                        the container is larger than \
                        \(options.limits.maxDecompressedBytes) bytes (maxDecompressedBytes)
                        """,
                        limit: .init(name: "maxDecompressedBytes", value: options.limits.maxDecompressedBytes))
                }
            }
            container = try OfficeContainer(source: ZipMemorySource(bytes), limits: options.limits)
        }
        let read = try container.read(emit: emit)
        return DocumentMetadata(format: read.format, title: read.title)
    }
}

extension FormatSniffer.Container {
    /// The HTML format to report when the caller says the input is HTML.
    var htmlFlavour: DocumentFormat {
        if case .markup(let format) = self, format == .xhtml || format == .inlineXBRL { return format }
        return .html
    }

    /// The XML format to report when the caller says the input is XML.
    var xmlFlavour: DocumentFormat {
        if case .markup(.xbrl) = self { return .xbrl }
        return .xml
    }
}
