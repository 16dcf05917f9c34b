import FolioTestSupport
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Several `folio serve` processes on one PostgreSQL database, each with its own data directory,
/// as a fleet behind a load balancer would run them; real sockets, real processes.
@Suite(.serialized, .enabled(if: TestPostgres.isAvailable, Comment(rawValue: TestPostgres.skipMessage)))
struct FleetTests {
    /// Nodes on a fresh database, started at once (each applies migrations: the advisory lock
    /// makes one of them do it).
    final class Fleet: @unchecked Sendable {
        let database: String
        let nodes: [LiveServer]
        let directories: [String]

        init(nodes count: Int, database: String? = nil, arguments: [String] = []) throws {
            let database = try database ?? TestPostgres.makeDatabase()
            let directories = (0..<count).map { _ in LiveServerTests.temporaryDirectory() }
            let started = Mutex<[Int: Result<LiveServer, any Error>]>([:])
            inParallel(count) { index in
                let result = Result {
                    try LiveServer.start(
                        directory: directories[index],
                        arguments: ["--database", database, "--migrate", "--node-name", "node-\(index)"] + arguments)
                }
                started.withLock { $0[index] = result }
            }
            let results = started.withLock { $0 }
            var nodes: [LiveServer] = []
            for index in 0..<count {
                switch results[index] {
                case .success(let node): nodes.append(node)
                case .failure(let error):
                    for node in results.values.compactMap({ try? $0.get() }) { node.stop() }
                    throw error
                case nil: throw LiveServerError(message: "node \(index) did not report")
                }
            }
            self.database = database
            self.nodes = nodes
            self.directories = directories
        }

        func key(_ tenant: String, admin: Bool = false) throws -> String {
            try LiveServer.makeKey(
                directory: directories[0], tenant: tenant,
                arguments: ["--database", database] + (admin ? ["--admin"] : []))
        }

        func connection(_ node: Int) throws -> RawConnection { try RawConnection(port: nodes[node].port) }

        func stop() {
            for node in nodes { node.stop() }
            for directory in directories { try? FileManager.default.removeItem(atPath: directory) }
        }
    }

    static let multipartType = LiveServerTests.multipartType

    static func upload(_ connection: RawConnection, key: String, text: String, name: String) throws
        -> RawConnection.Response
    {
        try connection.roundTrip(
            "POST", "/v1/files", key: key, headers: multipartType, body: multipartBody(Array(text.utf8), filename: name)
        )
    }

