// Performance notes
// `image()` is a counting sort of the occurrence log by term (two linear passes) followed by one pass
// that groups each term's run by chunk; no per-term arrays are allocated. Callgrind on the CUAD
// contracts (`folio bench index`): this image (inversion, layout, page checksums) is about 20 % of a
// build; analysis (scanning and the surface table) is the rest.

internal import FolioCompression
internal import Foundation

extension IndexBuilder {
    /// The index of everything added so far, ready to query.
    ///
    /// - Precondition: No document is open.
    public func build() -> SearchIndex {
        let image = self.image()
        // Our own image: it cannot fail.
        return try! SearchIndex(storage: IndexStorage(image: image), termVectors: termVectors)
    }

    /// Writes the index to `path` atomically: a temporary file of its own beside it, `fsync`, then `rename`.
    ///
    /// - Throws: ``IndexError/Code/io`` when the file cannot be written.
    public func write(to path: String) throws(IndexError) {
        try image().withUnsafeBytes { bytes in
            Result { () throws(IndexError) in try IndexFile.writeAtomically(bytes, to: path) }
        }.get()
    }

    /// The bytes of the index in the ``IndexFormat`` layout.
    func image() -> [UInt8] {
        precondition(open == nil, "finish the open document before building")
        let termCount = inverter.termBytes.count
        let chunkCount = self.chunkCount

        // 1. Counting sort of the occurrence log by term, keeping chunk and position order.
        var termStarts = [UInt32](repeating: 0, count: termCount + 1)
        for term in inverter.occurrenceTerms { termStarts[Int(term) + 1] &+= 1 }
        for term in 0..<termCount { termStarts[term + 1] &+= termStarts[term] }
        let occurrenceCount = inverter.occurrenceTerms.count
        var sortedChunks = [UInt32](repeating: 0, count: occurrenceCount)
        var sortedPositions = [UInt32](repeating: 0, count: occurrenceCount)
        var cursors = termStarts
        inverter.occurrenceTerms.withUnsafeBufferPointer { terms in
            inverter.occurrencePositions.withUnsafeBufferPointer { positions in
                for chunk in 0..<chunkCount {
                    for occurrence in Int(chunkOccurrenceStarts[chunk])..<Int(chunkOccurrenceStarts[chunk + 1]) {
                        let term = Int(terms[occurrence])
                        let destination = Int(cursors[term])
                        cursors[term] = UInt32(destination + 1)
                        sortedChunks[destination] = UInt32(chunk)
                        sortedPositions[destination] = positions[occurrence]
                    }
                }
            }
        }

        // 2. Group each term's run by chunk: postings (chunk, frequencies, first position) and body positions.
        var termRecords = [UInt32]()
        termRecords.reserveCapacity(termCount * IndexFormat.termStride)
        var termBlob = [UInt8]()
        var postings = [UInt32]()
        var positions = [UInt32]()
        positions.reserveCapacity(occurrenceCount)
        for term in 0..<termCount {
            let firstPosting = postings.count / IndexFormat.postingStride
            var occurrence = Int(termStarts[term])
            let end = Int(termStarts[term + 1])
            while occurrence < end {
                let chunk = sortedChunks[occurrence]
                let firstPosition = positions.count
                var bodyCount = 0
                var headingCount = 0
                while occurrence < end && sortedChunks[occurrence] == chunk {
                    let position = sortedPositions[occurrence]
                    if position & Self.headingFlag == 0 {
                        positions.append(position)
                        bodyCount += 1
                    } else {
                        headingCount += 1
                    }
                    occurrence += 1
                }
                postings.append(chunk)
                postings.append(UInt32(min(bodyCount, 0xFFFF)) | UInt32(min(headingCount, 0xFFFF)) << 16)
                postings.append(UInt32(firstPosition))
            }
            let bytes = inverter.termBytes[term]
            termRecords.append(contentsOf: [
                UInt32(termBlob.count), UInt32(bytes.count), UInt32(firstPosting),
                UInt32(postings.count / IndexFormat.postingStride - firstPosting),
            ])
            termBlob.append(contentsOf: bytes)
        }

        // 3. Term slots: open addressing on the stable term hash, load ≤ 1/2.
        var slotCount = 16
        while slotCount < termCount * 2 { slotCount *= 2 }
        var slots = [UInt32](repeating: 0, count: slotCount)
        for term in 0..<termCount {
            var slot =
                inverter.termBytes[term].withUnsafeBufferPointer { Int(IndexFormat.termHash($0)) } & (slotCount - 1)
            while slots[slot] != 0 { slot = (slot + 1) & (slotCount - 1) }
            slots[slot] = UInt32(term + 1)
        }

        // 4. Strings: heading paths and document paths.
        var strings = [UInt8]()
        var headingPaths = [UInt32]()
        for path in headingPathList {
            let joined = Array(path.joined(separator: String(IndexFormat.headingSeparator)).utf8)
            headingPaths.append(contentsOf: [UInt32(strings.count), UInt32(joined.count)])
            strings.append(contentsOf: joined)
        }
        var documentRecords = [UInt64]()
        for document in documents {
            let path = Array(document.path.utf8)
            documentRecords.append(contentsOf: [
                UInt64(strings.count), UInt64(path.count), UInt64(document.textOffset), UInt64(document.textLength),
                UInt64(document.scalarCount), UInt64(document.firstChunk), UInt64(document.chunkCount), 0,
            ])
            strings.append(contentsOf: path)
        }

        let manifest = IndexManifest(
            documentCount: documents.count, chunkCount: chunkCount, termCount: termCount,
            postingCount: postings.count / IndexFormat.postingStride, positionCount: positions.count,
            totalBodyLength: totalBodyLength, totalHeadingLength: totalHeadingLength, termSlotCount: slotCount,
            analyzer: analyzer.configuration, encoding: encoding, maxChunkTokens: maxChunkTokens,
            vectors: termVectors.map { IndexManifest.Vectors(fingerprint: $0.fingerprint, dimensions: $0.dimensions) })
        let manifestBytes = Array(try! JSONEncoder().encode(manifest))  // plain Codable values: cannot fail

        var writer = IndexImageWriter()
        writer.add(.manifest, bytes: manifestBytes)
        writer.add(.termSlots, slots)
        writer.add(.terms, termRecords)
        writer.add(.termBytes, bytes: termBlob)
        writer.add(.postings, postings)
        writer.add(.positions, positions)
        writer.add(.chunks, chunkRecords)
        writer.add(.headingPaths, headingPaths)
        writer.add(.documents, documentRecords)
        writer.add(.strings, bytes: strings)
        writer.add(.text, bytes: text)
        if let termVectors { writer.add(.chunkVectors, bytes: chunkVectors(termVectors)) }
        return writer.finish()
    }
}

