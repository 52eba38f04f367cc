import Foundation

/// Exact decimal scoring at speed: a rule's values prepared once as whole numbers of
/// millionths, an actual read as the same, and the score computed in integers and rounded once
/// (half away from zero) to the places asked for. It is decimal arithmetic, not binary floating
/// point: every value it accepts is represented exactly, and a linear score is rounded from the
/// exact fraction, so it gives what `Scoring.score` gives in `Decimal` (a property test holds
/// the two equal). A rule or an actual that does not fit (more than six decimal places, or
/// beyond ±9.2 × 10¹²) is not prepared: its caller scores it with `Scoring.score`.
///
/// Why: Foundation's `Decimal` costs microseconds a score, and a year-end evaluation scores
/// millions of indicators.
extension Scoring {
    /// Millionths: the places a prepared value keeps.
    public static let fixedPlaces = 6
    static let fixedOne: Int64 = 1_000_000

    /// `value` as a whole number of millionths, when it is exactly that and fits.
    public static func millionths(_ value: Decimal) -> Int64? {
        millionths(text: "\(value)")
    }

    /// The text of a number as PostgreSQL sends `numeric` ("-12.5", "0.000125") in millionths.
    public static func millionths(text: some StringProtocol) -> Int64? {
        var utf8 = Array(text.utf8)[...]
        var negative = false
        if utf8.first == UInt8(ascii: "-") {
            negative = true
            utf8 = utf8.dropFirst()
        } else if utf8.first == UInt8(ascii: "+") {
            utf8 = utf8.dropFirst()
        }
        var whole: Int64 = 0, fraction: Int64 = 0, places = 0, digits = 0, seenPoint = false
        for byte in utf8 {
            if byte == UInt8(ascii: ".") {
                if seenPoint { return nil }
                seenPoint = true
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let digit = Int64(byte - UInt8(ascii: "0"))
            digits += 1
            if seenPoint {
                places += 1
                if places > fixedPlaces {
                    if digit != 0 { return nil }  // trailing zeros beyond the sixth place are fine
                    continue
                }
                fraction = fraction * 10 + digit
            } else {
                let (times, o1) = whole.multipliedReportingOverflow(by: 10)
                let (plus, o2) = times.addingReportingOverflow(digit)
                if o1 || o2 || plus > Int64.max / fixedOne { return nil }
                whole = plus
            }
        }
        guard digits > 0 else { return nil }
        for _ in min(places, fixedPlaces)..<fixedPlaces { fraction *= 10 }
        let magnitude = whole * fixedOne + fraction
        return negative ? -magnitude : magnitude
    }

    /// A score held as a whole number of units of its last place (`units` × 10^-`places`).
    public struct FixedScore: Sendable, Equatable, Hashable {
        public var units: Int64
        public var places: Int
        public var decimal: Decimal {
            Decimal(sign: units < 0 ? .minus : .plus, exponent: -places, significand: Decimal(units.magnitude))
        }
    }

    /// A rule ready to score actuals in millionths.
    public struct PreparedRule: Sendable, Equatable {
        enum Kind: Sendable, Equatable {
            /// Up to five thresholds in millionths; `count` of them are used.
            case levels(Int64, Int64, Int64, Int64, Int64, count: Int)
            case linear(one: Int64, five: Int64)
        }
        let kind: Kind
        let higherIsBetter: Bool
        let band: (low: Int64, high: Int64)?

        public static func == (a: PreparedRule, b: PreparedRule) -> Bool {
            a.kind == b.kind && a.higherIsBetter == b.higherIsBetter && a.band?.low == b.band?.low
                && a.band?.high == b.band?.high
        }

        /// Nil when a value of the rule does not fit in millionths (score it in `Decimal`).
        public init?(_ rule: Rule) {
            switch rule.direction {
            case .higherIsBetter: (higherIsBetter, band) = (true, nil)
            case .lowerIsBetter: (higherIsBetter, band) = (false, nil)
            case .withinBand:
                if let range = rule.band {
                    guard let low = millionths(range.lowerBound), let high = millionths(range.upperBound) else {
                        return nil
                    }
                    (higherIsBetter, band) = (false, (low, high))
                } else {
                    (higherIsBetter, band) = (true, nil)
                }
            }
            switch rule.scoring {
            case .fiveLevels(let values):
                var t: [Int64] = []
                for value in values.prefix(5) {
                    guard let m = millionths(value) else { return nil }
                    t.append(m)
                }
                let count = t.count
                while t.count < 5 { t.append(0) }
                kind = .levels(t[0], t[1], t[2], t[3], t[4], count: count)
            case .linear(let one, let five):
                guard let o = millionths(one), let f = millionths(five) else { return nil }
                kind = .linear(one: o, five: f)
            }
        }

        /// The exact unrounded score as a fraction `numerator / denominator` (denominator > 0),
        /// within 0…5.
        @inline(__always)
        public func rawScore(millionths actual: Int64) -> (numerator: Int128, denominator: Int128) {
            var value = actual
            if let band {
                value = actual < band.low ? band.low &- actual : actual > band.high ? actual &- band.high : 0
            }
            switch kind {
            case .levels(let t0, let t1, let t2, let t3, let t4, let count):
                @inline(__always) func reached(_ t: Int64) -> Bool { higherIsBetter ? value >= t : value <= t }
                var level: Int64 = 0
                if count > 0, reached(t0) {
                    level = 1
                    if count > 1, reached(t1) {
                        level = 2
                        if count > 2, reached(t2) {
                            level = 3
                            if count > 3, reached(t3) {
                                level = 4
                                if count > 4, reached(t4) { level = 5 }
                            }
                        }
                    }
                }
                return (Int128(level), 1)
            case .linear(let one, let five):
                if one == five {
                    return ((higherIsBetter ? value >= five : value <= five) ? 5 : 0, 1)
                }
                // 1 + 4 (v − one) / (five − one), as one fraction with a positive denominator.
                var d = Int128(five) - Int128(one)
                var n = d + 4 * (Int128(value) - Int128(one))
                if d < 0 { (n, d) = (-n, -d) }
                if n < 0 { return (0, 1) }
                if n > 5 * d { return (5, 1) }
                return (n, d)
            }
        }

        /// The score rounded once to `places` (0…9), half away from zero.
        @inline(__always)
        public func score(millionths actual: Int64, places: Int) -> FixedScore {
            let (n, d) = rawScore(millionths: actual)
            let scaled = n * Int128(Scoring.powerOfTen(places))
            // Scores are never negative: half away from zero is half up.
            let units = (2 * scaled + d) / (2 * d)
            return FixedScore(units: Int64(units), places: places)
        }
    }

    @inline(__always)
    static func powerOfTen(_ places: Int) -> Int64 {
        switch places {
        case 0: 1
        case 1: 10
        case 2: 100
        case 3: 1_000
        case 4: 10_000
        case 5: 100_000
        case 6: 1_000_000
        case 7: 10_000_000
        case 8: 100_000_000
        default: 1_000_000_000
        }
    }
}
