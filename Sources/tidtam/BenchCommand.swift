import ArgumentParser
import Foundation
import Logging
import NIOConcurrencyHelpers
import Postgres
import ServiceLifecycle
import TidtamDomain
import TidtamJobs
import TidtamStore

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks that print figures (see docs/benchmarks.md).",
        subcommands: [
            QueueBench.self, QueueLatencyBench.self, MonitoringPlanBench.self, ScoringBench.self, EvaluationBench.self,
            ReminderBench.self, ReminderLatencyBench.self, DrillLoad.self, ReceiversBench.self, AnnualReportsBench.self,
        ])
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
        let db = Database(PoolConfiguration(conninfo: url, maxConnections: 4, applicationName: "tidtam-bench"))
        let queue = JobQueue(db: db)

        var started = ContinuousClock.now
        var enqueued = 0
        while enqueued < jobs {
            let n = min(enqueueBatch, jobs - enqueued)
            let base = enqueued
            enqueued += try await queue.enqueueMany(
                kind: "noop", jobs: (0..<n).map { (district, "{\"n\": \(base + $0)}") })
        }
        let enqueueSeconds = (ContinuousClock.now - started).seconds
        // As the peers do: statistics fresh before draining (autovacuum would get there too).
        _ = try await db.transaction(Tenant.workerAcrossDistricts) { try $0.query("ANALYZE job") }

        let done = NIOLockedValueBox(0)
        let target = jobs
        let counting = ClosureJobHandler(kind: "noop") { _ in done.withLockedValue { $0 += 1 } }
        var configuration = Worker.Configuration(listenConninfo: url)
        configuration.batchSize = batch
        configuration.concurrency = concurrency
        var logger = Logger(label: "tidtam.bench")
        logger.logLevel = .warning
        let worker = Worker(configuration: configuration, db: db, handlers: [counting], logger: logger)
        let group = ServiceGroup(configuration: .init(services: [worker], logger: logger))
        started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            while done.withLockedValue({ $0 }) < target { try await Task.sleep(for: .milliseconds(2)) }
            await group.triggerGracefulShutdown()  // flushes the last completions
            try await tasks.waitForAll()
        }
        let drainSeconds = (ContinuousClock.now - started).seconds
        let left = try await db.read(Tenant.workerAcrossDistricts, "SELECT (SELECT count(*) FROM job) AS n").first!
            .decode("n", as: Int.self)
        print(
            String(
                format: "tidtam  enqueue %8.0f jobs/s   process %8.0f jobs/s   (%d jobs, batch %d, left in queue %d)",
                Double(jobs) / enqueueSeconds, Double(jobs) / drainSeconds, jobs, batch, left))
        await db.shutdown()
    }
}

