/// An object stream (7.5.7), decoded: the objects' numbers and where each starts.
struct PDFObjectStreamContents {
    let bytes: [UInt8]
    /// Object number and offset (from `/First`) of each object, in order.
    let objects: [(number: Int, offset: Int)]
    let first: Int
}

extension PDFFile {
    /// A stream's bytes: decrypted (unless it is exempt), then through each of its `/Filter`s.
    ///
    /// - Throws: ``PDFError/Code/limitExceeded`` past ``PDFLimits/maxStreamBytes`` or
    ///   ``PDFLimits/maxCompressionRatio``; ``PDFError/Code/malformed`` for corrupt filter data;
    ///   ``PDFError/Code/unsupported`` for image codecs and unknown filters.
    public func data(of stream: PDFStream) throws(PDFError) -> [UInt8] {
        try decodedData(of: stream, decrypt: true)
    }

    func decodedData(of stream: PDFStream, decrypt: Bool) throws(PDFError) -> [UInt8] {
        let budget = PDFDecodeBudget(
            limits: limits, encodedByteCount: stream.encoded.count, byteOffset: stream.byteOffset)
        let filters = try filterChain(stream.dictionary)
        var data: [UInt8]
        if decrypt, let security, let reference = stream.object,
            let method = try decryptionMethod(for: stream, filters: filters, security: security)
        {
            data = security.decrypt(stream.encoded, reference, method: method)
        } else {
            data = Array(stream.encoded)
        }
        if filters.isEmpty { try budget.check(data.count) }
        for (filter, parameters) in filters {
            data = try PDFFilters.decode(data, filter: filter, parameters: parameters, budget: budget)
        }
        return data
    }

    /// How a stream is decrypted; nil when it is stored in clear: cross-reference streams, metadata
    /// when `/EncryptMetadata` is false, and streams whose `/Crypt` filter is `/Identity`.
    private func decryptionMethod(
        for stream: PDFStream, filters: [(PDFFilter, PDFDictionary?)], security: PDFSecurityHandler
    ) throws(PDFError) -> PDFSecurityHandler.Method? {
        let type = stream.dictionary.type
        if type == "XRef" { return nil }
        if type == "Metadata" && !security.encryptMetadata { return nil }
        var method = security.streamMethod
        if let crypt = filters.first(where: { $0.0 == .crypt }) {
            let name = crypt.1?["Name"]?.name ?? "Identity"
            method = security.cryptFilters[name] ?? .identity
        }
        return method == .identity ? nil : method
    }

    /// The stream's filters with their `/DecodeParms` (values resolved), in the order they apply.
    private func filterChain(_ dictionary: PDFDictionary) throws(PDFError) -> [(PDFFilter, PDFDictionary?)] {
        guard let filterValue = try value(dictionary, "Filter") else { return [] }
        var names: [PDFName] = []
        switch filterValue {
        case .name(let name): names = [name]
        case .array(let array):
            for element in array {
                if case .name(let name) = try resolve(element) { names.append(name) }
            }
        default: return []
        }
        var parameters: [PDFDictionary?] = []
        switch try value(dictionary, "DecodeParms") {
        case .dictionary(let single)?: parameters = [single]
        case .array(let array)?:
            for element in array { parameters.append(try resolve(element).dictionary) }
        default: break
        }
        var chain: [(PDFFilter, PDFDictionary?)] = []
        for (index, name) in names.enumerated() {
            var resolved: PDFDictionary?
            if index < parameters.count, let raw = parameters[index] {
                var flat = PDFDictionary()
                for (key, entry) in raw.entries { flat[key] = try resolve(entry) }
                resolved = flat
            }
            chain.append((PDFFilter(name), resolved))
        }
        return chain
    }

    // MARK: Object streams

    /// Object `number`, the `index`-th in object stream `stream` (found by number when the index is
    /// wrong). Its strings are not decrypted: the whole object stream was.
    func compressedObject(_ number: Int, stream: Int, index: Int) throws(PDFError) -> PDFObject {
        let contents = try objectStream(stream)
        let offset: Int
        if index >= 0 && index < contents.objects.count && contents.objects[index].number == number {
            offset = contents.objects[index].offset
        } else if let entry = contents.objects.first(where: { $0.number == number }) {
            offset = entry.offset
        } else {
            return .null
        }
        let start = contents.first + offset
        guard start >= 0 && start < contents.bytes.count else {
            throw PDFError(
                .malformed, "object \(number) lies outside its object stream \(stream)", object: PDFReference(number))
        }
        var parser = PDFParser(bytes: contents.bytes, position: start, limits: limits)
        return try parser.parseObject()
    }

    /// Object stream `number`, decoded, with its header of object numbers and offsets.
    func objectStream(_ number: Int) throws(PDFError) -> PDFObjectStreamContents {
        if let cached = objectStreamCache[number] { return cached }
        guard case .stream(let stream) = try object(number) else {
            throw PDFError(.malformed, "object \(number) is not an object stream", object: PDFReference(number))
        }
        let data = try self.data(of: stream)
        guard let count = stream.dictionary["N"]?.integer, let first = stream.dictionary["First"]?.integer,
            count >= 0, first >= 0, first <= data.count
        else {
            throw PDFError(
                .malformed, "object stream \(number) has no usable /N or /First", object: PDFReference(number))
        }
        var lexer = PDFLexer(bytes: data, position: 0, end: first)
        var objects: [(number: Int, offset: Int)] = []
        objects.reserveCapacity(min(count, first / 4 + 1))
        for _ in 0..<min(count, first / 2 + 1) {
            guard case .integer(let objectNumber) = lexer.next(), case .integer(let offset) = lexer.next() else {
                break
            }
            objects.append((objectNumber, offset))
        }
        let contents = PDFObjectStreamContents(bytes: data, objects: objects, first: first)
        objectStreamCache[number] = contents
        return contents
    }
}
