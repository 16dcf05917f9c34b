import Folio
import FolioCorpora
import FolioServer
import FolioTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite struct FolioAPITests {
    static func sample(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: PackageCorpora.root.appendingPathComponent("samples/\(name)")))
    }

    @Test func packNeverExceedsItsBudgetAndCitesTheFiles() async throws {
        let harness = try await GatewayHarness.make()
        let tokenizer = try BPETokenizer.named("cl100k_base")
        try await harness.test { client in
            var ids: [String: String] = [:]
            for name in ["supply-agreement.pdf", "annual-report.html"] {
                let file = try HTTP.object(
                    try await client.upload(try Self.sample(name), filename: name, key: harness.alice))
                ids[name] = try #require(file["id"] as? String)
            }
            var random = SplitMix64(seed: 4)
            for budget in [40, 64, 100, 257, 600, 1_500] + (0..<6).map({ _ in 30 + Int(random.next() % 3_000) }) {
                let response = try await client.post(
                    "/v1/folio/pack", key: harness.alice,
                    json: [
                        "query": "termination of the agreement for breach", "budget_tokens": budget,
                        "model": "moonshot-v1-32k",
                    ])
                #expect(response.status == .ok, "budget \(budget)")
                let pack = try HTTP.object(response)
                let messages = try #require(pack["messages"] as? [[String: String]])
                let total = try #require(pack["total_tokens"] as? Int)
                // The count is the exact chat count of the messages, and within the budget.
                let recount = messages.reduce(3) { sum, message in
                    sum + 3 + message.values.reduce(0) { $0 + tokenizer.count($1) }
                }
                #expect(total == recount && total <= budget, "budget \(budget): \(total) / \(recount)")
                let content = messages[0]["content"] ?? ""
                #expect(!content.contains(harness.directory), "a server path reached the client")
                for citation in pack["citations"] as? [[String: Any]] ?? [] {
                    #expect(ids.values.contains(citation["file_id"] as? String ?? ""))
                }
            }
            // Another tenant's file is a 404; a budget below the framing is a 400.
            var response = try await client.post(
                "/v1/folio/pack", key: harness.bob,
                json: ["query": "termination", "budget_tokens": 500, "file_ids": [ids["annual-report.html"]!]])
            #expect(response.status == .notFound)
            response = try await client.post(
                "/v1/folio/pack", key: harness.alice, json: ["query": "termination", "budget_tokens": 5])
            #expect(try HTTP.error(response)["param"] as? String == "budget_tokens")
            response = try await client.post(
                "/v1/folio/pack", key: harness.alice, json: ["query": "x", "budget_tokens": 500, "model": "gpt-4o"])
            #expect(response.status == .badRequest, "this gateway packs in cl100k_base")
        }
    }

    @Test func packCanKeepItsResultAsAContextCache() async throws {
        let harness = try await GatewayHarness.make()
        try await harness.test { client in
            let file = try HTTP.object(
                try await client.upload(try Self.sample("supply-agreement.txt"), filename: "a.txt", key: harness.alice))
            let id = try #require(file["id"] as? String)
            let pack = try HTTP.object(
                try await client.post(
                    "/v1/folio/pack", key: harness.alice,
                    json: [
                        "query": "governing law", "budget_tokens": 400, "file_ids": [id],
                        "store_as_cache": ["ttl": 300],
                    ]))
            let cache = try #require(pack["cache"] as? [String: Any])
            let cacheID = try #require(cache["id"] as? String)
            #expect(cache["status"] as? String == "ready")
            // Packing again from the cache.
            let again = try await client.post(
                "/v1/folio/pack", key: harness.alice,
                json: ["query": "governing law", "budget_tokens": 300, "cache_id": cacheID])
            #expect(again.status == .ok)
            #expect(
                try await client.post(
                    "/v1/folio/pack", key: harness.bob,
                    json: ["query": "law", "budget_tokens": 300, "cache_id": cacheID]
                ).status
                    == .notFound)
        }
    }

    @Test func chunksSearchAndTokenize() async throws {
        let harness = try await GatewayHarness.make()
        try await harness.test { client in
            let file = try HTTP.object(
                try await client.upload(
                    try Self.sample("annual-report.txt"), filename: "report.txt", key: harness.alice))
            let id = try #require(file["id"] as? String)
            var all: [[String: Any]] = []
            var after = -1
            for _ in 0..<100 {
                let page = try HTTP.object(
                    try await client.get("/v1/folio/files/\(id)/chunks?limit=2&after=\(after)", key: harness.alice))
                let data = try #require(page["data"] as? [[String: Any]])
                all += data
                guard page["has_more"] as? Bool == true else { break }
                after = try #require(page["last_index"] as? Int)
            }
            #expect(all.count > 2)
            #expect(all.enumerated().allSatisfy { $0.element["index"] as? Int == $0.offset })
            #expect(all.allSatisfy { ($0["token_count"] as? Int ?? 9_999) <= 512 })
            let windows = try HTTP.object(
                try await client.get("/v1/folio/files/\(id)/chunks?max_tokens=2000&overlap=100", key: harness.alice))
            #expect(
                ((windows["data"] as? [[String: Any]]) ?? []).allSatisfy {
                    ($0["token_count"] as? Int ?? 9_999) <= 2_000
                })
            #expect(try await client.get("/v1/folio/files/\(id)/chunks", key: harness.bob).status == .notFound)

            let hits = try HTTP.object(
                try await client.post("/v1/folio/search", key: harness.alice, json: ["query": "revenue", "limit": 3]))
            let data = try #require(hits["data"] as? [[String: Any]])
            #expect(!data.isEmpty && data.allSatisfy { $0["file_id"] as? String == id })

            let tokens = try HTTP.object(
                try await client.post(
                    "/v1/folio/tokenize", key: harness.alice,
                    json: ["text": "Long context, exactly counted.", "return_tokens": true, "encoding": "o200k_base"]))
            let o200k = try BPETokenizer.named("o200k_base")
            #expect(tokens["token_count"] as? Int == o200k.count("Long context, exactly counted."))
            #expect(
                (tokens["tokens"] as? [Int]) == o200k.encode("Long context, exactly counted.").map { Int($0.rawValue) })
        }
    }

    @Test func passesGiveATenantPriorityAndARequestMayLowerIt() async throws {
        let harness = try await GatewayHarness.make()
        try await harness.test { client in
            let tier = HTTPField.Name("x-folio-service-tier")!
            let body: [String: Any] = ["model": "kimi-k2", "messages": [["role": "user", "content": "hi"]]]
            var response = try await client.post("/v1/tokenizers/estimate-token-count", key: harness.alice, json: body)
            #expect(response.headers[tier] == "standard")
            // Only an admin grants.
            response = try await client.post(
                "/v1/folio/passes", key: harness.alice, json: ["tenant": "alice", "pass": "peak-4d"])
            #expect(response.status == .forbidden)
            response = try await client.post(
                "/v1/folio/passes", key: harness.admin, json: ["tenant": "alice", "pass": "peak-5y"])
            #expect(try HTTP.error(response)["param"] as? String == "pass")
            response = try await client.post(
                "/v1/folio/passes", key: harness.admin, json: ["tenant": "alice", "pass": "peak-4d"])
            let pass = try HTTP.object(response)
            #expect(pass["price"] as? Int == 520 && pass["currency"] as? String == "CNY")
            let passID = try #require(pass["id"] as? String)
            let current = try HTTP.object(try await client.get("/v1/folio/passes/current", key: harness.alice))
            #expect(current["service_class"] as? String == "priority" && current["peak"] is Bool)
            response = try await client.post("/v1/tokenizers/estimate-token-count", key: harness.alice, json: body)
            #expect(response.headers[tier] == "priority")
            var flex = body
            flex["service_tier"] = "flex"
            response = try await client.post("/v1/tokenizers/estimate-token-count", key: harness.alice, json: flex)
            #expect(response.headers[tier] == "standard")
            // Bob asking for priority does not get it.
            var ask = body
            ask["service_tier"] = "priority"
            response = try await client.post("/v1/tokenizers/estimate-token-count", key: harness.bob, json: ask)
            #expect(response.headers[tier] == "standard")
            // Revoked: back to standard.
            response = try await client.execute(
                uri: "/v1/folio/passes/\(passID)", method: .delete, headers: HTTP.headers(harness.admin), body: nil)
            #expect(response.status == .ok)
            response = try await client.post("/v1/tokenizers/estimate-token-count", key: harness.alice, json: body)
            #expect(response.headers[tier] == "standard")
            let queue = try HTTP.object(try await client.get("/v1/folio/queue", key: harness.bob))
            #expect((queue["classes"] as? [String: Any])?.keys.sorted() == ["priority", "standard"])
        }
    }

    @Test func aMatchLargerThanTheBudgetIsCutToItRatherThanLeftOut() async throws {
        let harness = try await GatewayHarness.make()
        try await harness.test { client in
            let file = try HTTP.object(
                try await client.upload(
                    try Self.sample("supply-agreement.txt"), filename: "supply-agreement.txt", key: harness.alice))
            let id = try #require(file["id"] as? String)
            // The matching chunk (Article 3 to 5, 468 tokens) is larger than the budget.
            let pack = try HTTP.object(
                try await client.post(
                    "/v1/folio/pack", key: harness.alice,
                    json: ["query": "change of control termination", "budget_tokens": 400, "file_ids": [id]]))
            let messages = try #require(pack["messages"] as? [[String: String]])
            #expect(messages[0]["content"]?.contains("Change of Control") == true, "\(messages[0])")
            #expect((pack["total_tokens"] as? Int ?? 9_999) <= 400)
        }
    }
}
