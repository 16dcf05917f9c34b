import Folio
import FolioServer
import FolioTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite struct FilesAPITests {
    static let text = Array("Termination. Either party may terminate this Agreement upon thirty days notice.\n".utf8)

    @Test func uploadReturnsTheFileObjectAndTheFileIsDurable() async throws {
        let harness = try await GatewayHarness.make()
        try await harness.test { client in
            let response = try await client.upload(Self.text, filename: "../../etc/passwd", key: harness.alice)
            #expect(response.status == .ok)
            let file = try HTTP.object(response)
            let id = try #require(file["id"] as? String)
            #expect(id.hasPrefix("file-"))
            #expect(file["object"] as? String == "file")
            #expect(file["bytes"] as? Int == Self.text.count)
            #expect(file["purpose"] as? String == "file-extract")
            #expect(file["status"] as? String == "ok")
            #expect(file["filename"] as? String == "passwd", "only the last component of a client's name is kept")
            #expect(file["created_at"] is Int)
            // Stored under its id, nowhere else; nothing staged is left.
            #expect(try harness.storedNames() == [id])
            let stored = try Data(contentsOf: URL(fileURLWithPath: harness.directory + "/files/" + id))
            #expect([UInt8](stored) == Self.text)
            // The engine's processed documents live in the data directory too.
            var isDirectory: ObjCBool = false
            #expect(FileManager.default.fileExists(atPath: harness.directory + "/cache", isDirectory: &isDirectory))
            #expect(isDirectory.boolValue)
        }
    }

    @Test func fieldsMayComeInAnyOrderAndOpenAIExpiryIsAccepted() async throws {
        let harness = try await GatewayHarness.make()
        try await harness.test { client in
            let response = try await client.upload(
                Self.text, key: harness.alice,
                fields: [
                    ("expires_after[anchor]", "created_at"), ("expires_after[seconds]", "3600"),
                    ("purpose", "file-extract"),
                ], fileFirst: false)
            #expect(response.status == .ok)
            let file = try HTTP.object(response)
            let created = try #require(file["created_at"] as? Int)
            let expires = try #require(file["expires_at"] as? Int)
            #expect(abs(expires - created - 3_600) <= 1)
        }
    }

    @Test func refusedUploadsLeaveNothingBehind() async throws {
        let harness = try await GatewayHarness.make { $0.maxUploadBytes = 100_000 }
        try await harness.test { client in
            // Bad purpose: read whole, then refused.
            var response = try await client.upload(Self.text, key: harness.alice, fields: [("purpose", "x")])
            #expect(response.status == .badRequest)
            #expect(try HTTP.error(response)["param"] as? String == "purpose")
            // Too large: refused as soon as the limit passes, with Moonshot's text.
            response = try await client.upload([UInt8](repeating: 0x61, count: 300_000), key: harness.alice)
            #expect(response.status == .contentTooLarge)
            #expect((try HTTP.error(response)["message"] as? String)?.contains("file size is too large") == true)
            // No file part.
            let (body, headers) = HTTP.multipart(file: [], fields: [("purpose", "file-extract")])
            var text = String(buffer: body)
            text = text.replacingOccurrences(of: "name=\"file\"", with: "name=\"other\"")
            response = try await client.execute(
                uri: "/v1/files", method: .post, headers: HTTP.headers(harness.alice, headers),
                body: ByteBuffer(string: text))
            #expect(response.status == .badRequest)
            // Not multipart at all, and a body cut before its closing boundary.
            response = try await client.post("/v1/files", key: harness.alice, json: ["file": "x"])
            #expect(response.status == .badRequest)
            let (whole, multipartHeaders) = HTTP.multipart(file: Self.text)
            response = try await client.execute(
                uri: "/v1/files", method: .post, headers: HTTP.headers(harness.alice, multipartHeaders),
                body: whole.getSlice(at: 0, length: whole.readableBytes - 30))
            #expect(response.status == .badRequest)
            _ = try HTTP.error(response)
            // An empty file.
            response = try await client.upload([], key: harness.alice)
            #expect(response.status == .badRequest)
            #expect(try harness.storedNames().isEmpty)
            response = try await client.get("/v1/files", key: harness.alice)
            #expect((try HTTP.object(response)["data"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func aTenantsFileCountIsLimited() async throws {
        let harness = try await GatewayHarness.make { $0.maxFilesPerTenant = 2 }
        try await harness.test { client in
            for index in 0..<2 {
                let response = try await client.upload(Array("file \(index)\n".utf8), key: harness.alice)
                #expect(response.status == .ok)
            }
            let response = try await client.upload(Array("one more\n".utf8), key: harness.alice)
            #expect(response.status == .badRequest)
            #expect((try HTTP.error(response)["message"] as? String)?.contains("exceeded the max file count 2") == true)
            #expect(try harness.storedNames().count == 2)
            // Another tenant has its own count.
            #expect(try await client.upload(Self.text, key: harness.bob).status == .ok)
        }
    }

    @Test func listPagesWithAfterAndLimitInEitherOrder() async throws {
        let harness = try await GatewayHarness.make()
        try await harness.test { client in
            var uploaded: [String] = []
            for index in 0..<7 {
                let response = try await client.upload(Array("document number \(index)\n".utf8), key: harness.alice)
                uploaded.append(try #require(try HTTP.object(response)["id"] as? String))
            }
            _ = try await client.upload(Self.text, key: harness.bob)
            for order in ["asc", "desc"] {
                var seen: [String] = []
                var after: String?
                for _ in 0..<10 {
                    let uri = "/v1/files?limit=3&order=\(order)" + (after.map { "&after=\($0)" } ?? "")
                    let page = try HTTP.object(try await client.get(uri, key: harness.alice))
                    let data = try #require(page["data"] as? [[String: Any]])
                    seen += data.compactMap { $0["id"] as? String }
                    #expect(page["object"] as? String == "list")
                    #expect(page["first_id"] as? String == data.first?["id"] as? String)
                    guard page["has_more"] as? Bool == true else { break }
                    after = page["last_id"] as? String
                }
                #expect(seen == (order == "asc" ? uploaded : uploaded.reversed()), "\(order)")
            }
            // A cursor from another tenant pages from nowhere.
            let bobs = try HTTP.object(try await client.get("/v1/files", key: harness.bob))
            let bobID = try #require((bobs["data"] as? [[String: Any]])?.first?["id"] as? String)
            let page = try HTTP.object(try await client.get("/v1/files?after=\(bobID)", key: harness.alice))
            #expect((page["data"] as? [Any])?.isEmpty == true)
            #expect(try await client.get("/v1/files?limit=0", key: harness.alice).status == .badRequest)
            #expect(try await client.get("/v1/files?order=up", key: harness.alice).status == .badRequest)
        }
    }

    @Test func retrieveContentAndDeleteAreTheOwnersOnly() async throws {
        let harness = try await GatewayHarness.make()
        let sample = PackageCorpora.root.appendingPathComponent("samples/supply-agreement.docx")
        let bytes = [UInt8](try Data(contentsOf: sample))
        try await harness.test { client in
            let uploaded = try HTTP.object(
                try await client.upload(bytes, filename: "supply-agreement.docx", key: harness.alice))
            let id = try #require(uploaded["id"] as? String)
            #expect(try HTTP.object(try await client.get("/v1/files/\(id)", key: harness.alice))["id"] as? String == id)
            // Content: Moonshot's JSON text, with what `folio extract` gives.
            let content = try HTTP.object(try await client.get("/v1/files/\(id)/content", key: harness.alice))
            #expect(content["type"] as? String == "file")
            #expect(content["filename"] as? String == "supply-agreement.docx")
            #expect((content["file_type"] as? String)?.contains("wordprocessingml") == true)
            let engine = Engine()
            let expected = try await engine.ingest(
                bytes: bytes, name: "supply-agreement.docx",
                session: Session(tenant: "t", id: "s", serviceClass: "priority"))
            #expect(content["content"] as? String == (try expected.document.text()))
            await engine.shutdown()
            // Another tenant: 404 everywhere, as for an id that does not exist.
            for uri in ["/v1/files/\(id)", "/v1/files/\(id)/content", "/v1/files/file-doesnotexist"] {
                let response = try await client.get(uri, key: harness.bob)
                #expect(response.status == .notFound, "\(uri)")
                #expect(try HTTP.error(response)["type"] as? String == "resource_not_found_error")
            }
            let bobDelete = try await client.execute(
                uri: "/v1/files/\(id)", method: .delete, headers: HTTP.headers(harness.bob), body: nil)
            #expect(bobDelete.status == .notFound)
            let delete = try await client.execute(
                uri: "/v1/files/\(id)", method: .delete, headers: HTTP.headers(harness.alice), body: nil)
            let deleted = try HTTP.object(delete)
            #expect(deleted["deleted"] as? Bool == true && deleted["id"] as? String == id)
            #expect(try await client.get("/v1/files/\(id)", key: harness.alice).status == .notFound)
            #expect(try harness.storedNames().isEmpty)
        }
    }

    @Test func anUnreadableFileIsStoredWithStatusError() async throws {
        let harness = try await GatewayHarness.make()
        try await harness.test { client in
            // A PNG signature: a format Folio does not read.
            let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 0, count: 64)
            let file = try HTTP.object(try await client.upload(png, filename: "scan.png", key: harness.alice))
            #expect(file["status"] as? String == "error")
            let details = try #require(file["status_details"] as? String)
            #expect(details.contains("scan.png") && !details.contains(harness.directory), "\(details)")
            let id = try #require(file["id"] as? String)
            let content = try await client.get("/v1/files/\(id)/content", key: harness.alice)
            #expect(content.status == .unprocessableContent)
        }
    }

    @Test func aLargeFileIsStoredAtUploadAndExtractedOnFirstUse() async throws {
        let harness = try await GatewayHarness.make {
            $0.extractOnUploadBytes = 100
            $0.maxBytesPerTenant = 400
        }
        try await harness.test { client in
            let text = Array(String(repeating: "Clause 1. The buyer pays within thirty days. ", count: 6).utf8)
            let file = try HTTP.object(try await client.upload(text, filename: "big.txt", key: harness.alice))
            let id = try #require(file["id"] as? String)
            #expect(file["status"] as? String == "ok")
            let content = try HTTP.object(try await client.get("/v1/files/\(id)/content", key: harness.alice))
            #expect(content["content"] as? String == String(decoding: text, as: UTF8.self))
            // A large file Folio cannot read is found out on first use.
            let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 0, count: 120)
            let image = try HTTP.object(try await client.upload(png, filename: "scan.png", key: harness.alice))
            let imageID = try #require(image["id"] as? String)
            let refused = try await client.get("/v1/files/\(imageID)/content", key: harness.alice)
            #expect(refused.status == .unsupportedMediaType)
            #expect((try HTTP.error(refused)["message"] as? String)?.contains("scan.png") == true)
            // The tenant's bytes: 270 + 128 kept; 400 is the limit.
            let over = try await client.upload(Array(repeating: 0x62, count: 50), key: harness.alice)
            #expect(over.status == .badRequest)
            #expect((try HTTP.error(over)["message"] as? String)?.contains("total size") == true)
        }
    }

    @Test func aBodyThatIsNotAFileCannotGrowWithoutBound() async throws {
        let harness = try await GatewayHarness.make { $0.maxUploadBytes = 100_000 }
        try await harness.test { client in
            // One part header of 4 MB: no file byte ever arrives, the limit still holds.
            let boundary = "flood"
            let body = ByteBuffer(
                string: "--\(boundary)\r\nX-Padding: " + String(repeating: "a", count: 4 << 20)
                    + "\r\n\r\nx\r\n--\(boundary)--\r\n")
            let response = try await client.execute(
                uri: "/v1/files", method: .post,
                headers: HTTP.headers(harness.alice, [.contentType: "multipart/form-data; boundary=\(boundary)"]),
                body: body)
            #expect(response.status == .contentTooLarge)
            _ = try HTTP.error(response)
            #expect(try harness.storedNames().isEmpty)
        }
    }
}
