@testable import FolioPDF
import Foundation
import Testing

/// Files made by Scripts/make_pdf_fixtures.py (pikepdf/qpdf) with an empty user password.
struct PDFEncryptionTests {
    static func fixture(_ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "pdf", subdirectory: "Fixtures"))
        return Array(try Data(contentsOf: url))
    }

    @Test(arguments: [
        "encrypted-rc4-40", "encrypted-rc4-128", "encrypted-r4-rc4", "encrypted-aes-128", "encrypted-aes-256",
        "encrypted-aes-256-r5",
    ])
    func theEmptyUserPasswordDecryptsStringsAndStreams(_ name: String) throws {
        let file = try PDFFile(bytes: try Self.fixture(name))
        #expect(file.isEncrypted)
        #expect(file.pageCount == 1)
        let page = try file.page(at: 0)
        let content = try page.contents.reduce(into: [UInt8]()) { bytes, stream throws(PDFError) in
            bytes += try file.data(of: stream)
        }
        #expect(String(decoding: content, as: UTF8.self).contains("(Hello, encrypted world) Tj"))
        #expect(file.info?["Title"] == .string(Array("Folio fixture".utf8)))
        let font = try file.resolve(page.resources["Font"]!).dictionary?["F1"]
        #expect(try file.resolve(font!).dictionary?["BaseFont"] == .name("Helvetica"))
    }

    @Test func metadataLeftInClearIsNotDecrypted() throws {
        let file = try PDFFile(bytes: try Self.fixture("encrypted-aes-128"))
        #expect(file.security?.encryptMetadata == false)
        guard case .stream(let metadata) = try file.resolve(file.catalog["Metadata"]!) else {
            Issue.record("no metadata stream")
            return
        }
        let xml = String(decoding: try file.data(of: metadata), as: UTF8.self)
        #expect(xml.contains("Folio fixture"))
    }

    @Test func identityCryptFiltersAndCrossReferenceStreamsAreNotDecrypted() throws {
        let file = try PDFFile(bytes: try Self.fixture("encrypted-aes-128"))
        let plain = Array("BT (in clear) Tj ET".utf8)
        func stream(_ entries: [PDFName: PDFObject]) -> PDFStream {
            PDFStream(dictionary: PDFDictionary(entries), encoded: plain[...], object: PDFReference(4))
        }
        let identity = stream([
            "Filter": .name("Crypt"), "DecodeParms": .dictionary(PDFDictionary(["Name": .name("Identity")])),
        ])
        #expect(try file.data(of: identity) == plain)
        #expect(try file.data(of: stream(["Filter": .array([.name("Crypt")])])) == plain)  // no /Name: Identity
        #expect(try file.data(of: stream(["Type": .name("XRef")])) == plain)
        #expect(try file.data(of: stream([:])) != plain)  // the default crypt filter (AESV2) applies
    }

    @Test func theSecurityHandlerReadsEachRevision() throws {
        let expected: [(String, Int, PDFSecurityHandler.Method, Int)] = [
            ("encrypted-rc4-40", 2, .rc4, 5), ("encrypted-rc4-128", 3, .rc4, 16), ("encrypted-r4-rc4", 4, .rc4, 16),
            ("encrypted-aes-128", 4, .aesV2, 16), ("encrypted-aes-256", 6, .aesV3, 32),
            ("encrypted-aes-256-r5", 5, .aesV3, 32),
        ]
        for (name, revision, method, keyBytes) in expected {
            let security = try #require(try PDFFile(bytes: try Self.fixture(name)).security)
            #expect(security.revision == revision, "\(name)")
            #expect(security.streamMethod == method, "\(name)")
            #expect(security.stringMethod == method, "\(name)")
            #expect(security.fileKey.count == keyBytes, "\(name)")
        }
    }

    @Test(arguments: ["encrypted-user-password", "encrypted-user-password-r6"])
    func aUserPasswordIsEncrypted(_ name: String) throws {
        let bytes = try Self.fixture(name)
        #expect { try PDFFile(bytes: bytes) } throws: { ($0 as? PDFError)?.code == .encrypted }
    }

    @Test func anUnknownSecurityHandlerIsUnsupported() {
        let builder = TestPDFBuilder.onePage()
        builder.object(9, "<< /Filter /Adobe.PubSec /V 4 /R 4 /O (x) /U (y) >>")
        builder.finishTable(trailer: "/Root 1 0 R /Encrypt 9 0 R /ID [<00> <00>]")
        #expect { try PDFFile(bytes: builder.bytes) } throws: { ($0 as? PDFError)?.code == .unsupported }
    }

    @Test func rc4MatchesAKnownVector() {
        // RFC 6229 test vector: key 0x0102030405, first output bytes.
        let keystream = RC4.process([UInt8](repeating: 0, count: 8), key: [1, 2, 3, 4, 5])
        #expect(keystream == [0xB2, 0x39, 0x63, 0x05, 0xF0, 0x3D, 0xC0, 0x27])
    }

    @Test func aesPaddingIsRemovedAndBadPaddingTolerated() throws {
        let key = [UInt8](repeating: 7, count: 16)
        let iv = [UInt8](repeating: 9, count: 16)
        let plain = Array("sixteen bytes!!!".utf8) + [UInt8](repeating: 16, count: 16)
        let cipher = try #require(PDFCrypto.aesCBCEncrypt(plain, key: key[...], iv: iv[...]))
        #expect(PDFCrypto.aesDecryptWithIV(iv + cipher, key: key) == Array("sixteen bytes!!!".utf8))
        #expect(PDFCrypto.aesDecryptWithIV(iv + cipher + [1, 2, 3], key: key) == Array("sixteen bytes!!!".utf8))
        #expect(PDFCrypto.aesDecryptWithIV(iv, key: key) == [])
    }
}
