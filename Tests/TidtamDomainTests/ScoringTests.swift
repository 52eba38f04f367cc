import Foundation
import XCTest

@testable import TidtamDomain

/// The scoring engine: examples at and around every threshold, by hand, and properties over
/// many generated cases (a seeded generator, so a failure can be run again).
final class ScoringTests: XCTestCase {
    typealias Rule = Scoring.Rule
    let levels: [Decimal] = [60, 70, 80, 90, 95]

    func testFiveLevelsHigherIsBetterAtAndAroundEveryThreshold() {
        let rule = Rule(direction: .higherIsBetter, scoring: .fiveLevels(levels))
        let cases: [(Decimal, Decimal)] = [
            (0, 0), (59.99, 0), (60, 1), (69.99, 1), (70, 2), (79.99, 2), (80, 3), (89.99, 3), (90, 4), (94.99, 4),
            (95, 5), (120, 5),
        ]
        for (actual, expected) in cases {
            XCTAssertEqual(Scoring.score(actual, rule), .scored(expected), "\(actual)")
        }
    }

    func testFiveLevelsLowerIsBetter() {
        // Dropout rate: 5 % earns level 1, 1 % or less level 5.
        let rule = Rule(direction: .lowerIsBetter, scoring: .fiveLevels([5, 4, 3, 2, 1]))
        let cases: [(Decimal, Decimal)] = [
            (5.01, 0), (5, 1), (4.5, 1), (4, 2), (3, 3), (2.01, 3), (2, 4), (1, 5), (0, 5),
        ]
        for (actual, expected) in cases {
            XCTAssertEqual(Scoring.score(actual, rule), .scored(expected), "\(actual)")
        }
    }

    func testLinearInEachDirection() {
        let up = Rule(direction: .higherIsBetter, scoring: .linear(scoreOne: 50, scoreFive: 90))
        let upCases: [(Decimal, Decimal)] = [
            (90, 5), (100, 5), (50, 1), (70, 3), (60, 2), (40, 0), (37.5, 0), (45, 0.5),
        ]
        for (actual, expected) in upCases { XCTAssertEqual(Scoring.score(actual, up), .scored(expected), "\(actual)") }
        let down = Rule(direction: .lowerIsBetter, scoring: .linear(scoreOne: 30, scoreFive: 10))
        let downCases: [(Decimal, Decimal)] = [(10, 5), (0, 5), (30, 1), (20, 3), (35, 0)]
        for (actual, expected) in downCases {
            XCTAssertEqual(Scoring.score(actual, down), .scored(expected), "\(actual)")
        }
        // A third is rounded once, at the end, to the places asked for.
        let third = Rule(direction: .higherIsBetter, scoring: .linear(scoreOne: 0, scoreFive: 3))
        XCTAssertEqual(Scoring.score(1, third, places: 2), .scored(Decimal(string: "2.33")!))
        XCTAssertEqual(Scoring.score(1, third, places: 0), .scored(2))
        XCTAssertEqual(Scoring.round(Decimal(string: "2.345")!, places: 2), Decimal(string: "2.35")!, "half up")
    }

    func testWithinABandScoresTheDistanceOutsideIt() {
        // Class size within 20–30 pupils: inside scores 5; each pupil outside costs a level.
        let rule = Rule(direction: .withinBand, scoring: .fiveLevels([4, 3, 2, 1, 0]), band: 20...30)
        let cases: [(Decimal, Decimal)] = [(25, 5), (20, 5), (30, 5), (31, 4), (19, 4), (33, 2), (16, 1), (35, 0)]
        for (actual, expected) in cases {
            XCTAssertEqual(Scoring.score(actual, rule), .scored(expected), "\(actual)")
        }
    }

    func testNotReportedIsMissingNeverZero() {
        let rule = Rule(direction: .higherIsBetter, scoring: .fiveLevels(levels))
        XCTAssertEqual(Scoring.score(nil, rule), .missing)
        let weighted = Scoring.weighted([
            .init(weight: 40, score: 5), .init(weight: 30, score: nil), .init(weight: 30, score: 2),
        ])
        XCTAssertEqual(weighted.score, Decimal(string: "3.71")!, "(40 × 5 + 30 × 2) / 70")
        XCTAssertEqual(weighted.reportedWeight, 70)
        XCTAssertEqual(weighted.missingWeight, 30)
        XCTAssertEqual(weighted.missing, 1)
        XCTAssertNil(Scoring.weighted([.init(weight: 100, score: nil)]).score)
        XCTAssertEqual(Scoring.weighted([.init(weight: 0, score: 4), .init(weight: 0, score: 2)]).score, 3)
    }

    // MARK: properties

    /// A small seeded generator (SplitMix64).
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    func decimal(_ g: inout Seeded, _ range: ClosedRange<Int>) -> Decimal {
        Decimal(Int.random(in: range, using: &g)) / 100
    }

