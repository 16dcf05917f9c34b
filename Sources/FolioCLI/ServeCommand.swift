internal import ArgumentParser
internal import Folio
internal import FolioServer
internal import Foundation
internal import Logging
internal import Metrics

/// `folio serve`: the gateway, until SIGTERM or SIGINT (then it drains).
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve Folio over HTTP: Moonshot/OpenAI-compatible files, token counts and context caches.",
        discussion: """
            Clients send Authorization: Bearer <key> (make one with `folio keys create`). Prints \
            "folio: listening on http://HOST:PORT" once it accepts connections and logs one line a request \
            on standard error. SIGTERM or SIGINT drains: in-flight requests finish, new ones get 503.
            """)

    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The port to listen on (0: a free one, printed).") var port = 8080
    @Option(help: "The data directory: uploaded files, the metadata database, the document cache.")
    var data: String = GatewayConfiguration.defaultDataDirectory()
    @OptionGroup var database: DatabaseOptions
    @Flag(help: "Apply the PostgreSQL schema's missing migrations before serving (safe on several nodes at once).")
    var migrate = false
    @Option(
        name: .customLong("blob-dir"),
        help: "A directory every node mounts, for uploaded bytes (default with PostgreSQL: in the database).")
    var blobDirectory: String?
    @Option(help: "This node's name in the fleet (default: host name and process id).") var nodeName: String?
    @Flag(help: "On PostgreSQL: do not share processed documents between nodes (each node processes its own).")
    var noSharedProcessing = false
    @Option(help: "Worker threads for documents and token counts (default: one per core).") var workers: Int?
    @Option(help: "Nice value of the worker threads (0–19): above 0 the event loops answer first when cores are busy.")
    var workerNiceness = 10
    @Option(help: "Seconds a free request may be expected to queue before it is told 429 with Retry-After.")
    var standardMaxWait = 30.0
    @Option(help: "Workers kept free of free work at peak, for pass holders (default: 1 from 8 workers).")
    var peakHeadroom: Int?
    @Option(help: "The largest file an upload may carry, in bytes.") var maxUploadBytes = 100 << 20
    @Option(help: "Files a tenant may keep.") var maxFilesPerTenant = 1_000
    @Option(help: "Bytes a tenant may keep.") var maxBytesPerTenant: Int64 = 10 << 30
    @Option(help: "Requests a tenant may make a minute (default: no limit).") var rateLimit: Int?
    @Option(help: "The encoding chunks, packs and token counts default to (cl100k_base or o200k_base).")
    var encoding = "cl100k_base"
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel = "info"
    @Option(help: "A term-vector table for search and pack (`folio index --learn-vectors`; default: the built-in one).")
    var vectors: String?
    @Flag(help: "Search and pack by words alone: no chunk vectors.") var noVectors = false

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0–65535") }
        guard maxUploadBytes > 0 else { throw ValidationError("--max-upload-bytes must be positive") }
        if let rateLimit, rateLimit < 1 { throw ValidationError("--rate-limit must be at least 1") }
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1") }
        guard (0...19).contains(workerNiceness) else { throw ValidationError("--worker-niceness must be 0–19") }
        guard standardMaxWait >= 1, standardMaxWait <= 3_600 else {
            throw ValidationError("--standard-max-wait must be 1–3600 seconds")
        }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level \(logLevel)") }
        guard vectors == nil || !noVectors else {
            throw ValidationError("--vectors and --no-vectors contradict each other")
        }
    }

    func run() throws {
        var configuration = GatewayConfiguration(dataDirectory: data)
        configuration.database = database.url
        configuration.migrate = migrate
        configuration.blobDirectory = blobDirectory
        configuration.nodeName = nodeName
        configuration.shareProcessedDocuments = !noSharedProcessing
        configuration.host = host
        configuration.port = port
        configuration.maxUploadBytes = maxUploadBytes
        configuration.maxFilesPerTenant = maxFilesPerTenant
        configuration.maxBytesPerTenant = maxBytesPerTenant
        configuration.requestsPerMinute = rateLimit
        configuration.workerNiceness = workerNiceness
        configuration.standardMaxWait = .milliseconds(Int(standardMaxWait * 1_000))
        configuration.peakHeadroom = peakHeadroom
        configuration.engine.encoding = encoding
        if let workers { configuration.engine.workers = workers }
        configuration.engine.termVectors = noVectors ? nil : TermVectors.builtIn
        if let vectors {
            do throws(IndexError) {
                configuration.engine.termVectors = try TermVectors(contentsOf: vectors)
            } catch {
                throw ValidationError("--vectors: \(error.message)")
            }
        }
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let status = waitForTask { [configuration] in
            do {
                let gateway = try await Gateway(configuration: configuration)
                // The engine's pool metrics go to the registry `/metrics` renders.
                MetricsSystem.bootstrap(gateway.metricsFactory)
                try await gateway.run { port in
                    FileHandle.standardOutput.write(
                        Data("folio: listening on http://\(configuration.host):\(port)\n".utf8))
                }
                return 0
            } catch {
                FileHandle.standardError.write(Data("folio serve: \(error)\n".utf8))
                return 1
            }
        }
        if status != 0 { throw ExitCode(status) }
    }
}

