import Foundation
@testable import Postgres
import TestSupport
import XCTest

/// Reads that share one connection in pipeline mode: each gets its own transaction's answer,
/// with its own tenant settings, whatever fails beside it.
final class PipelinedChannelTests: XCTestCase {
    var testDB: TestDatabase!
    var pool: ConnectionPool!

    let sql = "SELECT current_setting('tidtam.district_id') AS d, 100 / $1::int AS q, pg_backend_pid() AS pid"

    override func setUp() async throws {
        testDB = try TestDatabase.create()
        pool = ConnectionPool(.init(conninfo: testDB.ownerURL, maxConnections: 2, pipelinedConnections: 1))
        try await warmUp()
    }

    override func tearDown() async throws {
        await pool?.shutdown()
        testDB?.drop()
    }

    /// The pipelined connection opens in the background on first use; until then reads take
    /// pooled connections.
    private func warmUp() async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        repeat {
            _ = try await pool.read(settings: [], "SELECT 1 AS one")
            try await Task.sleep(for: .milliseconds(20))
        } while pool.pipelinedOpen == 0 && ContinuousClock.now < deadline
        XCTAssertEqual(pool.pipelinedOpen, 1)
    }

    /// The backend that answers reads once the pipelined connection is open (pooled connections
    /// are idle then, and the pool has opened at most what the warm-up needed).
    private func pipelinedPID() async throws -> Int32? {
        let pids = try await concurrentPIDs(count: 20)
        return Set(pids).count == 1 ? pids[0] : nil
    }

    private func concurrentPIDs(count: Int) async throws -> [Int32] {
        let pool = self.pool!
        return try await withThrowingTaskGroup(of: Int32.self) { group in
            for _ in 0..<count {
                group.addTask {
                    try await pool.read(settings: [], "SELECT pg_backend_pid() AS pid").first!.decode(
                        "pid", as: Int32.self)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    func testManyConcurrentReadsShareOneConnectionAndEachGetsItsOwnTenant() async throws {
        let pool = self.pool!, sql = self.sql
        let outcomes = try await withThrowingTaskGroup(of: (Int, String, Int32).self) { group in
            for n in 0..<100 {
                group.addTask {
                    let settings = [try TransactionSetting("tidtam.district_id", String(n))]
                    let row = try await pool.read(settings: settings, sql, [1]).first!
                    return (n, try row.decode("d", as: String.self), try row.decode("pid", as: Int32.self))
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        XCTAssertEqual(outcomes.count, 100)
        for (n, district, _) in outcomes { XCTAssertEqual(district, String(n)) }
        XCTAssertEqual(Set(outcomes.map(\.2)).count, 1, "all 100 reads went through the one pipelined connection")
    }

    func testAFailingReadFailsAloneAndLeavesNoSettingBehind() async throws {
        let pool = self.pool!, sql = self.sql
        let outcomes = await withTaskGroup(of: (Int, Result<String, any Error>).self) { group in
            for n in 0..<300 {
                group.addTask {
                    do {
                        let settings = [try TransactionSetting("tidtam.district_id", String(n))]
                        // Every tenth divides by zero inside its transaction.
                        let row = try await pool.read(settings: settings, sql, [n % 10 == 0 ? 0 : 1]).first!
                        return (n, .success(try row.decode("d", as: String.self)))
                    } catch {
                        return (n, .failure(error))
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        for (n, outcome) in outcomes {
            switch outcome {
            case .success(let district):
                XCTAssertNotEqual(n % 10, 0)
                XCTAssertEqual(district, String(n))
            case .failure(let error):
                XCTAssertEqual(n % 10, 0, "read \(n) failed: \(error)")
                XCTAssertEqual((error as? PostgresError)?.sqlState, "22012")
            }
        }
        // Nothing of any transaction outlives it on the shared session.
        let left = try await pool.read(
            settings: [],
            "SELECT coalesce(current_setting('tidtam.district_id', true), '') AS d, now() = statement_timestamp() AS fresh"
        )
        XCTAssertEqual(try left.first!.decode("d", as: String.self), "")
    }

    func testAStatementThatCannotBePreparedFailsAndTheConnectionCarriesOn() async throws {
        let before = try await pipelinedPID()
        do {
            _ = try await pool.read(settings: [], "SELECT no_such_column FROM pg_class")
            XCTFail("expected an error")
        } catch let error as PostgresError {
            XCTAssertEqual(error.sqlState, "42703")
        }
        let settings = [try TransactionSetting("tidtam.district_id", "9")]
        let row = try await pool.read(settings: settings, sql, [4]).first!
        XCTAssertEqual(try row.decode("q", as: Int.self), 25)
        let after = try await pipelinedPID()
        XCTAssertEqual(after, before)
    }

    func testAKilledPipelinedBackendIsReplacedAndReadsInFlightAreRetried() async throws {
        let old = try await pipelinedPID()
        XCTAssertNotNil(old)
        let admin = try testDB.superuserConnection()
        try admin.query("SELECT pg_terminate_backend($1)", [old!])
        let pids = try await concurrentPIDs(count: 50)
        XCTAssertFalse(pids.contains(old!))
        try await warmUp()  // a closed slot is reopened at most once a second
        let new = try await pipelinedPID()
        XCTAssertNotNil(new)
        XCTAssertNotEqual(new, old)
    }
}

extension PipelinedChannelTests {
    func testASlowReadDoesNotHoldUpTheReadsAfterIt() async throws {
        let pool = self.pool!
        async let slow = pool.read(settings: [], "SELECT true AS slept FROM pg_sleep(1.5)")
        try await Task.sleep(for: .milliseconds(200))
        // Sent while the slow one heads the pipelined connection: they go to the pool instead.
        let started = ContinuousClock.now
        for n in 0..<5 {
            let row = try await pool.read(settings: [try TransactionSetting("tidtam.district_id", "3")], sql, [n + 1])
                .first!
            XCTAssertEqual(try row.decode("d", as: String.self), "3")
        }
        XCTAssertLessThan(ContinuousClock.now - started, .milliseconds(1000))
        let slept = try await slow
        XCTAssertEqual(try slept.first!.decode("slept", as: Bool.self), true)
    }
}

extension PipelinedChannelTests {
    /// A backend killed while reads are being sent: libpq may meet the closed socket while
    /// writing, on the sender's thread, and close it there; no read may wait for it forever.
    func testReadsSentIntoAKilledBackendAllFinish() async throws {
        let pool = self.pool!
        let admin = try testDB.superuserConnection()
        for _ in 0..<5 {  // before the fix this hung in each of three runs
            try await warmUp()
            guard let pid = try await pipelinedPID() else { return XCTFail("no pipelined connection") }
            async let reads = withThrowingTaskGroup(of: Int32?.self) { group in
                for _ in 0..<200 {
                    group.addTask {
                        try? await pool.read(settings: [], "SELECT pg_backend_pid() AS pid").first!.decode(
                            "pid", as: Int32.self)
                    }
                }
                return try await group.reduce(into: 0) { count, _ in count += 1 }
            }
            try admin.query("SELECT pg_terminate_backend($1)", [pid])
            let finished = try await reads
            XCTAssertEqual(finished, 200)
        }
    }
}
