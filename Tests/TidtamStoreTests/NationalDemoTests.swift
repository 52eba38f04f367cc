import Foundation
@testable import Postgres
import TestSupport
import TidtamDomain
import TidtamStore
import XCTest

/// The national generator on its first two districts: the shape of the data, and that the rows
/// it writes as the schema owner still obey the tenancy rules.
final class NationalDemoTests: XCTestCase {
    func testTwoDistrictsOfTheCountryHaveTheirSchoolsPlansAndActuals() async throws {
        let testDB = try TestDatabase.create()
        defer { testDB.drop() }
        let owner = Database(PoolConfiguration(conninfo: testDB.ownerURL, maxConnections: 3))
        let generator = try NationalDemo(
            owner: owner, sqlDirectory: TestDatabase.repositoryRoot.appendingPathComponent("sql"))
        let result = try await generator.generate(fiscalYear: 2569, districts: 2) { _ in }
        await owner.shutdown()
        XCTAssertEqual(result.districtsDone, 2)

        let db = testDB.database()
        let first = try await DistrictStore(db).find(code: "NAT-001")!
        let scope = DistrictTenant.background(first)
        func count(_ sql: SQL) async throws -> Int { try await db.read(scope, sql).first!.decode("n") }
        let schools = try await count("SELECT count(*) AS n FROM school")
        XCTAssertEqual(schools, 119, "29,000 schools spread over 245 districts: the first ones get 119")
        let approved = try await count(
            "SELECT count(*) AS n FROM action_plan WHERE status = 'approved' AND fiscal_year = 2569")
        XCTAssertEqual(approved, schools)
        let projects = try await count("SELECT count(*) AS n FROM project")
        XCTAssertEqual(projects, schools * 40)
        let indicators = try await count("SELECT count(*) AS n FROM indicator WHERE project_id IS NOT NULL")
        XCTAssertEqual(indicators, projects * 3)
        let actuals = try await count(
            "SELECT count(*) AS n FROM indicator_actual a JOIN indicator i ON i.district_id = a.district_id AND i.id = a.indicator_id WHERE i.project_id IS NOT NULL"
        )
        XCTAssertEqual(actuals, indicators * 12, "monthly actuals")
        // Every school's approved agreement on the district's five indicators, adopted by every school.
        let agreements = try await count(
            "SELECT count(*) AS n FROM performance_agreement WHERE status = 'approved' AND fiscal_year = 2569")
        XCTAssertEqual(agreements, schools)
        let items = try await count("SELECT count(*) AS n FROM agreement_item")
        XCTAssertEqual(items, schools * 5)
        let adoptions = try await count("SELECT count(*) AS n FROM indicator_adoption")
        XCTAssertEqual(adoptions, schools * 5)
        let yearActuals = try await count(
            "SELECT count(*) AS n FROM indicator_actual a JOIN indicator i ON i.district_id = a.district_id AND i.id = a.indicator_id WHERE i.code LIKE 'KPI-%'"
        )
        XCTAssertTrue(
            (schools * 4...schools * 5).contains(yearActuals), "about one in ten not reported: \(yearActuals)")
        // Row-level security saw to it that every row belongs to its district.
        let everywhere = try await db.read(
            Tenant.nationalService, "SELECT count(DISTINCT district_id) AS n FROM project"
        ).first!.decode("n", as: Int.self)
        XCTAssertEqual(everywhere, 2)
        let names = try await db.read(scope, "SELECT name_th FROM district WHERE id = \(first)").first!.decode(
            "name_th", as: String.self)
        XCTAssertTrue(names.hasPrefix("สำนักงานเขตพื้นที่การศึกษาประถมศึกษา"), names)
        await db.shutdown()
    }
}
