internal import Foundation
internal import Folio
internal import Hummingbird

/// `/v1/caching`: Moonshot's context caches and their tags, per tenant.
///
/// A cache holds a prompt prefix (`messages`, `tools`) counted exactly in its model's encoding; it is
/// `ready` until `expired_at`, then `inactive` until an update gives it a new expiry. Another
/// tenant's cache or tag is a 404, exactly like one that does not exist.
extension Gateway {
    func addCachingRoutes(to router: Router<GatewayContext>) {
        router.post("/v1/caching") { request, context in
            let (principal, body) = try await self.jsonCall(request, context)
            let record = try await self.createCache(body, principal: principal, context: context)
            return Response.json(Self.object(of: record))
        }
        router.get("/v1/caching") { request, context in
            let principal = try await self.caller(request, context)
            return try await self.listCaches(request, principal: principal)
        }
        router.get("/v1/caching/{id}") { request, context in
            let principal = try await self.caller(request, context)
            return Response.json(Self.object(of: try await self.ownCache(context.parameters.require("id"), principal)))
        }
        router.put("/v1/caching/{id}") { request, context in
            let (principal, body) = try await self.jsonCall(request, context)
            var record = try await self.ownCache(context.parameters.require("id"), principal)
            if let metadata = body["meta"] ?? body["metadata"], !metadata.isNull {
                record.metadata = try Self.metadata(metadata)
            }
            if body["expired_at"] != nil || body["ttl"] != nil {
                record.expiredAt = try self.expiry(body, default: nil)
                record.status = "ready"
            }
            try await self.store.updateCache(record)
            return Response.json(Self.object(of: record))
        }
        router.delete("/v1/caching/{id}") { request, context in
            let principal = try await self.caller(request, context)
            let id = try context.parameters.require("id")
            guard try await self.store.deleteCache(id: id, tenant: principal.tenant) else {
                throw Self.noSuchCache(id)
            }
            return Response.json(["id": .string(id), "object": "context_cache_object.deleted", "deleted": true])
        }

        router.post("/v1/caching/refs/tags") { request, context in
            let (principal, body) = try await self.jsonCall(request, context, limit: 64 << 10)
            guard let tag = body["tag"]?.stringValue, Self.isValidTag(tag) else {
                throw APIError.invalidRequest(
                    "tag must be 1–128 letters, digits, '-', '_' or '.'", param: "tag")
            }
            guard let cacheID = body["cache_id"]?.stringValue else {
                throw APIError.invalidRequest("cache_id is required", param: "cache_id")
            }
            _ = try await self.ownCache(cacheID, principal)
            let record = TagRecord(tag: tag, tenant: principal.tenant, cacheID: cacheID, createdAt: Self.nowSeconds())
            try await self.store.insertTag(record)
            return Response.json(Self.object(of: record))
        }
        router.get("/v1/caching/refs/tags") { request, context in
            let principal = try await self.caller(request, context)
            let tags = try await self.store.tags(tenant: principal.tenant)
            return Response.json(["object": "list", "data": .array(tags.map(Self.object))])
        }
        router.get("/v1/caching/refs/tags/{tag}") { request, context in
            let principal = try await self.caller(request, context)
            return Response.json(Self.object(of: try await self.ownTag(context.parameters.require("tag"), principal)))
        }
        router.delete("/v1/caching/refs/tags/{tag}") { request, context in
            let principal = try await self.caller(request, context)
            let tag = try context.parameters.require("tag")
            guard try await self.store.deleteTag(tag, tenant: principal.tenant) else { throw Self.noSuchTag(tag) }
            return Response.json(["tag": .string(tag), "object": "cache_tag.deleted", "deleted": true])
        }
        router.get("/v1/caching/refs/tags/{tag}/content") { request, context in
            let principal = try await self.caller(request, context)
            let tag = try await self.ownTag(context.parameters.require("tag"), principal)
            let cache = try await self.ownCache(tag.cacheID, principal)
            var object = Self.object(of: cache).objectValue ?? [:]
            object["messages"] = cache.content["messages"] ?? .array([])
            object["tools"] = cache.content["tools"] ?? .null
            return Response.json(.object(object))
        }
    }

    // MARK: Records