/// With a worker idle and polling only every minute, enqueues one job at a time and measures
/// the time from the enqueueing commit to the handler's start (LISTEN/NOTIFY at work).
struct QueueLatencyBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "latency")

    @Option var samples = 200
    @Option var district: Int64 = 1

    func run() async throws {
        let url = try Settings().databaseURL
        let db = Database(PoolConfiguration(conninfo: url, maxConnections: 4, applicationName: "tidtam-bench"))
        let queue = JobQueue(db: db)
        let started = NIOLockedValueBox([Int64: ContinuousClock.Instant]())
        let handler = ClosureJobHandler(kind: "ping") { context in
            let now = ContinuousClock.now
            started.withLockedValue { $0[context.job.id] = now }
        }
        var configuration = Worker.Configuration(listenConninfo: url)
        configuration.pollInterval = .seconds(60)
        var logger = Logger(label: "tidtam.bench")
        logger.logLevel = .warning
        let worker = Worker(configuration: configuration, db: db, handlers: [handler], logger: logger)
        let group = ServiceGroup(configuration: .init(services: [worker], logger: logger))
        var latencies: [Double] = []
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await Task.sleep(for: .milliseconds(500))  // the worker is listening and idle
            for _ in 0..<samples {
                let before = ContinuousClock.now
                guard let id = try await queue.enqueue(NewJob(districtID: district, kind: "ping")) else { continue }
                let committed = ContinuousClock.now
                while started.withLockedValue({ $0[id] }) == nil { try await Task.sleep(for: .microseconds(200)) }
                let start = started.withLockedValue { $0[id]! }
                // Counted from the middle of the enqueue round trip, when the commit happened.
                latencies.append(((start - before) - (committed - before) / 2).seconds * 1000)
                try await Task.sleep(for: .milliseconds(20))  // idle again
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        latencies.sort()
        func percentile(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        print(
            String(
                format:
                    "tidtam  enqueue→start when idle: p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  (%d samples, poll every 60 s)",
                percentile(0.5), percentile(0.9), percentile(0.99), latencies.count))
        await db.shutdown()
    }
}

/// The national data set's monitoring plans (29,000 approved plans) generated through the job
/// runner by one worker, against the floor in the same run: the same items put into the same
/// table by `INSERT … SELECT` under the service's role. Starts from no monitoring plans (the data
/// set's are truncated first) and leaves them generated, with their quarter of reports again.
struct MonitoringPlanBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "monitoring-plan")

    @Option(help: "Fiscal year (Buddhist Era) of the plans.") var fiscalYear = 2569
    @Option(help: "Handlers the worker runs at once.") var concurrency = 16
    @Option(help: "Jobs claimed per round trip.") var batch = 100

    func run() async throws {
        let settings = Settings()
        let appURL = try settings.databaseURL, ownerURL = try settings.migrationURL
        let app = Database(PoolConfiguration(conninfo: appURL, maxConnections: 8, applicationName: "tidtam-bench"))
        let owner = Database(PoolConfiguration(conninfo: ownerURL, maxConnections: 2, applicationName: "tidtam-bench"))
        let national = NationalMonitoring(app: app, appURL: appURL, owner: owner, ownerURL: ownerURL)
        try national.clear()
        let floor = try await national.baseline(fiscalYear: fiscalYear)
        try national.vacuum()
        let jobs = try await national.generateThroughJobs(
            fiscalYear: fiscalYear, concurrency: concurrency, batch: batch)
        let items = try await app.read(
            Tenant.nationalService, "SELECT count(*) AS n FROM monitoring_item WHERE fiscal_year = \(fiscalYear)"
        ).first!.decode("n", as: Int.self)
        print(
            String(
                format:
                    "monitoring plans: %d jobs, %d items, through the job runner %.1f s; INSERT … SELECT floor %.1f s (%d rows); ratio %.2f",
                jobs.jobs, items, jobs.seconds, floor.seconds, floor.rows, jobs.seconds / floor.seconds))
        let reports = try await national.loadReports(fiscalYear: fiscalYear)
        print("progress reports of quarter 1 loaded again: \(reports)")
        await app.shutdown()
        await owner.shutdown()
    }
}

