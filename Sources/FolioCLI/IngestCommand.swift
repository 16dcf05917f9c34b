package import ArgumentParser
internal import Folio
internal import FolioCache
internal import FolioChunking
internal import FolioIngest
internal import FolioModel
internal import FolioScheduler
internal import FolioSystem
internal import Foundation

/// `folio ingest`: many files, directories and globs to chunks, one JSON line per chunk.
package struct IngestCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Cut many files (directories recursively, globs) into token-budgeted chunks.",
        discussion: """
            Each PATH is a file, a directory (its files, recursively, in name order; names starting with '.' are \
            skipped) or a glob pattern ('*', '?', '[...]'; quote it to keep the shell from expanding it). Every file \
            is read as `folio extract` reads it and cut as `folio chunk` cuts it; each chunk is one JSON line {"path", \
            "index", "start", "end", "tokens", "headings", "text"} (and "pages" for a PDF's chunks) on standard output \
            or in --out. On a terminal, standard error shows a progress line (files, bytes, MB/s, ETA). A file that \
            cannot be read is reported on standard error (`folio: PATH: reason`) and the others go on. The last line \
            on standard error sums up: files, failures, characters, tokens, chunks, chunks served from the cache, a \
            PDF's glyphs with no Unicode mapping (when there are any; they are skipped), and seconds. The exit status \
            is 1 when any file failed (or none was found), else 0. Files run through Folio's Engine: without --cache \
            each file is cut while it is read; with --cache DIR a later run over unchanged files reads the processed \
            chunks from DIR instead of reading and cutting the files again (files over 64 MiB are always cut while \
            they are read, and not kept).
            """
    )

    @OptionGroup var chunking: ChunkArguments
    @OptionGroup var input: IngestArguments

    @Option(name: .long, help: "Write the chunk lines to this file instead of standard output.")
    var out: String?

    @OptionGroup var caching: CacheArguments

    @Argument(help: "Files, directories and glob patterns.")
    var paths: [String]

    package init() {}

    package func run() throws {
        let showsProgress = SystemFile.standardError.isTerminal
        try runWithStandardStreams(self) { command, output, errors in
            await command.execute(output: &output, errors: &errors, showsProgress: showsProgress)
        }
    }

    package func execute(output: inout some TextSink, errors: inout some TextSink, showsProgress: Bool = false) async
        -> Int32
    {
        var configuration = caching.engineConfiguration(input: input)
        configuration.encoding = chunking.encoding
        configuration.maxTokens = chunking.maxTokens
        configuration.overlapTokens = chunking.overlap
        guard let engine = CacheArguments.makeEngine(configuration, errors: &errors) else { return 1 }
        if let out {
            let opened: SystemFile
            do {
                opened = try SystemFile(out, access: .writeOnly, options: [.create, .truncate])
            } catch {
                errors.write("folio: \(out): cannot open for writing: \(error.reason)\n")
                return 1
            }
            defer { withExtendedLifetime(opened) {} }  // open until the stream below is flushed
            var file = StandardStream.file(descriptor: opened.descriptor)
            defer { file.flush() }
            return await ingest(engine: engine, output: &file, errors: &errors, showsProgress: showsProgress)
        }
        return await ingest(engine: engine, output: &output, errors: &errors, showsProgress: showsProgress)
    }

    private func ingest(
        engine: Engine, output: inout some TextSink, errors: inout some TextSink, showsProgress: Bool
    ) async -> Int32 {
        let clock = ContinuousClock()
        let started = clock.now
        var failures = 0
        let found = InputFiles.expand(paths)
        for problem in found.problems {
            errors.write("folio: \(problem)\n")
            failures += 1
        }
        var progress = ProgressLine(
            totalFiles: found.files.count, totalBytes: found.files.reduce(0) { $0 + $1.byteCount },
            isShown: showsProgress)
        let session = CacheArguments.session
        var totals = (characters: 0, tokens: 0, chunks: 0, cached: 0, unmappedGlyphs: 0)
        for file in found.files {
            var fileCharacters = 0
            do {
                let served = try await engine.forEachChunk(ofFile: file.path, session: session) { chunk in
                    output.write { ChunkCommand.appendJSONLine(chunk, path: file.path, to: &$0) }
                    fileCharacters = chunk.range.end
                    progress.update(currentFileBytes: min(chunk.utf8Range.upperBound, file.byteCount), errors: &errors)
                }
                totals.tokens += served.chunkTokenTotal
                totals.chunks += served.chunkCount
                if served.isCacheHit { totals.cached += served.chunkCount }
                totals.unmappedGlyphs += served.metadata.unmappedGlyphCount
            } catch {
                progress.clear(errors: &errors)
                let message = error.message.hasPrefix(file.path) ? error.message : "\(file.path): \(error.message)"
                errors.write("folio: \(message)\n")
                failures += 1
            }
            totals.characters += fileCharacters
            progress.finishFile(byteCount: file.byteCount, errors: &errors)
        }
        progress.clear(errors: &errors)
        await engine.waitForPendingWrites()  // entries are written behind the work; the next run wants them
        let elapsed = started.duration(to: clock.now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let unmapped = totals.unmappedGlyphs > 0 ? "\(totals.unmappedGlyphs) unmapped glyphs skipped, " : ""
        errors.write(
            """
            folio: \(found.files.count) files, \(failures) failed, \(totals.characters) characters, \
            \(totals.tokens) tokens, \(totals.chunks) chunks, \(totals.cached) cached, \(unmapped)\
            \(String(format: "%.2f", seconds)) s\n
            """
        )
        return failures > 0 || found.files.isEmpty ? 1 : 0
    }
}

