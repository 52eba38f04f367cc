import Foundation
@testable import Postgres
import TestSupport
import TidtamStore
import XCTest

/// The analysts' schema checked by its pgTAP tests (`sql/tests/analytics.sql`, pgTAP from
/// Debian's postgresql-15-pgtap) on a clone holding the demo's districts: the views and their
/// columns and types as the contract has them, comments in Thai and English on each, every view
/// security_invoker, and what analysts' logins see and cannot do. psql runs the file as the
/// superuser, which becomes each login in turn; every assertion must print `ok`.
final class AnalyticsSchemaTests: XCTestCase {
    func testThePgTAPTestsOfTheAnalyticsSchemaPass() async throws {
        let testDB = try TestDatabase.create()
        defer { testDB.drop() }
        let db = testDB.database()
        _ = try await DemoData(db).load()
        await db.shutdown()

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "psql", "-qX", "-h", testDB.socket, "-p", testDB.port, "-U", "postgres", "-d", testDB.name, "-f",
            TestDatabase.repositoryRoot.appendingPathComponent("sql/tests/analytics.sql").path,
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, text)
        let lines = text.split(separator: "\n")
        let planned = lines.first { $0.hasPrefix("1..") }.flatMap { Int($0.dropFirst(3)) }
        XCTAssertNotNil(planned, text)
        let failed = lines.filter { $0.hasPrefix("not ok") }
        XCTAssertEqual(failed, [], text)
        XCTAssertEqual(lines.filter { $0.hasPrefix("ok ") }.count, planned, "every planned test ran: \(text)")
        XCTAssertGreaterThan(planned ?? 0, 200)
    }

    /// `tidtam admin analyst`'s logins: bound to their district, read-only, timed out, limited,
    /// on the analytics schema; revoking one ends its sessions.
    func testAnAnalystsLoginIsMadeListedAndRevoked() async throws {
        let testDB = try TestDatabase.create()
        defer { testDB.drop() }
        let db = testDB.database()
        let fixture = try await Fixture.make(db)
        await db.shutdown()
        let logins = AnalystLogins(owner: try testDB.ownerConnection())
        let made = try logins.create(
            district: fixture.districtA, label: "t\(fixture.districtA)", connectionLimit: 2, note: "ทดสอบ")
        defer { _ = try? logins.revoke(made.name) }
        XCTAssertEqual(made.name, "tidtam_analyst_d\(fixture.districtA)_t\(fixture.districtA)")
        XCTAssertEqual(made.password.count, 28)
        XCTAssertThrowsError(try logins.create(district: fixture.districtA, label: "Bad-Label", note: nil))
        let listed = try XCTUnwrap(try logins.list().first { $0.name == made.name })
        XCTAssertEqual(listed.districtID, fixture.districtA)
        XCTAssertEqual(listed.connectionLimit, 2)
        XCTAssertTrue(listed.settings.contains("statement_timeout=30s"), "\(listed.settings)")
        XCTAssertTrue(listed.settings.contains("default_transaction_read_only=on"))

        let analyst = try Connection.connect(testDB.url(user: made.name))
        let seen = try analyst.query("SELECT DISTINCT district_id FROM schools").rows.map {
            try $0.decode("district_id", as: Int64.self)
        }
        XCTAssertEqual(seen, [fixture.districtA], "its search path is analytics, its rows its district's")
        XCTAssertThrowsError(try analyst.query("SELECT count(*) FROM public.school"), "no table of its own to read")
        XCTAssertEqual(
            try analyst.query("SHOW statement_timeout").first!.decode("statement_timeout", as: String.self), "30s")

        XCTAssertEqual(try logins.revoke(made.name), 1, "its open session ended")
        XCTAssertThrowsError(try analyst.query("SELECT 1"), "the session is gone")
        XCTAssertThrowsError(try Connection.connect(testDB.url(user: made.name)), "and it cannot log in again")
        XCTAssertFalse(try logins.list().contains { $0.name == made.name })
        XCTAssertThrowsError(try logins.revoke("tidtam_app"), "only analysts' logins are revoked")
    }
}
