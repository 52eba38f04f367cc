import Foundation
@testable import Postgres
import TestSupport
import XCTest

final class ConnectionPoolTests: XCTestCase {
    var testDB: TestDatabase!

    override func setUpWithError() throws { testDB = try TestDatabase.create() }
    override func tearDown() { testDB?.drop() }

    func testPoolNeverOpensMoreThanItsLimit() async throws {
        let pool = ConnectionPool(.init(conninfo: testDB.ownerURL, maxConnections: 3))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<30 {
                group.addTask { _ = try await pool.withConnection { try $0.query("SELECT pg_sleep(0.01)") } }
            }
            try await group.waitForAll()
        }
        XCTAssertLessThanOrEqual(pool.usage.open, 3)
        XCTAssertEqual(pool.usage.inUse, 0)
        await pool.shutdown()
    }

    func testWaitingTooLongFailsWithPoolTimeout() async throws {
        let pool = ConnectionPool(
            .init(conninfo: testDB.ownerURL, maxConnections: 1, checkoutTimeout: .milliseconds(100)))
        async let slow: QueryResult = pool.withConnection { try $0.query("SELECT pg_sleep(0.5)") }
        try await Task.sleep(for: .milliseconds(50))
        do {
            _ = try await pool.withConnection { try $0.query("SELECT 1") }
            XCTFail("expected a pool timeout")
        } catch let error as PostgresError {
            XCTAssertEqual(error.kind, .poolTimeout)
        }
        _ = try await slow
        await pool.shutdown()
    }

    func testACancelledWaiterLeavesTheQueueAtOnce() async throws {
        let pool = ConnectionPool(.init(conninfo: testDB.ownerURL, maxConnections: 1, checkoutTimeout: .seconds(5)))
        async let slow: QueryResult = pool.withConnection { try $0.query("SELECT pg_sleep(0.5)") }
        try await Task.sleep(for: .milliseconds(50))
        let started = ContinuousClock.now
        let waiting = Task { try await pool.withConnection { try $0.query("SELECT 1") } }
        while pool.waiting == 0 { try await Task.sleep(for: .milliseconds(2)) }
        waiting.cancel()
        do {
            _ = try await waiting.value
            XCTFail("a cancelled waiter must not be handed a connection")
        } catch is CancellationError {}
        // Gone from the queue at once, not at its 5 s deadline, and the slot was not given to it.
        XCTAssertEqual(pool.waiting, 0)
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(1))
        _ = try await slow
        XCTAssertEqual(pool.usage.inUse, 0)
        _ = try await pool.withConnection { try $0.query("SELECT 1") }
        await pool.shutdown()
    }

    func testBrokenConnectionsAreReplacedWithoutARestart() async throws {
        let pool = ConnectionPool(.init(conninfo: testDB.ownerURL, maxConnections: 2))
        let pid = try await pool.transaction {
            try $0.query("SELECT pg_backend_pid() AS p").first!.decode("p", as: Int32.self)
        }
        // Kill the server side of the pooled connection, as a PostgreSQL restart would.
        let admin = try testDB.superuserConnection()
        try admin.query("SELECT pg_terminate_backend($1)", [pid])
        try await Task.sleep(for: .milliseconds(100))
        let again = try await pool.transaction {
            try $0.query("SELECT pg_backend_pid() AS p").first!.decode("p", as: Int32.self)
        }
        XCTAssertNotEqual(again, pid)
        await pool.shutdown()
    }

    func testUnreachableServerFailsFastWithConnectionError() async throws {
        let pool = ConnectionPool(.init(conninfo: "postgresql:///nowhere?host=/nonexistent&port=1", maxConnections: 1))
        let started = ContinuousClock.now
        do {
            _ = try await pool.withConnection { try $0.query("SELECT 1") }
            XCTFail("expected a connection error")
        } catch let error as PostgresError {
            XCTAssertEqual(error.kind, .connection)
        }
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(1))
        XCTAssertEqual(pool.usage.open, 0)
        await pool.shutdown()
    }

    func testPipelinedReadsWithoutBlockingAThreadAndRecoverFromAKilledBackend() async throws {
        let pool = ConnectionPool(.init(conninfo: testDB.ownerURL, maxConnections: 3))
        let settings = [try TransactionSetting("tidtam.district_id", "7")]
        let sql = "SELECT current_setting('tidtam.district_id') AS d, $1::int AS n, pg_backend_pid() AS pid"
        // Reads go on the pipelined connection once it is open, on pooled connections before.
        let answers = try await withThrowingTaskGroup(of: Int.self) { group in
            for n in 0..<300 {
                group.addTask { try await pool.read(settings: settings, sql, [n]).first!.decode("n", as: Int.self) }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        XCTAssertEqual(answers.sorted(), Array(0..<300))
        let pid = try await pool.read(settings: settings, sql, [1]).first!.decode("pid", as: Int32.self)
        try testDB.superuserConnection().query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            [testDB.name])
        try await Task.sleep(for: .milliseconds(100))
        let after = try await pool.read(settings: settings, sql, [2]).first!
        XCTAssertEqual(try after.decode("d", as: String.self), "7")
        XCTAssertNotEqual(try after.decode("pid", as: Int32.self), pid)
        XCTAssertEqual(pool.usage.inUse, 0)
        await pool.shutdown()
    }
}
