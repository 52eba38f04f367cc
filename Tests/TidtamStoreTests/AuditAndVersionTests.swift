@testable import Postgres
import TestSupport
import TidtamDomain
import TidtamStore
import XCTest

final class AuditAndVersionTests: XCTestCase {
    var testDB: TestDatabase!

    override func setUpWithError() throws { testDB = try TestDatabase.create() }
    override func tearDown() { testDB?.drop() }

    func testEveryChangeIsAuditedWithItsActorInTheSameTransaction() async throws {
        let db = testDB.database()
        let fixture = try await Fixture.make(db)
        let scope = DistrictTenant.acting(
            districtID: fixture.districtA, role: .districtAdmin, userID: 77, requestID: "req-1")
        var patch = SchoolPatch()
        patch.nameEN = .some("Ban Klang School")
        let updated = try await SchoolStore(db).update(scope, id: fixture.schoolsA[0], expectedVersion: 1, patch)
        XCTAssertEqual(updated.version, 2)
        let entries = try await AuditStore(db).list(
            scope, filter: AuditFilter(entity: "school", entityID: fixture.schoolsA[0]),
            page: PageRequest()
        ).items
        XCTAssertEqual(entries.map(\.action), ["update", "insert"])
        XCTAssertEqual(entries.first?.actorID, 77)
        XCTAssertEqual(entries.first?.requestID, "req-1")
        guard case .object(let after)? = entries.first?.after, case .object(let before)? = entries.first?.before else {
            return XCTFail("before and after are kept")
        }
        XCTAssertEqual(after["name_en"], .string("Ban Klang School"))
        XCTAssertEqual(before["name_en"], .null)
        await db.shutdown()
    }

    func testPlanChangesAreAuditedByStatementWithTheirSchoolAndActor() async throws {
        let db = testDB.database()
        let fixture = try await Fixture.make(db)
        let school = fixture.schoolsA[1]
        let scope = DistrictTenant.acting(
            districtID: fixture.districtA, schoolID: school, role: .schoolStaff, userID: 42, requestID: "req-plan")
        let plan = try await ActionPlanStore(db).create(
            scope, ActionPlanInput(schoolID: nil, fiscalYear: FiscalYear(2569), titleTH: "แผน"))
        let project = try await ProjectStore(db).create(
            scope, planID: plan.id,
            ProjectInput(
                code: "P01", nameTH: "โครงการ", activities: [ActivityInput(nameTH: "ก"), ActivityInput(nameTH: "ข")]))
        _ = try await ProjectStore(db).replace(
            scope, id: project.id, expectedVersion: project.version,
            ProjectInput(code: "P01", nameTH: "โครงการใหม่"))
        let entries = try await AuditStore(db).list(
            scope, filter: AuditFilter(entity: "project", entityID: project.id), page: PageRequest()
        ).items
        XCTAssertEqual(entries.map(\.action), ["update", "insert"])
        XCTAssertEqual(Set(entries.map(\.actorID)), [42])
        XCTAssertEqual(Set(entries.map(\.requestID)), ["req-plan"])
        guard case .object(let before)? = entries[0].before, case .object(let after)? = entries[0].after else {
            return XCTFail("before and after are kept")
        }
        XCTAssertEqual(before["name_th"], .string("โครงการ"))
        XCTAssertEqual(after["name_th"], .string("โครงการใหม่"))
        let activities = try await AuditStore(db).list(
            scope, filter: AuditFilter(entity: "activity"), page: PageRequest()
        ).items
        XCTAssertEqual(activities.map(\.action).sorted(), ["delete", "delete", "insert", "insert"])
        XCTAssertTrue(activities.allSatisfy { $0.schoolID == school }, "school staff see their school's audit rows")
        await db.shutdown()
    }

    func testAuditLogIsAppendOnlyEvenForItsOwner() async throws {
        let db = testDB.database()
        _ = try await Fixture.make(db)
        let owner = try testDB.ownerConnection()
        XCTAssertThrowsError(
            try owner.execute(script: "SET tidtam.district_id = '1'; UPDATE audit_log SET action = 'delete'"))
        let app = try testDB.appConnection()
        XCTAssertThrowsError(
            try app.transaction(settings: DistrictTenant.acting(districtID: 1).transactionSettings(forWrite: true)) {
                tx in
                try tx.query("DELETE FROM audit_log")
            }
        ) { XCTAssertEqual(($0 as? PostgresError)?.sqlState, "42501") }
        await db.shutdown()
    }

    func testStaleVersionIsRefusedAndNothingChanges() async throws {
        let db = testDB.database()
        let fixture = try await Fixture.make(db)
        let scope = DistrictTenant.background(fixture.districtA)
        var first = SchoolPatch()
        first.studentCount = .some(120)
        _ = try await SchoolStore(db).update(scope, id: fixture.schoolsA[0], expectedVersion: 1, first)
        var second = SchoolPatch()
        second.studentCount = .some(999)
        do {
            _ = try await SchoolStore(db).update(scope, id: fixture.schoolsA[0], expectedVersion: 1, second)
            XCTFail("a stale version must be refused")
        } catch let error as DomainError {
            XCTAssertEqual(error, .versionMismatch(current: 2))
        }
        let school = try await SchoolStore(db).get(scope, id: fixture.schoolsA[0])
        XCTAssertEqual(school?.studentCount, 120)
        await db.shutdown()
    }
}
