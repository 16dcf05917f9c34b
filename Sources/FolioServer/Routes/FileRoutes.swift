internal import Logging
internal import Foundation
internal import Folio
internal import Hummingbird
internal import Foundation

/// `/v1/files`: Moonshot's file API (OpenAI's shape), with Folio's extraction behind `content`.
extension Gateway {
    static let purposes: Set<String> = ["file-extract", "assistants", "batch", "user_data"]

    func addFileRoutes(to router: Router<GatewayContext>) {
        router.post("/v1/files") { request, context in try await self.upload(request, context) }
        router.get("/v1/files") { request, context in try await self.listFiles(request, context) }
        router.get("/v1/files/{id}") { request, context in
            let principal = try await self.caller(request, context)
            return Response.json(Self.object(of: try await self.storedFile(context, principal)))
        }
        router.delete("/v1/files/{id}") { request, context in
            let principal = try await self.caller(request, context)
            let id = try context.parameters.require("id")
            guard let record = try await self.store.deleteFile(id: id, tenant: principal.tenant) else {
                throw Self.noSuchFile(id)
            }
            // The record went first: from here no client can reach the bytes, whatever happens next
            // (shared bytes a failure leaves here are swept at a node's start; other nodes' local
            // copies too).
            await self.vault.remove(id: record.id)
            try? await self.blobs?.delete(id: record.id)
            return Response.json(["id": .string(id), "object": "file", "deleted": true])
        }
        router.get("/v1/files/{id}/content") { request, context in
            try await self.fileContent(request, context)
        }
    }

    static func noSuchFile(_ id: String) -> APIError {
        .notFound("file \(id) not found", param: "file_id")
    }

    /// The caller's file named in the path, or 404 (also for another tenant's file).
    func storedFile(_ context: GatewayContext, _ principal: Principal, parameter: String = "id") async throws
        -> FileRecord
    {
        let id = try context.parameters.require(parameter)
        guard FileVault.isSafeID(id), let record = try await store.file(id: id, tenant: principal.tenant) else {
            throw Self.noSuchFile(id)
        }
        return record
    }

