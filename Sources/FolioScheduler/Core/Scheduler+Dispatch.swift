internal import DequeModule

/// Choosing the next job for a free worker.
///
/// 1. Aging: the job that has waited longest past its class's `maxWait` minus the aging lead.
/// 2. Reserved shares: a class with waiting work below its reserved workers.
/// 3. Precedence tiers in order; within a tier the class with the least virtual time (cost served
///    ÷ weight); within a class, jobs that yielded first, then tenants by deficit round-robin over
///    cost, FIFO within a tenant. At peak, lower tiers leave ``SchedulerConfiguration/peakHeadroom``
///    workers free.
extension Scheduler {
    /// The next job to start on a free worker, or `nil` when no worker is free or nothing may start.
    /// Call it after every event until it returns `nil`.
    package mutating func nextDispatch(now: Duration) -> JobID? {
        guard running < configuration.workers, queuedTotal > 0 else { return nil }
        let nowNs = now.nanosecondCount
        advance(to: nowNs)
        if configuration.aging, let (queueIndex, id) = agedJob(nowNs: nowNs) {
            return start(id, queueIndex, nowNs: nowNs, charge: true)
        }
        if configuration.reservedShares {
            for queueIndex in classes.indices
            where classes[queueIndex].queuedCount > 0
                && classes[queueIndex].running < classes[queueIndex].reservedWorkers
            {
                if let id = pick(queueIndex) { return start(id, queueIndex, nowNs: nowNs, charge: false) }
            }
        }
        for precedence in precedences {
            var chosen: Int?
            for queueIndex in classes.indices
            where classes[queueIndex].policy.precedence == precedence && classes[queueIndex].queuedCount > 0 {
                if chosen == nil || classes[queueIndex].virtualTime < classes[chosen!].virtualTime {
                    chosen = queueIndex
                }
            }
            guard let queueIndex = chosen else { continue }
            if precedence != topPrecedence, isPeak(nowNs),
                configuration.workers - running - 1 < configuration.peakHeadroom
            {
                return nil
            }
            if let id = pick(queueIndex) { return start(id, queueIndex, nowNs: nowNs, charge: false) }
        }
        return nil
    }

    private mutating func start(_ id: JobID, _ queueIndex: Int, nowNs: Int64, charge: Bool) -> JobID {
        var record = jobs[id]!
        if charge, record.state == .waiting {
            // An aged job skipped its tenant's turn: charge the turn so fairness holds afterwards.
            classes[queueIndex].tenants[record.tenant]?.deficit -= record.cost
        }
        record.queuedNs += nowNs - record.queuedSinceNs
        record.state = .running
        if !record.started { record.firstStartNs = nowNs }
        record.started = true
        record.runningSinceNs = nowNs
        jobs[id] = record
        classes[queueIndex].queuedCount -= 1
        queuedByClass[record.classIndex] -= 1
        classes[queueIndex].queuedCost -= record.cost
        if classes[queueIndex].queuedCount == 0 { classes[queueIndex].queuedCost = 0 }
        classes[queueIndex].running += 1
        classes[queueIndex].virtualTime += record.cost / Double(classes[queueIndex].policy.weight)
        queuedTotal -= 1
        running += 1
        return id
    }

    /// The oldest never-started job of an aging class once it is due, most overdue first; removed
    /// from its tenant's queue. (A job that yielded has started: the promise is about starting.)
    private mutating func agedJob(nowNs: Int64) -> (Int, JobID)? {
        var best: (queueIndex: Int, id: JobID, overdue: Int64)?
        let lead = configuration.agingLead.nanosecondCount
        for queueIndex in classes.indices where classes[queueIndex].queuedCount > 0 {
            guard let maxWaitNs = classes[queueIndex].maxWaitNs else { continue }
            let threshold = Swift.max(0, maxWaitNs - lead)
            if let id = firstLive(&classes[queueIndex].arrivals, state: .waiting), let record = jobs[id] {
                let overdue = nowNs - record.queuedSinceNs - threshold
                if overdue >= 0, best == nil || overdue > best!.overdue { best = (queueIndex, id, overdue) }
            }
        }
        guard let best else { return nil }
        // The oldest waiting job of a class heads its tenant's FIFO queue.
        let tenant = jobs[best.id]!.tenant
        dropDeadHeads(best.queueIndex, tenant)
        let head = classes[best.queueIndex].tenants[tenant]!.jobs.removeFirst()
        precondition(head == best.id, "the oldest job of a class must head its tenant's queue")
        classes[best.queueIndex].arrivals.removeFirst()
        return (best.queueIndex, best.id)
    }