extension IndexBuilder {
    /// One unit vector per chunk, quantized to Int8 (× 127): the sum of its body terms' weighted
    /// vectors, each distinct term once times 1 + ln(count) (sublinear, as in the learning matrix; a
    /// little better than the raw count on the tuning split); zeros for a chunk without a known term.
    func chunkVectors(_ table: TermVectors) -> [UInt8] {
        let dimensions = table.dimensions
        var rowOfTerm = [Int32](repeating: -2, count: inverter.termBytes.count)  // -2: not looked up yet
        var counts = [Float](repeating: 0, count: inverter.termBytes.count)
        var distinct: [Int] = []
        var result = [UInt8](repeating: 0, count: chunkCount * dimensions)
        var sum = [Float](repeating: 0, count: dimensions)
        table.withWeightedRows { rows in
            sum.withUnsafeMutableBufferPointer { sum in
                for chunk in 0..<chunkCount {
                    for occurrence in Int(chunkOccurrenceStarts[chunk])..<Int(chunkOccurrenceStarts[chunk + 1]) {
                        guard inverter.occurrencePositions[occurrence] & Self.headingFlag == 0 else { continue }
                        let term = Int(inverter.occurrenceTerms[occurrence])
                        if rowOfTerm[term] == -2 {
                            rowOfTerm[term] = Int32(table.row(of: inverter.termBytes[term]) ?? -1)
                        }
                        guard rowOfTerm[term] >= 0 else { continue }
                        if counts[term] == 0 { distinct.append(term) }
                        counts[term] += 1
                    }
                    guard !distinct.isEmpty else { continue }
                    sum.update(repeating: 0)
                    for term in distinct {
                        let source = rows.baseAddress! + Int(rowOfTerm[term]) * dimensions
                        let times = 1 + logf(counts[term])
                        for d in 0..<dimensions { sum[d] += times * source[d] }
                        counts[term] = 0
                    }
                    distinct.removeAll(keepingCapacity: true)
                    var squares: Float = 0
                    for d in 0..<dimensions { squares += sum[d] * sum[d] }
                    guard squares > 0, squares.isFinite else { continue }
                    let scale = 127 / squares.squareRoot()
                    for d in 0..<dimensions {
                        result[chunk * dimensions + d] = UInt8(
                            bitPattern: Int8(clamping: Int((sum[d] * scale).rounded())))
                    }
                }
            }
        }
        return result
    }
}

