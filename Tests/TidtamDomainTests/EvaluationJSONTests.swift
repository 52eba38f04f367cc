import Foundation
import XCTest

@testable import TidtamDomain

/// The hand-written JSON of an evaluation is the document `JSONEncoder` writes.
final class EvaluationJSONTests: XCTestCase {
    func sample() -> EvaluationInputs {
        let levels = EvaluationInputs.RuleRecord(
            direction: .higherIsBetter, scoring: "five_levels", levels: [60, 70, Decimal(string: "80.5")!, 90, 95],
            scoreOne: nil, scoreFive: nil, bandLow: nil, bandHigh: nil, places: 2)
        let band = EvaluationInputs.RuleRecord(
            direction: .withinBand, scoring: "linear", levels: nil, scoreOne: 10, scoreFive: 0, bandLow: -2,
            bandHigh: Decimal(string: "2.25")!, places: 3)
        let project = EvaluationInputs.Node(
            key: "project:7", nameTH: "โครงการ \"ห้องสมุด\" \\ ใหม่\nปี ๒๕๖๙\t\u{1}",
            indicators: [
                .init(
                    key: "indicator:1", indicatorID: 1, nameTH: "ร้อยละของนักเรียน", weight: 60, rule: levels,
                    target: 80, period: 0, actual: .init(id: 11, seq: 2, value: Decimal(string: "82.75")!)),
                .init(
                    key: "indicator:2", indicatorID: 2, nameTH: "อัตราการออกกลางคัน", weight: 40, rule: band,
                    target: nil, period: 12, actual: nil),
                .init(
                    key: "indicator:3", indicatorID: 3, nameTH: "ยังไม่ถึงกำหนด", weight: 0, rule: band, target: 1,
                    period: nil, actual: nil),
            ],
            progress: .init(reportID: 5, reportVersion: 2, period: 4, percentComplete: Decimal(string: "87.5")!),
            progressWeight: 30)
        return EvaluationInputs(
            subject: .strategicPlan,
            root: .init(
                key: "strategic_plan:3", nameTH: "แผนกลยุทธ์",
                children: [
                    .init(
                        key: "strategy:4", nameTH: "กลยุทธ์ที่ 1",
                        children: [project, .init(key: "project:8", nameTH: "ว่าง", progressWeight: 30)])
                ]))
    }

    func assertSameDocument<T: Codable & Equatable>(
        _ value: T, _ json: String, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let encoded = try JSONEncoder().encode(value)
        let expected = try JSONSerialization.jsonObject(with: encoded) as! NSDictionary
        let written = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! NSDictionary
        XCTAssertEqual(written, expected, file: file, line: line)
        XCTAssertEqual(try JSONDecoder().decode(T.self, from: Data(json.utf8)), value, file: file, line: line)
    }

    func testInputsAndResultAreWhatJSONEncoderWrites() throws {
        let inputs = sample()
        try assertSameDocument(inputs, inputs.json)
        let result = EvaluationComputation.compute(inputs)
        XCTAssertNotNil(result.root.score)
        try assertSameDocument(result, result.json)
    }
}
