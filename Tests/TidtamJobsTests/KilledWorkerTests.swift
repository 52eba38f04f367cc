import Foundation
import Logging
import NIOConcurrencyHelpers
@testable import Postgres
import ServiceLifecycle
import TestSupport
import TidtamJobs
import TidtamStore
import XCTest

/// A real `tidtam worker` process is killed with SIGKILL in the middle of a job; the job runs
/// again once its lease has expired, and its effect happens once.
final class KilledWorkerTests: XCTestCase {
    func testAJobOfAWorkerKilledMidJobRunsAgainAndTakesEffectOnce() async throws {
        let testDB = try TestDatabase.create()
        defer { testDB.drop() }
        let db = testDB.database()
        let fixture = try await Fixture.make(db)
        let queue = JobQueue(db: db)
        let binary = TestDatabase.repositoryRoot.appendingPathComponent(".build/debug/tidtam").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw TestSetupError("\(binary) is missing; ./deploy/dev/test builds it")
        }
        try testDB.ownerConnection().execute(
            script: """
                CREATE TABLE effect (district_id bigint, job_id bigint PRIMARY KEY);
                GRANT INSERT, SELECT ON effect TO tidtam_app
                """)
        // The built-in `sleep` kind takes 30 s: the process will be killed long before.
        let id = try await queue.enqueue(
            NewJob(
                districtID: fixture.districtA, kind: "sleep",
                args: PostgresJSON(#"{"seconds": 30}"#), maxAttempts: 3))!

        var pid: pid_t = 0
        // No metrics listener: a worker already running on this machine may hold its port.
        let arguments = [binary, "worker", "--lease", "2", "--metrics-port", "0"]
        let environment = ["DATABASE_URL=\(testDB.appURL)", "LOG_LEVEL=warning", "PATH=/usr/bin:/bin"]
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        XCTAssertEqual(posix_spawn(&pid, binary, nil, nil, argv, envp), 0)

        let state = {
            try testDB.superuserConnection().query("SELECT state FROM job WHERE id = $1", [id]).first?.decode(
                "state", as: String.self)
        }
        let deadline = ContinuousClock.now + .seconds(20)
        while try state() != "running", ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        XCTAssertEqual(try state(), "running", "the worker process took the job")
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)

        // Another worker, whose `sleep` handler records its effect with the completion.
        let handler = ClosureJobHandler(kind: "sleep") { context in
            let job = context.job
            _ = try await context.finish { connection in
                try connection.query("INSERT INTO effect VALUES (\(job.districtID), \(job.id))").affectedRows
            }
        }
        var configuration = Worker.Configuration(listenConninfo: testDB.appURL)
        configuration.pollInterval = .milliseconds(200)
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let worker = Worker(configuration: configuration, db: db, handlers: [handler], logger: logger)
        let group = ServiceGroup(configuration: .init(services: [worker], logger: logger))
        let effects = {
            try testDB.superuserConnection().query("SELECT count(*) FROM effect").first!.decode(0, as: Int.self)
        }
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let until = ContinuousClock.now + .seconds(20)
            while try effects() == 0, ContinuousClock.now < until { try await Task.sleep(for: .milliseconds(50)) }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        XCTAssertEqual(try effects(), 1)
        let archived = try testDB.superuserConnection().query(
            "SELECT state, attempts FROM job_archive WHERE id = $1", [id]
        ).first
        XCTAssertEqual(try archived?.decode("state", as: String.self), "done")
        XCTAssertEqual(try archived?.decode("attempts", as: Int.self), 2, "the killed attempt counted once")
        await db.shutdown()
    }
}
