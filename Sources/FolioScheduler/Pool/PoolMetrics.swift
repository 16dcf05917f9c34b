internal import CoreMetrics
internal import Metrics

/// The pool's swift-metrics instruments, one set per class, created once.
///
/// Names: `folio_scheduler_admitted_total`, `folio_scheduler_rejected_total`,
/// `folio_scheduler_ended_total` (dimension `outcome`), `folio_scheduler_wait` (a timer of queueing
/// delay before the first start) and `folio_scheduler_queue_length` (a gauge), each with the
/// dimension `class`. A gateway bootstraps its `MetricsSystem` backend (Prometheus, say) as usual.
struct PoolMetrics: Sendable {
    struct ClassInstruments: Sendable {
        let admitted: Counter
        let rejected: Counter
        let ended: [JobOutcome: Counter]
        let wait: Metrics.Timer
        let queueLength: Gauge
    }

    let classes: [ClassInstruments]

    init(classNames: [String]) {
        classes = classNames.map { name in
            let dimensions = [("class", name)]
            var ended: [JobOutcome: Counter] = [:]
            for outcome in JobOutcome.allCases {
                ended[outcome] = Counter(
                    label: "folio_scheduler_ended_total", dimensions: dimensions + [("outcome", outcome.rawValue)])
            }
            return ClassInstruments(
                admitted: Counter(label: "folio_scheduler_admitted_total", dimensions: dimensions),
                rejected: Counter(label: "folio_scheduler_rejected_total", dimensions: dimensions),
                ended: ended,
                wait: Metrics.Timer(label: "folio_scheduler_wait", dimensions: dimensions),
                queueLength: Gauge(label: "folio_scheduler_queue_length", dimensions: dimensions))
        }
    }

    func ended(_ job: EndedJob) {
        classes[job.classIndex].ended[job.outcome]?.increment()
        if job.started { classes[job.classIndex].wait.recordNanoseconds(job.waitTime.nanosecondCount) }
    }

    func decided(_ decision: SubmitDecision, classIndex: Int, queueLength: Int) {
        switch decision {
        case .admitted: classes[classIndex].admitted.increment()
        case .rejected: classes[classIndex].rejected.increment()
        }
        classes[classIndex].queueLength.record(queueLength)
    }
}
