internal import Foundation
public import PostgresNIO

/// A `postgres://` URL, as libpq takes it, turned into a ``PostgresClient`` configuration.
///
/// - `postgres://user:password@host:port/database` (TCP; port 5432 when omitted);
/// - `postgres://user@/database?host=/run/postgresql` (a Unix socket: `host` names the socket's
///   directory, as libpq's does; the socket is `<host>/.s.PGSQL.<port>`);
/// - `sslmode=disable|prefer|require` (default `prefer`); `pool_max=N` connections (default 16);
///   `connect_timeout=S` seconds (default 5).
public struct PostgresConnectionURL: Sendable {
    public var configuration: PostgresClient.Configuration
    /// The URL without its password, for logs and errors.
    public var redacted: String

    /// Whether `text` names PostgreSQL at all (`postgres://` or `postgresql://`).
    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// - Throws: ``StoreError/invalidConfiguration(_:)`` naming what is wrong.
    public init(_ text: String) throws {
        guard Self.isPostgres(text), let components = URLComponents(string: text) else {
            throw StoreError.invalidConfiguration(
                "the database URL must look like postgres://user:password@host:5432/database")
        }
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] { query[item.name] = item.value ?? "" }
        let user = components.user?.removingPercentEncoding ?? ProcessInfo.processInfo.environment["USER"] ?? "postgres"
        let password = components.password?.removingPercentEncoding
        var database = String(components.path.drop { $0 == "/" })
        if database.isEmpty { database = user }
        let port = components.port ?? query["port"].flatMap(Int.init) ?? 5432
        var configuration: PostgresClient.Configuration
        if let socketDirectory = query["host"], socketDirectory.hasPrefix("/") {
            configuration = .init(
                unixSocketPath: socketDirectory + "/.s.PGSQL.\(port)", username: user, password: password,
                database: database)
        } else {
            guard let host = components.host, !host.isEmpty else {
                throw StoreError.invalidConfiguration(
                    "the database URL names no host: give postgres://user@host/database or ?host=/socket/directory")
            }
            let tls: PostgresClient.Configuration.TLS
            switch query["sslmode"] ?? "prefer" {
            case "disable": tls = .disable
            case "prefer", "allow": tls = .prefer(.makeClientConfiguration())
            case "require", "verify-ca", "verify-full": tls = .require(.makeClientConfiguration())
            case let mode: throw StoreError.invalidConfiguration("unknown sslmode \(mode) in the database URL")
            }
            configuration = .init(
                host: host, port: port, username: user, password: password, database: database, tls: tls)
        }
        configuration.options.maximumConnections = max(1, query["pool_max"].flatMap(Int.init) ?? 16)
        configuration.options.connectTimeout = .seconds(max(1, query["connect_timeout"].flatMap(Int.init) ?? 5))
        // A connection a node keeps open idles out after a minute; the heartbeat keeps one warm.
        configuration.options.minimumConnections = 0
        self.configuration = configuration
        var shown = components
        if shown.password != nil { shown.password = "***" }
        redacted = shown.string ?? "postgres://…"
    }
}
