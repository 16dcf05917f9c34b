import FolioScheduler
import Testing

/// Admission on a fleet's load: the other nodes' queued and booked work, their workers, their peak.
struct FleetAdmissionTests {
    static let priority = 0
    static let standard = 1

    func request(_ classIndex: Int, _ tenant: String, cost: Double = 1_000) -> JobRequest {
        JobRequest(classIndex: classIndex, tenant: tenant, cost: cost)
    }

    /// A one-worker node that has learned 1 cost unit = 1 ms, with one job running.
    func busyNode() throws -> Scheduler {
        var scheduler = Scheduler(configuration: try .folio(workers: 1))
        guard case .admitted(let first) = scheduler.submit(request(Self.standard, "a"), now: .zero) else {
            throw SchedulerTestError.notAdmitted
        }
        _ = scheduler.nextDispatch(now: .zero)
        _ = scheduler.finish(first, outcome: .completed, now: .seconds(1))
        guard case .admitted = scheduler.submit(request(Self.standard, "a"), now: .seconds(1)) else {
            throw SchedulerTestError.notAdmitted
        }
        _ = scheduler.nextDispatch(now: .seconds(1))
        return scheduler
    }

    /// Standard jobs a node admits at `now` before the first rejection, and that rejection.
    func admitUntilRejected(_ scheduler: inout Scheduler) -> (admitted: Int, rejection: Rejection?) {
        for index in 0..<200 {
            if case .rejected(let rejection) = scheduler.submit(
                request(Self.standard, "t\(index)"), now: .seconds(1))
            {
                return (index, rejection)
            }
        }
        return (200, nil)
    }

    /// Two other nodes with one worker each and 60 s of standard work queued each.
    static let loadedFleet = FleetLoad(
        summing: [
            NodeLoad(workers: 1, queuedSeconds: [0, 60], running: [0, 1], isPeak: false),
            NodeLoad(workers: 1, queuedSeconds: [0, 60], running: [0, 1], isPeak: false),
        ], queues: 2)

    @Test func aLoadedFleetMakesANodeRefuseSoonerAndBookLonger() throws {
        var alone = try busyNode()
        let (admittedAlone, rejectionAlone) = admitUntilRejected(&alone)
        var inFleet = try busyNode()
        inFleet.fleet = Self.loadedFleet
        let (admittedInFleet, rejectionInFleet) = admitUntilRejected(&inFleet)
        // Alone the node queues up to its 18 s target; in the fleet the fleet's wait (120 s of
        // others' work over 3 workers) is over it already, so it admits only while its own queue is
        // under half the target (work-conserving).
        #expect(admittedAlone >= 9 && admittedAlone <= 19, "\(admittedAlone)")
        #expect(admittedInFleet >= 8 && admittedInFleet <= 10, "\(admittedInFleet)")
        let alonesWait = try #require(rejectionAlone).retryAfter
        let fleetsWait = try #require(rejectionInFleet).retryAfter
        #expect(fleetsWait > alonesWait, "the fleet's backlog is the retry's wait: \(fleetsWait) vs \(alonesWait)")
    }

    @Test func anIdleNodeTakesWorkWhateverTheFleetCarries() throws {
        var scheduler = Scheduler(configuration: try .folio(workers: 1))
        scheduler.fleet = Self.loadedFleet
        guard case .admitted = scheduler.submit(request(Self.standard, "a"), now: .zero) else {
            Issue.record("a node with nothing queued must take the job")
            return
        }
    }

    @Test func anotherNodesPeakIsTheFleetsPeak() throws {
        var scheduler = Scheduler(configuration: try .folio(workers: 8))
        #expect(!scheduler.statistics.isPeak)
        var peaking = Self.loadedFleet
        peaking.isPeak = true
        scheduler.fleet = peaking
        // At peak, the headroom worker stays free of standard work.
        var started = 0
        for index in 0..<8 {
            _ = scheduler.submit(request(Self.standard, "t\(index)"), now: .zero)
        }
        while scheduler.nextDispatch(now: .zero) != nil { started += 1 }
        #expect(started == 7)
        // A node publishes only its own peak, so that the fleet's does not echo back.
        let load = scheduler.nodeLoad(nowNs: 0)
        #expect(!load.isPeak)
        #expect(load.running == [0, 7])
    }

    @Test func nodesOfAnotherShapeAreLeftOut() {
        let fleet = FleetLoad(
            summing: [
                NodeLoad(workers: 4, queuedSeconds: [1, 2], running: [1, 1], isPeak: false),
                NodeLoad(
                    workers: 4, queuedSeconds: [1, 2, 3], running: [0, 0, 0], isPeak: true),
            ], queues: 2)
        #expect(fleet.nodes == 1 && fleet.workers == 4 && !fleet.isPeak)
        #expect(fleet.queuedSeconds == [1, 2])
    }
}

enum SchedulerTestError: Error { case notAdmitted }
