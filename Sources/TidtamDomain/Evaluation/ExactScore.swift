import Foundation

/// Scores as exact fractions, so that a weighted score is rounded once from its exact value.
///
/// Why: a linear rule divides (a dropout rate of 2.9 % on the line from 5 % to 0.5 % scores
/// 1 + 8.4 / 4.5 = 2.8666…), and `Decimal` keeps 38 digits of it; weighted with others the exact
/// score can be a half exactly (2.725, which rounds to 2.73), and the truncated one falls just
/// below it (2.72). Found by the national benchmark, whose floor computes the same scores in
/// PostgreSQL. Fractions of `Int128` hold every case the prepared rules take; one that would
/// overflow is computed in `Decimal` instead.
public struct ScoreFraction: Sendable, Equatable {
    public let numerator: Int128
    /// Always positive; the fraction is reduced.
    public let denominator: Int128

    struct Overflow: Error {}

    public init(_ numerator: Int128, _ denominator: Int128) throws {
        guard denominator != 0 else { throw Overflow() }
        var n = numerator, d = denominator
        if d < 0 { (n, d) = (-n, -d) }
        let g = Self.gcd(n.magnitude, d.magnitude)
        self.numerator = g > 1 ? n / Int128(g) : n
        self.denominator = g > 1 ? d / Int128(g) : d
    }

    static func gcd(_ a: UInt128, _ b: UInt128) -> UInt128 {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }

    /// A decimal that fits in millionths, exactly.
    public init(exactly value: Decimal) throws {
        guard let m = Scoring.millionths(value) else { throw Overflow() }
        try self.init(Int128(m), 1_000_000)
    }

    static func mul(_ a: Int128, _ b: Int128) throws -> Int128 {
        let (value, overflow) = a.multipliedReportingOverflow(by: b)
        if overflow { throw Overflow() }
        return value
    }

    static func add(_ a: Int128, _ b: Int128) throws -> Int128 {
        let (value, overflow) = a.addingReportingOverflow(b)
        if overflow { throw Overflow() }
        return value
    }

    public static func + (a: ScoreFraction, b: ScoreFraction) throws -> ScoreFraction {
        let g = Int128(gcd(a.denominator.magnitude, b.denominator.magnitude))
        let left = try mul(a.numerator, b.denominator / g)
        let right = try mul(b.numerator, a.denominator / g)
        let n = try add(left, right)
        let d = try mul(a.denominator / g, b.denominator)
        return try ScoreFraction(n, d)
    }

    public static func * (a: ScoreFraction, b: ScoreFraction) throws -> ScoreFraction {
        // Cross-reduce first, so the products stay small.
        let g1 = Int128(gcd(a.numerator.magnitude, b.denominator.magnitude)),
            g2 = Int128(gcd(b.numerator.magnitude, a.denominator.magnitude))
        let n = try mul(a.numerator / max(g1, 1), b.numerator / max(g2, 1))
        let d = try mul(a.denominator / max(g2, 1), b.denominator / max(g1, 1))
        return try ScoreFraction(n, d)
    }

    public static func / (a: ScoreFraction, b: ScoreFraction) throws -> ScoreFraction {
        try a * ScoreFraction(b.denominator, b.numerator)
    }

    /// Rounded once to `places`, half away from zero.
    public func rounded(_ places: Int) throws -> Decimal {
        let magnitude = numerator < 0 ? -numerator : numerator
        let scaled = try Self.mul(magnitude, Int128(Scoring.powerOfTen(places)))
        let twice = try Self.mul(scaled, 2)
        let units = (twice + denominator) / (2 * denominator)
        return Decimal(
            sign: numerator < 0 ? .minus : .plus, exponent: -places, significand: Decimal(string: "\(units)")!)
    }

    public var decimal: Decimal {
        Decimal(string: "\(numerator)")! / Decimal(string: "\(denominator)")!
    }
}

/// The arithmetic an evaluation is computed in: exact fractions, or `Decimal` when a value does
/// not fit them.
protocol ScoreArithmetic: Sendable, Equatable {
    static func raw(_ actual: Decimal, _ rule: Scoring.Rule) throws -> Self
    static func progress(_ percentComplete: Decimal) throws -> Self
    init(weight: Decimal) throws
    func plus(_ other: Self) throws -> Self
    func times(_ other: Self) throws -> Self
    func over(_ other: Self) throws -> Self
    static var zero: Self { get }
    func rounded(_ places: Int) throws -> Decimal
}

extension ScoreFraction: ScoreArithmetic {
    static func raw(_ actual: Decimal, _ rule: Scoring.Rule) throws -> ScoreFraction {
        guard let prepared = Scoring.PreparedRule(rule), let m = Scoring.millionths(actual) else { throw Overflow() }
        let (n, d) = prepared.rawScore(millionths: m)
        return try ScoreFraction(n, d)
    }
    static func progress(_ percentComplete: Decimal) throws -> ScoreFraction {
        let score = try ScoreFraction(exactly: percentComplete) / ScoreFraction(20, 1)
        if score.numerator < 0 { return try ScoreFraction(0, 1) }
        if score.numerator > 5 * score.denominator { return try ScoreFraction(5, 1) }
        return score
    }
    init(weight: Decimal) throws { try self.init(exactly: weight) }
    func plus(_ other: ScoreFraction) throws -> ScoreFraction { try self + other }
    func times(_ other: ScoreFraction) throws -> ScoreFraction { try self * other }
    func over(_ other: ScoreFraction) throws -> ScoreFraction { try self / other }
    static var zero: ScoreFraction { try! ScoreFraction(0, 1) }
}

extension Decimal: ScoreArithmetic {
    static func raw(_ actual: Decimal, _ rule: Scoring.Rule) throws -> Decimal { Scoring.rawScore(actual, rule) }
    static func progress(_ percentComplete: Decimal) throws -> Decimal {
        Swift.min(5, Swift.max(0, percentComplete / 20))
    }
    init(weight: Decimal) throws { self = weight }
    func plus(_ other: Decimal) throws -> Decimal { self + other }
    func times(_ other: Decimal) throws -> Decimal { self * other }
    func over(_ other: Decimal) throws -> Decimal { self / other }
    func rounded(_ places: Int) throws -> Decimal { Scoring.round(self, places: places) }
}