    func rule(_ g: inout Seeded) -> Rule {
        let direction = [IndicatorDefinition.Direction.higherIsBetter, .lowerIsBetter, .withinBand].randomElement(
            using: &g)!
        var points = (0..<5).map { _ in decimal(&g, 0...10_000) }.sorted()
        if Set(points).count < 5 { points = [10, 20, 30, 40, 50] }
        let descending = Array(points.reversed())
        switch direction {
        case .higherIsBetter:
            return Bool.random(using: &g)
                ? Rule(direction: direction, scoring: .fiveLevels(points))
                : Rule(direction: direction, scoring: .linear(scoreOne: points[0], scoreFive: points[4]))
        case .lowerIsBetter:
            return Bool.random(using: &g)
                ? Rule(direction: direction, scoring: .fiveLevels(descending))
                : Rule(direction: direction, scoring: .linear(scoreOne: points[4], scoreFive: points[0]))
        case .withinBand:
            let low = decimal(&g, 0...5_000)
            return Rule(
                direction: direction, scoring: .fiveLevels(descending.map { $0 / 10 }),
                band: low...(low + decimal(&g, 0...3_000)))
        }
    }

    func testAHigherActualNeverLowersAHigherIsBetterScoreAndEveryScoreStaysOnTheScale() {
        var g = Seeded(state: 2569)
        for _ in 0..<5_000 {
            let r = rule(&g)
            let a = decimal(&g, -2_000...12_000), b = decimal(&g, -2_000...12_000)
            let (low, high) = (min(a, b), max(a, b))
            let sLow = Scoring.rawScore(low, r), sHigh = Scoring.rawScore(high, r)
            XCTAssertTrue(Scoring.scale.contains(sLow) && Scoring.scale.contains(sHigh), "\(r) \(low) \(high)")
            switch r.direction {
            case .higherIsBetter: XCTAssertLessThanOrEqual(sLow, sHigh, "\(r) \(low) \(high)")
            case .lowerIsBetter: XCTAssertGreaterThanOrEqual(sLow, sHigh, "\(r) \(low) \(high)")
            case .withinBand:
                if let band = r.band, band.contains(low) {
                    XCTAssertGreaterThanOrEqual(sLow, Scoring.rawScore(band.upperBound + 1, r), "inside is never worse")
                }
            }
        }
    }

    func testWeightsSummingTo100GiveAScoreOnTheScaleWhateverTheOrder() {
        var g = Seeded(state: 2570)
        for _ in 0..<2_000 {
            let n = Int.random(in: 1...12, using: &g)
            var cuts = (0..<(n - 1)).map { _ in Int.random(in: 0...10_000, using: &g) }.sorted()
            cuts = [0] + cuts + [10_000]
            let weights = zip(cuts, cuts.dropFirst()).map { Decimal($1 - $0) / 100 }
            XCTAssertEqual(weights.reduce(0, +), 100)
            let parts = weights.map { w -> Scoring.Part in
                Scoring.Part(weight: w, score: Int.random(in: 0...9, using: &g) == 0 ? nil : decimal(&g, 0...500))
            }
            let result = Scoring.weighted(parts)
            if let score = result.score { XCTAssertTrue(Scoring.scale.contains(score), "\(parts)") }
            XCTAssertEqual(result.reportedWeight + result.missingWeight, 100)
            let shuffled = Scoring.weighted(parts.shuffled(using: &g))
            XCTAssertEqual(shuffled, result, "the order of items does not matter")
        }
    }

    /// The prepared rules score exactly as the `Decimal` engine does, for every direction and rule,
    /// at every number of places, at and around the thresholds and far from them.
    func testPreparedRulesScoreExactlyAsTheDecimalEngine() {
        var g = Seeded(state: 2571)
        for _ in 0..<20_000 {
            let r = rule(&g)
            guard let prepared = Scoring.PreparedRule(r) else { return XCTFail("\(r) fits in millionths") }
            var actuals = [decimal(&g, -2_000...12_000)]
            switch r.scoring {
            case .fiveLevels(let t): actuals += t.flatMap { [$0, $0 - Decimal(1) / 100, $0 + Decimal(1) / 100] }
            case .linear(let one, let five): actuals += [one, five, (one + five) / 2, (one * 3 + five) / 4]
            }
            if let band = r.band { actuals += [band.lowerBound, band.upperBound] }
            for actual in actuals {
                let places = Int.random(in: 0...4, using: &g)
                let expected = Scoring.score(actual, r, places: places).value!
                guard let m = Scoring.millionths(actual) else { continue }  // (a + b) / 2 may need more places
                XCTAssertEqual(
                    prepared.score(millionths: m, places: places).decimal, expected, "\(r) \(actual) \(places)")
            }
        }
    }

    func testMillionthsReadPostgreSQLNumericTextExactlyOrNotAtAll() {
        XCTAssertEqual(Scoring.millionths(text: "12.5"), 12_500_000)
        XCTAssertEqual(Scoring.millionths(text: "-0.000125"), -125)
        XCTAssertEqual(Scoring.millionths(text: "7"), 7_000_000)
        XCTAssertEqual(Scoring.millionths(text: "3.1400000000"), 3_140_000)
        XCTAssertNil(Scoring.millionths(text: "0.0000001"), "a seventh place is not dropped")
        XCTAssertNil(Scoring.millionths(text: "99999999999999"), "too large is not wrapped")
        XCTAssertNil(Scoring.millionths(text: "NaN"))
        XCTAssertNil(Scoring.millionths(text: ""))
        XCTAssertEqual(Scoring.millionths(Decimal(string: "80.25")!), 80_250_000)
        XCTAssertNil(
            Scoring.PreparedRule(
                Rule(
                    direction: .higherIsBetter, scoring: .linear(scoreOne: Decimal(string: "0.0000001")!, scoreFive: 1))
            ))
    }
}