    static func object(of file: FileRecord) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(file.id), "object": "file", "bytes": .int(Int(file.bytes)),
            "created_at": .int(Int(file.createdAt)), "filename": .string(file.filename),
            "purpose": .string(file.purpose), "status": .string(file.status),
            "status_details": .string(file.statusDetails),
        ]
        object["expires_at"] = file.expiresAt.map { .int(Int($0)) } ?? .null
        return .object(object)
    }

    // MARK: Upload

    /// Streams the `file` part to disk while hashing it, commits it, extracts it as a job of the
    /// caller's class, and only then records it and answers 200. A refused request leaves nothing.
    func upload(_ request: Request, _ context: GatewayContext) async throws -> Response {
        let principal = try await caller(request, context)
        let session = try await session(
            for: principal,
            requestedTier: request.headers[.serviceTier]
                ?? request.uri.queryParameters["service_tier"]
                .map(String.init), context: context)
        guard let boundary = MultipartUpload.boundary(ofContentType: request.headers[.contentType]) else {
            throw APIError.invalidRequest("the request must be multipart/form-data with a boundary")
        }
        if let length = request.headers[.contentLength].flatMap(Int.init),
            length > MultipartUpload.maxBodyBytes(forFile: configuration.maxUploadBytes)
        {
            throw Self.fileTooLarge(configuration.maxUploadBytes)
        }
        // A tenant at its quota is told before a byte is stored (the insert checks again, in its
        // transaction, with the file's real size).
        let quota = TenantQuota(maxFiles: configuration.maxFilesPerTenant, maxBytes: configuration.maxBytesPerTenant)
        let usage = try await store.usage(tenant: principal.tenant)
        try quota.check(files: usage.files, bytes: usage.bytes, adding: 1)

        let id = Identifiers.make("file-")
        let started = ContinuousClock.now
        let upload = try await MultipartUpload.read(
            request.body, boundary: boundary, id: id, vault: vault, maxFileBytes: configuration.maxUploadBytes)
        let purpose = upload.fields["purpose"] ?? ""
        var committed = false
        var shared = false
        var uncertain = false
        do {
            guard Self.purposes.contains(purpose) else {
                throw APIError.invalidRequest(
                    "purpose must be one of \(Self.purposes.sorted().joined(separator: ", "))", param: "purpose")
            }
            let createdAt = Self.nowSeconds()
            let expiresAt = try Self.expiry(upload.fields, now: createdAt)
            let digest = try await upload.staged.commit()
            committed = true
            let storing = ContinuousClock.now - started
            let bytes = upload.staged.byteCount
            guard let path = vault.path(of: id) else { throw APIError.server("unsafe file id") }

            // Extraction is the upload's CPU work: a job in the caller's class, refused honestly
            // when the pool is full (the stored bytes go: a 429 promises nothing). A large file is
            // extracted on first use instead.
            var status = "ok"
            var details = ""
            if bytes <= Int64(configuration.extractOnUploadBytes) {
                do {
                    _ = try await engine.ingest(
                        file: path, name: Self.documentName(id: id, filename: upload.filename), session: session)
                } catch  where error.code == .input || error.code == .unsupportedFormat || error.code == .limit {
                    status = "error"
                    details = error.message
                } catch {
                    throw APIError(error)
                }
            }
            let record = FileRecord(
                id: id, tenant: principal.tenant, filename: upload.filename, purpose: purpose, bytes: bytes,
                sha256: digest, createdAt: createdAt, expiresAt: expiresAt, status: status,
                statusDetails: details)
            // In a fleet the bytes every node reads are committed before the record that names them.
            if let blobs {
                shared = true
                try await blobs.put(id: id, from: path, bytes: bytes)
            }
            do {
                try await store.insertFile(record, quota: quota)
            } catch StoreError.unavailable(let reason) {
                // The commit's outcome is unknown: the record may be in. Its bytes stay (without a
                // record they are invisible, and swept at a node's start once an hour old).
                (shared, committed, uncertain) = (false, false, true)
                throw StoreError.unavailable(reason)
            }
            metrics.uploaded(bytes: bytes)
            let seconds = Double(storing.components.seconds) + Double(storing.components.attoseconds) * 1e-18
            logger.debug(
                "stored \(bytes) bytes in \(String(format: "%.3f", seconds)) s",
                metadata: ["request_id": .string(context.requestID), "file": .string(id)])
            return Response.json(Self.object(of: record))
        } catch {
            if shared { try? await blobs?.delete(id: id) }
            if committed {
                await vault.remove(id: id)
            } else if !uncertain {
                await upload.staged.discard()
            }
            throw error
        }
    }

    static func fileTooLarge(_ limit: Int) -> APIError {
        .tooLarge(
            "file size is too large, max file size is \(limit) bytes, please confirm and re-upload the file",
            param: "file", code: "file_too_large")
    }

    /// OpenAI's `expires_after[anchor]=created_at` and `expires_after[seconds]` (3,600 to 2,592,000).
    static func expiry(_ fields: [String: String], now: Int64) throws -> Int64? {
        let anchor = fields["expires_after[anchor]"]
        let seconds = fields["expires_after[seconds]"]
        guard anchor != nil || seconds != nil else { return nil }
        guard anchor == nil || anchor == "created_at" else {
            throw APIError.invalidRequest("expires_after[anchor] must be created_at", param: "expires_after")
        }
        guard let seconds, let value = Int64(seconds), (3_600...2_592_000).contains(value) else {
            throw APIError.invalidRequest(
                "expires_after[seconds] must be between 3600 and 2592000", param: "expires_after")
        }
        return now + value
    }

    // MARK: Listing

    func listFiles(_ request: Request, _ context: GatewayContext) async throws -> Response {
        let principal = try await caller(request, context)
        let query = request.uri.queryParameters
        var limit = 10_000
        if let text = query["limit"] {
            guard let value = Int(text), (1...10_000).contains(value) else {
                throw APIError.invalidRequest("limit must be between 1 and 10000", param: "limit")
            }
            limit = value
        }
        let order = query["order"].map(String.init) ?? "desc"
        guard order == "asc" || order == "desc" else {
            throw APIError.invalidRequest("order must be asc or desc", param: "order")
        }
        let after = query["after"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let purpose = query["purpose"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        var page = try await store.files(
            tenant: principal.tenant, purpose: purpose, after: after, limit: limit + 1, ascending: order == "asc")
        let hasMore = page.count > limit
        if hasMore { page.removeLast() }
        return Response.json([
            "object": "list", "data": .array(page.map(Self.object)), "has_more": .bool(hasMore),
            "first_id": page.first.map { .string($0.id) } ?? .null,
            "last_id": page.last.map { .string($0.id) } ?? .null,
        ])
    }

    // MARK: Content

    /// Moonshot's content: a JSON text the client pastes into a system message; `content` is what
    /// `folio extract` gives for the file.
    func fileContent(_ request: Request, _ context: GatewayContext) async throws -> Response {
        let principal = try await caller(request, context)
        let record = try await storedFile(context, principal)
        guard record.status == "ok" else {
            throw APIError(
                .unprocessableContent, type: "invalid_request_error",
                "file \(record.id) could not be extracted: \(record.statusDetails)", param: "file_id",
                code: "unreadable_document", shouldRetry: false)
        }
        let session = try await session(for: principal, requestedTier: nil, context: context)
        let handle = try await handle(of: record, session: session)
        let text: String
        do {
            text = try await engine.perform { () throws(EngineError) in try handle.document.text() }
        } catch {
            throw APIError(error, names: [handle.name: record.filename])
        }
        let body: JSONValue = [
            "content": .string(text), "file_type": .string(Self.mediaType(handle.document.metadata.format)),
            "filename": .string(record.filename), "title": .string(handle.document.metadata.title ?? ""),
            "type": "file",
        ]
        return Response.json(body)
    }

    /// The engine's document for a stored file: a cache hit after the upload (a `stat` and a lookup).
    func handle(of record: FileRecord, session: Session) async throws -> DocumentHandle {
        let path = try await localPath(of: record)
        do {
            return try await engine.ingest(
                file: path, name: Self.documentName(id: record.id, filename: record.filename), session: session)
        } catch {
            throw APIError(error)
        }
    }

    /// The node's copy of a stored file: in a fleet, fetched from the blob store on first use
    /// (checked against the record's size and SHA-256 before it is used).
    func localPath(of record: FileRecord) async throws -> String {
        guard let path = vault.path(of: record.id) else { throw Self.noSuchFile(record.id) }
        guard let blobs, !vault.holds(record.id) else { return path }
        let staging = vault.stagingDirectory + "/" + record.id + "." + Identifiers.make("fetch-")
        guard try await blobs.get(id: record.id, to: staging) else {
            throw APIError.server("the bytes of file \(record.id) are missing from the shared store")
        }
        let digest = try await vault.digest(of: staging)
        guard digest.bytes == record.bytes, digest.sha256 == record.sha256 else {
            await vault.removeStaged(staging)
            throw APIError.server("the shared bytes of file \(record.id) do not match its record")
        }
        try await vault.adopt(staging, as: record.id)
        return path
    }

    /// What the engine calls a stored file: unique (the id), with the client's name and extension
    /// (which helps detect the format); packed contexts cite it.
    static func documentName(id: String, filename: String) -> String { id + "/" + filename }

    static func mediaType(_ format: DocumentFormat) -> String {
        switch format {
        case .pdf: "application/pdf"
        case .html, .inlineXBRL: "text/html"
        case .xhtml: "application/xhtml+xml"
        case .xml, .xbrl: "application/xml"
        case .docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        case .odt: "application/vnd.oasis.opendocument.text"
        default: "text/plain"
        }
    }
}
