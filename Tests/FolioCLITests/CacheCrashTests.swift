import FolioModel
import ArgumentParser
import FolioCache
import FolioTestSupport
import Foundation
import Synchronization
import Testing

@testable import FolioCLI

/// Kills `folio _cache-writer` with SIGKILL at random moments, then reads the cache: no damaged
/// entry may be served, and every entry the writer reported done must be there, intact.
@Suite struct CacheCrashTests {
    static let seed: UInt64 = 0xC4A5_2025
    static let runs = 20
    static let entriesPerRun = 60

    struct NotOnDisk: Error {}

    /// The `folio` executable, beside the test bundle in the build products directory.
    static func folioExecutable() -> URL? { BuiltProducts.executable(named: "folio") }

    /// What one killed run printed: the indices it began (with the digest it printed) and finished.
    struct RunOutput {
        var begun: [Int: String] = [:]
        var done: Set<Int> = []
        var exitedByItself = false
        var errors = ""
    }

    /// When a run is killed: a plain delay after the start (the moment may fall anywhere: start-up,
    /// generating and hashing contents, writing), or a delay after the writer began its n-th entry
    /// (aims at the write itself: compress, write, fsync, rename).
    enum KillMoment: CustomStringConvertible {
        case afterStart(Duration)
        case afterBegin(entry: Int, Duration)

        var description: String {
            switch self {
            case .afterStart(let delay): "\(delay) after start"
            case .afterBegin(let entry, let delay): "\(delay) after beginning entry \(entry)"
            }
        }
    }

    /// Standard output read on a thread of its own as it arrives, so a test can wait for a line.
    final class OutputReader: Sendable {
        private let state = Mutex<(text: String, ended: Bool)>(("", false))

        init(_ handle: FileHandle) {
            Thread.detachNewThread { [self] in
                while true {
                    let data = handle.availableData
                    if data.isEmpty { break }
                    state.withLock { $0.text += String(decoding: data, as: UTF8.self) }
                }
                state.withLock { $0.ended = true }
            }
        }

        var text: String { state.withLock { $0.text } }
        var ended: Bool { state.withLock { $0.ended } }
        var beginCount: Int { text.split(separator: "\n").count { $0.hasPrefix("begin ") } }
    }

    /// Starts the writer, kills it with SIGKILL at `moment`, and parses its output.
    static func runAndKill(directory: String, seed: UInt64, at moment: KillMoment, executable: URL) async throws
        -> RunOutput
    {
        let process = Process()
        process.executableURL = executable
        process.arguments = ["_cache-writer", directory, "--seed", String(seed), "--count", String(entriesPerRun)]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let reader = OutputReader(output.fileHandleForReading)
        switch moment {
        case .afterStart(let delay):
            try await Task.sleep(for: delay)
        case .afterBegin(let entry, let delay):
            while process.isRunning && reader.beginCount <= entry { try await Task.sleep(for: .milliseconds(1)) }
            try await Task.sleep(for: delay)
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
        while process.isRunning || !reader.ended { try await Task.sleep(for: .milliseconds(2)) }
        var result = RunOutput()
        result.exitedByItself = process.terminationReason == .exit
        result.errors = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        // Every line is one write(2); a killed run's last line is whole or absent.
        for line in reader.text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count == 4, fields[0] == "begin", let index = Int(fields[1]) {
                result.begun[index] = String(fields[2])
            } else if fields.count == 3, fields[0] == "done", let index = Int(fields[1]) {
                result.done.insert(index)
            }
        }
        return result
    }

    /// The entry file of `key` under `directory`, found by its public file name.
    static func entryPath(of key: DocumentKey, in directory: String) -> String? {
        let entries = directory + "/entries"
        for scope in (try? FileManager.default.contentsOfDirectory(atPath: entries)) ?? [] {
            let path = "\(entries)/\(scope)/\(key.fileName).entry"
            if FileManager.default.fileExists(atPath: path) { return path }
        }
        return nil
    }

