import Folio
import FolioModel
import FolioServer
import FolioTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite struct TokensAndCachingAPITests {
    /// OpenAI's cookbook count: 3 a message, every string field, 1 more for a name, 3 for the reply.
    static func expectedCount(_ messages: [[String: String]], _ tokenizer: BPETokenizer) -> Int {
        messages.reduce(3) { total, message in
            total + 3 + message.reduce(0) { $0 + tokenizer.count($1.value) + ($1.key == "name" ? 1 : 0) }
        }
    }

    @Test func estimateTokenCountIsExactForTheModelsEncoding() async throws {
        let harness = try await GatewayHarness.make()
        let cl100k = try BPETokenizer.named("cl100k_base")
        let o200k = try BPETokenizer.named("o200k_base")
        try await harness.test { client in
            var random = SplitMix64(seed: 17)
            for round in 0..<12 {
                let alphabet = round % 2 == 0 ? RandomText.adversarial : RandomText.cjk
                let messages: [[String: String]] = (0..<(1 + round % 3)).map { index in
                    var message = ["role": index == 0 ? "system" : "user"]
                    message["content"] = RandomText.make(alphabet, count: 200 + round * 50, using: &random)
                    if index == 2 { message["name"] = "analyst" }
                    return message
                }
                let model = round % 3 == 0 ? "gpt-4o-mini" : "moonshot-v1-128k"
                let response = try await client.post(
                    "/v1/tokenizers/estimate-token-count", key: harness.alice,
                    json: ["model": model, "messages": messages])
                #expect(response.status == .ok)
                let data = try #require(try HTTP.object(response)["data"] as? [String: Any])
                let expected = Self.expectedCount(messages, model.hasPrefix("gpt-4o") ? o200k : cl100k)
                #expect(data["total_tokens"] as? Int == expected, "round \(round), \(model)")
            }
            // Bad bodies get the envelope.
            var response = try await client.execute(
                uri: "/v1/tokenizers/estimate-token-count", method: .post, headers: HTTP.headers(harness.alice),
                body: ByteBuffer(string: "{not json"))
            #expect(response.status == .badRequest)
            _ = try HTTP.error(response)
            response = try await client.post(
                "/v1/tokenizers/estimate-token-count", key: harness.alice, json: ["model": "moonshot-v1-8k"])
            #expect(try HTTP.error(response)["param"] as? String == "messages")
            response = try await client.post(
                "/v1/tokenizers/estimate-token-count", key: harness.alice,
                json: ["model": "kimi", "messages": [], "service_tier": "platinum"])
            #expect(try HTTP.error(response)["param"] as? String == "service_tier")
        }
    }

    @Test func contextCachesLiveTheirTTLPerTenant() async throws {
        let harness = try await GatewayHarness.make { $0.maxCacheTokens = 2_000 }
        try await harness.test { client in
            let messages = [["role": "system", "content": "You answer questions about the supply agreement."]]
            var response = try await client.post(
                "/v1/caching", key: harness.alice,
                json: [
                    "model": "moonshot-v1-8k", "messages": messages, "name": "contract", "ttl": 600,
                    "metadata": ["project": "alpha"], "tags": ["contract-v1"],
                ])
            #expect(response.status == .ok)
            let cache = try HTTP.object(response)
            let id = try #require(cache["id"] as? String)
            #expect(id.hasPrefix("cache-") && cache["object"] as? String == "context-cache")
            #expect(cache["status"] as? String == "ready")
            let tokenizer = try BPETokenizer.named("cl100k_base")
            #expect(cache["tokens"] as? Int == Self.expectedCount(messages, tokenizer))
            let created = try #require(cache["created_at"] as? Int)
            #expect(cache["expired_at"] as? Int == created + 600)

            // Limits: a TTL past an hour, too many tokens.
            response = try await client.post(
                "/v1/caching", key: harness.alice,
                json: ["model": "moonshot-v1-8k", "messages": messages, "ttl": 3_601])
            #expect(try HTTP.error(response)["param"] as? String == "ttl")
            let long = [["role": "user", "content": String(repeating: "contract clause ", count: 3_000)]]
            response = try await client.post(
                "/v1/caching", key: harness.alice, json: ["model": "moonshot-v1-8k", "messages": long, "ttl": 60])
            #expect(try HTTP.error(response)["code"] as? String == "cache_too_large")

            // Listing with a metadata filter; another tenant sees nothing.
            _ = try await client.post(
                "/v1/caching", key: harness.alice,
                json: ["model": "moonshot-v1-8k", "messages": messages, "ttl": 60, "metadata": ["project": "beta"]])
            var list = try HTTP.object(try await client.get("/v1/caching?metadata[project]=alpha", key: harness.alice))
            #expect((list["data"] as? [[String: Any]])?.map { $0["id"] as? String } == [id])
            list = try HTTP.object(try await client.get("/v1/caching", key: harness.alice))
            #expect((list["data"] as? [Any])?.count == 2)
            list = try HTTP.object(try await client.get("/v1/caching", key: harness.bob))
            #expect((list["data"] as? [Any])?.isEmpty == true)
            #expect(try await client.get("/v1/caching/\(id)", key: harness.bob).status == .notFound)

            // An expired cache is inactive; an update with a new TTL revives it.
            let expiring = try HTTP.object(
                try await client.post(
                    "/v1/caching", key: harness.alice,
                    json: ["model": "moonshot-v1-8k", "messages": messages, "ttl": 1]))
            let expiringID = try #require(expiring["id"] as? String)
            var status = ""
            for _ in 0..<100 where status != "inactive" {
                try await Task.sleep(for: .milliseconds(100))
                status =
                    try HTTP.object(try await client.get("/v1/caching/\(expiringID)", key: harness.alice))["status"]
                    as? String ?? ""
            }
            #expect(status == "inactive")
            response = try await client.execute(
                uri: "/v1/caching/\(expiringID)", method: .put, headers: HTTP.headers(harness.alice),
                body: HTTP.json(["ttl": 120, "metadata": ["state": "revived"]]))
            let revived = try HTTP.object(response)
            #expect(revived["status"] as? String == "ready")
            #expect((revived["metadata"] as? [String: String])?["state"] == "revived")

            // Tags: the one given at creation, one made later, content, delete.
            var tag = try HTTP.object(try await client.get("/v1/caching/refs/tags/contract-v1", key: harness.alice))
            #expect(tag["cache_id"] as? String == id)
            response = try await client.post(
                "/v1/caching/refs/tags", key: harness.alice, json: ["tag": "latest", "cache_id": expiringID])
            #expect(response.status == .ok)
            response = try await client.post(
                "/v1/caching/refs/tags", key: harness.alice, json: ["tag": "latest", "cache_id": id])
            #expect(response.status == .conflict)
            response = try await client.post(
                "/v1/caching/refs/tags", key: harness.bob, json: ["tag": "x", "cache_id": id])
            #expect(response.status == .notFound, "a tag cannot point at another tenant's cache")
            tag = try HTTP.object(try await client.get("/v1/caching/refs/tags/contract-v1/content", key: harness.alice))
            #expect((tag["messages"] as? [[String: String]]) == messages)
            #expect(try await client.get("/v1/caching/refs/tags/contract-v1", key: harness.bob).status == .notFound)
            let tags = try HTTP.object(try await client.get("/v1/caching/refs/tags", key: harness.alice))
            #expect((tags["data"] as? [Any])?.count == 2)

            // Deleting the cache takes its tags with it.
            response = try await client.execute(
                uri: "/v1/caching/\(id)", method: .delete, headers: HTTP.headers(harness.alice), body: nil)
            #expect(try HTTP.object(response)["deleted"] as? Bool == true)
            #expect(try await client.get("/v1/caching/\(id)", key: harness.alice).status == .notFound)
            #expect(try await client.get("/v1/caching/refs/tags/contract-v1", key: harness.alice).status == .notFound)
        }
    }
}
