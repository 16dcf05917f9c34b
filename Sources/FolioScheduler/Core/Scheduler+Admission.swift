internal import HeapModule

/// Admission control: the honest "busy" answer, with capacity booked for the retry.
///
/// The target is ``SchedulerConfiguration/admissionWaitFraction`` (0.6) of the job's `maxWait`,
/// so that estimation error and tenant reordering stay inside the promise.
///
/// 1. A job of a class with a `maxWait` (or a job with its own) is admitted while the estimated
///    wait is within the target. The estimate is the queued cost of its tier and those before it,
///    plus the cost booked for retries, times the learned seconds per cost, divided by the workers
///    the class can expect (all but the smoothed number busy with higher-precedence work, and at
///    least its reserved share).
/// 2. A rejected job gets `retryAfter` = the time until the work ahead (booked retries included)
///    has drained to half the target, and a token booking its own cost; a retry with the token
///    counts only the real queue, so the booked capacity is its own. Tokens not used by
///    `retryGrace` after their time are released.
/// 3. Work-conserving guard: whatever is booked, a new job is admitted while the real queue's
///    estimated wait is under half the target, so workers never idle while clients that do not
///    retry hold bookings.
/// 4. Every class has a hard queue bound (``ServiceClass/maxQueuedJobs``).
extension Scheduler {
    /// The rejection for `request`, or `nil` to admit it.
    mutating func admissionCheck(_ request: JobRequest, queueIndex: Int, cost: Double, nowNs: Int64) -> Rejection? {
        var ticket: RetryTicket?
        if let token = request.retryToken, let booked = tickets[token.rawValue], booked.classIndex == queueIndex,
            nowNs <= booked.expiresNs
        {
            tickets[token.rawValue] = nil
            classes[queueIndex].ticketCost -= booked.cost
            if tickets.isEmpty { classes[queueIndex].ticketCost = 0 }
            ticket = booked
        }
        noteCost(cost, queueIndex)
        guard configuration.admissionControl else { return nil }
        let serviceClass = classes[queueIndex]
        if serviceClass.queuedCount >= serviceClass.policy.maxQueuedJobs {
            let excess = Double(serviceClass.queuedCount - serviceClass.policy.maxQueuedJobs + 1)
            let drain = excess * serviceClass.averageCost * secondsPerCost / expectedWorkers(queueIndex)
            markPeak(nowNs)
            return Rejection(
                reason: .queueFull(limit: serviceClass.policy.maxQueuedJobs), retryAfter: .seconds(Swift.max(1, drain)))
        }
        guard let limitNs = request.maxWait?.nanosecondCount ?? serviceClass.maxWaitNs else { return nil }
        let target = Double(limitNs) * 1e-9 * configuration.admissionWaitFraction
        let realWait = estimatedWait(queueIndex, extraCost: 0)
        // Work-conserving, also in a fleet: a node whose own queue is short takes the job.
        let ownWait = localWait(queueIndex, extraCost: 0)
        if ticket != nil {
            if realWait <= target || ownWait <= target / 2 { return nil }
        } else {
            if realWait <= target / 2 || ownWait <= target / 2 { return nil }
            let bookedWait = estimatedWait(queueIndex, extraCost: classes[queueIndex].ticketCost)
            if bookedWait <= target { return nil }
        }
        let bookedWait = estimatedWait(queueIndex, extraCost: classes[queueIndex].ticketCost)
        let retryAfter = Swift.max(1, bookedWait - target / 2)
        let tokenNumber = nextTicketNumber
        nextTicketNumber += 1
        let dueNs = nowNs + Int64(retryAfter * 1e9)
        tickets[tokenNumber] = RetryTicket(
            classIndex: queueIndex, cost: cost, dueNs: dueNs,
            expiresNs: dueNs + configuration.retryGrace.nanosecondCount)
        ticketExpiries.insert(
            DeadlineEntry(ns: dueNs + configuration.retryGrace.nanosecondCount, id: JobID(rawValue: tokenNumber)))
        classes[queueIndex].ticketCost += cost
        markPeak(nowNs)
        return Rejection(
            reason: .estimatedWaitTooLong(estimate: .seconds(realWait), limit: .nanoseconds(limitNs)),
            retryAfter: .seconds(retryAfter), retryToken: RetryToken(rawValue: tokenNumber))
    }