/// The files named by command-line paths: files, directories (recursively) and glob patterns.
struct InputFiles {
    struct File {
        var path: String
        var byteCount: Int
    }

    var files: [File] = []
    /// Paths that named nothing readable, as messages.
    var problems: [String] = []

    static func expand(_ paths: [String]) -> InputFiles {
        var result = InputFiles()
        var seen: Set<String> = []
        func add(_ path: String) {
            guard let status = try? FileStatus(path: path) else {
                result.problems.append("\(path): no such file or directory")
                return
            }
            if status.isDirectory {
                for file in filesBelow(path) where seen.insert(file.path).inserted { result.files.append(file) }
            } else if seen.insert(path).inserted {
                result.files.append(File(path: path, byteCount: status.byteCount))
            }
        }
        for path in paths {
            if path.contains(where: { "*?[".contains($0) }) && (try? FileStatus(path: path)) == nil {
                let matches: [String]
                do {
                    matches = try FileSystem.glob(path)
                } catch {
                    result.problems.append("\(path): \(error.reason)")
                    continue
                }
                if matches.isEmpty { result.problems.append("\(path): no file matches the pattern") }
                for match in matches { add(match) }
            } else {
                add(path)
            }
        }
        return result
    }

    /// Regular files below a directory, recursively, in path order, skipping names that start with '.'.
    private static func filesBelow(_ directory: String) -> [File] {
        let found = (try? FileSystem.regularFiles(below: directory)) ?? []
        return found.map { File(path: $0.path, byteCount: $0.byteCount) }
    }
}

/// The progress line on a terminal: files, bytes, MB/s and ETA, redrawn at most ten times a second.
struct ProgressLine {
    let totalFiles: Int
    let totalBytes: Int
    let isShown: Bool
    private var doneFiles = 0
    private var doneBytes = 0
    private var currentBytes = 0
    private let clock = ContinuousClock()
    private let started: ContinuousClock.Instant
    private var lastDrawn: ContinuousClock.Instant?

    init(totalFiles: Int, totalBytes: Int, isShown: Bool) {
        self.totalFiles = totalFiles
        self.totalBytes = totalBytes
        self.isShown = isShown
        started = clock.now
    }

    mutating func update(currentFileBytes: Int, errors: inout some TextSink) {
        currentBytes = currentFileBytes
        draw(errors: &errors, force: false)
    }

    mutating func finishFile(byteCount: Int, errors: inout some TextSink) {
        doneFiles += 1
        doneBytes += byteCount
        currentBytes = 0
        draw(errors: &errors, force: true)
    }

    mutating func clear(errors: inout some TextSink) {
        guard isShown, lastDrawn != nil else { return }
        errors.write("\r\u{1B}[K")
        lastDrawn = nil
    }

    private mutating func draw(errors: inout some TextSink, force: Bool) {
        guard isShown else { return }
        let now = clock.now
        if !force, let lastDrawn, lastDrawn.duration(to: now) < .milliseconds(100) { return }
        lastDrawn = now
        let elapsed = started.duration(to: now)
        let seconds = max(1e-3, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
        let bytes = doneBytes + currentBytes
        let rate = Double(bytes) / seconds / 1e6
        let eta = rate > 0 ? Double(max(0, totalBytes - bytes)) / (rate * 1e6) : 0
        let fraction = totalBytes > 0 ? min(1, Double(bytes) / Double(totalBytes)) : 1
        let width = 24
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        errors.write(
            "\r\u{1B}[K\(bar) \(doneFiles)/\(totalFiles) files  \(String(format: "%.1f", Double(bytes) / 1e6))/"
                + "\(String(format: "%.1f", Double(totalBytes) / 1e6)) MB  \(String(format: "%.1f", rate)) MB/s  ETA "
                + "\(String(format: "%.0f", eta)) s")
    }
}
