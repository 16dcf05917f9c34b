import Benchmark
import FolioScheduler

/// Submit + dispatch overhead of the real pool, per job, with empty job bodies.
///
/// `Pool:run:sequential` awaits 10,000 jobs one after another in the caller's task (admission,
/// dispatch on a free worker, completion: two lock round trips). `Pool:run:contended` runs 10,000
/// jobs from 32 concurrent tasks on a 4-worker pool, so most jobs queue and are resumed by another
/// job's completion. `Pool:submit:task` uses `submit`, which adds a task per job. Each iteration is
/// 10,000 jobs: divide the time by 10,000 for the per-job figure (target ≤ 5 µs). Run with
/// `FOLIO_BENCHMARKS=1 swift package --scratch-path .build-bench benchmark --target SchedulerBenchmarks`.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .instructions, .mallocCountTotal],
        scalingFactor: .one,
        maxDuration: .seconds(5),
        maxIterations: 50
    )
    let jobs = 10_000

    Benchmark("Pool:run:sequential") { benchmark in
        let pool = WorkerPool(configuration: try! .folio(workers: 4))
        let session = Session(tenant: "t", id: "s", serviceClass: "standard")
        benchmark.startMeasurement()
        for index in 0..<jobs {
            blackHole(try! await pool.run(session, cost: 1) { _ in index })
        }
        benchmark.stopMeasurement()
        precondition(pool.statistics.classes["standard"]!.completed == jobs)
    }

    Benchmark("Pool:run:contended") { benchmark in
        var configuration = try! SchedulerConfiguration.folio(workers: 4)
        configuration.admissionControl = false
        let pool = WorkerPool(configuration: configuration)
        benchmark.startMeasurement()
        await withTaskGroup(of: Void.self) { group in
            for submitter in 0..<32 {
                group.addTask {
                    let session = Session(
                        tenant: "t\(submitter % 8)", id: "s\(submitter)",
                        serviceClass: submitter % 5 == 0 ? "priority" : "standard")
                    for index in 0..<(jobs / 32) {
                        blackHole(try! await pool.run(session, cost: 1) { _ in index })
                    }
                }
            }
        }
        benchmark.stopMeasurement()
        let counts = pool.statistics.classes.values.reduce(0) { $0 + $1.completed }
        precondition(counts == jobs / 32 * 32)
    }

    Benchmark("Pool:submit:task") { benchmark in
        var configuration = try! SchedulerConfiguration.folio(workers: 4)
        configuration.admissionControl = false
        let pool = WorkerPool(configuration: configuration)
        let session = Session(tenant: "t", id: "s", serviceClass: "standard")
        benchmark.startMeasurement()
        var handles: [JobHandle<Int>] = []
        handles.reserveCapacity(jobs)
        for index in 0..<jobs {
            if case .admitted(let handle) = try! pool.submit(session, cost: 1, { _ in index }) {
                handles.append(handle)
            }
        }
        for handle in handles { blackHole(try! await handle.value) }
        benchmark.stopMeasurement()
        precondition(handles.count == jobs)
    }
}
