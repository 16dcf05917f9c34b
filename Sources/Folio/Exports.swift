// `import Folio` brings the modules whose types the Engine's API speaks in: documents and chunks
// (FolioModel), sessions and the pool (FolioScheduler), cache sources, statistics and digests
// (FolioCache), packed contexts and indexes (FolioIndex), ingest options (FolioIngest) and the
// tokenizer (FolioTokenizer). Their public surface is what an embedder uses; state machines,
// simulators and command-line helpers are `package`. FolioChunking, FolioCompression and the
// platform layer are reachable by their own import.
@_exported public import FolioCache
@_exported public import FolioIndex
@_exported public import FolioIngest
@_exported public import FolioModel
@_exported public import FolioScheduler
@_exported public import FolioTokenizer
