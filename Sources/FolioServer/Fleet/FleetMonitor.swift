internal import Folio
internal import Foundation
internal import Logging
internal import Metrics
internal import PostgresNIO
internal import ServiceLifecycle
internal import Synchronization

/// A node's heartbeat in a fleet on PostgreSQL: every ``GatewayConfiguration/heartbeat`` it writes
/// its load (queued seconds and running jobs per class, workers, peak) to the unlogged `folio_node` table
/// and reads the other nodes' in the same statement; nodes silent for three heartbeats (by the
/// database's clock, so the nodes' clocks do not matter) are left out. The sum goes to the engine's
/// pool (``WorkerPool/updateFleet(_:)``), so admission, `Retry-After` and peak mode follow the fleet.
///
/// The heartbeat is also the node's view of its database: `/readyz` answers 503 while beats fail.
final class FleetMonitor: Service, Sendable {
    let store: PostgresMetadataStore
    let pool: WorkerPool
    let nodeID: String
    let address: String
    let interval: Duration
    let logger: Logger
    let metrics: GatewayMetrics
    let status = Mutex(Status())

    struct Status {
        var lastSuccess: ContinuousClock.Instant?
        var failing = false
        var nodes = 0
    }

    init(
        store: PostgresMetadataStore, pool: WorkerPool, nodeID: String, address: String, interval: Duration,
        logger: Logger, metrics: GatewayMetrics
    ) {
        self.store = store
        self.pool = pool
        self.nodeID = nodeID
        self.address = address
        self.interval = interval
        self.logger = logger
        self.metrics = metrics
    }

    /// Whether the database answered a heartbeat within the last three.
    var databaseIsUp: Bool {
        let last = status.withLock { $0.lastSuccess }
        guard let last else { return false }
        return ContinuousClock.now - last <= interval * 3 + .milliseconds(500)
    }

    func run() async throws {
        let clock = ContinuousClock()
        await withGracefulShutdownHandler {
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                let next = clock.now + interval
                await beat()
                try? await Task.sleep(until: next, clock: clock)
            }
        } onGracefulShutdown: {
        }
        // Leaving: the others stop counting this node at once rather than after three beats.
        _ = try? await store.rows("DELETE FROM folio_node WHERE node_id = \(nodeID)", "leaving the fleet")
    }

    /// One heartbeat: publish, read the others, hand their sum to the pool.
    func beat() async {
        let load = pool.nodeLoad
        var bindings = PostgresBindings()
        bindings.append(nodeID)
        bindings.append(address)
        bindings.append(load.workers)
        bindings.append(load.isPeak)
        bindings.append(load.queuedSeconds)
        bindings.append(load.running)
        bindings.append(Double(interval.components.seconds) + Double(interval.components.attoseconds) * 1e-18)
        do {
            let rows = try await store.rows(Heartbeat.self, bindings, "heartbeat")
            let others = try rows.map { row in
                NodeLoad(
                    workers: try row["workers"], queuedSeconds: try row["queued_seconds"],
                    running: try row["running"], isPeak: try row["peak"])
            }
            let fleet = FleetLoad(summing: others, queues: load.queuedSeconds.count)
            pool.updateFleet(fleet)
            let (wasFailing, nodesBefore) = status.withLock { status in
                defer {
                    status.lastSuccess = .now
                    status.failing = false
                    status.nodes = fleet.nodes + 1
                }
                return (status.failing, status.nodes)
            }
            if wasFailing { logger.notice("the metadata database answers again; the node takes work") }
            if nodesBefore != fleet.nodes + 1 {
                logger.info("live nodes in the fleet, this one included: \(fleet.nodes + 1)")
            }
            Gauge(label: "folio_fleet_nodes", factory: metrics.factory).record(fleet.nodes + 1)
            Gauge(label: "folio_database_up", factory: metrics.factory).record(1)
            Gauge(label: "folio_fleet_queued_seconds", factory: metrics.factory)
                .record(fleet.queuedSeconds.reduce(0, +) + load.queuedSeconds.reduce(0, +))
        } catch {
            let wasFailing = status.withLock { status in
                defer { status.failing = true }
                return status.failing
            }
            // Without the others' load the node judges by its own (and still at peak if it was).
            pool.updateFleet(FleetLoad())
            Gauge(label: "folio_database_up", factory: metrics.factory).record(0)
            if !wasFailing {
                logger.error("heartbeat failed, answering 503 until the database is back: \(error)")
            }
        }
    }
}

/// Upsert this node's row; read the other live ones. `$7`: the heartbeat interval in seconds.
enum Heartbeat: StatementText {
    static let sql = """
        WITH beat AS (
            INSERT INTO folio_node (node_id, address, started_at, beat_at, workers, peak, queued_seconds, running)
            VALUES ($1, $2, now(), clock_timestamp(), $3, $4, $5, $6)
            ON CONFLICT (node_id) DO UPDATE SET beat_at = clock_timestamp(), address = EXCLUDED.address,
                workers = EXCLUDED.workers, peak = EXCLUDED.peak, queued_seconds = EXCLUDED.queued_seconds,
                running = EXCLUDED.running
        )
        SELECT workers, peak, queued_seconds, running FROM folio_node
        WHERE node_id <> $1 AND beat_at > clock_timestamp() - make_interval(secs => 3 * $7)
        """
}
