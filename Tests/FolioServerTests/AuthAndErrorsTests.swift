import Folio
import FolioServer
import FolioTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite struct AuthAndErrorsTests {
    @Test func keysMustBeValidAndUnrevoked() async throws {
        let harness = try await GatewayHarness.make()
        try await harness.test { client in
            for key in [nil, "sk-unknown", "not-a-key"] as [String?] {
                let response = try await client.get("/v1/files", key: key)
                #expect(response.status == .unauthorized, "\(key ?? "no key")")
                #expect(try HTTP.error(response)["type"] as? String == "invalid_authentication_error")
                #expect(response.headers[HTTPField.Name("x-should-retry")!] == "false")
            }
            #expect(try await client.get("/v1/files", key: harness.alice).status == .ok)
            let keys = try await harness.gateway.store.keys(tenant: "alice")
            #expect(try await harness.gateway.store.revokeKey(id: keys[0].id, atMilliseconds: 1))
            #expect(try await client.get("/v1/files", key: harness.alice).status == .unauthorized)
        }
    }

    @Test func everyResponseHasARequestIDAndErrorsTheEnvelope() async throws {
        let harness = try await GatewayHarness.make()
        try await harness.test { client in
            var response = try await client.execute(
                uri: "/healthz", method: .get, headers: [HTTPField.Name("x-request-id")!: "client-123"], body: nil)
            #expect(response.headers[HTTPField.Name("x-request-id")!] == "client-123")
            response = try await client.get("/v1/nothing-here", key: harness.alice)
            #expect(response.status == .notFound)
            _ = try HTTP.error(response)
            response = try await client.execute(
                uri: "/v1/caching", method: .post, headers: HTTP.headers(harness.alice),
                body: ByteBuffer(repeating: 0x20, count: 40 << 20))
            #expect(response.status == .contentTooLarge)
            _ = try HTTP.error(response)
            response = try await client.get("/readyz", key: nil)
            #expect(response.status == .ok)
            response = try await client.get("/metrics", key: nil)
            #expect(String(buffer: response.body).contains("folio_http_requests_total"))
        }
    }

    @Test func aTenantsRateLimitIsA429ThatTellsWhenToComeBack() async throws {
        let harness = try await GatewayHarness.make { $0.requestsPerMinute = 2 }
        try await harness.test { client in
            #expect(try await client.get("/v1/files", key: harness.alice).status == .ok)
            #expect(try await client.get("/v1/files", key: harness.alice).status == .ok)
            let response = try await client.get("/v1/files", key: harness.alice)
            #expect(response.status == .tooManyRequests)
            let error = try HTTP.error(response)
            #expect(error["type"] as? String == "rate_limit_reached_error")
            let seconds = try #require(response.headers[.retryAfter].flatMap { Int($0) })
            let milliseconds = try #require(response.headers[HTTPField.Name("retry-after-ms")!].flatMap { Int($0) })
            #expect(
                (1...60).contains(seconds) && milliseconds <= seconds * 1_000 && milliseconds > (seconds - 1) * 1_000)
            #expect(response.headers[HTTPField.Name("x-should-retry")!] == "true")
            #expect((error["message"] as? String)?.contains("please try again after \(seconds) seconds") == true)
            // Another tenant is not limited by Alice's rate.
            #expect(try await client.get("/v1/files", key: harness.bob).status == .ok)
        }
    }

    @Test func engineErrorsMapToHonestStatuses() {
        let overloaded = APIError(EngineError(.overloaded, "busy", retryAfter: .milliseconds(2_300)))
        #expect(overloaded.status == .tooManyRequests && overloaded.type == "engine_overloaded_error")
        #expect(APIError.retryAfterSeconds(overloaded.retryAfter!) == 3)
        #expect(APIError.retryAfterMilliseconds(overloaded.retryAfter!) == 2_300)
        #expect(APIError.retryAfterSeconds(.seconds(500)) == 60 && APIError.retryAfterSeconds(.zero) == 1)
        #expect(overloaded.shouldRetry == true)
        let cases: [(EngineError.Code, HTTPResponse.Status)] = [
            (.input, .unprocessableContent), (.unsupportedFormat, .unsupportedMediaType), (.limit, .contentTooLarge),
            (.invalidRequest, .badRequest), (.shuttingDown, .serviceUnavailable), (.cache, .internalServerError),
            (.unexpected, .internalServerError),
        ]
        for (code, status) in cases {
            let error = APIError(EngineError(code, "x"))
            #expect(error.status == status, "\(code)")
            // Never "overloaded" for what retrying cannot fix.
            #expect(error.type != "engine_overloaded_error")
        }
        let refused = APIError(
            EngineError(.unsupportedFormat, "/data/files/file-1: an image"), names: ["/data/files/file-1": "a.png"])
        #expect(refused.message == "a.png: an image" && refused.shouldRetry == false)
    }
}