    static func listed(_ connection: RawConnection, key: String) throws -> Set<String> {
        let list = try connection.roundTrip("GET", "/v1/files?limit=10000", key: key)
        return Set(((list.json["data"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String })
    }

    /// Polls `probe` every 20 ms until it is true; the time it took, or nil after `limit` seconds.
    static func time(within limit: Double, _ probe: () throws -> Bool) rethrows -> Double? {
        let start = Date()
        while Date().timeIntervalSince(start) < limit {
            if try probe() { return Date().timeIntervalSince(start) }
            usleep(20_000)
        }
        return nil
    }

    @Test func filesKeysAndPassesAreTheSameOnEveryNode() throws {
        let fleet = try Fleet(nodes: 3)
        defer { fleet.stop() }
        // Three nodes migrated at once: each version was applied exactly once.
        #expect(
            try TestPostgres.psql(fleet.database, "SELECT count(*), max(version) FROM folio_schema_migration")
                == "2|2\n")
        let key = try fleet.key("acme")
        let admin = try fleet.key("ops", admin: true)
        let (a, b, c) = (try fleet.connection(0), try fleet.connection(1), try fleet.connection(2))

        // A file uploaded through A is listed, read and deleted through B.
        let text = "Master agreement. Either party may terminate on 30 days' notice. 终止条款。"
        let uploaded = try Self.upload(a, key: key, text: text, name: "agreement.txt")
        #expect(uploaded.status == 200)
        let id = try #require(uploaded.json["id"] as? String)
        #expect(try Self.listed(b, key: key) == [id])
        // A processed the file during the upload and shared its entry: B uses it instead of processing.
        let shared = try Self.time(within: 5) {
            try TestPostgres.psql(fleet.database, "SELECT count(*) FROM folio_processed_entry") != "0\n"
        }
        #expect(shared != nil)
        let content = try b.roundTrip("GET", "/v1/files/\(id)/content", key: key)
        #expect(content.status == 200)
        #expect((content.json["content"] as? String)?.contains("terminate on 30 days") == true)
        #expect(try b.roundTrip("DELETE", "/v1/files/\(id)", key: key).status == 200)
        #expect(try a.roundTrip("GET", "/v1/files/\(id)", key: key).status == 404)
        #expect(try c.roundTrip("GET", "/v1/files/\(id)/content", key: key).status == 404)
        #expect(try TestPostgres.psql(fleet.database, "SELECT count(*) FROM folio_blob") == "0\n")

        // A pass granted through A changes the service tier on C within a second.
        let estimate = Array(#"{"model":"moonshot-v1-8k","messages":[{"role":"user","content":"hi"}]}"#.utf8)
        func tierOnC() throws -> String? {
            try c.roundTrip(
                "POST", "/v1/tokenizers/estimate-token-count", key: key,
                headers: ["Content-Type": "application/json"], body: estimate
            ).headers["x-folio-service-tier"]
        }
        #expect(try tierOnC() == "standard")
        let grant = try a.roundTrip(
            "POST", "/v1/folio/passes", key: admin, headers: ["Content-Type": "application/json"],
            body: Array(#"{"tenant":"acme","pass":"peak-4d"}"#.utf8))
        #expect(grant.status == 200)
        let passSeconds = try Self.time(within: 3) { try tierOnC() == "priority" }
        #expect(try #require(passSeconds) <= 1.0)

        // A key revoked through one node stops working on every node within a second.
        let victim = try fleet.key("acme")
        #expect(try b.roundTrip("GET", "/v1/files", key: victim).status == 200)
        let keyID = try #require(
            try TestPostgres.psql(
                fleet.database,
                "SELECT id FROM folio_api_key WHERE revoked_at_ms IS NULL ORDER BY created_at_ms DESC LIMIT 1"
            ).split(separator: "\n").first.map(String.init))
        let revoke = Process()
        revoke.executableURL = try LiveServer.binary
        revoke.arguments = ["keys", "revoke", "--database", fleet.database, keyID]
        try revoke.run()
        revoke.waitUntilExit()
        #expect(revoke.terminationStatus == 0)
        let revokeSeconds = try Self.time(within: 3) {
            try [a, b, c].allSatisfy { try $0.roundTrip("GET", "/v1/files", key: victim).status == 401 }
        }
        #expect(try #require(revokeSeconds) <= 1.0)
        #expect(try a.roundTrip("GET", "/v1/files", key: key).status == 200)

        // Each node counts the others: /readyz is up and the heartbeat table has three live rows.
        #expect(try c.roundTrip("GET", "/readyz").status == 200)
        #expect(
            try TestPostgres.psql(
                fleet.database, "SELECT count(*) FROM folio_node WHERE beat_at > clock_timestamp() - interval '1 s'")
                == "3\n")
    }

    @Test func aTenantsQuotaHoldsUnderConcurrentUploadsOnEveryNode() throws {
        let fleet = try Fleet(nodes: 3, arguments: ["--max-files-per-tenant", "20"])
        defer { fleet.stop() }
        let key = try fleet.key("busy")
        let statuses = Mutex<[Int: Int]>([:])
        let answered = Mutex<Set<String>>([])
        inParallel(50) { index in
            do {
                let connection = try fleet.connection(index % 3)
                let response = try Self.upload(
                    connection, key: key, text: "Upload \(index): the tenant pays within 30 days.",
                    name: "u\(index).txt")
                statuses.withLock { $0[response.status, default: 0] += 1 }
                if response.status == 200, let id = response.json["id"] as? String {
                    answered.withLock { _ = $0.insert(id) }
                } else if response.status == 400 {
                    #expect((response.json["error"] as? [String: Any])?["code"] as? String == "quota_exceeded")
                }
            } catch {
                statuses.withLock { $0[-1, default: 0] += 1 }
            }
        }
        let counts = statuses.withLock { $0 }
        #expect(counts[200] == 20, "\(counts)")
        #expect(counts[400] == 30, "\(counts)")
        for node in 0..<3 {
            #expect(try Self.listed(try fleet.connection(node), key: key) == answered.withLock { $0 })
        }
        // Refused uploads left no bytes behind.
        #expect(try TestPostgres.psql(fleet.database, "SELECT count(*) FROM folio_blob") == "20\n")
    }

    @Test func killingANodeMidUploadLosesNothingAnswered() throws {
        let fleet = try Fleet(nodes: 2)
        defer { fleet.stop() }
        let key = try fleet.key("acme")
        let answered = Mutex<[String: String]>([:])
        let stop = Atomic<Bool>(false)
        let victim = fleet.nodes[0]
        inParallel(5) { worker in
            if worker == 4 {
                usleep(700_000)
                victim.signal(SIGKILL)
                _ = victim.waitForExit(seconds: 10)
                usleep(300_000)
                stop.store(true, ordering: .relaxed)
                return
            }
            var sent = 0
            let deadline = Date().addingTimeInterval(30)
            while !stop.load(ordering: .relaxed) && Date() < deadline {
                sent += 1
                let text = "Worker \(worker), upload \(sent): " + String(repeating: "clause text ", count: 2_000)
                // Workers 0–2 upload through the victim; once it is gone, through the survivor.
                let node = worker < 3 && victim.process.isRunning ? 0 : 1
                guard let connection = try? fleet.connection(node),
                    let response = try? Self.upload(connection, key: key, text: text, name: "w\(worker)-\(sent).txt")
                else {
                    usleep(10_000)
                    continue
                }
                if response.status == 200, let id = response.json["id"] as? String {
                    answered.withLock { $0[id] = text }
                }
            }
        }
        let promised = answered.withLock { $0 }
        #expect(promised.count > 5)
        let survivor = try fleet.connection(1)
        let listed = try Self.listed(survivor, key: key)
        // Everything answered 200 is there, and everything listed is whole (bytes and record).
        #expect(Set(promised.keys).isSubset(of: listed))
        for id in listed {
            let content = try survivor.roundTrip("GET", "/v1/files/\(id)/content", key: key)
            #expect(content.status == 200, "\(id)")
            if let text = promised[id] {
                #expect((content.json["content"] as? String)?.hasPrefix(String(text.prefix(40))) == true)
            }
        }
        // Bytes without a record (the victim died between them) are invisible, and no record lacks bytes.
        #expect(
            try TestPostgres.psql(
                fleet.database,
                "SELECT count(*) FROM folio_file f WHERE NOT EXISTS (SELECT 1 FROM folio_blob b WHERE b.id = f.id)")
                == "0\n")
    }

    /// PostgreSQL stopped under load and started again: while it is down every request that needs it
    /// gets a clean 503 with `Retry-After` (never a hang, never another 5xx) and `/readyz` says so;
    /// once it is back requests succeed, and nothing acknowledged is lost. A cluster of its own, so
    /// the other PostgreSQL tests never see it down.
    @Test func aDatabaseRestartIsA503ThenBusinessAsUsual() throws {
        let directory = "/tmp/folio-pg-restart-" + UUID().uuidString.prefix(8)
        let port = 56_000 + Int.random(in: 0..<4_000)
        let script = TestPostgres.script
        let url = try TestPostgres.run("/bin/bash", [script, "start", directory, String(port)])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        defer { _ = try? TestPostgres.run("/bin/bash", [script, "destroy", directory]) }
        let fleet = try Fleet(nodes: 1, database: url)
        defer { fleet.stop() }
        let key = try fleet.key("acme")
        let client = try fleet.connection(0)
        var promised: Set<String> = []
        for index in 0..<3 {
            let response = try Self.upload(client, key: key, text: "Before \(index).", name: "b\(index).txt")
            #expect(response.status == 200)
            promised.insert(try #require(response.json["id"] as? String))
        }

        try TestPostgres.run("/bin/bash", [script, "stop", directory])
        var sawUnavailable = 0
        let downSince = Date()
        while Date().timeIntervalSince(downSince) < 3 {
            let started = Date()
            let list = try client.roundTrip("GET", "/v1/files", key: key)
            #expect(Date().timeIntervalSince(started) < 6)
            #expect(list.status == 503)
            #expect(list.headers["retry-after"] != nil)
            let upload = try Self.upload(client, key: key, text: "During.", name: "d.txt")
            #expect(upload.status == 503)
            #expect(upload.headers["retry-after"] != nil)
            if list.status == 503 && upload.status == 503 { sawUnavailable += 1 }
        }
        #expect(sawUnavailable > 0)
        #expect(try client.roundTrip("GET", "/readyz").status == 503)

        _ = try TestPostgres.run("/bin/bash", [script, "start", directory, String(port)])
        let recovered = try Self.time(within: 15) {
            try client.roundTrip("GET", "/v1/files", key: key).status == 200
        }
        #expect(recovered != nil)
        let after = try Self.upload(client, key: key, text: "After.", name: "a.txt")
        #expect(after.status == 200)
        promised.insert(try #require(after.json["id"] as? String))
        #expect(try Self.time(within: 5) { try client.roundTrip("GET", "/readyz").status == 200 } != nil)
        #expect(try Self.listed(client, key: key) == promised)
    }

}

/// Runs `body(0..<count)` on `count` threads of their own at once (Dispatch's concurrentPerform
/// runs only as many at once as there are cores) and returns when all have.
func inParallel(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let group = DispatchGroup()
    for index in 0..<count {
        group.enter()
        let thread = Thread {
            body(index)
            group.leave()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }
    group.wait()
}
