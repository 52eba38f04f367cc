import Foundation
import XCTest

@testable import TidtamDomain

/// Evaluations computed from their recorded inputs, by hand.
final class EvaluationComputationTests: XCTestCase {
    func item(
        _ n: Int, weight: Decimal, _ rule: EvaluationInputs.RuleRecord, actual: Decimal?, target: Decimal? = nil
    ) -> EvaluationInputs.IndicatorInput {
        EvaluationInputs.IndicatorInput(
            key: "item:\(n)", indicatorID: Int64(n), nameTH: "ตัวชี้วัดที่ \(n)", weight: weight, rule: rule,
            target: target, period: 0, actual: actual.map { .init(id: Int64(n), seq: 1, value: $0) })
    }

    let levels = EvaluationInputs.RuleRecord(
        direction: .higherIsBetter, scoring: "five_levels", levels: [60, 70, 80, 90, 95], scoreOne: nil,
        scoreFive: nil, bandLow: nil, bandHigh: nil, places: 2)

    func linear(_ one: Decimal, _ five: Decimal, _ direction: IndicatorDefinition.Direction)
        -> EvaluationInputs.RuleRecord
    {
        .init(
            direction: direction, scoring: "linear", levels: nil, scoreOne: one, scoreFive: five, bandLow: nil,
            bandHigh: nil, places: 2)
    }

    /// (30 × 1 + 20 × 5 + 15 × 2.8666… + 15 × 3) / 80 is 2.725 exactly, which rounds to 2.73; in
    /// 38-digit `Decimal` the dropout rate's 2.8666… is cut short and the score came out 2.72.
    func testAWeightedScoreIsRoundedOnceFromItsExactValue() {
        let inputs = EvaluationInputs(
            subject: .agreement,
            root: .init(
                key: "agreement:88", nameTH: "ข้อตกลง",
                indicators: [
                    item(1, weight: 30, levels, actual: 64, target: 80),
                    item(2, weight: 20, linear(50, 90, .higherIsBetter), actual: 93, target: 70),
                    item(3, weight: 20, levels, actual: nil, target: 75),
                    item(
                        4, weight: 15, linear(5, Decimal(string: "0.5")!, .lowerIsBetter),
                        actual: Decimal(string: "2.9")!, target: 2),
                    item(5, weight: 15, levels, actual: 80, target: 85),
                ]))
        let result = EvaluationComputation.compute(inputs)
        XCTAssertEqual(result.score, Decimal(string: "2.73"))
        XCTAssertEqual(result.root.missingWeight, 20)
        XCTAssertEqual(result.root.indicators.map(\.score), [1, 5, nil, Decimal(string: "2.87"), 3])
        XCTAssertEqual(result.root.indicators.map(\.met), [false, true, nil, false, false])
        XCTAssertEqual(result.root.indicators.map(\.standing), ["scored", "scored", "missing", "scored", "scored"])
    }

    /// A project: its indicators by weight (80) beside its progress (20); without a report the
    /// progress is missing with its weight, not zero.
    func testAProjectWeighsItsIndicatorsBesideItsProgress() {
        func project(progress: Decimal?) -> EvaluationInputs {
            EvaluationInputs(
                subject: .project,
                root: .init(
                    key: "project:1", nameTH: "โครงการ",
                    indicators: [
                        item(1, weight: 40, levels, actual: 85), item(2, weight: 30, levels, actual: 50),
                        item(3, weight: 30, levels, actual: 91),
                    ],
                    progress: progress.map { .init(reportID: 1, reportVersion: 1, period: 4, percentComplete: $0) },
                    progressWeight: 20))
        }
        // Indicators: (40 × 3 + 30 × 0 + 30 × 4) / 100 = 2.4; progress 70 % is 3.5.
        XCTAssertEqual(EvaluationComputation.compute(project(progress: 70)).score, Decimal(string: "2.62"))
        let without = EvaluationComputation.compute(project(progress: nil))
        XCTAssertEqual(without.score, Decimal(string: "2.4"))
        XCTAssertEqual(without.root.missingWeight, 20)
        XCTAssertNil(without.root.progressScore)
    }

    /// Computing again from the recorded inputs, encoded and decoded as they are stored, gives the
    /// same result.
    func testTheRecordedInputsGiveTheSameResultAgain() throws {
        let inputs = EvaluationInputs(
            subject: .agreement,
            root: .init(
                key: "agreement:1", nameTH: "ข้อตกลง",
                indicators: [
                    item(1, weight: Decimal(string: "33.33")!, linear(20, 4, .lowerIsBetter), actual: 7),
                    item(2, weight: Decimal(string: "66.67")!, levels, actual: Decimal(string: "79.999")!),
                ]))
        let stored = try JSONEncoder().encode(inputs)
        let again = try JSONDecoder().decode(EvaluationInputs.self, from: stored)
        XCTAssertEqual(again, inputs)
        XCTAssertEqual(EvaluationComputation.compute(again), EvaluationComputation.compute(inputs))
    }

    /// A plan is the mean of its strategies; a strategy the mean of its goals' indicators (one
    /// part, by their weights) and each of its projects. A strategy with nothing reported is
    /// missing, not zero.
    func testAStrategicPlanIsScoredFromItsStrategies() {
        let project = EvaluationInputs.Node(
            key: "project:1", nameTH: "โครงการ", indicators: [item(3, weight: 0, levels, actual: 95)], progress: nil,
            progressWeight: 20)
        let plan = EvaluationInputs(
            subject: .strategicPlan,
            root: .init(
                key: "strategic_plan:1", nameTH: "แผนกลยุทธ์",
                children: [
                    .init(
                        key: "strategy:1", nameTH: "กลยุทธ์ที่ 1",
                        indicators: [item(1, weight: 20, levels, actual: 82), item(2, weight: 20, levels, actual: 71)],
                        children: [project]),
                    .init(
                        key: "strategy:2", nameTH: "กลยุทธ์ที่ 2", indicators: [item(4, weight: 20, levels, actual: nil)]),
                ]))
        let result = EvaluationComputation.compute(plan)
        // Strategy 1: goals (3 + 2) / 2 = 2.5 beside the project's 5 (its progress missing): 3.75.
        XCTAssertEqual(result.root.children.map(\.score), [Decimal(string: "3.75"), nil])
        XCTAssertEqual(result.score, Decimal(string: "3.75"), "the strategy with nothing reported is left out")
        XCTAssertEqual(result.root.missingWeight, 1)
        XCTAssertEqual(result.allIndicators.filter { $0.standing == "missing" }.count, 1)
    }
}
