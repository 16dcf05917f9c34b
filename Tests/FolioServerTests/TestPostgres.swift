import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The throwaway PostgreSQL cluster `.ci/run` starts (`Scripts/postgres_throwaway.sh`), named by
/// `FOLIO_TEST_POSTGRES_URL` (and its directory by `FOLIO_TEST_POSTGRES_DIR`, for the tests that stop
/// and start it). Without them the PostgreSQL tests are skipped, saying so.
enum TestPostgres {
    static let url = ProcessInfo.processInfo.environment["FOLIO_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static let clusterDirectory = ProcessInfo.processInfo.environment["FOLIO_TEST_POSTGRES_DIR"]
        .flatMap { $0.isEmpty ? nil : $0 }
    static var isAvailable: Bool { url != nil }
    static let skipMessage =
        "no PostgreSQL: FOLIO_TEST_POSTGRES_URL is not set (.ci/run sets it; by hand: "
        + "Scripts/postgres_throwaway.sh start /tmp/folio-pg 55432)"

    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Scripts/postgres_throwaway.sh").path
    }

    /// A new, empty database on the cluster; its URL.
    static func makeDatabase() throws -> String {
        let url = try require(url)
        let name = "folio_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        try psql(url, "CREATE DATABASE \(name)")
        var components = try require(URLComponents(string: url))
        components.path = "/" + name
        return try require(components.string)
    }

    /// Runs one SQL statement with psql; its output.
    @discardableResult
    static func psql(_ url: String, _ sql: String) throws -> String {
        try run("/usr/bin/psql", [url, "-qAtX", "-v", "ON_ERROR_STOP=1", "-c", sql])
    }

    /// Stops the cluster (fast shutdown: clients are disconnected) or starts it again.
    static func stopCluster() throws { try run("/bin/bash", [script, "stop", try require(clusterDirectory)]) }
    static func startCluster() throws {
        let port = try require(URLComponents(string: try require(url))?.port)
        try run("/bin/bash", [script, "start", try require(clusterDirectory), String(port)])
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let problems = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard exitStatus(of: process) == 0 else {
            throw LiveServerError(message: "\(executable) \(arguments.dropFirst().first ?? ""): \(problems)")
        }
        return text
    }
}

/// The exit status of a child: reaped here when Foundation has not (its `waitUntilExit` was seen to
/// miss a child that started a daemon through `runuser`, and wait for ever).
func exitStatus(of process: Process) -> Int32 {
    let pid = process.processIdentifier
    while true {
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == pid { return (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F) }
        if result == -1 {
            // Foundation reaped it.
            while process.isRunning { usleep(5_000) }
            return process.terminationStatus
        }
        usleep(5_000)
    }
}

// Swift Testing's #require outside a test: a thrown error.
private func require<T>(_ value: T?, _ what: String = #function) throws -> T {
    guard let value else { throw LiveServerError(message: "missing \(what)") }
    return value
}