    /// Seconds a job of `queueIndex` would queue now, with `extraCost` more work ahead of it; with
    /// other nodes (``fleet``), the fleet's wait: all queued work ahead over all the workers the class
    /// can expect. Other nodes' bookings are not counted: a booking is redeemed only on the node that
    /// made it, and the retries it waits for arrive on any node as new requests, which would then
    /// be refused for their own bookings.
    func estimatedWait(_ queueIndex: Int, extraCost: Double) -> Double {
        guard fleet.nodes > 0, fleet.queuedSeconds.count == classes.count else {
            return localWait(queueIndex, extraCost: extraCost)
        }
        let precedence = classes[queueIndex].policy.precedence
        var ahead = secondsAhead(queueIndex, extraCost: extraCost)
        var higherRunning = 0
        for (index, other) in classes.enumerated() where other.policy.precedence <= precedence {
            ahead += fleet.queuedSeconds[index]
            if other.policy.precedence < precedence { higherRunning += fleet.running[index] }
        }
        let remoteWorkers = Swift.max(0, Double(fleet.workers - higherRunning))
        return ahead / (expectedWorkers(queueIndex) + remoteWorkers)
    }

    /// This node's own estimate: its queued work ahead over its workers.
    func localWait(_ queueIndex: Int, extraCost: Double) -> Double {
        secondsAhead(queueIndex, extraCost: extraCost) / expectedWorkers(queueIndex)
    }

    /// Seconds of this node's work ahead of a job of `queueIndex` (at the learned rate).
    func secondsAhead(_ queueIndex: Int, extraCost: Double) -> Double {
        let precedence = classes[queueIndex].policy.precedence
        var ahead = extraCost
        for other in classes where other.policy.precedence <= precedence { ahead += other.queuedCost }
        return ahead * secondsPerCost
    }

    /// The workers a class can expect: all but those busy with higher-precedence work (smoothed),
    /// and at least its reserved share.
    func expectedWorkers(_ queueIndex: Int) -> Double {
        let free = Double(configuration.workers) - classes[queueIndex].higherBusyAverage
        return Swift.max(1, Swift.max(Double(classes[queueIndex].reservedWorkers), free))
    }

    /// What this node publishes to the fleet.
    package func nodeLoad(nowNs: Int64) -> NodeLoad {
        NodeLoad(
            workers: configuration.workers, queuedSeconds: classes.map { $0.queuedCost * secondsPerCost },
            running: classes.map(\.running),
            isPeak: nowNs < peakUntilNs)
    }

    private mutating func noteCost(_ cost: Double, _ queueIndex: Int) {
        if classes[queueIndex].averageCost == 0 {
            classes[queueIndex].averageCost = cost
        } else {
            classes[queueIndex].averageCost += 0.05 * (cost - classes[queueIndex].averageCost)
        }
    }

    private mutating func markPeak(_ nowNs: Int64) {
        peakUntilNs = Swift.max(peakUntilNs, nowNs + Self.peakWindowNs)
    }

    /// Releases bookings whose retry did not come.
    mutating func expireTickets(nowNs: Int64) {
        while let first = ticketExpiries.min, first.ns < nowNs {
            _ = ticketExpiries.removeMin()
            guard let ticket = tickets.removeValue(forKey: first.id.rawValue) else { continue }
            classes[ticket.classIndex].ticketCost -= ticket.cost
            if tickets.isEmpty { classes[ticket.classIndex].ticketCost = 0 }
        }
    }
}
