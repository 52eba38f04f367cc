import Foundation
@testable import Postgres
import TestSupport
import TidtamDomain
import TidtamStore
import XCTest

/// The lifecycle against concurrent writers, on a real PostgreSQL.
final class PlanLifecycleStoreTests: XCTestCase {
    var testDB: TestDatabase!

    override func setUpWithError() throws { testDB = try TestDatabase.create() }
    override func tearDown() { testDB?.drop() }

    /// A project write holds its plan FOR SHARE; a submission locks the plan FOR UPDATE, so it
    /// waits for the write and then sees it, instead of freezing a plan half-changed.
    func testASubmissionWaitsForAProjectBeingAddedAndThenIncludesIt() async throws {
        let db = testDB.database()
        let fixture = try await Fixture.make(db)
        let district = fixture.districtA
        let scope = DistrictTenant.acting(districtID: district, role: .districtStaff, userID: 1)
        let plans = ActionPlanStore(db)
        let plan = try await plans.create(
            scope, ActionPlanInput(schoolID: fixture.schoolsA[0], fiscalYear: FiscalYear(2569), titleTH: "แผน"))

        // Another writer is adding the plan's first project and has not committed yet.
        let writer = try testDB.appConnection()
        try writer.execute(
            script: """
                BEGIN;
                SET LOCAL tidtam.district_id = '\(district)';
                SELECT status FROM action_plan WHERE district_id = \(district) AND id = \(plan.id) FOR SHARE;
                INSERT INTO project (district_id, plan_id, school_id, code, name_th) VALUES (\(district), \(plan.id), \(fixture.schoolsA[0]), 'P01', 'โครงการ');
                """)
        let submission = Task { try await plans.apply(.submit, scope, id: plan.id, expectedVersion: plan.version) }
        try await Task.sleep(for: .milliseconds(300))
        let meanwhile = try await plans.get(scope, id: plan.id)
        XCTAssertTrue(
            meanwhile?.json.contains("\"status\" : \"draft\"") ?? false, "the submission waits for the writer")
        try writer.execute(script: "COMMIT")

        // Without the wait it would have found no project and refused to submit.
        let submitted = try await submission.value
        XCTAssertTrue(submitted.json.contains("\"status\" : \"submitted\""), submitted.json)
        XCTAssertTrue(submitted.json.contains("\"project_count\" : 1"), submitted.json)
        await db.shutdown()
    }

    /// Once submitted, a project write is refused: the plan is no longer editable.
    func testAProjectCannotBeAddedToASubmittedPlan() async throws {
        let db = testDB.database()
        let fixture = try await Fixture.make(db)
        let scope = DistrictTenant.acting(districtID: fixture.districtA, role: .districtStaff, userID: 1)
        let plans = ActionPlanStore(db), projects = ProjectStore(db)
        let plan = try await plans.create(
            scope, ActionPlanInput(schoolID: nil, fiscalYear: FiscalYear(2569), titleTH: "แผนของสำนักงานเขต"))
        _ = try await projects.create(scope, planID: plan.id, ProjectInput(code: "P01", nameTH: "โครงการนิเทศ"))
        _ = try await plans.apply(.submit, scope, id: plan.id, expectedVersion: plan.version)
        do {
            _ = try await projects.create(scope, planID: plan.id, ProjectInput(code: "P02", nameTH: "เพิ่มภายหลัง"))
            XCTFail("a submitted plan took a project")
        } catch DomainError.conflict(let why) {
            XCTAssertTrue(why.english.contains("submitted"), why.english)
        }
        await db.shutdown()
    }
}
