import Foundation
@testable import Postgres
import TestSupport
import XCTest

final class ConnectionTests: XCTestCase {
    var testDB: TestDatabase!

    override func setUpWithError() throws { testDB = try TestDatabase.create() }
    override func tearDown() { testDB?.drop() }

    func testDecodesEachTypeExactly() throws {
        let c = try testDB.ownerConnection()
        let row = try c.query(
            """
            SELECT 'ไทย'::text AS t, 42::int AS i, 9007199254740993::bigint AS b,
                   12345678901234567890.123456789::numeric AS n, true AS y,
                   '2026-11-25 18:30:00.25+07'::timestamptz AS ts, '2026-02-28'::date AS d, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid AS u,
                   '{"ชื่อ": "ค่า"}'::jsonb AS j, ARRAY[1, 2, 3]::bigint[] AS a,
                   ARRAY['ก', 'b,c', NULL, 'd"e']::text[] AS ta, NULL::text AS z
            """
        ).first!
        XCTAssertEqual(try row.decode("t", as: String.self), "ไทย")
        XCTAssertEqual(try row.decode("i", as: Int.self), 42)
        XCTAssertEqual(try row.decode("b", as: Int64.self), 9_007_199_254_740_993)
        XCTAssertEqual(try row.decode("n", as: Decimal.self), Decimal(string: "12345678901234567890.123456789"))
        XCTAssertEqual(try row.decode("y", as: Bool.self), true)
        XCTAssertEqual(try row.decode("ts", as: Date.self), Date(timeIntervalSince1970: 1_795_606_200.25))
        XCTAssertEqual(try row.decode("d", as: PostgresDate.self), PostgresDate(year: 2026, month: 2, day: 28))
        XCTAssertEqual(try row.decode("u", as: UUID.self), UUID(uuidString: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"))
        XCTAssertEqual(try row.decode("j", as: PostgresJSON.self).decoded(as: [String: String].self), ["ชื่อ": "ค่า"])
        XCTAssertEqual(try row.decode("a", as: [Int64].self), [1, 2, 3])
        XCTAssertEqual(try row.decode("ta", as: [String?].self), ["ก", "b,c", nil, "d\"e"])
        XCTAssertNil(try row.decode("z", as: String?.self))
    }

    func testDecodingErrorNamesTheColumn() throws {
        let c = try testDB.ownerConnection()
        let row = try c.query("SELECT 'abc'::text AS school_code, NULL::int AS missing").first!
        XCTAssertThrowsError(try row.decode("school_code", as: Int.self)) { error in
            XCTAssertEqual((error as? PostgresError)?.column, "school_code")
            XCTAssertTrue("\(error)".contains("school_code"))
        }
        XCTAssertThrowsError(try row.decode("missing", as: Int.self)) { error in
            XCTAssertTrue("\(error)".contains("missing"))
        }
    }

    func testParametersRoundTripWithoutBeingWrittenIntoSQL() throws {
        let c = try testDB.ownerConnection()
        let hostile = "'); DROP TABLE school; --"
        let row = try c.query(
            "SELECT $1::text AS s, $2::numeric AS n, $3::timestamptz AS t, $4::bigint[] AS a",
            [hostile, Decimal(string: "0.1")!, Date(timeIntervalSince1970: 1_700_000_000.5), [Int64(5), 6]]
        ).first!
        XCTAssertEqual(try row.decode("s", as: String.self), hostile)
        XCTAssertEqual(try row.decode("n", as: Decimal.self), Decimal(string: "0.1"))
        XCTAssertEqual(try row.decode("t", as: Date.self), Date(timeIntervalSince1970: 1_700_000_000.5))
        XCTAssertEqual(try row.decode("a", as: [Int64].self), [5, 6])
        XCTAssertNotNil(try c.query("SELECT 1 FROM school LIMIT 1"))
    }

    func testTransactionCommitsOnReturnAndRollsBackOnThrow() throws {
        let c = try testDB.ownerConnection()
        try c.execute(script: "CREATE TABLE t (v int PRIMARY KEY)")
        _ = try c.transaction { try $0.query("INSERT INTO t VALUES (1)") }
        struct Boom: Error {}
        XCTAssertThrowsError(
            try c.transaction { tx in
                try tx.query("INSERT INTO t VALUES (2)")
                throw Boom()
            })
        XCTAssertEqual(try c.query("SELECT count(*) AS n FROM t").first!.decode("n", as: Int.self), 1)
    }

    func testErrorsCarrySQLStateAndConstraint() throws {
        let c = try testDB.ownerConnection()
        try c.execute(script: "CREATE TABLE t (v int CONSTRAINT t_v_key UNIQUE CHECK (v > 0))")
        try c.query("INSERT INTO t VALUES (1)")
        XCTAssertThrowsError(try c.query("INSERT INTO t VALUES ($1)", [1])) { error in
            let e = error as! PostgresError
            XCTAssertEqual(e.sqlState, "23505")
            XCTAssertEqual(e.constraint, "t_v_key")
            XCTAssertTrue(e.isUniqueViolation)
        }
        XCTAssertThrowsError(try c.query("INSERT INTO t VALUES ($1)", [-1])) { error in
            XCTAssertEqual((error as! PostgresError).sqlState, "23514")
        }
        // The connection is still usable after errors.
        XCTAssertEqual(try c.query("SELECT 7 AS v").first!.decode("v", as: Int.self), 7)
    }

    func testCopyLoadsRowsAndAbortsCleanly() throws {
        let c = try testDB.ownerConnection()
        try c.execute(script: "CREATE TABLE t (id int, name text)")
        let copied = try c.copyIn("COPY t (id, name) FROM STDIN") { writer in
            for i in 1...10_000 { try writer.writeRow([String(i), i % 2 == 0 ? "โรงเรียน\t\(i)" : nil]) }
        }
        XCTAssertEqual(copied, 10_000)
        XCTAssertEqual(
            try c.query("SELECT name FROM t WHERE id = 2").first!.decode("name", as: String.self), "โรงเรียน\t2")
        struct Stop: Error {}
        XCTAssertThrowsError(
            try c.copyIn("COPY t (id, name) FROM STDIN") { writer in
                try writer.writeRow(["1", "x"])
                throw Stop()
            })
        XCTAssertEqual(try c.query("SELECT count(*) AS n FROM t").first!.decode("n", as: Int.self), 10_000)
    }

    func testListenReceivesNotifications() throws {
        let listener = try NotificationListener(conninfo: testDB.ownerURL, channels: ["tidtam_test"])
        XCTAssertEqual(try listener.wait(timeout: 0.05), [])
        let sender = try testDB.ownerConnection()
        try sender.query("SELECT pg_notify('tidtam_test', $1)", ["งานใหม่"])
        let received = try listener.wait(timeout: 2)
        XCTAssertEqual(received.map(\.payload), ["งานใหม่"])
        XCTAssertEqual(received.first?.channel, "tidtam_test")
    }

    func testPipelinedTransactionAppliesSettingsInOneRoundTrip() throws {
        let c = try testDB.ownerConnection()
        let settings = [try TransactionSetting("tidtam.district_id", "42")]
        let result = try c.pipelinedTransaction(
            settings: settings, "SELECT current_setting('tidtam.district_id') AS d, $1::int AS x", [7])
        XCTAssertEqual(try result.first!.decode("d", as: String.self), "42")
        XCTAssertEqual(try result.first!.decode("x", as: Int.self), 7)
        // The setting was local to that transaction.
        XCTAssertEqual(
            try c.query("SELECT coalesce(current_setting('tidtam.district_id', true), '') AS d").first!.decode(
                "d", as: String.self), "")
        // An error inside the pipeline leaves the connection clean.
        XCTAssertThrowsError(try c.pipelinedTransaction(settings: settings, "SELECT 1 / $1::int AS x", [0]))
        XCTAssertEqual(try c.query("SELECT 1 AS v").first!.decode("v", as: Int.self), 1)
    }

    func testSettingsRefuseAnythingButIdsAndNames() {
        XCTAssertNoThrow(try TransactionSetting("tidtam.role", "district_admin"))
        XCTAssertThrowsError(try TransactionSetting("tidtam.district_id", "1'; DROP TABLE school; --"))
        XCTAssertThrowsError(try TransactionSetting("tidtam.x; SELECT", "1"))
    }
}
