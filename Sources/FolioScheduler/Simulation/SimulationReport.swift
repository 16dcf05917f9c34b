/// What a simulated replay measured, per class, in simulated time.
package struct SimulationReport: Sendable {
    package struct ClassReport: Sendable, Equatable {
        /// Requests of the class in the replay.
        package var arrived = 0
        /// Requests admitted, on the first attempt or a retry.
        package var admitted = 0
        /// Requests rejected on their first attempt.
        package var rejected = 0
        /// Rejected requests that came back at least once.
        package var retried = 0
        /// Requests admitted on a retry.
        package var admittedOnRetry = 0
        package var completed = 0
        /// Queueing delay of each completed request, from admission to its first start, in ms.
        package var waitsMs: [Double] = []

        /// Nearest-rank percentile of the waits (`fraction` in 0…1), 0 when there are none.
        package func waitPercentile(_ fraction: Double) -> Double {
            guard !waitsMs.isEmpty else { return 0 }
            let sorted = waitsMs.sorted()
            let rank = Swift.max(1, Int((fraction * Double(sorted.count)).rounded(.up)))
            return sorted[Swift.min(rank, sorted.count) - 1]
        }
    }

    package var policy: String
    package var workers: Int
    package var load: Double
    package var classNames: [String]
    package var classes: [ClassReport]
    /// Admitted requests that never ended (must be 0).
    package var lost = 0
    /// The state machine's own counts at the end.
    package var statistics = SchedulerStatistics()

    init(policy: String, workers: Int, load: Double, classNames: [String]) {
        self.policy = policy
        self.workers = workers
        self.load = load
        self.classNames = classNames
        self.classes = Array(repeating: ClassReport(), count: classNames.count)
    }

    mutating func record(_ ended: EndedJob) {
        if ended.outcome == .completed { classes[ended.classIndex].completed += 1 }
        classes[ended.classIndex].waitsMs.append(Double(ended.waitTime.nanosecondCount) / 1e6)
    }

    /// The report as one JSON object
    /// ```
    /// {"policy","workers","load","lost",
    ///  "classes":{NAME:{arrived,admitted,rejected,retried,admittedOnRetry,completed,waitMs:{p50,p95,p99,max}}},
    ///  "all":{completed,waitMs}}
    /// ```
    /// where `all` pools every class's completed requests.
    package var json: String {
        func number(_ value: Double) -> String {
            let rounded = (value * 1000).rounded() / 1000
            return rounded == rounded.rounded() ? String(Int64(rounded)) : String(rounded)
        }
        func waits(_ report: ClassReport) -> String {
            let percentiles = [("p50", 0.5), ("p95", 0.95), ("p99", 0.99)]
                .map { "\"\($0.0)\":\(number(report.waitPercentile($0.1)))" }
                .joined(separator: ",")
            return "{\(percentiles),\"max\":\(number(report.waitsMs.max() ?? 0))}"
        }
        var parts: [String] = []
        for (name, report) in zip(classNames, classes) {
            parts.append(
                """
                "\(name)":{"arrived":\(report.arrived),"admitted":\(report.admitted),"rejected":\(report.rejected),\
                "retried":\(report.retried),"admittedOnRetry":\(report.admittedOnRetry),\
                "completed":\(report.completed),"waitMs":\(waits(report))}
                """)
        }
        var all = ClassReport()
        all.completed = classes.reduce(0) { $0 + $1.completed }
        all.waitsMs = classes.flatMap(\.waitsMs)
        return "{\"policy\":\"\(policy)\",\"workers\":\(workers),\"load\":\(number(load)),\"lost\":\(lost),"
            + "\"classes\":{\(parts.joined(separator: ","))},"
            + "\"all\":{\"completed\":\(all.completed),\"waitMs\":\(waits(all))}}"
    }
}
