import Foundation
import Logging
import NIOConcurrencyHelpers
@testable import Postgres
import ServiceLifecycle
import TestSupport
import TidtamJobs
import TidtamStore
import XCTest

final class WorkerTests: JobsTestCase {
    func makeWorker(_ handlers: [any JobHandler], poll: Duration = .milliseconds(200), concurrency: Int = 8) -> Worker {
        var configuration = Worker.Configuration(listenConninfo: testDB.appURL)
        configuration.pollInterval = poll
        configuration.concurrency = concurrency
        configuration.batchSize = 50
        configuration.leaseSeconds = 5
        var logger = Logger(label: "test-worker")
        logger.logLevel = .warning
        return Worker(configuration: configuration, db: db, handlers: handlers, logger: logger)
    }

    /// Runs the workers until `done` holds, then stops them as SIGTERM would.
    func run(_ workers: [Worker], until done: @escaping @Sendable () throws -> Bool) async throws {
        var logger = Logger(label: "test-group")
        logger.logLevel = .warning
        let group = ServiceGroup(configuration: .init(services: workers, logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let deadline = ContinuousClock.now + .seconds(30)
            while try !done(), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    func testTwoWorkersNeverRunTheSameAttempt() async throws {
        let runs = NIOLockedValueBox([Int64: Int]())
        let handler = ClosureJobHandler(kind: "count") { context in
            runs.withLockedValue { $0[context.job.id, default: 0] += 1 }
        }
        try await JobQueue(db: db).enqueueMany(
            kind: "count", jobs: (0..<2000).map { ($0 % 2 == 0 ? fixture.districtA : fixture.districtB, "{}") })
        let workers = [makeWorker([handler]), makeWorker([handler])]
        try await run(workers) { runs.withLockedValue { $0.count } == 2000 }
        try await Task.sleep(for: .milliseconds(100))
        XCTAssertEqual(runs.withLockedValue { $0.count }, 2000)
        XCTAssertEqual(runs.withLockedValue { $0.values.max() }, 1)
        XCTAssertEqual(try count("SELECT count(*) FROM job_archive WHERE state = 'done'"), 2000)
        XCTAssertEqual(try count("SELECT count(*) FROM job"), 0)
    }

    func testAnIdleWorkerWakesOnNotifyNotOnItsPoll() async throws {
        let started = NIOLockedValueBox<ContinuousClock.Instant?>(nil)
        let handler = ClosureJobHandler(kind: "ping") { _ in started.withLockedValue { $0 = ContinuousClock.now } }
        let worker = makeWorker([handler], poll: .seconds(60))
        let queue = JobQueue(db: db)
        let district = fixture.districtA
        let enqueued = NIOLockedValueBox<ContinuousClock.Instant?>(nil)
        try await run([worker]) {
            if enqueued.withLockedValue({ $0 }) == nil {
                enqueued.withLockedValue { $0 = ContinuousClock.now }
                Task { _ = try await queue.enqueue(NewJob(districtID: district, kind: "ping")) }
            }
            return started.withLockedValue { $0 } != nil
        }
        let latency = try XCTUnwrap(started.withLockedValue { $0 }) - XCTUnwrap(enqueued.withLockedValue { $0 })
        XCTAssertLessThan(latency, .seconds(5), "woken by NOTIFY, not by the 60 s poll")
    }

    func testGracefulShutdownLosesNothing() async throws {
        let finished = NIOLockedValueBox(0)
        let slow = ClosureJobHandler(kind: "slow") { _ in
            try await Task.sleep(for: .milliseconds(300))
            finished.withLockedValue { $0 += 1 }
        }
        try await JobQueue(db: db).enqueueMany(kind: "slow", jobs: (0..<40).map { _ in (fixture.districtA, "{}") })
        // Stop as soon as a few have finished: the rest must be done or back in the queue, ready.
        try await run([makeWorker([slow], concurrency: 4)]) { finished.withLockedValue { $0 } >= 4 }
        let done = try count("SELECT count(*) FROM job_archive WHERE state = 'done'")
        let ready = try count("SELECT count(*) FROM job WHERE state = 'ready'")
        XCTAssertEqual(try count("SELECT count(*) FROM job WHERE state = 'running'"), 0)
        XCTAssertEqual(done + ready, 40)
        XCTAssertEqual(done, finished.withLockedValue { $0 })
        // Released jobs did not lose an attempt.
        XCTAssertEqual(try count("SELECT count(*) FROM job WHERE attempts <> 0"), 0)
    }

    func testFailingHandlersRetryAndEndDead() async throws {
        // The kind allows 3 attempts, though the job was enqueued with 10.
        let failing = ClosureJobHandler(kind: "broken", maxAttempts: 3) { _ in throw URLError(.cannotConnectToHost) }
        var configuration = Worker.Configuration(listenConninfo: testDB.appURL)
        configuration.pollInterval = .milliseconds(100)
        configuration.backoff = Backoff(base: 0.01, cap: 0.05)
        let worker = Worker(configuration: configuration, db: db, handlers: [failing])
        _ = try await JobQueue(db: db).enqueue(NewJob(districtID: fixture.districtA, kind: "broken", maxAttempts: 10))
        let testDB = self.testDB!
        try await run([worker]) {
            try testDB.superuserConnection().query("SELECT count(*) FROM job_archive WHERE state = 'dead'").first!
                .decode(0, as: Int.self) == 1
        }
        let row = try testDB.superuserConnection().query("SELECT attempts, last_error FROM job_archive").first!
        XCTAssertEqual(try row.decode("attempts", as: Int.self), 3)
        XCTAssertFalse(try row.decode("last_error", as: String.self).isEmpty)
    }
}
