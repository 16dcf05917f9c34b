import FolioTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `folio serve` as a process on loopback, with a real socket client.
@Suite(.serialized) struct LiveServerTests {
    static func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("folio-live-\(UUID().uuidString)").path
    }

    static let multipartType = ["Content-Type": "multipart/form-data; boundary=folio-live-boundary"]

    @Test func everythingA200PromisedSurvivesKillNine() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let key = try LiveServer.makeKey(directory: directory, tenant: "acme")
        var server = try LiveServer.start(directory: directory)
        var ids: [String: [UInt8]] = [:]
        do {
            let connection = try RawConnection(port: server.port)
            for index in 0..<6 {
                let text = Array("Contract \(index). The supplier delivers goods within \(index + 3) days.\n".utf8)
                let response = try connection.roundTrip(
                    "POST", "/v1/files", key: key, headers: Self.multipartType,
                    body: multipartBody(text, filename: "contract-\(index).txt"))
                #expect(response.status == 200)
                ids[try #require(response.json["id"] as? String)] = text
            }
            let cache = try connection.roundTrip(
                "POST", "/v1/caching", key: key, headers: ["Content-Type": "application/json"],
                body: Array(#"{"model":"moonshot-v1-8k","messages":[{"role":"system","content":"hi"}],"ttl":600}"#.utf8)
            )
            #expect(cache.status == 200)
            let cacheID = try #require(cache.json["id"] as? String)
            // Killed without warning, with an unfinished upload staged as a crash would leave it.
            server.signal(SIGKILL)
            _ = server.waitForExit(seconds: 10)
            #expect(
                FileManager.default.createFile(
                    atPath: directory + "/staging/file-halfwritten", contents: Data([1, 2, 3])))
            server = try LiveServer.start(directory: directory)
            let after = try RawConnection(port: server.port)
            let list = try after.roundTrip("GET", "/v1/files?limit=100", key: key)
            let listed = Set(((list.json["data"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String })
            #expect(listed == Set(ids.keys))
            for (id, text) in ids {
                let content = try after.roundTrip("GET", "/v1/files/\(id)/content", key: key)
                #expect(content.status == 200)
                #expect(
                    (content.json["content"] as? String)?.hasPrefix(
                        String(decoding: text, as: UTF8.self).trimmingCharacters(in: .newlines)) == true)
            }
            #expect(try after.roundTrip("GET", "/v1/caching/\(cacheID)", key: key).status == 200)
            #expect(!FileManager.default.fileExists(atPath: directory + "/staging/file-halfwritten"))
        }
        server.stop()
    }

    @Test func oneConnectionCarriesManyRequests() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let key = try LiveServer.makeKey(directory: directory, tenant: "acme")
        let server = try LiveServer.start(directory: directory)
        defer { server.stop() }
        let connection = try RawConnection(port: server.port)
        var requestIDs = Set<String>()
        for index in 0..<25 {
            let body = Array(#"{"model":"gpt-4o","messages":[{"role":"user","content":"request \#(index)"}]}"#.utf8)
            let response = try connection.roundTrip(
                "POST", "/v1/tokenizers/estimate-token-count", key: key, headers: ["Content-Type": "application/json"],
                body: body)
            #expect(response.status == 200)
            #expect(response.headers["connection"]?.lowercased() != "close")
            requestIDs.insert(response.headers["x-request-id"] ?? "")
        }
        #expect(requestIDs.count == 25 && !requestIDs.contains(""))
    }

    @Test func rateLimitedRequestsAreToldWhenOverTheSocket() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let key = try LiveServer.makeKey(directory: directory, tenant: "acme")
        // 60 a minute: a burst of 60, then one a second.
        let server = try LiveServer.start(directory: directory, arguments: ["--rate-limit", "60"])
        defer { server.stop() }
        let connection = try RawConnection(port: server.port)
        var statuses: [Int] = []
        var limited: RawConnection.Response?
        for _ in 0..<70 where limited == nil {
            let response = try connection.roundTrip("GET", "/v1/files", key: key)
            statuses.append(response.status)
            if response.status == 429 { limited = response }
        }
        #expect(statuses.count >= 60 && statuses.dropLast().allSatisfy { $0 == 200 } && statuses.last == 429)
        let response = try #require(limited)
        let seconds = try #require(response.headers["retry-after"].flatMap { Int($0) })
        #expect((1...60).contains(seconds))
        #expect(response.headers["retry-after-ms"] != nil && response.headers["x-should-retry"] == "true")
        // After Retry-After, the same request goes through.
        Thread.sleep(forTimeInterval: Double(Int(response.headers["retry-after-ms"]!)!) / 1_000 + 0.05)
        #expect(try connection.roundTrip("GET", "/v1/files", key: key).status == 200)
    }

    @Test func sigtermFinishesInFlightRequestsAndRefusesNewOnes() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let key = try LiveServer.makeKey(directory: directory, tenant: "acme")
        let server = try LiveServer.start(directory: directory)
        defer { server.stop() }
        let uploading = try RawConnection(port: server.port)
        let idle = try RawConnection(port: server.port)
        #expect(try idle.roundTrip("GET", "/healthz").status == 200)
        // An upload in flight: the head and half the body are sent.
        let body = multipartBody(Array(repeating: 0x61, count: 200_000) + [0x0A], filename: "big.txt")
        let half = body.count / 2
        try uploading.send(
            uploading.request("POST", "/v1/files", key: key, headers: Self.multipartType, contentLength: body.count)
                + body[0..<half])
        Thread.sleep(forTimeInterval: 0.3)
        server.signal(SIGTERM)
        Thread.sleep(forTimeInterval: 0.3)
        // New work on a connection the server already had: 503 with Retry-After; readiness says no.
        let refused = try idle.roundTrip("GET", "/v1/files", key: key)
        #expect(refused.status == 503)
        #expect(refused.headers["retry-after"] != nil)
        let ready = try idle.roundTrip("GET", "/readyz")
        #expect(ready.status == 503)
        // The upload in flight completes and is answered 200.
        try uploading.send(Array(body[half...]))
        let finished = try uploading.readResponse()
        #expect(finished.status == 200, "\(String(decoding: finished.body, as: UTF8.self))")
        #expect(server.waitForExit(seconds: 20) == 0, "exits 0 once drained")
    }
}
