import Folio
import FolioServer
import FolioTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// A gateway on a fresh data directory with keys for two tenants and an admin, tested through
/// HummingbirdTesting's router client (bodies arrive in 32 KiB chunks, as from a socket).
struct GatewayHarness {
    let gateway: Gateway
    let directory: String
    let alice: String
    let bob: String
    let admin: String

    static func make(_ adjust: (inout GatewayConfiguration) -> Void = { _ in }) async throws -> GatewayHarness {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("folio-gateway-\(UUID().uuidString)").path
        var configuration = GatewayConfiguration(dataDirectory: directory)
        configuration.engine.workers = 2
        configuration.engine.memoryCapacityBytes = 64 << 20
        configuration.lookupCacheTimeToLive = .zero
        adjust(&configuration)
        let gateway = try await Gateway(configuration: configuration)
        func key(_ tenant: String, admin: Bool = false) async throws -> String {
            let key = Identifiers.makeKey()
            try await gateway.store.insertKey(
                APIKeyRecord(
                    id: Identifiers.make("key-"), tenant: tenant, hash: Identifiers.hash(key: key),
                    prefix: String(key.prefix(7)), isAdmin: admin, createdAtMilliseconds: 0))
            return key
        }
        return GatewayHarness(
            gateway: gateway, directory: directory, alice: try await key("alice"), bob: try await key("bob"),
            admin: try await key("ops", admin: true))
    }

    /// Runs `body` with a router client, then stops the engine and removes the data directory.
    func test(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = Application(router: gateway.router())
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await app.test(.router, body)
        await gateway.engine.shutdown(.cancel)
    }

    /// Names of files under the data directory's `files` and `staging` folders.
    func storedNames() throws -> [String] {
        let manager = FileManager.default
        return try
            (manager.contentsOfDirectory(atPath: directory + "/files")
            + manager.contentsOfDirectory(atPath: directory + "/staging")).sorted()
    }
}

/// Building requests and reading responses.
enum HTTP {
    static func headers(_ key: String?, _ extra: HTTPFields = [:]) -> HTTPFields {
        var fields = extra
        if let key { fields[.authorization] = "Bearer \(key)" }
        return fields
    }

    /// A `multipart/form-data` body; `file` comes where `fileFirst` says.
    static func multipart(
        file: [UInt8], filename: String = "notes.txt", fields: [(String, String)] = [("purpose", "file-extract")],
        fileFirst: Bool = true, boundary: String = "----folio-test-boundary"
    ) -> (ByteBuffer, HTTPFields) {
        var body: [UInt8] = []
        func field(_ name: String, _ value: String) {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        func filePart() {
            body += Array(
                """
                --\(boundary)\r
                Content-Disposition: form-data; name="file"; filename="\(filename)"\r
                Content-Type: application/octet-stream\r
                \r

                """.utf8)
            body += file
            body += Array("\r\n".utf8)
        }
        if fileFirst { filePart() }
        for (name, value) in fields { field(name, value) }
        if !fileFirst { filePart() }
        body += Array("--\(boundary)--\r\n".utf8)
        return (ByteBuffer(bytes: body), [.contentType: "multipart/form-data; boundary=\(boundary)"])
    }

    static func json(_ object: [String: Any]) -> ByteBuffer {
        ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: object))
    }

    static func object(_ response: TestResponse) throws -> [String: Any] {
        let data = Data(response.body.readableBytesView)
        return try #require(
            try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(String(decoding: data, as: UTF8.self))")
    }

    /// The envelope's `error` object, after checking the response carries one.
    static func error(_ response: TestResponse) throws -> [String: Any] {
        let object = try object(response)
        let error = try #require(object["error"] as? [String: Any], "no error envelope: \(object)")
        #expect(error["type"] is String && error["message"] is String)
        #expect(error.keys.contains("param") && error.keys.contains("code"))
        #expect(response.headers[HTTPField.Name("x-request-id")!] != nil)
        return error
    }
}

extension TestClientProtocol {
    /// Uploads `file`, returns the response.
    func upload(
        _ file: [UInt8], filename: String = "notes.txt", key: String?,
        fields: [(String, String)] = [("purpose", "file-extract")],
        fileFirst: Bool = true
    ) async throws -> TestResponse {
        let (body, headers) = HTTP.multipart(file: file, filename: filename, fields: fields, fileFirst: fileFirst)
        return try await execute(
            uri: "/v1/files", method: .post, headers: HTTP.headers(key, headers), body: body)
    }

    func get(_ uri: String, key: String?) async throws -> TestResponse {
        try await execute(uri: uri, method: .get, headers: HTTP.headers(key), body: nil)
    }

    func post(_ uri: String, key: String?, json: [String: Any]) async throws -> TestResponse {
        try await execute(
            uri: uri, method: .post, headers: HTTP.headers(key, [.contentType: "application/json"]),
            body: HTTP.json(json))
    }
}
