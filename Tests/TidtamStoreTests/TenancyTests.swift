@testable import Postgres
import TestSupport
import TidtamDomain
import TidtamStore
import XCTest

/// The tenancy rules, proved from the catalog and by plain SQL through the service's role.
final class TenancyTests: XCTestCase {
    var testDB: TestDatabase!

    override func setUpWithError() throws { testDB = try TestDatabase.create() }
    override func tearDown() { testDB?.drop() }

    func testEveryTenantTableIsKeyedByDistrictWithForcedRowLevelSecurity() throws {
        let c = try testDB.ownerConnection()
        let rows = try c.query(
            """
            SELECT c.relname AS name, c.relrowsecurity AS rls, c.relforcerowsecurity AS forced,
                   (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) AS policies,
                   EXISTS (SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
                           WHERE i.indrelid = c.oid AND i.indisprimary AND a.attname = 'district_id') AS keyed
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND n.nspname = 'public'
              AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'district_id' AND NOT a.attisdropped)
            """
        ).rows
        XCTAssertGreaterThanOrEqual(rows.count, 5)
        for row in rows {
            let name = try row.decode("name", as: String.self)
            XCTAssertTrue(try row.decode("rls", as: Bool.self), "\(name): RLS off")
            XCTAssertTrue(try row.decode("forced", as: Bool.self), "\(name): RLS not forced")
            XCTAssertGreaterThanOrEqual(try row.decode("policies", as: Int.self), 4, "\(name): policies")
            XCTAssertTrue(try row.decode("keyed", as: Bool.self), "\(name): district_id not in the primary key")
        }
        // The tenant itself is protected the same way.
        let district = try c.query(
            "SELECT relrowsecurity AND relforcerowsecurity AS ok FROM pg_class WHERE relname = 'district'"
        ).first!
        XCTAssertTrue(try district.decode("ok", as: Bool.self))
    }

    func testKeysBetweenTenantTablesIncludeTheDistrict() throws {
        let c = try testDB.ownerConnection()
        // Every unique constraint and every foreign key between tables with district_id names it (Citus rule 3).
        let offenders = try c.query(
            """
            SELECT con.conname AS name
            FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
            WHERE con.contype IN ('u', 'f', 'p')
              AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'district_id')
              AND (con.contype <> 'f' OR EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = con.confrelid AND a.attname = 'district_id'))
              AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'district_id' AND a.attnum = ANY (con.conkey))
            """
        ).rows.map { try $0.decode("name", as: String.self) }
        XCTAssertEqual(offenders, [])
    }

