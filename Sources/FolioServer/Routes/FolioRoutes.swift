internal import Foundation
internal import Folio
internal import Hummingbird

/// Folio's own endpoints: chunks of a file, search and pack over a tenant's files, tokenize (in
/// TokenizerRoutes), passes, and the queue.
extension Gateway {
    func addFolioRoutes(to router: Router<GatewayContext>) {
        router.get("/v1/folio/files/{id}/chunks") { request, context in try await self.chunks(request, context) }
        router.post("/v1/folio/search") { request, context in try await self.search(request, context) }
        router.post("/v1/folio/pack") { request, context in try await self.pack(request, context) }
        router.get("/v1/folio/queue") { request, context in
            _ = try await self.caller(request, context)
            return Response.json(self.queueObject())
        }
        addPassRoutes(to: router)
    }

    // MARK: Chunks

    /// A page of a file's chunks: the engine's own cut, or windows of `max_tokens` (`overlap`).
    func chunks(_ request: Request, _ context: GatewayContext) async throws -> Response {
        let principal = try await caller(request, context)
        let record = try await storedFile(context, principal)
        let query = request.uri.queryParameters
        let encoding = query["encoding"].map(String.init) ?? engine.configuration.encoding
        guard encoding == engine.configuration.encoding else {
            throw APIError.invalidRequest(
                "this gateway chunks in \(engine.configuration.encoding); start it with --encoding \(encoding)",
                param: "encoding")
        }
        let after = try Self.intParameter(query["after"], name: "after", range: -1...Int.max) ?? -1
        let limit = try Self.intParameter(query["limit"], name: "limit", range: 1...1_000) ?? 100
        let maxTokens = try Self.intParameter(query["max_tokens"], name: "max_tokens", range: 1...10_000_000)
        let overlap = try Self.intParameter(query["overlap"], name: "overlap", range: 0...5_000_000)
        let session = try await session(for: principal, requestedTier: nil, context: context)
        let handle = try await handle(of: record, session: session)
        let page: [Chunk]
        let hasMore: Bool
        do {
            let ownCut =
                (maxTokens == nil || maxTokens == engine.configuration.maxTokens)
                && (overlap == nil || overlap == engine.configuration.overlapTokens)
            (page, hasMore) =
                ownCut
                ? try await Self.page(of: engine.chunks(of: handle), after: after, limit: limit)
                : try await Self.page(
                    of: engine.windows(of: handle, maxTokens: maxTokens ?? 128_000, overlap: overlap ?? 0),
                    after: after, limit: limit)
        } catch {
            throw apiError(error, names: [handle.name: record.filename])
        }
        return Response.json([
            "object": "list", "file_id": .string(record.id), "encoding": .string(encoding),
            "data": .array(page.map(Self.object)), "has_more": .bool(hasMore),
            "last_index": page.last.map { .int($0.index) } ?? .null,
        ])
    }

    /// Up to `limit` chunks after index `after`, and whether more follow.
    static func page(of chunks: some AsyncSequence<Chunk, EngineError>, after: Int, limit: Int)
        async throws(EngineError) -> (chunks: [Chunk], hasMore: Bool)
    {
        var page: [Chunk] = []
        for try await chunk in chunks where chunk.index > after {
            if page.count == limit { return (page, true) }
            page.append(chunk)
        }
        return (page, false)
    }

    static func object(of chunk: Chunk) -> JSONValue {
        var object: [String: JSONValue] = [
            "index": .int(chunk.index), "text": .string(chunk.text), "token_count": .int(chunk.tokenCount),
            "start": .int(chunk.range.start), "end": .int(chunk.range.end),
            "headings": .array(chunk.headings.map(JSONValue.string)),
        ]
        if let pages = chunk.pages { object["pages"] = [.int(pages.lowerBound), .int(pages.upperBound)] }
        return .object(object)
    }

