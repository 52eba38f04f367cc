import Foundation
import TidtamDomain
import XCTest

final class IndicatorDefinitionTests: XCTestCase {
    func testAWellFormedFiveLevelIndicatorPasses() {
        let reading = IndicatorDefinition(
            nameTH: "ร้อยละของนักเรียนที่อ่านออกเขียนได้", unit: "ร้อยละ", kind: .outcome,
            direction: .higherIsBetter, baseline: 72, scoring: .fiveLevels([60, 70, 80, 90, 95]),
            weight: 20, isCSF: true)
        XCTAssertEqual(reading.validate(), [])
        let dropout = IndicatorDefinition(
            nameTH: "อัตราการออกกลางคัน", unit: "ร้อยละ", kind: .outcome, direction: .lowerIsBetter,
            scoring: .fiveLevels([5, 4, 3, 2, 1]), weight: 10)
        XCTAssertEqual(dropout.validate(), [])
    }

    func testEveryBrokenRuleIsReported() {
        let broken = IndicatorDefinition(
            nameTH: " ", unit: "", kind: .output, direction: .higherIsBetter,
            scoring: .fiveLevels([60, 50, 80, 90, 95]), weight: 120)
        XCTAssertEqual(
            Set(broken.validate(path: .input["indicators"][0]).map(\.pointer)),
            ["/indicators/0/name_th", "/indicators/0/unit", "/indicators/0/weight", "/indicators/0/scoring/levels"])
        let linear = IndicatorDefinition(
            nameTH: "ค่าใช้จ่ายต่อหัว", unit: "บาท", kind: .output, direction: .lowerIsBetter,
            scoring: .linear(scoreOne: 1000, scoreFive: 2000), weight: 5)
        XCTAssertEqual(linear.validate().map(\.code), ["order"])
        let band = IndicatorDefinition(
            nameTH: "อัตราส่วนครูต่อนักเรียน", unit: "คน", kind: .output, direction: .withinBand,
            scoring: .linear(scoreOne: 0, scoreFive: 1), weight: 5)
        XCTAssertEqual(band.validate().map(\.pointer), ["/band"])
        XCTAssertEqual(
            IndicatorDefinition(
                nameTH: "x", unit: "y", kind: .output, direction: .higherIsBetter,
                scoring: .fiveLevels([1, 2, 3]), weight: 1
            ).validate().map(\.code), ["count"])
    }
}
