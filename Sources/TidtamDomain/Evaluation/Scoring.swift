import Foundation

/// The scoring engine (seed 5.2): an actual against its indicator's rule, on the 0–5 scale of
/// Thai public-sector evaluation, and weighted scores of what is made of indicators. Pure, in
/// `Decimal`, rounded once, at the end, to the places asked for.
///
/// - **Five levels** (เกณฑ์การให้คะแนน 5 ระดับ): the table gives the value that earns each level
///   1…5; the score is the highest level the actual reaches (0 below level 1).
/// - **Linear**: a straight line through the value that scores 1 and the value that scores 5,
///   continued to 0 below and held at 5 above.
/// - **Direction**: higher is better compares `actual ≥ threshold`; lower is better
///   `actual ≤ threshold`; within a band scores the actual's distance outside the band as lower
///   is better (inside the band the distance is 0, which earns whatever 0 earns: level 5 when the
///   table's last value is 0).
/// - **Not reported** is not zero: it is `.missing`, counted apart, with its weight.
public enum Scoring {
    public static let scale: ClosedRange<Decimal> = 0...5

    /// An indicator's rule, as the scoring engine needs it.
    public struct Rule: Sendable, Equatable {
        public var direction: IndicatorDefinition.Direction
        public var scoring: IndicatorDefinition.Scoring
        public var band: ClosedRange<Decimal>?

        public init(
            direction: IndicatorDefinition.Direction, scoring: IndicatorDefinition.Scoring,
            band: ClosedRange<Decimal>? = nil
        ) {
            self.direction = direction; self.scoring = scoring; self.band = band
        }
    }

    /// The unrounded score of `actual` under `rule`, within 0…5.
    public static func rawScore(_ actual: Decimal, _ rule: Rule) -> Decimal {
        // Within a band: the distance outside it, scored as lower is better.
        let (value, higherIsBetter): (Decimal, Bool) =
            switch rule.direction {
            case .higherIsBetter: (actual, true)
            case .lowerIsBetter: (actual, false)
            case .withinBand:
                if let band = rule.band {
                    (
                        actual < band.lowerBound
                            ? band.lowerBound - actual : actual > band.upperBound ? actual - band.upperBound : 0, false
                    )
                } else {
                    (actual, true)
                }
            }
        switch rule.scoring {
        case .fiveLevels(let levels):
            var level = 0
            for (index, threshold) in levels.prefix(5).enumerated() {
                let reached = higherIsBetter ? value >= threshold : value <= threshold
                if reached { level = index + 1 } else { break }
            }
            return Decimal(level)
        case .linear(let one, let five):
            guard one != five else { return (higherIsBetter ? value >= five : value <= five) ? 5 : 0 }
            let score = 1 + 4 * (value - one) / (five - one)
            return min(5, max(0, score))
        }
    }

    /// The score rounded to `places` (half away from zero, as Thai reports round).
    public static func score(_ actual: Decimal?, _ rule: Rule, places: Int = 2) -> Score {
        guard let actual else { return .missing }
        return .scored(round(rawScore(actual, rule), places: places))
    }

    public static func round(_ value: Decimal, places: Int) -> Decimal {
        var input = value, output = Decimal()
        NSDecimalRound(&output, &input, places, .plain)
        return output
    }

    /// A score, or the fact that nothing was reported.
    public enum Score: Sendable, Equatable {
        case scored(Decimal)
        case missing

        public var value: Decimal? {
            if case .scored(let v) = self { return v }
            return nil
        }
    }

    /// One part of a weighted score: its weight and its (unrounded) score, or missing.
    public struct Part: Sendable, Equatable {
        public var weight: Decimal
        public var score: Decimal?
        public init(weight: Decimal, score: Decimal?) {
            self.weight = weight
            self.score = score
        }
    }

    /// A weighted score with what it leaves out: the score over the parts that were reported
    /// (their weighted mean, so weights summing to 100 give a score on the same scale), the
    /// weight reported and the weight missing. No part reported: no score.
    public struct Weighted: Sendable, Equatable {
        public var score: Decimal?
        public var reportedWeight: Decimal
        public var missingWeight: Decimal
        public var reported: Int
        public var missing: Int
    }

    /// The weighted score of `parts`, rounded once to `places`. Parts of weight 0 count
    /// equally among themselves when every weight is 0 (an unweighted mean). (Evaluations weigh
    /// in exact fractions: `EvaluationComputation.weighted`.)
    public static func weighted(_ parts: [Part], places: Int = 2) -> Weighted {
        let allUnweighted = parts.allSatisfy { $0.weight == 0 }
        var sum = Decimal(0), reportedWeight = Decimal(0), missingWeight = Decimal(0)
        var reported = 0, missing = 0
        for part in parts {
            let weight = allUnweighted ? 1 : part.weight
            if let score = part.score {
                sum += weight * score
                reportedWeight += weight
                reported += 1
            } else {
                missingWeight += weight
                missing += 1
            }
        }
        let score = reportedWeight > 0 ? round(sum / reportedWeight, places: places) : nil
        return Weighted(
            score: score, reportedWeight: allUnweighted ? Decimal(reported) : reportedWeight,
            missingWeight: allUnweighted ? Decimal(missing) : missingWeight, reported: reported, missing: missing)
    }
}