/// `folio keys create|list|revoke`: API keys in a data directory, with or without a running server.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Create, list and revoke API keys.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a key for a tenant and print it (only once).")
        @Option(help: "The data directory.") var data: String = GatewayConfiguration.defaultDataDirectory()
        @OptionGroup var database: DatabaseOptions
        @Option(help: "The tenant the key acts for.") var tenant: String
        @Flag(help: "An admin key: may grant and revoke passes.") var admin = false

        func run() throws {
            guard !tenant.isEmpty, tenant.utf8.count <= 128 else {
                throw ValidationError("--tenant must be 1–128 bytes")
            }
            let (tenant, admin, data) = (tenant, admin, data)
            try runStoreCommand(data: data, database: database.url) { store in
                let key = Identifiers.makeKey()
                let record = APIKeyRecord(
                    id: Identifiers.make("key-"), tenant: tenant, hash: Identifiers.hash(key: key),
                    prefix: String(key.prefix(7)), isAdmin: admin,
                    createdAtMilliseconds: Gateway.nowMilliseconds())
                try await store.insertKey(record)
                print(key)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys (never the keys themselves).")
        @Option(help: "The data directory.") var data: String = GatewayConfiguration.defaultDataDirectory()
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Only this tenant's keys.") var tenant: String?

        func run() throws {
            let tenant = tenant
            try runStoreCommand(data: data, database: database.url) { store in
                print("id\ttenant\tprefix\tadmin\tcreated\trevoked")
                for key in try await store.keys(tenant: tenant) {
                    print(
                        "\(key.id)\t\(key.tenant)\t\(key.prefix)…\t\(key.isAdmin)\t\(key.createdAtMilliseconds / 1_000)"
                            + "\t\(key.revokedAtMilliseconds.map { String($0 / 1_000) } ?? "-")")
                }
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key by its id (key-…).")
        @Option(help: "The data directory.") var data: String = GatewayConfiguration.defaultDataDirectory()
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The key's id, as `folio keys list` shows it.") var id: String

        func run() throws {
            let id = id
            try runStoreCommand(data: data, database: database.url) { store in
                guard try await store.revokeKey(id: id, atMilliseconds: Gateway.nowMilliseconds())
                else { throw ValidationError("no key \(id), or it was revoked already") }
                print("revoked \(id)")
            }
        }
    }
}

/// `folio passes grant|list|revoke`: the pass ledger in a data directory.
struct PassesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "passes", abstract: "Grant, list and revoke passes (priority at peak hours).",
        subcommands: [Grant.self, List.self, Revoke.self])

    struct Grant: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Grant a pass: peak-4d (5.20 CNY), peak-93d (99 CNY) or peak-365d (399 CNY).")
        @Option(help: "The data directory.") var data: String = GatewayConfiguration.defaultDataDirectory()
        @OptionGroup var database: DatabaseOptions
        @Option(help: "The tenant.") var tenant: String
        @Option(name: .customLong("pass"), help: "The pass: peak-4d, peak-93d or peak-365d.") var product: String

        func run() throws {
            let (tenant, product) = (tenant, product)
            try runStoreCommand(data: data, database: database.url) { store in
                let pass = try await Gateway.grantPass(product, to: tenant, store: store)
                print("\(pass.id)\t\(pass.tenant)\t\(pass.productID)\texpires \(pass.expiresAtMilliseconds / 1_000)")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List passes.")
        @Option(help: "The data directory.") var data: String = GatewayConfiguration.defaultDataDirectory()
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Only this tenant's passes.") var tenant: String?

        func run() throws {
            let tenant = tenant
            try runStoreCommand(data: data, database: database.url) { store in
                let now = Gateway.nowMilliseconds()
                print("id\ttenant\tpass\tgranted\texpires\tstate")
                for pass in try await store.passes(tenant: tenant) {
                    let state =
                        pass.revokedAtMilliseconds != nil
                        ? "revoked" : pass.isActive(atMilliseconds: now) ? "active" : "expired"
                    print(
                        "\(pass.id)\t\(pass.tenant)\t\(pass.productID)\t\(pass.grantedAtMilliseconds / 1_000)"
                            + "\t\(pass.expiresAtMilliseconds / 1_000)\t\(state)")
                }
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a pass by its id (pass-…).")
        @Option(help: "The data directory.") var data: String = GatewayConfiguration.defaultDataDirectory()
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The pass's id.") var id: String

        func run() throws {
            let id = id
            try runStoreCommand(data: data, database: database.url) { store in
                guard try await store.revokePass(id: id, atMilliseconds: Gateway.nowMilliseconds())
                else { throw ValidationError("no pass \(id), or it was revoked already") }
                print("revoked \(id)")
            }
        }
    }
}

/// `--database`, or `FOLIO_DATABASE_URL`: the metadata database a fleet shares.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .customLong("database"),
        help: ArgumentHelp(
            "The metadata database: a postgres:// URL that a fleet of nodes shares (default: $FOLIO_DATABASE_URL, "
                + "else SQLite in the data directory).", valueName: "url"))
    var option: String?

    var url: String? {
        if let option { return option }
        let environment = ProcessInfo.processInfo.environment["FOLIO_DATABASE_URL"]
        return environment?.isEmpty == false ? environment : nil
    }
}

/// Opens the metadata store (PostgreSQL at `database`, else the data directory's SQLite) and runs
/// `body`; errors are printed, exit 1.
private func runStoreCommand(
    data: String, database: String?, _ body: @escaping @Sendable (any MetadataStore) async throws -> Void
) throws {
    let status = waitForTask {
        do {
            if let database {
                try await PostgresMetadataStore.withStore(
                    url: database, migrate: false, logger: Logger(label: "folio.store"), body)
                return 0
            }
            try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
            let store = try SQLiteMetadataStore(path: data + "/folio.sqlite")
            try await body(store)
            return 0
        } catch let error as ValidationError {
            FileHandle.standardError.write(Data("folio: \(error.message)\n".utf8))
            return 1
        } catch {
            FileHandle.standardError.write(Data("folio: \(error)\n".utf8))
            return 1
        }
    }
    if status != 0 { throw ExitCode(status) }
}
