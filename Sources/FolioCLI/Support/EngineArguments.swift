internal import ArgumentParser
internal import Folio
internal import FolioScheduler

/// The option of commands that run on Folio's Engine (`folio chunk`, `ingest`, `pack`): where
/// processed documents are kept between runs.
package struct CacheArguments: ParsableArguments {
    @Option(
        name: .long,
        help: """
            Keep processed documents in this directory: a later run over unchanged files reads them from \
            there instead of reading and cutting the files again (default: no cache).
            """)
    var cache: String?

    package init() {}

    /// The session every command-line job runs for.
    static let session = Session(tenant: "cli", id: "folio", serviceClass: ServiceClass.priority.name)

    /// An engine configuration for a command: the disk tier in `--cache` (none without it), 64 MiB in
    /// memory (one run reads each file once; only repeated content hits memory), and `input`'s reading
    /// options. Without `--cache`, files are cut while they are read (nothing would reuse a processed
    /// document); with it, files up to the engine's streaming threshold go through the cache.
    func engineConfiguration(input: IngestArguments) -> EngineConfiguration {
        var configuration = EngineConfiguration()
        configuration.cacheDirectory = cache
        configuration.memoryCapacityBytes = 64 << 20
        configuration.ingestOptions = input.options
        if cache == nil { configuration.streamingThresholdBytes = 0 }
        return configuration
    }

    /// The engine for `configuration`, or nil after writing why it cannot start.
    static func makeEngine(_ configuration: EngineConfiguration, errors: inout some TextSink) -> Engine? {
        do {
            return try Engine(configuration: configuration)
        } catch {
            errors.write("folio: \(error.message)\n")
            return nil
        }
    }
}
