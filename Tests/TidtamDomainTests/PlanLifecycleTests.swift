import Foundation
import TidtamDomain
import XCTest

final class PlanLifecycleTests: XCTestCase {
    func testSubmitReturnResubmitApproveThenReviseAsANewRevision() throws {
        var status = PlanStatus.draft
        status = try PlanLifecycle.apply(.submit, to: status, by: .schoolStaff).status
        XCTAssertEqual(status, .submitted)
        XCTAssertFalse(status.isEditable)
        status = try PlanLifecycle.apply(
            .returnForChanges(reason: "งบประมาณโครงการ 3 เกินวงเงิน"), to: status, by: .districtStaff
        ).status
        XCTAssertEqual(status, .returned)
        XCTAssertTrue(status.isEditable)
        status = try PlanLifecycle.apply(.submit, to: status, by: .schoolStaff).status
        status = try PlanLifecycle.apply(.approve, to: status, by: .districtAdmin).status
        XCTAssertEqual(status, .approved)
        XCTAssertFalse(status.isEditable, "an approved plan is frozen")
        let revision = try PlanLifecycle.apply(.revise, to: status, by: .schoolStaff)
        XCTAssertEqual(revision, PlanTransitionOutcome(status: .draft, newRevision: true))
    }

    func testOnlyTheDistrictApprovesAndAReturnNeedsAReason() {
        XCTAssertThrowsError(try PlanLifecycle.apply(.approve, to: .submitted, by: .schoolStaff)) {
            XCTAssertEqual($0 as? PlanTransitionError, .notPermitted(.schoolStaff))
        }
        XCTAssertThrowsError(try PlanLifecycle.apply(.approve, to: .submitted, by: .committee))
        XCTAssertThrowsError(
            try PlanLifecycle.apply(.returnForChanges(reason: "  "), to: .submitted, by: .districtStaff)
        ) {
            XCTAssertEqual($0 as? PlanTransitionError, .reasonRequired)
        }
        XCTAssertThrowsError(try PlanLifecycle.apply(.approve, to: .draft, by: .districtAdmin))
        XCTAssertThrowsError(try PlanLifecycle.apply(.submit, to: .approved, by: .schoolStaff))
        XCTAssertThrowsError(try PlanLifecycle.apply(.submit, to: .draft, by: .committee))
    }

    func testAgreementWeightsMustSumToExactlyOneHundred() {
        XCTAssertEqual(
            AgreementWeights.validate([Decimal(string: "33.33")!, Decimal(string: "33.33")!, Decimal(string: "33.34")!]
            ), [])
        XCTAssertEqual(AgreementWeights.validate([50, 40]).map(\.code), ["weights_sum"])
        XCTAssertEqual(AgreementWeights.validate([120, -20]).map(\.pointer), ["/items/0/weight", "/items/1/weight"])
        XCTAssertEqual(AgreementWeights.validate([]).map(\.code), ["required"])
    }
}