    static func filesUnder(_ directory: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
        return enumerator.compactMap { $0 as? String }.filter {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: directory + "/" + $0, isDirectory: &isDirectory)
                && !isDirectory.boolValue
        }
    }

    static func makeReader(_ directory: String) throws -> DocumentCache<CachedBytes> {
        // No memory tier: every lookup reads and verifies the file.
        try DocumentCache(configuration: DocumentCacheConfiguration(memoryCapacityBytes: 0, directory: directory))
    }

    /// Looks `key` up without ever computing: nil when the cache has no servable entry.
    static func lookUp(_ key: DocumentKey, in cache: DocumentCache<CachedBytes>) async throws -> CacheLookup<
        CachedBytes
    >? {
        do {
            return try await cache.value(for: key) { throw NotOnDisk() }
        } catch is NotOnDisk {
            return nil
        }
    }

    @Test func theWriterWritesEachEntryOnceAndFindsItAfterwards() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "folio-writer-\(UUID().uuidString)"
        ).path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let command = try CacheWriterCommand.parse([directory, "--seed", "9", "--count", "3"])
        for expected in ["computed", "disk"] {
            var output = CapturedText(), errors = CapturedText()
            #expect(await command.execute(output: &output, errors: &errors) == 0, "\(errors.text)")
            let lines = output.text.split(separator: "\n")
            try #require(lines.count == 6)
            for index in 0..<3 {
                let content = CacheWriterCommand.content(seed: 9, index: index)
                #expect((1 << 10...2 << 20).contains(content.count))
                #expect(
                    lines[2 * index]
                        == "begin \(index) \(CacheWriterCommand.key(for: content).contentDigest.hex) \(content.count)")
                #expect(lines[2 * index + 1] == "done \(index) \(expected)")
            }
        }
        #expect(CacheWriterCommand.content(seed: 9, index: 0) != CacheWriterCommand.content(seed: 10, index: 0))
        #expect(throws: (any Error).self) { try CacheWriterCommand.parse([directory, "--count", "-1"]) }
        #expect(!FolioCommand.helpMessage().contains("_cache-writer"))
    }

    // Beside the full suite on 2 cores the 20 writer processes take over a minute; the limit only
    // guards against a hang.
    @Test(.timeLimit(.minutes(5)))
    func aWriterKilledAtRandomMomentsLeavesNoDamagedEntryServed() async throws {
        let executable = try #require(
            Self.folioExecutable(),
            "no folio executable beside the tests: run `swift build` (it builds the folio product)")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "folio-crash-\(UUID().uuidString)"
        ).path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var random = SplitMix64(seed: Self.seed)
        let context = "seed \(Self.seed), directory \(directory)"

        // 1. Kill writers at random moments, all writing into the same directory.
        var outputs: [(seed: UInt64, output: RunOutput)] = []
        for run in 0..<Self.runs {
            let writerSeed = Self.seed &+ UInt64(run)
            let moment: KillMoment =
                run.isMultiple(of: 2)
                ? .afterStart(.milliseconds(Int.random(in: 5...300, using: &random)))
                : .afterBegin(
                    entry: Int.random(in: 0...3, using: &random),
                    .microseconds(Int.random(in: 0...20_000, using: &random)))
            let output = try await Self.runAndKill(
                directory: directory, seed: writerSeed, at: moment, executable: executable)
            #expect(output.errors.isEmpty, "run \(run), killed \(moment): \(output.errors)")
            outputs.append((writerSeed, output))
        }
        let begunCount = outputs.reduce(0) { $0 + $1.output.begun.count }
        let doneCount = outputs.reduce(0) { $0 + $1.output.done.count }
        try #require(begunCount > 0, "no writer began an entry: is the folio executable current? \(context)")
        #expect(outputs.contains { !$0.output.exitedByItself }, "no run was killed: \(context)")

        // 2. Read everything a writer may have written, through a fresh cache.
        let files = Self.filesUnder(directory)
        let entryFiles = files.filter { $0.hasPrefix("entries/") }
        #expect(entryFiles.allSatisfy { $0.hasSuffix(".entry") }, "\(entryFiles)")
        let leftoverTemporaries = files.filter { $0.hasPrefix("tmp/") }.map { directory + "/" + $0 }

        let reader = try Self.makeReader(directory)
        var complete: [DocumentKey] = []
        for (writerSeed, output) in outputs {
            for (index, printedDigest) in output.begun.sorted(by: { $0.key < $1.key }) {
                let content = CacheWriterCommand.content(seed: writerSeed, index: index)
                let key = CacheWriterCommand.key(for: content)
                #expect(key.contentDigest.hex == printedDigest, "seed \(writerSeed) entry \(index)")
                guard let lookup = try await Self.lookUp(key, in: reader) else {
                    #expect(
                        !output.done.contains(index), "seed \(writerSeed) entry \(index) was done but is not served")
                    continue
                }
                #expect(lookup.source == .disk)
                // Compared as Booleans: a failure should not print megabytes.
                let hashesToItsKey = SHA256Digest(hashing: lookup.value.bytes) == key.contentDigest
                let isTheContent = lookup.value == CacheWriterCommand.value(content)
                #expect(hashesToItsKey && isTheContent, "seed \(writerSeed) entry \(index): \(context)")
                complete.append(key)
            }
        }
        var statistics = reader.statistics
        // Writes are atomic, so a kill leaves whole entries or none: nothing to discard.
        #expect(statistics.disk.discardedCorrupt == 0, "\(context)")
        #expect(statistics.disk.hits == complete.count && complete.count >= doneCount)
        // Every entry file belongs to an entry some writer began.
        #expect(entryFiles.count == complete.count, "\(context)")
        #expect(!complete.isEmpty)

        // 3. Truly torn files (an entry cut short, a killed writer's temporary file in its place) and
        //    flipped bytes are discarded.
        var damaged: [DocumentKey] = []
        for (number, key) in complete.shuffled(using: &random).prefix(12).enumerated() {
            let path = try #require(Self.entryPath(of: key, in: directory))
            var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            if number < 8 {
                bytes.removeLast(Int.random(in: 1...bytes.count, using: &random))
            } else {
                bytes[Int.random(in: 0..<bytes.count, using: &random)] ^= UInt8.random(in: 1...255, using: &random)
            }
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            damaged.append(key)
        }
        for (temporary, key) in zip(leftoverTemporaries, complete.filter { !damaged.contains($0) }.prefix(4)) {
            let path = try #require(Self.entryPath(of: key, in: directory))
            try FileManager.default.removeItem(atPath: path)
            try FileManager.default.copyItem(atPath: temporary, toPath: path)
            damaged.append(key)
        }
        let second = try Self.makeReader(directory)
        for key in complete {
            let lookup = try await Self.lookUp(key, in: second)
            if damaged.contains(key) {
                #expect(
                    lookup?.source == nil,
                    "a damaged entry was served (\(lookup?.value.bytes.count ?? 0) bytes): \(context)")
            } else {
                let value = try #require(lookup?.value, "\(context)")
                let isIntact =
                    SHA256Digest(hashing: value.bytes) == key.contentDigest && value.tokenCount == value.bytes.count / 4
                #expect(isIntact, "\(context)")
            }
        }
        statistics = second.statistics
        #expect(statistics.disk.discardedCorrupt == damaged.count, "\(context)")
        #expect(statistics.disk.hits == complete.count - damaged.count)
        let killedMidEntry = outputs.filter { $0.output.begun.count > $0.output.done.count }.count
        print(
            "CacheCrashTests: \(Self.runs) runs (\(outputs.filter { !$0.output.exitedByItself }.count) killed, "
                + "\(killedMidEntry) between an entry's begin and done), "
                + "\(begunCount) entries begun, \(doneCount) reported done, \(complete.count) complete on disk, "
                + "\(leftoverTemporaries.count) temporary files left, \(damaged.count) damaged and discarded")
    }
}
