public import Folio
internal import Foundation

/// Everything `folio serve` can be told. Limits default to Moonshot's published ones.
public struct GatewayConfiguration: Sendable {
    public var host = "127.0.0.1"
    /// 0 picks a free port (printed on start, and given to `onListening`).
    public var port = 8080
    /// Uploaded files, the metadata database and the document cache live here.
    public var dataDirectory: String
    /// The engine: workers, cache sizes, encoding (the gateway packs and chunks in its encoding). Its
    /// `cacheDirectory` is not used: see ``cacheDirectory``.
    public var engine = EngineConfiguration()
    /// Where the engine keeps processed documents; nil: `cache` in the data directory.
    public var cacheDirectory: String?
    /// Nice value of the engine's worker threads (Linux): when documents keep every core busy, the
    /// event loops still answer at once (`/healthz`, admissions, 429s). Applies when `engine.scheduler`
    /// is not set.
    public var workerNiceness = 10
    /// The longest a free (standard) request may be expected to queue: past about 60 % of it the
    /// pool answers 429 with `Retry-After` instead of queueing it. Applies when `engine.scheduler` is
    /// not set.
    public var standardMaxWait: Duration = .seconds(30)
    /// Workers kept free of standard work at peak, for pass holders (nil: the pool's default, 1 from
    /// 8 workers). Applies when `engine.scheduler` is not set.
    public var peakHeadroom: Int?
    /// One uploaded file (Moonshot: 100 MB).
    public var maxUploadBytes = 100 << 20
    /// Files a tenant may keep (Moonshot: 1,000).
    public var maxFilesPerTenant = 1_000
    /// Bytes a tenant may keep (Moonshot: 10 GB).
    public var maxBytesPerTenant: Int64 = 10 << 30
    /// Files up to this size are extracted while the upload is answered (its `status` says whether
    /// Folio reads it, and the first content request is a cache hit); larger ones are stored and
    /// hashed then, and extracted on first use, so an upload's memory stays bounded.
    public var extractOnUploadBytes = 32 << 20
    /// A JSON request body.
    public var maxJSONBodyBytes = 32 << 20
    /// Tokens one context cache may hold (Moonshot: 128k).
    public var maxCacheTokens = 128_000
    /// The longest a context cache may live before it must be refreshed (Moonshot: 3,600 s).
    public var maxCacheTimeToLive = 3_600
    /// Requests a tenant may make a minute (a token bucket of this size, refilled evenly); nil: no limit.
    public var requestsPerMinute: Int?
    /// How long a drain (SIGTERM) waits for requests in flight before the server closes.
    public var drainTimeout: Duration = .seconds(30)
    /// How long an API key's and a tenant's pass lookups are remembered: a revoked key stops working,
    /// and a granted or revoked pass takes effect, within this on every node of a fleet (0: look up
    /// every request). Half a second keeps "within a second" with room for the request itself.
    public var lookupCacheTimeToLive: Duration = .milliseconds(500)

    /// The metadata database: nil for SQLite in the data directory, or a `postgres://` URL
    /// (``PostgresConnectionURL``) that a fleet of nodes shares.
    public var database: String?
    /// Apply the PostgreSQL schema's missing migrations at start (safe on several nodes at once).
    public var migrate = false
    /// A directory every node mounts, for uploaded bytes; nil: in PostgreSQL when ``database`` is
    /// PostgreSQL, otherwise only in the data directory.
    public var blobDirectory: String?
    /// On PostgreSQL: share processed documents between nodes (``PostgresEntryStore``), so a node
    /// that has not processed a file fetches what another node made instead of processing it again.
    public var shareProcessedDocuments = true
    /// This node's name in the fleet (default: host name and process id).
    public var nodeName: String?
    /// How often a node on PostgreSQL publishes its load and reads the others'.
    public var heartbeat: Duration = .milliseconds(200)

    public init(dataDirectory: String = GatewayConfiguration.defaultDataDirectory()) {
        self.dataDirectory = dataDirectory
    }

    /// `$XDG_DATA_HOME/folio`, or `~/.local/share/folio`.
    public static func defaultDataDirectory() -> String {
        let environment = ProcessInfo.processInfo.environment
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") { return xdg + "/folio" }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + "/.local/share/folio"
    }
}