/// The scoring engine on one core: `count` indicators (five-level and linear rules in every
/// direction, actuals spread around their thresholds, one in ten not reported), scored by the
/// prepared rules (exact, from each actual's text as PostgreSQL sends it) and by `Scoring.score`
/// in Foundation's `Decimal`; beside them, in the same run, the same rules in `Double` (what the
/// engine would cost without exact decimals), and the ratios of the times.
struct ScoringBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "scoring")

    @Option var count = 1_000_000
    @Option var reps = 3

    func run() async throws {
        var generator = SystemRandomNumberGenerator()
        let directions: [IndicatorDefinition.Direction] = [.higherIsBetter, .lowerIsBetter, .withinBand]
        var rules: [Scoring.Rule] = []
        var actuals: [Decimal?] = []
        rules.reserveCapacity(count)
        actuals.reserveCapacity(count)
        for i in 0..<count {
            let direction = directions[i % 3]
            let base = Decimal(Int.random(in: 40...60, using: &generator))
            let up: [Decimal] = [base, base + 10, base + 20, base + 30, base + 35]
            let rule: Scoring.Rule =
                switch (direction, i % 2) {
                case (.higherIsBetter, 0): .init(direction: direction, scoring: .fiveLevels(up))
                case (.higherIsBetter, _):
                    .init(direction: direction, scoring: .linear(scoreOne: base, scoreFive: base + 40))
                case (.lowerIsBetter, 0): .init(direction: direction, scoring: .fiveLevels(up.reversed()))
                case (.lowerIsBetter, _):
                    .init(direction: direction, scoring: .linear(scoreOne: base + 40, scoreFive: base))
                default: .init(direction: direction, scoring: .fiveLevels([8, 6, 4, 2, 0]), band: base...(base + 10))
                }
            rules.append(rule)
            actuals.append(
                i % 10 == 9 ? nil : base + Decimal(Int.random(in: -1_000...5_000, using: &generator)) / 100)
        }
        let doubles = actuals.map { $0.map { NSDecimalNumber(decimal: $0).doubleValue } }
        let doubleRules = rules.map(DoubleRule.init)
        // As a job reads them: each rule prepared once, each actual as PostgreSQL's text.
        let texts = actuals.map { $0.map { "\($0)" } }
        let prepared = rules.map { Scoring.PreparedRule($0)! }
        print("rep   prepared /s    Decimal /s     Double /s   prepared÷Double   Decimal÷Double (times)")
        for rep in 1...reps {
            var started = ContinuousClock.now
            var preparedChecksum: Int64 = 0
            for i in 0..<count {
                if let text = texts[i], let m = Scoring.millionths(text: text) {
                    preparedChecksum &+= prepared[i].score(millionths: m, places: 2).units
                }
            }
            let preparedSeconds = (ContinuousClock.now - started).seconds
            started = ContinuousClock.now
            var checksum = Decimal(0)
            for i in 0..<count {
                if let value = Scoring.score(actuals[i], rules[i]).value { checksum += value }
            }
            let decimalSeconds = (ContinuousClock.now - started).seconds
            started = ContinuousClock.now
            var doubleChecksum = 0.0
            for i in 0..<count {
                if let actual = doubles[i] { doubleChecksum += doubleRules[i].score(actual) }
            }
            let doubleSeconds = (ContinuousClock.now - started).seconds
            print(
                String(
                    format: "%-4d %12.0f %12.0f %13.0f %12.1f %14.1f   (sums %.2f / %@ / %.2f)", rep,
                    Double(count) / preparedSeconds, Double(count) / decimalSeconds, Double(count) / doubleSeconds,
                    preparedSeconds / doubleSeconds, decimalSeconds / doubleSeconds, Double(preparedChecksum) / 100,
                    "\(checksum)" as NSString, doubleChecksum))
        }
    }

    /// The same rules in binary floating point, rounded to two places: the baseline.
    struct DoubleRule {
        let levels: [Double]
        let linear: (one: Double, five: Double)?
        let higher: Bool
        let band: (low: Double, high: Double)?

        init(_ rule: Scoring.Rule) {
            func d(_ x: Decimal) -> Double { NSDecimalNumber(decimal: x).doubleValue }
            switch rule.scoring {
            case .fiveLevels(let values): levels = values.map(d); linear = nil
            case .linear(let one, let five): levels = []; linear = (d(one), d(five))
            }
            higher = rule.direction == .higherIsBetter
            band = rule.direction == .withinBand ? rule.band.map { (d($0.lowerBound), d($0.upperBound)) } : nil
        }

        func score(_ actual: Double) -> Double {
            var value = actual
            if let band { value = actual < band.low ? band.low - actual : actual > band.high ? actual - band.high : 0 }
            let raw: Double
            if let linear {
                raw = min(5, max(0, 1 + 4 * (value - linear.one) / (linear.five - linear.one)))
            } else {
                var level = 0
                for (index, threshold) in levels.enumerated() {
                    if higher ? value >= threshold : value <= threshold { level = index + 1 } else { break }
                }
                raw = Double(level)
            }
            return (raw * 100).rounded() / 100
        }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
