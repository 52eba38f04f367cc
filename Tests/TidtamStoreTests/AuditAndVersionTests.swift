import Postgres
import TestSupport
import TidtamDomain
import TidtamStore
import XCTest

final class AuditAndVersionTests: XCTestCase {
    var testDB: TestDatabase!

    override func setUpWithError() throws { testDB = try TestDatabase.create() }
    override func tearDown() { testDB.drop() }

    func testEveryChangeIsAuditedWithItsActorInTheSameTransaction() async throws {
        let db = testDB.database()
        let fixture = try await Fixture.make(db)
        let scope = TenantScope(districtID: fixture.districtA, role: .districtAdmin, userID: 77, requestID: "req-1")
        var patch = SchoolPatch()
        patch.nameEN = .some("Ban Klang School")
        let updated = try await SchoolStore(db).update(scope, id: fixture.schoolsA[0], expectedVersion: 1, patch)
        XCTAssertEqual(updated.version, 2)
        let entries = try await AuditStore(db).list(scope, filter: AuditFilter(entity: "school", entityID: fixture.schoolsA[0]),
                                                    page: PageRequest()).items
        XCTAssertEqual(entries.map(\.action), ["update", "insert"])
        XCTAssertEqual(entries.first?.actorID, 77)
        XCTAssertEqual(entries.first?.requestID, "req-1")
        guard case .object(let after)? = entries.first?.after, case .object(let before)? = entries.first?.before else {
            return XCTFail("before and after are kept")
        }
        XCTAssertEqual(after["name_en"], .string("Ban Klang School"))
        XCTAssertEqual(before["name_en"], .null)
        await db.pool.shutdown()
    }

    func testAuditLogIsAppendOnlyEvenForItsOwner() async throws {
        let db = testDB.database()
        _ = try await Fixture.make(db)
        let owner = try testDB.ownerConnection()
        XCTAssertThrowsError(try owner.execute(script: "SET tidtam.district_id = '1'; UPDATE audit_log SET action = 'delete'"))
        let app = try testDB.appConnection()
        XCTAssertThrowsError(try app.transaction(settings: TenantScope(districtID: 1).settings()) { tx in
            try tx.query("DELETE FROM audit_log")
        }) { XCTAssertEqual(($0 as? PostgresError)?.sqlState, "42501") }
        await db.pool.shutdown()
    }

    func testStaleVersionIsRefusedAndNothingChanges() async throws {
        let db = testDB.database()
        let fixture = try await Fixture.make(db)
        let scope = TenantScope.system(district: fixture.districtA)
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
        await db.pool.shutdown()
    }
}