/// Lays sections out after the header, directory and page table, and fills in the checksums.
struct IndexImageWriter {
    private var data: [UInt8] = []
    private var entries: [(IndexFormat.Section, offset: Int, length: Int)] = []

    mutating func add(_ section: IndexFormat.Section, bytes: [UInt8]) {
        while data.count % 8 != 0 { data.append(0) }
        entries.append((section, data.count, bytes.count))
        data.append(contentsOf: bytes)
    }

    mutating func add<Element: FixedWidthInteger>(_ section: IndexFormat.Section, _ values: [Element]) {
        while data.count % 8 != 0 { data.append(0) }
        entries.append((section, data.count, values.count * MemoryLayout<Element>.size))
        values.withUnsafeBytes { raw in
            #if _endian(big)
            for value in values { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
            #else
            data.append(contentsOf: raw)
            #endif
        }
    }

    consuming func finish() -> [UInt8] {
        let pageCount = (data.count + IndexFormat.pageSize - 1) / IndexFormat.pageSize
        let directoryLength = entries.count * IndexFormat.directoryEntryLength
        var pagedStart = IndexFormat.headerLength + directoryLength + pageCount * 4
        pagedStart = (pagedStart + 63) / 64 * 64

        var pageTable = [UInt8]()
        data.withUnsafeBytes { raw in
            for page in 0..<pageCount {
                let start = page * IndexFormat.pageSize
                let end = min(start + IndexFormat.pageSize, raw.count)
                pageTable.appendLittleEndian(CRC32.checksum(UnsafeRawBufferPointer(rebasing: raw[start..<end])))
            }
        }
        var directory = [UInt8]()
        for entry in entries {
            directory.appendLittleEndian(entry.0.rawValue)
            directory.appendLittleEndian(UInt32(0))
            directory.appendLittleEndian(UInt64(pagedStart + entry.offset))
            directory.appendLittleEndian(UInt64(entry.length))
        }
        var header = IndexFormat.magic
        header.appendLittleEndian(IndexFormat.version)
        header.appendLittleEndian(UInt32(IndexFormat.pageSize))
        header.appendLittleEndian(UInt64(pagedStart + data.count))
        header.appendLittleEndian(UInt32(entries.count))
        header.appendLittleEndian(CRC32.checksum(pageTable))
        header.appendLittleEndian(CRC32.checksum(directory))
        header.appendLittleEndian(UInt32(pagedStart))
        while header.count < IndexFormat.headerLength - 4 { header.append(0) }
        header.appendLittleEndian(CRC32.checksum(header))

        var image = header
        image.reserveCapacity(pagedStart + data.count)
        image.append(contentsOf: directory)
        image.append(contentsOf: pageTable)
        while image.count < pagedStart { image.append(0) }
        image.append(contentsOf: data)
        return image
    }
}

extension [UInt8] {
    mutating func appendLittleEndian<Value: FixedWidthInteger>(_ value: Value) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}