    /// Creates a cache from a request body: counts it (a job in the caller's class), checks the
    /// limits, stores it. Used by `POST /v1/caching` and by a pack that keeps its result.
    func createCache(_ body: [String: JSONValue], principal: Principal, context: GatewayContext) async throws
        -> CacheRecord
    {
        guard let model = body["model"]?.stringValue, !model.isEmpty else {
            throw APIError.invalidRequest("model is required", param: "model")
        }
        guard let messages = body["messages"]?.arrayValue, !messages.isEmpty else {
            throw APIError.invalidRequest("messages must be a non-empty array", param: "messages")
        }
        let tools = body["tools"].flatMap { $0.isNull ? nil : $0 }
        if let tools, tools.arrayValue == nil {
            throw APIError.invalidRequest("tools must be an array", param: "tools")
        }
        let metadata = try body["metadata"].map(Self.metadata) ?? [:]
        let tags = try (body["tags"]?.arrayValue ?? []).map { tag in
            guard let tag = tag.stringValue, Self.isValidTag(tag) else {
                throw APIError.invalidRequest("tags must be strings of letters, digits, '-', '_', '.'", param: "tags")
            }
            return tag
        }
        // One time for the whole request: `expired_at - created_at` is the TTL asked for, however long
        // the count takes.
        let createdAt = Self.nowSeconds()
        let expiredAt = try expiry(body, default: 300, now: createdAt)
        let session = try await session(
            for: principal, requestedTier: body["service_tier"]?.stringValue, context: context)
        let (tokenizer, _) = try tokenizer(model: .string(model), encoding: nil)
        let toolsText = tools.map { String(decoding: $0.encoded(), as: UTF8.self) } ?? ""
        let tokens = try await job(session, cost: Double(ModelEncodings.byteCount(of: messages) + toolsText.utf8.count))
        {
            try ModelEncodings.count(messages: messages, tokenizer: tokenizer) + tokenizer.count(toolsText)
        }
        guard tokens <= configuration.maxCacheTokens else {
            throw APIError.invalidRequest(
                "the cache holds \(tokens) tokens; a cache may hold at most \(configuration.maxCacheTokens)",
                param: "messages", code: "cache_too_large")
        }
        var content: [String: JSONValue] = ["messages": .array(messages)]
        if let tools { content["tools"] = tools }
        let record = CacheRecord(
            id: Identifiers.make("cache-"), tenant: principal.tenant, name: body["name"]?.stringValue ?? "",
            description: body["description"]?.stringValue ?? "", model: model, content: .object(content),
            metadata: metadata, tags: tags, tokens: tokens, status: "ready", createdAt: createdAt,
            expiredAt: expiredAt)
        // The prefix's text goes into the engine's document cache (the tenant's, for the cache's
        // lifetime): a pack from this cache reads, cuts and indexes nothing.
        _ = try await cachedDocument(record, session: session)
        try await store.insertCache(record)
        for tag in tags {
            // A tag that names another cache now points at this one, as Moonshot's create-with-tags does.
            _ = try await store.deleteTag(tag, tenant: principal.tenant)
            try await store.insertTag(
                TagRecord(tag: tag, tenant: principal.tenant, cacheID: record.id, createdAt: record.createdAt))
        }
        return record
    }

    /// The engine's document for a cache's messages: their text, cached under the tenant until the
    /// cache expires (a cache hit after the first time).
    func cachedDocument(_ cache: CacheRecord, session: Session) async throws -> DocumentHandle {
        let text = (cache.content["messages"]?.arrayValue ?? []).compactMap { message -> String? in
            switch message["content"] {
            case .string(let text): return text
            case .array(let parts): return parts.compactMap { $0["text"]?.stringValue }.joined(separator: "\n")
            default: return nil
            }
        }.joined(separator: "\n\n")
        let timeToLive = Duration.seconds(max(1, cache.expiredAt - Self.nowSeconds()))
        do {
            return try await engine.ingest(
                bytes: Array(text.utf8), name: cache.id + "/messages.txt", session: session, timeToLive: timeToLive)
        } catch {
            throw APIError(error)
        }
    }

    /// `expired_at` (Unix seconds) or `ttl` (seconds from now), at most
    /// ``GatewayConfiguration/maxCacheTimeToLive`` ahead.
    func expiry(_ body: [String: JSONValue], default defaultTTL: Int?, now: Int64 = nowSeconds()) throws -> Int64 {
        let limit = now + Int64(configuration.maxCacheTimeToLive)
        if let value = body["expired_at"], !value.isNull {
            guard let expiredAt = value.intValue, expiredAt > now, expiredAt <= limit else {
                throw APIError.invalidRequest(
                    "expired_at must be a Unix time after now and at most \(configuration.maxCacheTimeToLive) s ahead",
                    param: "expired_at")
            }
            return Int64(expiredAt)
        }
        if let value = body["ttl"], !value.isNull {
            guard let ttl = value.intValue, ttl > 0, ttl <= configuration.maxCacheTimeToLive else {
                throw APIError.invalidRequest(
                    "ttl must be between 1 and \(configuration.maxCacheTimeToLive) seconds", param: "ttl")
            }
            return now + Int64(ttl)
        }
        guard let defaultTTL else {
            throw APIError.invalidRequest("give expired_at or ttl", param: "ttl")
        }
        return now + Int64(min(defaultTTL, configuration.maxCacheTimeToLive))
    }

