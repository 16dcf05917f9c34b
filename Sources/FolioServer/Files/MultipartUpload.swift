internal import Foundation
internal import MultipartKit
internal import NIOCore

/// A `multipart/form-data` upload read as it arrives: the `file` part goes to a ``StagedFile`` a
/// buffer at a time, the small fields (`purpose`, `expires_after[...]`) are kept. Nothing holds the
/// whole body: at most one network read plus one write buffer is in memory.
struct MultipartUpload {
    struct Result {
        var staged: StagedFile
        var filename: String
        var fields: [String: String]
    }

    /// Bytes gathered before a write: large enough to keep syscalls and thread hops rare.
    static let writeBufferBytes = 1 << 20
    /// A form field other than the file (a purpose, an expiry) is small.
    static let maxFieldBytes = 64 << 10
    static let maxFields = 32

    /// The largest body an upload of a file of at most `maxFileBytes` may have: everything but the
    /// file is small (headers, fields, boundaries), however the body is sent (a chunked one has no
    /// Content-Length).
    static func maxBodyBytes(forFile maxFileBytes: Int) -> Int { maxFileBytes + maxFields * (maxFieldBytes + 4_096) }

    /// The boundary of a `multipart/form-data` content type, or nil.
    static func boundary(ofContentType contentType: String?) -> String? {
        guard let contentType else { return nil }
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let first = parts.first, first.lowercased() == "multipart/form-data" else { return nil }
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].lowercased() == "boundary" else { continue }
            var value = String(pair[1])
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                value = String(value.dropFirst().dropLast())
            }
            return value.isEmpty || value.utf8.count > 200 ? nil : value
        }
        return nil
    }

    /// Reads `body`, staging the `file` part under `id`.
    /// - Throws: ``APIError`` for malformed multipart, a missing or second `file` part, or a file
    ///   over `maxFileBytes`; the staged bytes are discarded first.
    static func read(
        _ body: some AsyncSequence<ByteBuffer, any Error>, boundary: String, id: String, vault: FileVault,
        maxFileBytes: Int
    ) async throws -> Result {
        let parser = MultipartParser(boundary: boundary)
        let state = ParseState()
        parser.onHeader = { name, value in
            state.headers.append((name, value))
            state.finished = false
        }
        parser.onBody = { buffer in state.take(&buffer) }
        parser.onPartComplete = { state.completePart() }

        var staged: StagedFile?
        let maxBodyBytes = Self.maxBodyBytes(forFile: maxFileBytes)
        var bodyBytes = 0
        do {
            for try await buffer in body {
                bodyBytes += buffer.readableBytes
                guard bodyBytes <= maxBodyBytes, state.headers.count <= 64 else {
                    throw APIError.tooLarge(
                        "the request body is over the limit of \(maxBodyBytes) bytes (a file of at most "
                            + "\(maxFileBytes) bytes and small form fields)", param: "file", code: "file_too_large")
                }
                do {
                    try parser.execute(buffer)
                } catch {
                    throw APIError.invalidRequest("the request body is not valid multipart/form-data")
                }
                if let error = state.error { throw error }
                if state.isFilePart || !state.fileBytes.isEmpty {
                    if staged == nil { staged = try await vault.stage(id: id) }
                    let written = staged!.byteCount + Int64(state.fileBytes.count)
                    guard written <= Int64(maxFileBytes) else {
                        throw APIError.tooLarge(
                            "file size is too large, max file size is \(maxFileBytes) bytes, "
                                + "please confirm and re-upload the file",
                            param: "file", code: "file_too_large")
                    }
                    if state.fileBytes.count >= writeBufferBytes || state.fileComplete {
                        try await staged!.append(state.fileBytes)
                        state.fileBytes.removeAll(keepingCapacity: true)
                    }
                }
            }
            guard state.finished else {
                throw APIError.invalidRequest("the multipart body ended before its closing boundary")
            }
            guard state.sawFile, let filename = state.filename else {
                throw APIError.invalidRequest("the request has no `file` part", param: "file")
            }
            if staged == nil { staged = try await vault.stage(id: id) }
            try await staged!.append(state.fileBytes)
            guard staged!.byteCount > 0 else {
                throw APIError.invalidRequest("the file is empty", param: "file", code: "empty_file")
            }
            return Result(staged: staged!, filename: filename, fields: state.fields)
        } catch {
            await staged?.discard()
            throw error
        }
    }
}

/// The parser's callbacks write here; one request's task owns it.
private final class ParseState {
    var headers: [(String, String)] = []
    var currentName: String?
    var isFilePart = false
    var sawFile = false
    var fileComplete = false
    var filename: String?
    var fileBytes: [UInt8] = []
    var fieldBytes: [UInt8] = []
    var fields: [String: String] = [:]
    var error: APIError?
    /// Parts completed; the parser reports the closing boundary as the last completion.
    var finished = false

    func take(_ buffer: inout ByteBuffer) {
        if currentName == nil { startPart() }
        guard error == nil else { return }
        if isFilePart {
            buffer.withUnsafeReadableBytes { fileBytes.append(contentsOf: $0) }
        } else if fieldBytes.count + buffer.readableBytes <= MultipartUpload.maxFieldBytes {
            buffer.withUnsafeReadableBytes { fieldBytes.append(contentsOf: $0) }
        } else {
            error = APIError.tooLarge("the form field `\(currentName ?? "")` is over 64 KiB")
        }
        buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
    }

    /// Reads the part's Content-Disposition once its first body bytes (or its end) arrive.
    func startPart() {
        let disposition = headers.first { $0.0.lowercased() == "content-disposition" }?.1 ?? ""
        let parameters = Self.parameters(of: disposition)
        let name = parameters["name"] ?? ""
        currentName = name
        if name == "file" {
            guard !sawFile else {
                error = APIError.invalidRequest("the request has more than one `file` part", param: "file")
                return
            }
            isFilePart = true
            sawFile = true
            fileComplete = false
            filename = parameters["filename"].map(Self.cleanFilename) ?? "upload"
        }
    }

    func completePart() {
        if currentName == nil { startPart() }
        if isFilePart {
            fileComplete = true
        } else if let name = currentName, error == nil {
            guard fields.count < MultipartUpload.maxFields else {
                error = APIError.invalidRequest("the request has more than \(MultipartUpload.maxFields) form fields")
                return
            }
            fields[name] = String(decoding: fieldBytes, as: UTF8.self)
        }
        // The parser calls this for the closing boundary too; `finished` stays true only if no
        // part follows.
        finished = true
        headers = []
        currentName = nil
        isFilePart = false
        fieldBytes = []
    }

    /// `form-data; name="file"; filename="a.pdf"` → ["name": "file", "filename": "a.pdf"].
    static func parameters(of disposition: String) -> [String: String] {
        var result: [String: String] = [:]
        for item in disposition.split(separator: ";").dropFirst() {
            let pair = item.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            var value = pair[1].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                value = String(value.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"")
            }
            result[pair[0].trimmingCharacters(in: .whitespaces).lowercased()] = value
        }
        return result
    }

    /// The last path component, without control characters, at most 255 bytes: a display name only.
    static func cleanFilename(_ name: String) -> String {
        let last = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var cleaned = String(last.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.map(Character.init))
        while cleaned.utf8.count > 255 { cleaned.removeLast() }
        return cleaned.isEmpty || cleaned == "." || cleaned == ".." ? "upload" : cleaned
    }
}
