package import ArgumentParser

/// `folio`: long-context document processing from the command line.
package struct FolioCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "folio",
        abstract: "Long-context document processing: exact token counts, chunks and contexts.",
        subcommands: [
            ExtractCommand.self, ChunkCommand.self, IngestCommand.self, IndexCommand.self, SearchCommand.self,
            PackCommand.self, TokensCommand.self, SimulateCommand.self, ReplayCommand.self, BenchCommand.self,
            CacheWriterCommand.self, ServeCommand.self, KeysCommand.self, PassesCommand.self,
        ]
    )

    package init() {}
}
