import ArgumentParser
import Foundation
import Logging
import NIOConcurrencyHelpers
import Postgres
import ServiceLifecycle
import TidtamJobs

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Benchmarks that print figures (see docs/benchmarks.md).",
                                                    subcommands: [QueueBench.self])
}

/// Enqueues N no-op jobs in batches, then drains them with one worker; prints jobs/s for each phase.
struct QueueBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "queue")

    @Option var jobs = 100_000
    @Option(help: "Jobs per enqueue statement.") var enqueueBatch = 1000
    @Option(help: "Jobs claimed per round trip.") var batch = 1000
    @Option(help: "Handlers running at once.") var concurrency = 1000
    @Option(help: "District that owns the jobs (must exist).") var district: Int64 = 1

    func run() async throws {
        let settings = Settings()
        let url = try settings.databaseURL
        let pool = ConnectionPool(.init(conninfo: url, maxConnections: 4, applicationName: "tidtam-bench"))
        let queue = JobQueue(pool: pool)

        var started = ContinuousClock.now
        var enqueued = 0
        while enqueued < jobs {
            let n = min(enqueueBatch, jobs - enqueued)
            let base = enqueued
            enqueued += try await queue.enqueueMany(kind: "noop", jobs: (0..<n).map { (district, "{\"n\": \(base + $0)}") })
        }
        let enqueueSeconds = (ContinuousClock.now - started).seconds
        // As the peers do: statistics fresh before draining (autovacuum would get there too).
        try await pool.withConnection { try $0.execute(script: "ANALYZE job") }

        let done = NIOLockedValueBox(0)
        let target = jobs
        let counting = ClosureJobHandler(kind: "noop") { _ in done.withLockedValue { $0 += 1 } }
        var configuration = Worker.Configuration(listenConninfo: url)
        configuration.batchSize = batch
        configuration.concurrency = concurrency
        var logger = Logger(label: "tidtam.bench")
        logger.logLevel = .warning
        let worker = Worker(configuration: configuration, pool: pool, handlers: [counting], logger: logger)
        let group = ServiceGroup(configuration: .init(services: [worker], logger: logger))
        started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            while done.withLockedValue({ $0 }) < target { try await Task.sleep(for: .milliseconds(2)) }
            await group.triggerGracefulShutdown() // flushes the last completions
            try await tasks.waitForAll()
        }
        let drainSeconds = (ContinuousClock.now - started).seconds
        let left = try await pool.withConnection { connection in
            try connection.query("SELECT (SELECT count(*) FROM job) AS n").first!.decode("n", as: Int.self)
        }
        print(String(format: "tidtam  enqueue %8.0f jobs/s   process %8.0f jobs/s   (%d jobs, batch %d, left in queue %d)",
                     Double(jobs) / enqueueSeconds, Double(jobs) / drainSeconds, jobs, batch, left))
        await pool.shutdown()
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
