import FolioCompression
import FolioIngest
import FolioModel
import FolioTestSupport
import Foundation
import Testing

/// The real documents in ../shared/corpora: fidelity against reference texts, the invariants on every
/// file, and every hostile file handled cleanly.
@Suite(.serialized, .tags(.corpus), .enabled(if: SharedCorpora.isAvailable))
struct CorpusTests {
    static func files(_ folder: String, extensions: [String]) -> [String] {
        guard SharedCorpora.isAvailable else { return [] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: SharedCorpora.path(folder))) ?? []
        return names.filter { name in extensions.contains { name.hasSuffix($0) } }.sorted().map { "\(folder)/\($0)" }
    }

    /// Multiset recall and precision of `words` against `reference`.
    static func overlap(_ words: [String], _ reference: [String]) -> (recall: Double, precision: Double) {
        var counts: [String: Int] = [:]
        for word in reference { counts[word, default: 0] += 1 }
        var common = 0
        for word in words where counts[word, default: 0] > 0 {
            counts[word]! -= 1
            common += 1
        }
        return (Double(common) / Double(max(1, reference.count)), Double(common) / Double(max(1, words.count)))
    }

    @Test(arguments: files("corpora/financial", extensions: [".html", ".htm"]))
    func filingsHaveTheWordsOfTheReferenceText(_ relative: String) throws {
        let document = try Ingestor().document(atPath: SharedCorpora.path(relative))
        let name = URL(fileURLWithPath: relative).deletingPathExtension().lastPathComponent
        let reference = String(
            decoding: try SharedCorpora.bytes("corpora/reference/lxml-text/\(name).txt"), as: UTF8.self)
        let (recall, precision) = Self.overlap(Extract.words(document.text), Extract.words(reference))
        #expect(recall >= 0.995, "\(name): word recall \(recall)")
        #expect(precision >= 0.995, "\(name): word precision \(precision)")
        #expect(document.blocks.contains { if case .heading = $0.kind { true } else { false } })
        #expect(document.blocks.contains { $0.kind == .tableRow })
        DocumentInvariants.check(document)
    }

    @Test(arguments: files("corpora/docx", extensions: [".docx"]) + files("corpora/odt", extensions: [".odt"]))
    func contractsHaveTheWordsOfTheirSource(_ relative: String) throws {
        let document = try Ingestor().document(atPath: SharedCorpora.path(relative))
        DocumentInvariants.check(document)
        let name = URL(fileURLWithPath: relative).deletingPathExtension().lastPathComponent
        let source = "corpora/contracts/txt/\(name).txt"
        guard FileManager.default.fileExists(atPath: SharedCorpora.path(source)) else {
            #expect(document.textBlocks.count > 100)  // the 10-K converted from HTML has no text source
            return
        }
        let reference = String(decoding: try SharedCorpora.bytes(source), as: UTF8.self)
        let (recall, _) = Self.overlap(Extract.words(document.text), Extract.words(reference))
        #expect(recall >= 0.999, "\(name): word recall \(recall)")
    }

    @Test func theXBRLInstanceIsOneLinePerFact() throws {
        let document = try Ingestor().document(atPath: SharedCorpora.path("corpora/financial/msft-20150630.xml"))
        #expect(document.metadata.format == .xbrl)
        let lines = Extract.texts(document)
        #expect(
            lines.contains(
                "us-gaap:Goodwill: 1800000000 (eol_PE8528----1510-K0009_STD_0_20141106_0_1114608x1190035, iso4217_USD)")
        )
        #expect(lines.count > 1500)
        #expect(!document.text.contains("&lt;"))  // text blocks are read as HTML
        DocumentInvariants.check(document)
    }

    @Test(arguments: files("corpora/gzip", extensions: [".gz"]) + files("corpora/chinese", extensions: [".txt"]))
    func gzippedAndPlainTextMatchTheirSources(_ relative: String) throws {
        let document = try Ingestor().document(atPath: SharedCorpora.path(relative))
        DocumentInvariants.check(document)
        if relative.hasSuffix(".txt.gz") || relative.hasSuffix(".txt") {
            // Plain text is verbatim: the document is the (inflated) file decoded.
            let raw = try SharedCorpora.bytes(relative)
            let bytes = relative.hasSuffix(".gz") ? try Inflater.inflateForTest(raw) : raw
            #expect(document.text == String(decoding: bytes, as: UTF8.self))
            #expect(document.metadata.textEncoding == .utf8)
        } else {
            let plain = try Ingestor().document(
                atPath: SharedCorpora.path("corpora/financial/aapl-10-k-2024-11-01.html"))
            #expect(document.text == plain.text)
        }
    }

    // MARK: Hostile input

    /// What each hostile file must give: an error code, or a document passing a check.
    enum Expectation: Sendable {
        case error(IngestError.Code, limit: String? = nil)
        case document(@Sendable (Document) throws -> Void)

        var isError: Bool { if case .error = self { true } else { false } }
    }

    static let contractPrefix = "corpora/contracts/txt/"

    static let hostile: [String: Expectation] = [
        "billion_laughs.xml": .error(.forbiddenDeclaration),
        "xxe_file_etc_passwd.xml": .error(.forbiddenDeclaration),
        "xxe_http_url.xml": .error(.forbiddenDeclaration),
        "docx_billion_laughs.docx": .error(.forbiddenDeclaration),
        "deeply_nested_100k_divs.html": .error(.limitExceeded, limit: "maxNestingDepth"),
        "docx_bomb_1GiB_document_xml.docx": .error(.limitExceeded, limit: "maxDecompressedBytes"),
        "gzip_bomb_1GiB_zeros.txt.gz": .error(.limitExceeded, limit: "maxCompressionRatio"),
        "docx_corrupt_central_directory.docx": .error(.corruptContainer),
        "truncated.txt.gz": .error(.corruptCompression),
        "docx_zip_slip.docx": .document { document in
            let source = String(
                decoding: try SharedCorpora.bytes(
                    contractPrefix + "SIBANNAC,INC_12_04_2017-EX-2.1-Strategic Alliance Agreement.txt"), as: UTF8.self)
            let firstLines = source.split(separator: "\n", omittingEmptySubsequences: false).prefix(40).joined(
                separator: "\n")
            #expect(Extract.words(document.text) == Extract.words(firstLines))
            #expect(!FileManager.default.fileExists(atPath: "/tmp/zip_slip_pwned.txt"))
        },
        "empty.txt": .document { #expect($0.blocks.isEmpty && $0.text.isEmpty) },
        "whitespace_only.txt": .document { #expect($0.textBlocks.isEmpty) },
        "whitespace_only_unicode.txt": .document { #expect($0.textBlocks.isEmpty) },
        "hongloumeng_first60000chars.gb18030.txt": .document { document in
            let novel = String(decoding: try SharedCorpora.bytes("corpora/chinese/hongloumeng.txt"), as: UTF8.self)
            var prefix = ""
            prefix.unicodeScalars.append(contentsOf: novel.unicodeScalars.prefix(60_000))
            #expect(document.text == prefix)
            #expect(document.metadata.textEncoding == .gb18030)
            #expect(document.metadata.replacementCount == 0)
        },
        "invalid_utf8.txt": .document { document in
            let bytes = try SharedCorpora.bytes("corpora/hostile/invalid_utf8.txt")
            let (expected, replacements) = UTF8Repair.repair(bytes)
            #expect(document.text == expected)
            #expect(document.metadata.replacementCount == replacements && replacements == 19)  // Python agrees
        },
        "utf16le_bom.txt": .document { document in
            let source = try SharedCorpora.bytes(
                contractPrefix
                    + "PLAYAHOTELS_RESORTSNV_03_14_2017-EX-10.22-STRATEGIC ALLIANCE AGREEMENT (Hyatt Ziva Cancun).txt")
            #expect(document.text == String(decoding: source, as: UTF8.self))
            #expect(document.metadata.textEncoding == .utf16LE)
        },
        "nul_bytes.txt": .document { document in
            #expect(document.text.unicodeScalars.count == 6069)  // every byte kept, NULs included
            #expect(document.text.contains("Strategic Alliance Agreement"))
        },
        "no_whitespace_20MB_letters.txt.gz": .document { document in
            #expect(document.text.utf8.count == 20_000_000)
            #expect(document.textBlocks.count == 20)  // cut into blocks of at most 1 MiB
        },
        "long_attributes_unclosed_tags.html": .document { document in
            for expected in [
                "Revenue increased 5% year over year.", "Operating income was $1.2 billion.", "Net income rose.", "Q1",
                "Q2",
                "100", "200", "first item", "second item", "bold italic never closed", "link text", "Final paragraph.",
            ] {
                #expect(document.text.contains(expected), "missing \(expected)")
            }
            for leaked in ["AAAA", "BBBB", "CCCC", "not a tag", "color:red", "font-weight"] {
                #expect(!document.text.contains(leaked), "attribute content \(leaked) leaked into the text")
            }
        },
    ]

    @Test func everyHostileFileHasAnExpectation() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: SharedCorpora.path("corpora/hostile"))
            .filter { $0 != "MANIFEST.md" }
        #expect(Set(names) == Set(Self.hostile.keys))
    }

    @Test(arguments: hostile.keys.sorted())
    func hostileFilesGiveATypedErrorOrACorrectDocument(_ name: String) throws {
        let path = SharedCorpora.path("corpora/hostile/\(name)")
        let result = Result { () throws(IngestError) -> Document in try Ingestor().document(atPath: path) }
        switch (Self.hostile[name]!, result) {
        case (.error(let code, let limit), .failure(let error)):
            #expect(error.code == code, "\(name): \(error.message)")
            #expect(error.path == path)
            if let limit { #expect(error.limit?.name == limit, "\(name): \(error.message)") }
            #expect(!error.reason.isEmpty)
        case (.error(let code, _), .success):
            Issue.record("\(name) should fail with \(code)")
        case (.document(let check), .success(let document)):
            DocumentInvariants.check(document)
            try check(document)
        case (.document, .failure(let error)):
            Issue.record("\(name) should read, got \(error.message)")
        }
    }

    @Test func theDeepNestIsReadWhenTheLimitAllowsIt() throws {
        let options = IngestOptions(limits: IngestLimits(maxNestingDepth: 200_000))
        let document = try Ingestor(options: options).document(
            atPath: SharedCorpora.path("corpora/hostile/deeply_nested_100k_divs.html"))
        #expect(Extract.texts(document) == ["Deep text at depth 100000.", "Text after the nest."])
    }

    @Test func externalEntitiesNeverReachTheNetwork() throws {
        // Listen on an ephemeral loopback port (port 9, where the file points, needs root) and point the
        // hostile document's entity there; nothing may connect.
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(listener >= 0, "socket: \(String(cString: strerror(errno)))")
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, length) == 0 && getsockname(listener, $0, &length) == 0
            }
        }
        try #require(bound && listen(listener, 4) == 0, "bind/listen: \(String(cString: strerror(errno)))")
        try #require(fcntl(listener, F_SETFL, O_NONBLOCK) == 0)
        let port = UInt16(bigEndian: address.sin_port)

        let original = String(decoding: try SharedCorpora.bytes("corpora/hostile/xxe_http_url.xml"), as: UTF8.self)
        try #require(original.contains("http://127.0.0.1:9/"))
        let hostile = original.replacingOccurrences(of: "http://127.0.0.1:9/", with: "http://127.0.0.1:\(port)/")
        let error = #expect(throws: IngestError.self) {
            try Ingestor().document(from: Array(hostile.utf8), name: "xxe_http_url.xml")
        }
        #expect(error?.code == .forbiddenDeclaration)
        let accepted = accept(listener, nil, nil)
        let acceptError = errno
        #expect(
            accepted < 0 && (acceptError == EAGAIN || acceptError == EWOULDBLOCK), "Folio connected to the entity's URL"
        )
        if accepted >= 0 { close(accepted) }

        // The listener does see a connection: the check above could fail.
        let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(client >= 0)
        defer { close(client) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(client, $0, length) }
        }
        #expect(connected == 0)
        let control = accept(listener, nil, nil)
        #expect(control >= 0, "a connection to port \(port) was not seen")
        if control >= 0 { close(control) }
    }

    // MARK: PDF

    /// Every shared PDF is read: its blocks keep the invariants, carry pages within the page count, and
    /// hold the words `FolioPDF` extracts (the text-layer fidelity is FolioPDF's corpus tests' job).
    @Test(arguments: files("corpora/pdf", extensions: [".pdf"]) + files("corpora/pdf-generated", extensions: [".pdf"]))
    func pdfsAreReadWithTheirPages(_ relative: String) throws {
        let document = try Ingestor().document(atPath: SharedCorpora.path(relative))
        DocumentInvariants.check(document)
        #expect(document.metadata.format == .pdf)
        let pageCount = try #require(document.metadata.pageCount)
        #expect(pageCount > 0)
        #expect(document.metadata.emptyPageCount < pageCount)
        #expect(!document.textBlocks.isEmpty)
        #expect(Set(document.blocks.compactMap(\.page)).count == pageCount - document.metadata.emptyPageCount)
        #expect(
            document.blocks.filter { $0.kind == .pageBreak }.count == pageCount - document.metadata.emptyPageCount - 1)
    }

    /// Every other shared file is read as before: no text file, filing, office document, gzip stream or
    /// hostile text looks binary. Reading stops at the first block.
    @Test func noOtherSharedFileIsRefused() throws {
        let root = SharedCorpora.path("")
        let enumerator = try #require(FileManager.default.enumerator(atPath: root))
        var checked = 0
        for case let relative as String in enumerator where !relative.hasSuffix(".pdf") {
            let path = root + "/" + relative
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
                continue
            }
            do {
                try Ingestor().read(atPath: path) { _ throws(IngestError) in throw IngestError(.cancelled, "enough") }
            } catch {
                #expect(error.code != .unsupportedFormat, "\(relative): \(error.message)")
                // Hostile files may fail as their expectation says; nothing else may.
                let name = (relative as NSString).lastPathComponent
                let mayFail = relative.hasPrefix("corpora/hostile/") && Self.hostile[name].map(\.isError) == true
                #expect(mayFail || error.code == .cancelled, "\(relative): \(error.message)")
            }
            checked += 1
        }
        #expect(checked > 100)
    }
}

extension Inflater {
    /// Inflates a whole gzip file (test helper).
    static func inflateForTest(_ bytes: [UInt8]) throws -> [UInt8] {
        try inflate(bytes, format: .gzip, maxOutputBytes: 1 << 30)
    }
}
