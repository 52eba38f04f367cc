@testable import Postgres
import TestSupport
import TidtamStore
import XCTest

/// A plain SQL login (an analyst's) is held to one district by the database, whatever it SETs:
/// the policies trust the tidtam.* settings only from the service's and the owner's roles. (The
/// analytics views' own checks are pgTAP's: `sql/tests/analytics.sql`, AnalyticsSchemaTests.)
final class AnalystLoginTests: XCTestCase {
    var testDB: TestDatabase!

    override func setUpWithError() throws { testDB = try TestDatabase.create() }
    override func tearDown() { testDB?.drop() }

    /// Creates a login in the tidtam_analyst group (roles are cluster-wide, so it is made fresh).
    private func analystLogin(_ name: String) throws -> Connection {
        let admin = try testDB.superuserConnection()
        // Identifiers cannot be parameters; the names are fixed or made of a database id.
        try admin.execute(script: "DROP ROLE IF EXISTS \(name); CREATE ROLE \(name) LOGIN IN ROLE tidtam_analyst")
        // Since migration 0014 analysts reach the analytics views only (no USAGE on public).
        // These tests grant it, as a mistake would, to show the tables' policies hold anyway.
        try admin.execute(script: "GRANT USAGE ON SCHEMA public TO \(name)")
        addTeardownBlock { [testDB] in
            testDB!.drop()
            _ = try? testDB!.superuserConnection().execute(script: "DROP ROLE IF EXISTS \(name)")
        }
        return try Connection.connect(testDB.url(user: name))
    }

    private func districtsOfSchools(_ c: Connection) throws -> Set<Int64> {
        Set(try c.query("SELECT district_id FROM school").rows.map { try $0.decode("district_id", as: Int64.self) })
    }

    func testALoginBoundByNameReadsItsDistrictOnlyWhateverItSets() async throws {
        let db = testDB.database()
        let fixture = try await Fixture.make(db)
        await db.shutdown()
        let analyst = try analystLogin("tidtam_analyst_d\(fixture.districtA)")
        XCTAssertEqual(try districtsOfSchools(analyst), [fixture.districtA])
        // What the service sets for itself does nothing for this login.
        try analyst.execute(
            script: """
                SET tidtam.district_id = '\(fixture.districtB)'; SET tidtam.role = 'national'; SET tidtam.school_id = ''
                """)
        XCTAssertEqual(try districtsOfSchools(analyst), [fixture.districtA])
        let districts = try analyst.query("SELECT id FROM district").rows.map { try $0.decode("id", as: Int64.self) }
        XCTAssertEqual(districts, [fixture.districtA])
    }

    func testViewsOverTheTablesHoldTheLoginToItsDistrictToo() async throws {
        // The analysts' views to come: security_invoker as planned, and a plain view (run with
        // its owner's rights) as a mistake would make it. current_user stays the login in both.
        let db = testDB.database()
        let fixture = try await Fixture.make(db)
        await db.shutdown()
        let name = "tidtam_analyst_d\(fixture.districtA)"
        let analyst = try analystLogin(name)
        try testDB.ownerConnection().execute(
            script: """
                CREATE VIEW school_invoker WITH (security_invoker = true) AS SELECT district_id, name_th FROM school;
                CREATE VIEW school_owner AS SELECT district_id, name_th FROM school;
                GRANT SELECT ON school_invoker, school_owner TO tidtam_analyst
                """)
        try analyst.execute(script: "SET tidtam.district_id = '\(fixture.districtB)'; SET tidtam.role = 'national'")
        for view in ["school_invoker", "school_owner"] {
            let seen = Set(
                try analyst.query("SELECT district_id FROM \(view)").rows.map {
                    try $0.decode("district_id", as: Int64.self)
                })
            XCTAssertEqual(seen, [fixture.districtA], view)
        }
    }

    func testAnyOtherLoginReadsNothingEvenWithTheSettings() async throws {
        let db = testDB.database()
        let fixture = try await Fixture.make(db)
        await db.shutdown()
        let unbound = try analystLogin("tidtam_analyst_unbound")
        try unbound.execute(script: "SET tidtam.district_id = '\(fixture.districtA)'; SET tidtam.role = 'national'")
        XCTAssertEqual(try districtsOfSchools(unbound), [])
    }

    func testAnAnalystWritesNothingEvenWhereAGrantWouldLetIt() async throws {
        let db = testDB.database()
        let fixture = try await Fixture.make(db)
        await db.shutdown()
        let name = "tidtam_analyst_d\(fixture.districtA)"
        let analyst = try analystLogin(name)
        // A grant given by mistake still meets the policies: an analyst is a read-only role.
        try testDB.ownerConnection().execute(script: "GRANT UPDATE ON school TO \(name)")
        // (The statement may also fail on the audit log, which the login may not write.)
        XCTAssertEqual((try? analyst.query("UPDATE school SET name_th = 'แก้'").affectedRows) ?? 0, 0)
        try testDB.ownerConnection().execute(script: "REVOKE UPDATE ON school FROM \(name)")
        let changed = try testDB.appConnection().transaction(
            settings: DistrictTenant.acting(districtID: fixture.districtA).transactionSettings(forWrite: true)
        ) { tx in
            try tx.query("SELECT count(*) AS n FROM school WHERE name_th = 'แก้'").first!.decode("n", as: Int.self)
        }
        XCTAssertEqual(changed, 0)
    }
}