    /// The first entry of `list` still in `state`, after discarding stale entries.
    private func firstLive(_ list: inout Deque<JobID>, state: JobRecord.State) -> JobID? {
        while let first = list.first {
            if jobs[first]?.state == state { return first }
            list.removeFirst()
        }
        return nil
    }

    private mutating func dropDeadHeads(_ queueIndex: Int, _ tenant: String) {
        while let head = classes[queueIndex].tenants[tenant]?.jobs.first, jobs[head]?.state != .waiting {
            classes[queueIndex].tenants[tenant]!.jobs.removeFirst()
        }
    }

    /// Takes the next job of a class: a resumable one, else by deficit round-robin between tenants.
    private mutating func pick(_ queueIndex: Int) -> JobID? {
        if let id = firstLive(&classes[queueIndex].resumable, state: .resumable) {
            classes[queueIndex].resumable.removeFirst()
            return id
        }
        let quantum = Swift.max(classes[queueIndex].largestCost, 1)
        var unservedVisits = 0
        while let tenant = classes[queueIndex].activeTenants.first {
            dropDeadHeads(queueIndex, tenant)
            guard let head = classes[queueIndex].tenants[tenant]!.jobs.first else {
                classes[queueIndex].tenants[tenant] = nil
                classes[queueIndex].activeTenants.removeFirst()
                continue
            }
            if !classes[queueIndex].tenants[tenant]!.inTurn {
                classes[queueIndex].tenants[tenant]!.deficit += quantum
                classes[queueIndex].tenants[tenant]!.inTurn = true
            }
            let cost = jobs[head]!.cost
            if cost <= classes[queueIndex].tenants[tenant]!.deficit {
                classes[queueIndex].tenants[tenant]!.deficit -= cost
                classes[queueIndex].tenants[tenant]!.jobs.removeFirst()
                dropDeadHeads(queueIndex, tenant)
                if classes[queueIndex].tenants[tenant]!.jobs.isEmpty {
                    classes[queueIndex].tenants[tenant] = nil
                    classes[queueIndex].activeTenants.removeFirst()
                }
                return head
            }
            classes[queueIndex].tenants[tenant]!.inTurn = false
            classes[queueIndex].activeTenants.removeFirst()
            classes[queueIndex].activeTenants.append(tenant)
            unservedVisits += 1
            if unservedVisits >= classes[queueIndex].activeTenants.count {
                skipRounds(queueIndex, quantum: quantum)
                unservedVisits = 0
            }
        }
        return nil
    }

    /// When no tenant can afford its head job this round, grants every tenant the rounds the
    /// closest one still needs at once, instead of visiting them round after round.
    private mutating func skipRounds(_ queueIndex: Int, quantum: Double) {
        var rounds = Double.infinity
        for tenant in classes[queueIndex].activeTenants {
            guard let queue = classes[queueIndex].tenants[tenant], let head = queue.jobs.first, let record = jobs[head]
            else {
                rounds = 0
                break
            }
            rounds = Swift.min(rounds, ((record.cost - queue.deficit) / quantum).rounded(.up) - 1)
        }
        guard rounds > 0, rounds.isFinite else { return }
        for tenant in classes[queueIndex].activeTenants {
            classes[queueIndex].tenants[tenant]!.deficit += rounds * quantum
        }
    }
}
