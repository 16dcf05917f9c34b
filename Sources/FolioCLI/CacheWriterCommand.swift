package import ArgumentParser
package import FolioCache
internal import FolioModel

/// `folio _cache-writer DIR --seed S --count N`: writes random entries into a document cache, so a
/// test can kill the process with SIGKILL at random moments and check that no damaged entry is
/// ever served. Hidden from help: it exists for the crash-safety test.
package struct CacheWriterCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "_cache-writer",
        abstract: "Write random entries into a document cache (for crash-safety tests).",
        discussion: """
            Entry i holds content(S, i): 1 KB to 2 MB of seeded random bytes (sizes log-uniform by \
            octave), stored as CachedBytes with tokenCount = size / 4 under DocumentKey(scope: tenant \
            "t", contentDigest: SHA-256 of the content, pipeline: "crash-test"), through \
            value(for:compute:) of a DocumentCache with no memory tier. Prints "begin I DIGEST SIZE" \
            before each lookup and "done I SOURCE" after it, each line flushed at once, so the output of \
            a killed run ends at a whole line.
            """,
        shouldDisplay: false
    )

    /// The pipeline fingerprint of every key the writer uses (its entries never mix with real ones).
    package static let pipeline = "crash-test"
    /// The scope of every key the writer uses.
    package static let scope = CacheScope.tenant("t")
    package static let minimumByteCount = 1 << 10
    package static let maximumByteCount = 2 << 20

    @Argument(help: "The cache directory (created if missing).")
    var directory: String

    @Option(help: "Seed of the entries' contents.")
    var seed: UInt64 = 1

    @Option(help: "Entries to write.")
    var count = 100

    package init() {}

    package func validate() throws {
        guard !directory.isEmpty else { throw ValidationError("DIR must not be empty") }
        guard (0...1_000_000).contains(count) else { throw ValidationError("--count must be 0…1000000, not \(count)") }
    }

    package func run() throws {
        let (directory, seed, count) = (directory, seed, count)
        let status = waitForTask {
            var output = LineFlushedStream(StandardStream.output)
            var errors = StandardStream.error
            return await Self.write(directory: directory, seed: seed, count: count, output: &output, errors: &errors)
        }
        if status != 0 { throw ExitCode(status) }
    }

    /// Runs the command; returns the exit status.
    package func execute(output: inout some TextSink, errors: inout some TextSink) async -> Int32 {
        await Self.write(directory: directory, seed: seed, count: count, output: &output, errors: &errors)
    }

    private static func write(
        directory: String, seed: UInt64, count: Int, output: inout some TextSink, errors: inout some TextSink
    ) async -> Int32 {
        do {
            let configuration = try DocumentCacheConfiguration(memoryCapacityBytes: 0, directory: directory)
            let cache = try DocumentCache<CachedBytes>(configuration: configuration)
            for index in 0..<count {
                let content = Self.content(seed: seed, index: index)
                let key = Self.key(for: content)
                output.write("begin \(index) \(key.contentDigest.hex) \(content.count)\n")
                let lookup = try await cache.value(for: key) { Self.value(content) }
                await cache.waitForPendingWrites()  // "done" means on disk
                output.write("done \(index) \(lookup.source)\n")
            }
            return 0
        } catch {
            errors.write("folio: \(error)\n")
            return 1
        }
    }

    /// Entry `index`'s content for `seed`: what a test regenerates to know the keys a run could write.
    package static func content(seed: UInt64, index: Int) -> [UInt8] {
        var random = SplitMix64(seed: seed &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(index))
        // Log-uniform sizes by octave (1–2 KB, 2–4 KB, … 1–2 MB): mostly small entries, so a run
        // writes many, and a few large ones, so a kill often lands mid-write.
        let octave = Int.random(in: 0..<(maximumByteCount / minimumByteCount).trailingZeroBitCount, using: &random)
        let byteCount = Int.random(
            in: (minimumByteCount << octave)...(minimumByteCount << (octave + 1)), using: &random)
        var bytes = [UInt8]()
        bytes.reserveCapacity(byteCount + 8)
        while bytes.count < byteCount {
            withUnsafeBytes(of: random.next().littleEndian) { bytes.append(contentsOf: $0) }
        }
        bytes.removeLast(bytes.count - byteCount)
        return bytes
    }

    package static func key(for content: [UInt8]) -> DocumentKey {
        DocumentKey(scope: scope, contentDigest: SHA256Digest(hashing: content), pipeline: pipeline)
    }

    package static func value(_ content: [UInt8]) -> CachedBytes {
        CachedBytes(bytes: content, tokenCount: content.count / 4)
    }
}

/// Standard output flushed after every write: a killed writer's output ends at a whole line.
private struct LineFlushedStream: TextSink {
    var stream: StandardStream

    init(_ stream: StandardStream) { self.stream = stream }

    mutating func write(_ text: String) {
        stream.write(text)
        stream.flush()
    }
}
