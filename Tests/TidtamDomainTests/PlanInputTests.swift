import Foundation
import TidtamDomain
import XCTest

/// The rules a plan document must keep before any database is asked.
final class PlanInputTests: XCTestCase {
    func date(_ y: Int, _ m: Int, _ d: Int) -> CalendarDate { CalendarDate(year: y, month: m, day: d)! }

    func testProjectDatesAndActivitiesMustFitTogether() {
        let project = ProjectInput(
            code: "P01", nameTH: "โครงการส่งเสริมการอ่าน", startDate: date(2025, 11, 1), endDate: date(2025, 10, 1),
            activities: [
                ActivityInput(id: 7, nameTH: "ก่อนโครงการ", startDate: date(2025, 10, 15), endDate: date(2025, 10, 10)),
                ActivityInput(id: 7, nameTH: "ซ้ำ", startDate: date(2025, 12, 1), endDate: date(2026, 1, 1)),
            ],
            budgetLines: [
                BudgetLineInput(id: 3, source: .obec, amount: 10), BudgetLineInput(id: 3, source: .donation, amount: 5),
            ])
        XCTAssertEqual(
            project.validate().map(\.pointer),
            [
                "/end_date", "/activities/0/end_date", "/activities/0/start_date", "/activities/0/end_date",
                "/activities/1/end_date",
                "/activities/1/id", "/budget_lines/1/id",
            ])
        let fine = ProjectInput(
            code: "P01", nameTH: "โครงการ", startDate: date(2025, 10, 1), endDate: date(2026, 9, 30),
            activities: [ActivityInput(nameTH: "กิจกรรม", startDate: date(2025, 10, 1), endDate: date(2026, 9, 30))])
        XCTAssertEqual(fine.validate(), [])
    }

    func testTargetsNameAPeriodOfTheIndicatorsKindOnce() {
        let targets = [
            TargetInput(fiscalYear: FiscalYear(2569), period: 0, target: 80),
            TargetInput(fiscalYear: FiscalYear(2569), period: 4, target: 20),
            TargetInput(fiscalYear: FiscalYear(2569), period: 5, target: 20),
            TargetInput(fiscalYear: FiscalYear(2569), period: 4, target: 30),
        ]
        XCTAssertEqual(
            IndicatorInput.validate(targets: targets, period: .quarter).map(\.pointer),
            ["/targets/2/period", "/targets/3"])
        XCTAssertEqual(
            IndicatorInput.validate(targets: targets, period: .year).map(\.code),
            ["out_of_range", "out_of_range", "out_of_range", "duplicate"])
        XCTAssertEqual(ReportingPeriod.month.periods, 0...12)
    }

    func testAnIndicatorBelongsToAGoalOrAProjectNotBoth() {
        let definition = IndicatorDefinition(
            nameTH: "ร้อยละ", unit: "ร้อยละ", kind: .output, direction: .higherIsBetter,
            scoring: .linear(scoreOne: 50, scoreFive: 90), weight: 10)
        XCTAssertEqual(
            IndicatorInput(goalID: 1, projectID: 2, definition: definition).validate().map(\.code), ["one_owner"])
        XCTAssertEqual(IndicatorInput(projectID: 2, definition: definition).validate(), [])
    }

    func testAStrategicPlanSpansOneToTenYearsWithUniqueCodes() {
        let plan = StrategicPlanInput(
            titleTH: "แผน", firstYearBE: 2569, lastYearBE: 2580,
            strategies: [
                .init(
                    code: "1", nameTH: "ก", goals: [.init(code: "1.1", nameTH: "ก"), .init(code: "1.1", nameTH: "ข")]),
                .init(code: "1", nameTH: "ข"),
            ])
        XCTAssertEqual(
            plan.validate().map(\.pointer), ["/last_year_be", "/strategies/0/goals/1/code", "/strategies/1/code"])
        XCTAssertEqual(StrategicPlanInput(titleTH: "แผน", firstYearBE: 2569, lastYearBE: 2569).validate(), [])
    }

    func testAnAgreementDraftChecksEachItemAndSubmissionTheSum() {
        let draft = AgreementInput(
            fiscalYear: FiscalYear(2569), titleTH: "ข้อตกลง",
            items: [
                .init(indicatorID: 1, weight: 0, target: 1), .init(indicatorID: 1, weight: 50, target: 1),
            ])
        XCTAssertEqual(draft.validate().map(\.pointer), ["/items/0/weight", "/items/1/indicator_id"])
        // Decimal from text: a Double literal (33.33) is already inexact, and the sum would say so.
        XCTAssertEqual(AgreementWeights.validate(["33.33", "33.33", "33.34"].map { Decimal(string: $0)! }), [])
        XCTAssertEqual(AgreementWeights.validate([60, 30]).map(\.code), ["weights_sum"])
    }
}