    /// The caller's cache with its status as of now (expired → `inactive`).
    func ownCache(_ id: String, _ principal: Principal) async throws -> CacheRecord {
        guard var record = try await store.cache(id: id, tenant: principal.tenant) else { throw Self.noSuchCache(id) }
        if record.status == "ready", record.expiredAt <= Self.nowSeconds() {
            record.status = "inactive"
            try await store.updateCache(record)
        }
        return record
    }

    func ownTag(_ tag: String, _ principal: Principal) async throws -> TagRecord {
        guard let record = try await store.tag(tag, tenant: principal.tenant) else { throw Self.noSuchTag(tag) }
        return record
    }

    func listCaches(_ request: Request, principal: Principal) async throws -> Response {
        let query = request.uri.queryParameters
        var limit = 20
        if let text = query["limit"] {
            guard let value = Int(text), (1...1_000).contains(value) else {
                throw APIError.invalidRequest("limit must be between 1 and 1000", param: "limit")
            }
            limit = value
        }
        let order = query["order"].map(String.init) ?? "desc"
        guard order == "asc" || order == "desc" else {
            throw APIError.invalidRequest("order must be asc or desc", param: "order")
        }
        var filters: [String: String] = [:]
        for (key, value) in query {
            let key = String(key)
            if key.hasPrefix("metadata["), key.hasSuffix("]") {
                filters[String(key.dropFirst(9).dropLast())] = String(value)
            }
        }
        var all = try await store.caches(tenant: principal.tenant)
        let now = Self.nowSeconds()
        for index in all.indices where all[index].status == "ready" && all[index].expiredAt <= now {
            all[index].status = "inactive"
        }
        all = all.filter { cache in filters.allSatisfy { cache.metadata[$0.key] == $0.value } }
        if order == "desc" { all.reverse() }
        // A cursor that is not one of the caller's caches pages from nowhere: an empty page.
        if let after = query["after"].map(String.init), !after.isEmpty {
            all = all.firstIndex { $0.id == after }.map { Array(all[($0 + 1)...]) } ?? []
        }
        if let before = query["before"].map(String.init), !before.isEmpty {
            all = all.firstIndex { $0.id == before }.map { Array(all[..<$0].suffix(limit)) } ?? []
        }
        let page = Array(all.prefix(limit))
        return Response.json([
            "object": "list", "data": .array(page.map(Self.object)), "has_more": .bool(all.count > page.count),
            "first_id": page.first.map { .string($0.id) } ?? .null,
            "last_id": page.last.map { .string($0.id) } ?? .null,
        ])
    }

    static func object(of cache: CacheRecord) -> JSONValue {
        [
            "id": .string(cache.id), "object": "context-cache", "status": .string(cache.status),
            "tokens": .int(cache.tokens), "created_at": .int(Int(cache.createdAt)),
            "expired_at": .int(Int(cache.expiredAt)), "model": .string(cache.model), "name": .string(cache.name),
            "description": .string(cache.description), "metadata": .strings(cache.metadata),
            "tags": .array(cache.tags.map(JSONValue.string)),
        ]
    }

    static func object(of tag: TagRecord) -> JSONValue {
        [
            "tag": .string(tag.tag), "cache_id": .string(tag.cacheID), "object": "cache_tag",
            "created_at": .int(Int(tag.createdAt)),
        ]
    }

    static func metadata(_ value: JSONValue) throws -> [String: String] {
        guard let object = value.objectValue, object.count <= 16 else {
            throw APIError.invalidRequest("metadata must be an object of at most 16 strings", param: "metadata")
        }
        return try object.mapValues { value in
            guard let string = value.stringValue, string.utf8.count <= 512 else {
                throw APIError.invalidRequest("metadata values must be strings of at most 512 bytes", param: "metadata")
            }
            return string
        }
    }

    static func isValidTag(_ tag: String) -> Bool { Identifiers.isPlain(tag, maxBytes: 128, punctuation: "-_.") }

    static func noSuchCache(_ id: String) -> APIError { .notFound("cache \(id) not found", param: "cache_id") }
    static func noSuchTag(_ tag: String) -> APIError { .notFound("tag \(tag) not found", param: "tag") }
}
