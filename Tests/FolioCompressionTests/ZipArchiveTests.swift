import FolioModel
import FolioCompression
import FolioTestSupport
import Foundation
import Testing

struct ZipArchiveTests {
    /// Text-like bytes (they deflate about as well as a document part); `seed` makes each distinct.
    static func text(_ count: Int, seed: UInt64) -> [UInt8] {
        var random = SplitMix64(seed: seed)
        let words = ["<w:p>", "revenue ", "grew ", "12% ", "中文 ", "\n", "the ", "agreement ", "\(seed) "]
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 16)
        while bytes.count < count { bytes += Array(words.randomElement(using: &random)!.utf8) }
        return Array(bytes.prefix(count))
    }

    /// Incompressible bytes.
    static func noise(_ count: Int, seed: UInt64) -> [UInt8] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
    }

    /// Reads an entry through the streaming API, checking the block size on the way.
    static func streamed(_ archive: ZipArchive, _ entry: ZipArchive.Entry) throws -> [UInt8] {
        var bytes: [UInt8] = []
        try archive.read(entry) { block in
            #expect(block.count <= 64 * 1024)
            bytes.append(contentsOf: block)
        }
        return bytes
    }

    /// A small archive of distinct parts: deflate and stored, a directory, a data descriptor.
    static func sampleArchive(zip64: Bool = false) -> (archive: [UInt8], contents: [[UInt8]]) {
        var writer = ZipWriter(zip64: zip64)
        let contents = [text(430, seed: 1), [], text(20_000, seed: 2), noise(3_000, seed: 3), text(70_000, seed: 4)]
        writer.add("[Content_Types].xml", contents[0])
        writer.add("word/", contents[1], method: .stored)
        writer.add("word/document.xml", contents[2], dataDescriptor: true)
        writer.add("word/media/image1.png", contents[3], method: .stored)
        writer.add("word/styles.xml", contents[4])
        return (writer.finish(), contents)
    }

    // MARK: Round trips

    @Test(arguments: [false, true])
    func randomEntriesRoundTrip(zip64: Bool) throws {
        for seed in UInt64(1)...4 {
            var random = SplitMix64(seed: seed)
            var writer = ZipWriter(zip64: zip64)
            var contents: [[UInt8]] = []
            var methods: [ZipWriter.Method] = []
            let sizes = [0, 1, 65_536, 65_537, 1_000, 300_000, 3_000_000]
            for index in 0..<Int.random(in: 1...6, using: &random) {
                let size =
                    Bool.random(using: &random)
                    ? sizes.randomElement(using: &random)! : Int.random(in: 0...200_000, using: &random)
                let bytes =
                    Bool.random(using: &random)
                    ? Self.text(size, seed: seed * 100 + UInt64(index))
                    : Self.noise(size, seed: seed * 100 + UInt64(index))
                let method: ZipWriter.Method = Bool.random(using: &random) ? .deflate : .stored
                writer.add("part\(index).bin", bytes, method: method, dataDescriptor: Bool.random(using: &random))
                contents.append(bytes)
                methods.append(method)
            }
            let archive = try ZipArchive(source: ZipMemorySource(writer.finish()))
            #expect(archive.entries.count == contents.count, "seed \(seed)")
            for (index, entry) in archive.entries.enumerated() {
                #expect(entry.path == "part\(index).bin")
                #expect(entry.uncompressedSize == contents[index].count)
                #expect(entry.crc32 == ZipWriter.crc32(contents[index]))
                #expect(entry.method == (methods[index] == .deflate ? .deflate : .stored))
                #expect(entry.isSafePath && !entry.isEncrypted && !entry.isDirectory)
                #expect(try Self.streamed(archive, entry) == contents[index], "seed \(seed), entry \(index)")
                #expect(archive.entry(named: entry.path) == entry)
            }
        }
    }

    @Test func aFileSourceReadsWhatMemoryReads() throws {
        let (bytes, contents) = Self.sampleArchive()
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("folio-zip-\(UUID().uuidString).zip")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let archive = try ZipArchive(path: url.path)
        #expect(
            archive.entries.map(\.path) == [
                "[Content_Types].xml", "word/", "word/document.xml", "word/media/image1.png", "word/styles.xml",
            ])
        for (index, entry) in archive.entries.enumerated() {
            #expect(try archive.readAll(entry) == contents[index])
        }
        #expect(archive.entries[1].isDirectory)
    }

    @Test func unreadableFilesAreErrors() {
        let missing = #expect(throws: CompressionError.self) {
            try ZipFileSource(path: "/nonexistent/folio/archive.docx")
        }
        #expect(missing?.code == .unreadable)
        #expect(missing?.message.contains("/nonexistent/folio/archive.docx") == true)
        let directory = #expect(throws: CompressionError.self) {
            try ZipFileSource(path: FileManager.default.temporaryDirectory.path)
        }
        #expect(directory?.code == .unreadable)
    }

    @Test func theEndRecordIsFoundBehindTheLongestComment() throws {
        var writer = ZipWriter()
        writer.add("a.txt", Array("hello".utf8))
        writer.comment = Array(repeating: UInt8(ascii: "c"), count: Int(UInt16.max))
        let archive = try ZipArchive(source: ZipMemorySource(writer.finish()))
        #expect(try archive.readAll(archive.entries[0]) == Array("hello".utf8))
    }

    @Test func anEmptyArchiveHasNoEntries() throws {
        let archive = try ZipArchive(source: ZipMemorySource(ZipWriter().finish()))
        #expect(archive.entries.isEmpty)
        #expect(archive.entry(named: "word/document.xml") == nil)
    }

    @Test(arguments: [[], Array("not a zip archive at all, just some text".utf8), [0x50, 0x4B, 0x03, 0x04]])
    func bytesThatAreNotAnArchiveAreCorrupt(_ bytes: [UInt8]) {
        let error = #expect(throws: CompressionError.self) { try ZipArchive(source: ZipMemorySource(bytes)) }
        #expect(error?.code == .corruptArchive)
    }

    // MARK: Lying headers

    @Test func aDeclaredSizeSmallerThanTheTruthStopsAtTheDeclaredSize() throws {
        var writer = ZipWriter()
        writer.add("word/document.xml", Self.text(200_000, seed: 5), lies: .init(uncompressedSize: 100_000))
        let archive = try ZipArchive(source: ZipMemorySource(writer.finish()))
        var received = 0
        let error = #expect(throws: CompressionError.self) {
            try archive.read(archive.entries[0]) { received += $0.count }
        }
        #expect(error?.code == .corruptArchive)
        #expect(
            error?.message == "corrupt zip: entry word/document.xml inflates past its declared size of 100000 bytes")
        #expect(received <= 100_000)
    }

    @Test func aStoredEntryWhoseSizesDisagreeIsCorrupt() throws {
        var writer = ZipWriter()
        writer.add("a.bin", Self.noise(1_000, seed: 6), method: .stored, lies: .init(uncompressedSize: 999))
        let archive = try ZipArchive(source: ZipMemorySource(writer.finish()))
        let error = #expect(throws: CompressionError.self) { try archive.readAll(archive.entries[0]) }
        #expect(error?.code == .corruptArchive)
    }

    @Test func aDeclaredSizeLargerThanTheTruthIsCorrupt() throws {
        var writer = ZipWriter()
        writer.add("word/document.xml", Self.text(10_000, seed: 7), lies: .init(uncompressedSize: 10_001))
        let archive = try ZipArchive(source: ZipMemorySource(writer.finish()))
        let error = #expect(throws: CompressionError.self) { try archive.readAll(archive.entries[0]) }
        #expect(error?.code == .corruptArchive)
        #expect(error?.message == "corrupt zip: entry word/document.xml inflates to 10000 bytes but declares 10001")
    }

    @Test func aStoredEntryLargerThanItsRoomIsCorrupt() throws {
        // Both sizes say one byte more than was stored: the data would run into the next record.
        var writer = ZipWriter()
        writer.add(
            "word/document.xml", Self.text(10_000, seed: 7), method: .stored,
            lies: .init(uncompressedSize: 10_001, compressedSize: 10_001))
        let archive = try ZipArchive(source: ZipMemorySource(writer.finish()))
        let error = #expect(throws: CompressionError.self) { try archive.readAll(archive.entries[0]) }
        #expect(error?.code == .corruptArchive)
        #expect(error?.message.contains("run past offset") == true)
    }

    @Test(arguments: [ZipWriter.Method.deflate, .stored])
    func aCRCMismatchIsCorrupt(_ method: ZipWriter.Method) throws {
        var writer = ZipWriter()
        let bytes = Self.text(50_000, seed: 8)
        writer.add("content.xml", bytes, method: method, lies: .init(crc32: ZipWriter.crc32(bytes) ^ 1))
        let archive = try ZipArchive(source: ZipMemorySource(writer.finish()))
        let error = #expect(throws: CompressionError.self) { try archive.readAll(archive.entries[0]) }
        #expect(error?.code == .corruptArchive)
        #expect(error?.message.contains("entry content.xml has CRC-32 0x") == true)
    }

    @Test func aDeflateStreamThatEndsEarlyIsCorrupt() throws {
        var writer = ZipWriter()
        let bytes = Self.text(50_000, seed: 9)
        let compressedCount = TestCompression.deflate(bytes, format: .raw).count
        writer.add("content.xml", bytes, lies: .init(compressedSize: compressedCount - 10))
        let archive = try ZipArchive(source: ZipMemorySource(writer.finish()))
        let error = #expect(throws: CompressionError.self) { try archive.readAll(archive.entries[0]) }
        #expect(error?.code == .corruptArchive)
        #expect(error?.message.contains("truncated") == true)
    }

    @Test func aCompressedSizePastTheNextEntryIsCorruptAtOpening() {
        var writer = ZipWriter()
        writer.add("a.xml", Self.text(5_000, seed: 10), lies: .init(compressedSize: 100_000))
        writer.add("b.xml", Self.text(5_000, seed: 11))
        let error = #expect(throws: CompressionError.self) { try ZipArchive(source: ZipMemorySource(writer.finish())) }
        #expect(error?.code == .corruptArchive)
    }

    @Test func entriesThatShareDataAreCorrupt() {
        var writer = ZipWriter()
        writer.add("a.xml", Self.text(5_000, seed: 12))
        writer.add("b.xml", Self.text(5_000, seed: 12), lies: .init(sharesHeaderOfEntry: 0))
        let error = #expect(throws: CompressionError.self) { try ZipArchive(source: ZipMemorySource(writer.finish())) }
        #expect(error?.code == .corruptArchive)
        #expect(error?.message.contains("overlaps entry") == true)
    }

    @Test func aBadCentralDirectorySignatureIsCorruptAtOpening() {
        var writer = ZipWriter()
        writer.add("a.xml", Self.text(100, seed: 13))
        writer.add("b.xml", Self.text(100, seed: 14), lies: .init(centralSignature: 0xEFBE_ADDE))
        writer.add("c.xml", Self.text(100, seed: 15))
        let bytes = writer.finish()
        let error = #expect(throws: CompressionError.self) { try ZipArchive(source: ZipMemorySource(bytes)) }
        #expect(error?.code == .corruptArchive)
        #expect(error?.message.hasPrefix("corrupt zip: bad central directory signature at offset ") == true)
        #expect(error?.message.hasSuffix(" (entry 2 of 3)") == true)
    }

    @Test func aBadLocalHeaderIsCorruptWhenRead() throws {
        var writer = ZipWriter()
        writer.add("a.xml", Self.text(100, seed: 16), lies: .init(localSignature: 0))
        writer.add("b.xml", Self.text(100, seed: 17), lies: .init(localName: Array("b.xmm".utf8)))
        writer.add("c.xml", Self.text(100, seed: 18))
        let archive = try ZipArchive(source: ZipMemorySource(writer.finish()))
        let signature = #expect(throws: CompressionError.self) { try archive.readAll(archive.entries[0]) }
        #expect(signature?.message == "corrupt zip: bad local file header signature at offset 0 (entry a.xml)")
        let name = #expect(throws: CompressionError.self) { try archive.readAll(archive.entries[1]) }
        #expect(name?.code == .corruptArchive)
        #expect(name?.message.contains("named b.xmm in its local header") == true)
        #expect(try archive.readAll(archive.entries[2]) == Self.text(100, seed: 18))
    }

    @Test(arguments: [-1, 1])
    func aWrongEntryCountIsCorrupt(_ difference: Int) {
        var writer = ZipWriter()
        for index in 0..<3 { writer.add("\(index).xml", Self.text(100, seed: UInt64(index))) }
        writer.declaredEntryCount = 3 + difference
        let error = #expect(throws: CompressionError.self) { try ZipArchive(source: ZipMemorySource(writer.finish())) }
        #expect(error?.code == .corruptArchive)
    }

    @Test func encryptionAndOtherMethodsAreUnsupported() throws {
        var writer = ZipWriter()
        writer.add("secret.xml", Self.text(100, seed: 19), lies: .init(flags: 0x0001))
        writer.add("bzip2.xml", Self.text(100, seed: 20), lies: .init(method: 12))
        let archive = try ZipArchive(source: ZipMemorySource(writer.finish()))
        #expect(archive.entries[0].isEncrypted)
        #expect(archive.entries[1].method == .other(12))
        let encrypted = #expect(throws: CompressionError.self) { try archive.readAll(archive.entries[0]) }
        #expect(encrypted?.code == .unsupportedArchive)
        let bzip2 = #expect(throws: CompressionError.self) { try archive.readAll(archive.entries[1]) }
        #expect(bzip2?.code == .unsupportedArchive)
        #expect(
            bzip2?.message
                == "entry bzip2.xml is compressed with bzip2 (method 12); Folio reads only stored and deflate entries")
    }

    @Test func errorsFromEmitPassThroughUnchanged() throws {
        struct Stop: Error {}
        let (bytes, _) = Self.sampleArchive()
        let archive = try ZipArchive(source: ZipMemorySource(bytes))
        let document = try #require(archive.entry(named: "word/document.xml"))
        #expect(throws: Stop.self) { try archive.read(document) { _ in throw Stop() } }
        let mine = #expect(throws: CompressionError.self) {
            try archive.read(document) { _ in throw CompressionError(.corrupt, "the caller's own") }
        }
        #expect(mine?.code == .corrupt)
        #expect(mine?.message == "the caller's own")
    }

    // MARK: Hostile archives: truncation and corruption

    @Test(arguments: [false, true])
    func truncatedArchivesAreErrors(zip64: Bool) {
        let (bytes, _) = Self.sampleArchive(zip64: zip64)
        var random = SplitMix64(seed: zip64 ? 2 : 1)
        var cuts = [0, 1, 21, 22, bytes.count - 22, bytes.count - 1]
        for _ in 0..<300 { cuts.append(Int.random(in: 0..<bytes.count, using: &random)) }
        for cut in cuts {
            var failed = false
            do {
                let archive = try ZipArchive(source: ZipMemorySource(Array(bytes.prefix(cut))))
                for entry in archive.entries { _ = try archive.readAll(entry) }
            } catch {
                failed = true
            }
            #expect(failed, "an archive cut at byte \(cut) of \(bytes.count) was read without an error")
        }
    }

    @Test(arguments: [false, true])
    func randomCorruptionIsReadCorrectlyOrRefused(zip64: Bool) {
        let (base, contents) = Self.sampleArchive(zip64: zip64)
        // Half the damage lands in the headers and central directory, where the parsing happens.
        let directoryStart = base.count - (zip64 ? 600 : 400)
        for seed in UInt64(0)..<400 {
            var random = SplitMix64(seed: seed)
            var bytes = base
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let position =
                    Bool.random(using: &random)
                    ? Int.random(in: directoryStart..<bytes.count, using: &random)
                    : Int.random(in: 0..<bytes.count, using: &random)
                bytes[position] ^= UInt8.random(in: 1...255, using: &random)
            }
            if Int.random(in: 0..<8, using: &random) == 0 { bytes.removeLast(Int.random(in: 1...30, using: &random)) }
            let archive: ZipArchive
            do {
                archive = try ZipArchive(source: ZipMemorySource(bytes))
            } catch {
                continue  // a typed CompressionError: the archive was refused
            }
            #expect(archive.entries.count == contents.count, "seed \(seed)")
            for entry in archive.entries {
                guard let index = archive.entries.firstIndex(of: entry), index < contents.count else { continue }
                if let read = try? archive.readAll(entry) {
                    #expect(read == contents[index], "seed \(seed): entry \(index) read without error but differs")
                }
            }
        }
    }

    // MARK: Limits

    @Test func theEntryCountLimitIsEnforcedAtOpening() throws {
        var writer = ZipWriter()
        for index in 0..<10 { writer.add("\(index).xml", [UInt8(index)]) }
        let bytes = writer.finish()
        let error = #expect(throws: CompressionError.self) {
            try ZipArchive(source: ZipMemorySource(bytes), limits: .init(maxEntryCount: 9))
        }
        #expect(error?.code == .entryCountLimitExceeded)
        #expect(error?.message == "zip archive declares 10 entries, above the limit of 9 entries (maxEntryCount)")
        #expect(try ZipArchive(source: ZipMemorySource(bytes), limits: .init(maxEntryCount: 10)).entries.count == 10)
    }

    @Test func aDeclaredSizeAboveTheLimitIsRefusedBeforeInflating() throws {
        var writer = ZipWriter()
        writer.add("word/document.xml", Self.text(2_000, seed: 21))
        writer.add("word/styles.xml", Self.text(1_000, seed: 22))
        let archive = try ZipArchive(source: ZipMemorySource(writer.finish()), limits: .init(maxEntryBytes: 1_000))
        var emitted = false
        let error = #expect(throws: CompressionError.self) {
            try archive.read(archive.entries[0]) { _ in emitted = true }
        }
        #expect(error?.code == .outputLimitExceeded)
        #expect(
            error?.message
                == """
                entry word/document.xml declares 2000 bytes uncompressed, \
                above the limit of 1000 bytes (maxEntryBytes)
                """
        )
        #expect(!emitted)
        #expect(try archive.readAll(archive.entries[1]).count == 1_000)
    }

    @Test func aDeclaredRatioAboveTheLimitIsRefusedAboveTheFloor() throws {
        var writer = ZipWriter()
        writer.add("zeros-4MiB", [UInt8](repeating: 0, count: 4 << 20))
        writer.add("zeros-512KiB", [UInt8](repeating: 0, count: 512 << 10))
        let bytes = writer.finish()
        let archive = try ZipArchive(source: ZipMemorySource(bytes))
        #expect(archive.entries[0].uncompressedSize / archive.entries[0].compressedSize > 200)
        var emitted = false
        let error = #expect(throws: CompressionError.self) {
            try archive.read(archive.entries[0]) { _ in emitted = true }
        }
        #expect(error?.code == .ratioLimitExceeded)
        #expect(error?.message.contains("above the limit of 200 (maxCompressionRatio)") == true)
        #expect(!emitted)
        // Below the floor the ratio does not matter; a raised ratio lets the big one through.
        #expect(try archive.readAll(archive.entries[1]).count == 512 << 10)
        let lenient = try ZipArchive(source: ZipMemorySource(bytes), limits: .init(maxCompressionRatio: 5_000))
        #expect(try lenient.readAll(lenient.entries[0]).count == 4 << 20)
    }

    @Test func aBombThatUnderstatesItsSizeStopsAtTheDeclaredSize() throws {
        // 64 MiB of zeros declared as 1000 bytes: within every limit on paper.
        var writer = ZipWriter()
        writer.add("word/document.xml", [UInt8](repeating: 0, count: 64 << 20), lies: .init(uncompressedSize: 1_000))
        let archive = try ZipArchive(source: ZipMemorySource(writer.finish()))
        var received = 0
        let start = ContinuousClock.now
        let error = #expect(throws: CompressionError.self) {
            try archive.read(archive.entries[0]) { received += $0.count }
        }
        #expect(error?.code == .corruptArchive)
        #expect(received <= 1_000)
        #expect(ContinuousClock.now - start < .seconds(1))
    }

    // MARK: Names

    @Test(arguments: [
        "../../x", "/etc/x", "a\\b", "word/../../y", "C:/x", "c:x", "a//b", "./a", "x/..", "..", "a\u{0}b",
    ])
    func unsafeNamesAreListedButNotFound(_ name: String) throws {
        var writer = ZipWriter()
        writer.add(name, Array("payload".utf8))
        writer.add("word/document.xml", Array("<w:document/>".utf8))
        let archive = try ZipArchive(source: ZipMemorySource(writer.finish()))
        #expect(archive.entries[0].path == name)
        #expect(!archive.entries[0].isSafePath)
        #expect(archive.entry(named: name) == nil)
        // Listed and readable into memory; nothing is ever written to disk.
        #expect(try archive.readAll(archive.entries[0]) == Array("payload".utf8))
        #expect(try archive.entry(named: "word/document.xml").map(archive.readAll) == Array("<w:document/>".utf8))
    }

    @Test(arguments: ["word/document.xml", "word/", "[Content_Types].xml", "中文/文件.xml", "a..b/c", "...", "x"])
    func plainRelativeNamesAreSafe(_ name: String) throws {
        var writer = ZipWriter()
        writer.add(name, [])
        let archive = try ZipArchive(source: ZipMemorySource(writer.finish()))
        #expect(archive.entries[0].isSafePath)
        #expect(archive.entry(named: name) == archive.entries[0])
        #expect(archive.entries[0].isDirectory == name.hasSuffix("/"))
    }

    @Test func messagesEscapeControlCharactersInNames() throws {
        var writer = ZipWriter()
        writer.add("evil\u{1B}[2J\u{202E}lmx.xml", [1], lies: .init(flags: 0x0001))
        let archive = try ZipArchive(source: ZipMemorySource(writer.finish()))
        let error = #expect(throws: CompressionError.self) { try archive.readAll(archive.entries[0]) }
        #expect(
            error?.message
                == #"entry evil\u{1B}[2J\u{202E}lmx.xml is encrypted; Folio does not read encrypted archives"#)
    }

    @Test func anEmptyNameIsUnsafe() throws {
        var writer = ZipWriter()
        writer.add("", [1])
        let archive = try ZipArchive(source: ZipMemorySource(writer.finish()))
        #expect(!archive.entries[0].isSafePath)
    }

    @Test func invalidUTF8NamesAreRepairedAndUnsafe() throws {
        var writer = ZipWriter()
        writer.add(rawName: [0x77, 0xFF, 0x2E, 0x78], [1])
        let archive = try ZipArchive(source: ZipMemorySource(writer.finish()))
        #expect(archive.entries[0].path == "w\u{FFFD}.x")
        #expect(!archive.entries[0].isSafePath)
        #expect(archive.entry(named: "w\u{FFFD}.x") == nil)
    }

    @Test func entryNamedFindsTheFirstDuplicateAndComparesBytes() throws {
        var writer = ZipWriter()
        writer.add("café.xml", [1])
        writer.add("café.xml", [2])
        let archive = try ZipArchive(source: ZipMemorySource(writer.finish()))
        #expect(try archive.entry(named: "café.xml").map(archive.readAll) == [1])
        #expect(archive.entry(named: "cafe\u{301}.xml") == nil)  // canonically equal, not the same bytes
    }

    // MARK: Shared corpora

    @Test(
        .tags(.corpus), .enabled(if: SharedCorpora.isAvailable),
        arguments: [
            ("corpora/docx", "word/document.xml"), ("corpora/odt", "content.xml"),
        ])
    func everyDocumentOfTheCorpusReads(_ folder: String, _ part: String) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: SharedCorpora.path(folder)).sorted()
        #expect(!names.isEmpty)
        for name in names where name.hasSuffix(".docx") || name.hasSuffix(".odt") {
            let archive = try ZipArchive(path: SharedCorpora.path("\(folder)/\(name)"))
            let document = try #require(archive.entry(named: part), "\(name) has no \(part)")
            let bytes = try Self.streamed(archive, document)
            #expect(bytes.count == document.uncompressedSize)
            #expect(bytes.starts(with: Array("<?xml".utf8)), "\(name)")
            for entry in archive.entries {
                #expect(entry.isSafePath, "\(name): \(entry.path)")
                #expect(try archive.readAll(entry).count == entry.uncompressedSize, "\(name): \(entry.path)")
            }
        }
    }

    @Test(.tags(.corpus), .enabled(if: SharedCorpora.isAvailable))
    func theDOCXBombIsRefusedFromItsHeaders() throws {
        let path = SharedCorpora.path("corpora/hostile/docx_bomb_1GiB_document_xml.docx")
        let start = ContinuousClock.now
        let archive = try ZipArchive(path: path)
        let document = try #require(archive.entry(named: "word/document.xml"))
        var emitted = 0
        let error = #expect(throws: CompressionError.self) { try archive.read(document) { emitted += $0.count } }
        #expect(error?.code == .outputLimitExceeded)
        #expect(
            error?.message
                == """
                entry word/document.xml declares 1074348234 bytes uncompressed, \
                above the limit of 1000000000 bytes (maxEntryBytes)
                """
        )
        // With a larger size limit, the ratio (about 834:1) refuses it.
        let lenient = try ZipArchive(path: path, limits: .init(maxEntryBytes: 2_000_000_000))
        let ratio = #expect(throws: CompressionError.self) {
            try lenient.read(lenient.entry(named: "word/document.xml")!) { emitted += $0.count }
        }
        #expect(ratio?.code == .ratioLimitExceeded)
        #expect(emitted == 0)
        #expect(ContinuousClock.now - start < .seconds(1))
    }

    @Test(.tags(.corpus), .enabled(if: SharedCorpora.isAvailable))
    func theCorruptCentralDirectoryIsRefusedAtOpening() {
        let error = #expect(throws: CompressionError.self) {
            try ZipArchive(path: SharedCorpora.path("corpora/hostile/docx_corrupt_central_directory.docx"))
        }
        #expect(error?.code == .corruptArchive)
        #expect(error?.message.hasPrefix("corrupt zip: bad central directory signature at offset ") == true)
    }

    @Test(.tags(.corpus), .enabled(if: SharedCorpora.isAvailable))
    func theZipSlipEntriesAreListedAsUnsafe() throws {
        let escape = "/tmp/zip_slip_pwned.txt"
        let existedBefore = FileManager.default.fileExists(atPath: escape)
        let archive = try ZipArchive(path: SharedCorpora.path("corpora/hostile/docx_zip_slip.docx"))
        let unsafe = archive.entries.filter { !$0.isSafePath }.map(\.path)
        #expect(unsafe == ["../../../../../../../../tmp/zip_slip_pwned.txt", "word/../../zip_slip_escape.xml"])
        #expect(archive.entry(named: "../../../../../../../../tmp/zip_slip_pwned.txt") == nil)
        let document = try #require(archive.entry(named: "word/document.xml"))
        #expect(try archive.readAll(document).count == 10_014)
        for entry in archive.entries { _ = try archive.readAll(entry) }
        if !existedBefore { #expect(!FileManager.default.fileExists(atPath: escape)) }
    }

    @Test(.tags(.corpus), .enabled(if: SharedCorpora.isAvailable))
    func theBillionLaughsDOCXIsAnOrdinaryArchive() throws {
        let archive = try ZipArchive(path: SharedCorpora.path("corpora/hostile/docx_billion_laughs.docx"))
        let document = try #require(archive.entry(named: "word/document.xml"))
        let bytes = try archive.readAll(document)
        #expect(bytes.count == 956)
        #expect(String(decoding: bytes, as: UTF8.self).contains("<!ENTITY lol9"))
    }
}