    static func intParameter(_ text: Substring?, name: String, range: ClosedRange<Int>) throws -> Int? {
        guard let text else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw APIError.invalidRequest("\(name) must be an integer in \(range)", param: name)
        }
        return value
    }

    // MARK: Search and pack

    /// The caller's documents named by `file_ids` (all its extracted files when absent, up to 100).
    func documents(_ body: [String: JSONValue], principal: Principal, session: Session) async throws
        -> (handles: [DocumentHandle], records: [String: FileRecord])
    {
        var records: [FileRecord] = []
        if let ids = body["file_ids"], !ids.isNull {
            guard let ids = ids.arrayValue, !ids.isEmpty, ids.count <= 100 else {
                throw APIError.invalidRequest("file_ids must be an array of 1 to 100 file ids", param: "file_ids")
            }
            for id in ids {
                guard let id = id.stringValue, FileVault.isSafeID(id),
                    let record = try await store.file(id: id, tenant: principal.tenant)
                else { throw Self.noSuchFile(id.stringValue ?? "?") }
                guard record.status == "ok" else {
                    throw APIError.invalidRequest(
                        "file \(record.id) could not be extracted: \(record.statusDetails)", param: "file_ids")
                }
                records.append(record)
            }
        } else {
            records = try await store.files(
                tenant: principal.tenant, purpose: nil, after: nil, limit: 100, ascending: true
            )
            .filter { $0.status == "ok" }
            guard !records.isEmpty else {
                throw APIError.invalidRequest("you have no files to search", param: "file_ids")
            }
        }
        var handles: [DocumentHandle] = []
        var byName: [String: FileRecord] = [:]
        for record in records {
            let handle = try await handle(of: record, session: session)
            handles.append(handle)
            byName[handle.name] = record
        }
        return (handles, byName)
    }

    func search(_ request: Request, _ context: GatewayContext) async throws -> Response {
        let (principal, body) = try await jsonCall(request, context)
        guard let query = body["query"]?.stringValue, !query.isEmpty else {
            throw APIError.invalidRequest("query is required", param: "query")
        }
        let limit = body["limit"]?.intValue ?? 10
        guard (1...100).contains(limit) else { throw APIError.invalidRequest("limit must be 1–100", param: "limit") }
        let session = try await session(
            for: principal, requestedTier: body["service_tier"]?.stringValue, context: context)
        let (handles, records) = try await documents(body, principal: principal, session: session)
        let hits: [DocumentSearchHit]
        do {
            hits = try await engine.search(query, in: handles, limit: limit)
        } catch {
            throw APIError(error, names: records.mapValues(\.filename))
        }
        return Response.json([
            "object": "list",
            "data": .array(
                hits.map { hit in
                    let record = records[hit.handle.name]
                    var object = Self.object(of: hit.chunk).objectValue ?? [:]
                    object["file_id"] = .string(record?.id ?? "")
                    object["filename"] = .string(record?.filename ?? "")
                    object["score"] = .double(hit.score)
                    return .object(object)
                }),
        ])
    }

    /// Packs the passages that best answer `query` into messages whose exact chat count is at most
    /// `budget_tokens`: a system message with the cited passages and the user's question.
    func pack(_ request: Request, _ context: GatewayContext) async throws -> Response {
        let (principal, body) = try await jsonCall(request, context)
        guard let query = body["query"]?.stringValue, !query.isEmpty else {
            throw APIError.invalidRequest("query is required", param: "query")
        }
        guard let budget = body["budget_tokens"]?.intValue, budget > 0 else {
            throw APIError.invalidRequest("budget_tokens must be a positive integer", param: "budget_tokens")
        }
        let (tokenizer, encoding) = try tokenizer(model: body["model"], encoding: body["encoding"])
        guard encoding == engine.configuration.encoding else {
            throw APIError.invalidRequest(
                "this gateway packs in \(engine.configuration.encoding); start it with --encoding \(encoding)",
                param: body["model"] != nil ? "model" : "encoding")
        }
        let session = try await session(
            for: principal, requestedTier: body["service_tier"]?.stringValue, context: context)
        var handles: [DocumentHandle] = []
        var records: [String: FileRecord] = [:]
        if let cacheID = body["cache_id"]?.stringValue {
            let cache = try await ownCache(cacheID, principal)
            guard cache.status == "ready" else {
                throw APIError.invalidRequest(
                    "cache \(cache.id) is \(cache.status); update its ttl to use it again", param: "cache_id")
            }
            handles = [try await cachedDocument(cache, session: session)]
        } else {
            (handles, records) = try await documents(body, principal: principal, session: session)
        }
        // The messages around the context cost the same whatever it holds: take them off the budget.
        let userMessage: JSONValue = ["role": "user", "content": .string(query)]
        let overhead = try ModelEncodings.count(
            messages: [["role": "system", "content": ""], userMessage], tokenizer: tokenizer)
        guard budget - overhead >= 1 else {
            throw APIError.invalidRequest(
                "budget_tokens must be more than the \(overhead) tokens the question and message framing take",
                param: "budget_tokens")
        }
        let packed: PackedContext
        do {
            packed = try await engine.pack(query, budget: budget - overhead, in: handles)
        } catch {
            throw APIError(error, names: records.mapValues(\.filename))
        }
        let messages: [JSONValue] = [["role": "system", "content": .string(packed.text)], userMessage]
        let total = overhead + packed.tokenCount
        var result: [String: JSONValue] = [
            "object": "folio.pack", "encoding": .string(encoding), "messages": .array(messages),
            "total_tokens": .int(total), "context_tokens": .int(packed.tokenCount),
            "budget_tokens": .int(budget),
            "citations": .array(
                packed.passages.map { passage in
                    let record = records[passage.path]
                    var object: [String: JSONValue] = [
                        "file_id": record.map { .string($0.id) } ?? .null,
                        "filename": .string(record?.filename ?? passage.path),
                        "start": .int(passage.range.start), "end": .int(passage.range.end),
                        "headings": .array(passage.headings.map(JSONValue.string)), "score": .double(passage.score),
                    ]
                    if let pages = passage.pages { object["pages"] = [.int(pages.lowerBound), .int(pages.upperBound)] }
                    return .object(object)
                }),
        ]
        if let store = body["store_as_cache"], store != .bool(false), !store.isNull {
            var cacheBody = store.objectValue ?? [:]
            cacheBody["model"] = body["model"] ?? .string("moonshot-v1-128k")
            cacheBody["messages"] = .array([messages[0]])
            let cache = try await createCache(cacheBody, principal: principal, context: context)
            result["cache"] = Self.object(of: cache)
        }
        return Response.json(.object(result))
    }

    // MARK: Queue

    func queueObject() -> JSONValue {
        let statistics = engine.statistics.pool
        var classes: [String: JSONValue] = [:]
        for (name, counts) in statistics.classes {
            classes[name] = [
                "queued": .int(counts.queued), "running": .int(counts.running), "admitted": .int(counts.admitted),
                "rejected": .int(counts.rejected), "completed": .int(counts.completed),
                "estimated_wait_ms": .int(APIError.milliseconds(counts.estimatedWait)),
            ]
        }
        return [
            "object": "folio.queue", "workers": .int(engine.pool.configuration.workers),
            "classes": .object(classes), "peak": .bool(statistics.isPeak),
        ]
    }
}