    func testPoliciesReadSettingsOnlyAndNeverOtherTables() throws {
        let c = try testDB.ownerConnection()
        // Reference tables (no district_id, such as national_policy) may be readable by all.
        let rows = try c.query(
            """
            SELECT p.tablename, p.policyname, p.roles::text[] AS roles, p.cmd,
                   coalesce(p.qual, '') || coalesce(p.with_check, '') AS expr,
                   coalesce(p.qual, '') AS using_part, coalesce(p.with_check, '') AS check_part,
                   EXISTS (SELECT 1 FROM information_schema.columns k WHERE k.table_name = p.tablename AND k.column_name = 'district_id') AS tenant
            FROM pg_policies p
            """
        ).rows
        XCTAssertFalse(rows.isEmpty)
        let owner = try c.query("SELECT current_user AS name").first!.decode("name", as: String.self)
        for row in rows {
            let expr = try row.decode("expr", as: String.self).lowercased()
            let name = try row.decode("policyname", as: String.self)
            XCTAssertFalse(expr.contains("select"), "\(name) has a subquery: \(expr)")
            if try !row.decode("tenant", as: Bool.self) && expr == "true" { continue }
            // National analysts (0014) read every row of the tables the analytics views read:
            // SELECT only, their group only, reaching nothing else.
            if name.hasSuffix("_national_analyst") {
                XCTAssertEqual(expr, "true", name)
                XCTAssertEqual(try row.decode("roles", as: [String].self), ["tidtam_national_analyst"], name)
                XCTAssertEqual(try row.decode("cmd", as: String.self), "SELECT", name)
                continue
            }
            // Analysts (0015): their own district, read from the login's name, SELECT only.
            if name.hasSuffix("_analyst") {
                XCTAssertTrue(
                    ["(district_id = tidtam_login_district())", "(id = tidtam_login_district())"].contains(expr), name)
                XCTAssertEqual(try row.decode("roles", as: [String].self), ["tidtam_analyst"], name)
                XCTAssertEqual(try row.decode("cmd", as: String.self), "SELECT", name)
                continue
            }
            XCTAssertTrue(expr.contains("current_setting("), "\(name) reads no setting")
            // Settings are obeyed for the service and the owner only, whose policies they are.
            XCTAssertEqual(Set(try row.decode("roles", as: [String].self)), ["tidtam_app", owner], name)
            // The settings rule the service and the owner only: any other login could SET them.
            for part in [try row.decode("using_part", as: String.self), try row.decode("check_part", as: String.self)]
                .map({ $0.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ") })
            where !part.isEmpty {
                XCTAssertTrue(
                    part.hasPrefix("case when tidtam_trusted() then"),
                    "\(name) trusts settings any login may SET: \(part)")
            }
        }
        // One-expression SQL functions reading no table. The login's district is IMMUTABLE since
        // 0015, evaluated once when a query is planned (a plan shaped by row-level security is
        // planned again for another user); tidtam_trusted() stays STABLE.
        let functions = try c.query(
            """
            SELECT p.proname AS name, l.lanname AS language, p.provolatile AS volatility, p.prosecdef AS definer
            FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang WHERE p.proname IN ('tidtam_trusted', 'tidtam_login_district')
            """
        ).rows
        XCTAssertEqual(functions.count, 2)
        for function in functions {
            XCTAssertEqual(try function.decode("language", as: String.self), "sql")
            XCTAssertEqual(
                try function.decode("volatility", as: String.self),
                try function.decode("name", as: String.self) == "tidtam_login_district" ? "i" : "s")
            XCTAssertFalse(try function.decode("definer", as: Bool.self))
        }
    }

    func testServiceRoleOwnsNothingAndCannotBypassSecurity() throws {
        let c = try testDB.ownerConnection()
        let owned = try c.query(
            "SELECT count(*) AS n FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = 'tidtam_app'"
        ).first!
        XCTAssertEqual(try owned.decode("n", as: Int.self), 0)
        let role = try c.query("SELECT rolsuper OR rolbypassrls AS strong FROM pg_roles WHERE rolname = 'tidtam_app'")
            .first!
        XCTAssertFalse(try role.decode("strong", as: Bool.self))
    }

    func testAPlainSelectThroughTheServiceRoleSeesOneTenantOnly() async throws {
        let db = testDB.database()
        let fixture = try await Fixture.make(db)
        let app = try testDB.appConnection()
        // No tenant set: nothing at all.
        XCTAssertEqual(try app.query("SELECT count(*) AS n FROM school").first!.decode("n", as: Int.self), 0)
        // District A set: A's schools only, though the query names no district.
        let settings = try DistrictTenant.acting(districtID: fixture.districtA).transactionSettings(forWrite: true)
        let ids = try app.transaction(settings: settings) { tx in
            try tx.query("SELECT * FROM school ORDER BY id").rows.map { try $0.decode("id", as: Int64.self) }
        }
        XCTAssertEqual(ids, fixture.schoolsA)
        for table in [
            "district", "app_user", "membership", "api_token", "audit_log", "job", "job_archive", "job_key",
            "import_run",
        ] {
            let foreign = try app.transaction(settings: settings) { tx in
                try tx.query(
                    "SELECT count(*) AS n FROM \(table) WHERE \(table == "district" ? "id" : "district_id") <> $1",
                    [fixture.districtA]
                )
                .first!.decode("n", as: Int.self)
            }
            XCTAssertEqual(foreign, 0, "\(table) shows another district's rows")
        }
        await db.shutdown()
    }

    func testConcurrentReadsOfTwoDistrictsOnTheSharedConnectionNeverCross() async throws {
        // Reads of both districts and of a school user interleave on the one pipelined connection;
        // each answer comes from its own transaction's settings.
        let db = testDB.database()
        let fixture = try await Fixture.make(db)
        let schools = SchoolStore(db)
        let (a, b, ownSchool) = (fixture.districtA, fixture.districtB, fixture.schoolsA[0])
        let everySchool = fixture.schoolsA.map { (a, $0) } + fixture.schoolsB.map { (b, $0) }
        let deadline = ContinuousClock.now + .seconds(10)
        while db.pipelinedOpen == 0, ContinuousClock.now < deadline {  // it opens on first use
            _ = try await schools.document(DistrictTenant.acting(districtID: a), id: ownSchool)
            try await Task.sleep(for: .milliseconds(20))
        }
        XCTAssertEqual(db.pipelinedOpen, 1)
        let outcomes = try await withThrowingTaskGroup(of: (String, Int64, Int64, Bool).self) { group in
            for n in 0..<600 {
                let (owner, id) = everySchool[n % everySchool.count]
                let scope: DistrictTenant
                switch n % 3 {
                case 0: scope = DistrictTenant.acting(districtID: a, role: .districtStaff)
                case 1: scope = DistrictTenant.acting(districtID: b, role: .districtStaff)
                default: scope = DistrictTenant.acting(districtID: a, schoolID: ownSchool, role: .schoolStaff)
                }
                group.addTask {
                    let found = try await schools.document(scope, id: id) != nil
                    let label = scope.schoolID == nil ? "district \(scope.districtID)" : "school staff of \(ownSchool)"
                    let visible = scope.districtID == owner && (scope.schoolID == nil || scope.schoolID == id)
                    return (label, owner, id, found == visible)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        XCTAssertEqual(outcomes.count, 600)
        for (label, owner, id, right) in outcomes where !right {
            XCTFail("\(label) reading school \(id) of district \(owner) got the wrong answer")
        }
        await db.shutdown()
    }

    func testWritesIntoAnotherDistrictAreRefusedByTheDatabase() async throws {
        let db = testDB.database()
        let fixture = try await Fixture.make(db)
        let app = try testDB.appConnection()
        let settings = try DistrictTenant.acting(districtID: fixture.districtA).transactionSettings(forWrite: true)
        // An UPDATE or DELETE of B's rows while acting for A touches nothing.
        let touched = try app.transaction(settings: settings) { tx in
            try tx.query("UPDATE school SET name_th = 'ถูกแก้' WHERE district_id = $1", [fixture.districtB]).affectedRows
                + tx.query("DELETE FROM school WHERE district_id = $1", [fixture.districtB]).affectedRows
        }
        XCTAssertEqual(touched, 0)
        // An INSERT into B while acting for A fails the policy check.
        XCTAssertThrowsError(
            try app.transaction(settings: settings) { tx in
                try tx.query(
                    "INSERT INTO school (district_id, obec_code, name_th) VALUES ($1, '9999999999', 'แอบเพิ่ม')",
                    [fixture.districtB])
            }
        ) { XCTAssertEqual(($0 as? PostgresError)?.sqlState, "42501") }
        await db.shutdown()
    }

    func testSchoolStaffSeeTheirOwnSchoolAndReadOnlyRolesWriteNothing() async throws {
        let db = testDB.database()
        let fixture = try await Fixture.make(db)
        let schools = SchoolStore(db)
        let staff = DistrictTenant.acting(
            districtID: fixture.districtA, schoolID: fixture.schoolsA[1], role: .schoolStaff)
        let seen = try await schools.list(staff, filter: SchoolFilter(), page: PageRequest()).items.map(\.id)
        XCTAssertEqual(seen, [fixture.schoolsA[1]])
        let otherSchool = try await schools.get(staff, id: fixture.schoolsA[0])
        XCTAssertNil(otherSchool)

        let committee = DistrictTenant.acting(districtID: fixture.districtA, role: .committee)
        do {
            _ = try await schools.create(committee, SchoolInput(obecCode: "1234567890", nameTH: "โรงเรียนใหม่"))
            XCTFail("the committee may not write")
        } catch let error as PostgresError {
            XCTAssertEqual(error.sqlState, "42501")
        }
        await db.shutdown()
    }

    func testNationalRoleReadsEveryDistrictButWritesNone() async throws {
        let db = testDB.database()
        let fixture = try await Fixture.make(db)
        let national = Tenant.nationalService
        let all = try await SchoolStore(db).list(national, filter: SchoolFilter(), page: PageRequest(limit: 200)).items
        XCTAssertEqual(Set(all.map(\.id)), Set(fixture.schoolsA + fixture.schoolsB))
        let app = try testDB.appConnection()
        let changed = try app.transaction(settings: national.transactionSettings(forWrite: true)) { tx in
            try tx.query("UPDATE school SET name_th = 'x'").affectedRows
        }
        XCTAssertEqual(changed, 0)
        await db.shutdown()
    }

    func testThaiNamesSortInThaiAlphabeticalOrder() async throws {
        let db = testDB.database()
        let fixture = try await Fixture.make(db)
        let scope = DistrictTenant.background(fixture.districtA)
        // Thai sorts by consonant, skipping leading vowels: เก comes before ขา; byte order would put ข first.
        for (n, name) in ["โรงเรียนเกาะคา", "โรงเรียนขามใหญ่", "โรงเรียนกุดจับ"].enumerated() {
            _ = try await SchoolStore(db).create(scope, SchoolInput(obecCode: "530000000\(n)", nameTH: name))
        }
        let names = try await SchoolStore(db).list(scope, filter: SchoolFilter(text: "โรงเรียนก"), page: PageRequest())
            .items.map(\.nameTH)
        XCTAssertEqual(names, ["โรงเรียนกุดจับ"])
        let all = try await SchoolStore(db).list(scope, filter: SchoolFilter(), page: PageRequest()).items.map(\.nameTH)
        XCTAssertEqual(Array(all.prefix(3)), ["โรงเรียนกุดจับ", "โรงเรียนเกาะคา", "โรงเรียนขามใหญ่"])
        await db.shutdown()
    }
}
