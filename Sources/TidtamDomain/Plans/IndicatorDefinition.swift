import Foundation

/// An indicator (ตัวชี้วัด, KPI) as a plan, project or agreement item defines it. Scoring itself
/// belongs to the evaluation engine; here are the definition and its rules.
public struct IndicatorDefinition: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable { case output, outcome }

    /// Which way is better: more, less, or inside a band.
    public enum Direction: String, Sendable, Codable, CaseIterable {
        case higherIsBetter = "higher_is_better"
        case lowerIsBetter = "lower_is_better"
        case withinBand = "within_band"
    }

    /// The usual Thai public-sector scale: the actual value that earns each level 1…5; or a
    /// straight line from the value scoring 1 to the value scoring 5.
    public enum Scoring: Sendable, Equatable {
        case fiveLevels([Decimal])
        case linear(scoreOne: Decimal, scoreFive: Decimal)
    }

    public var nameTH: String
    public var unit: String
    public var kind: Kind
    public var direction: Direction
    public var baseline: Decimal?
    public var scoring: Scoring
    public var weight: Decimal
    public var isCSF: Bool
    /// For `withinBand`: the band that counts as on target.
    public var band: ClosedRange<Decimal>?

    public init(
        nameTH: String, unit: String, kind: Kind, direction: Direction, baseline: Decimal? = nil,
        scoring: Scoring, weight: Decimal, isCSF: Bool = false, band: ClosedRange<Decimal>? = nil
    ) {
        self.nameTH = nameTH; self.unit = unit; self.kind = kind; self.direction = direction; self.baseline = baseline
        self.scoring = scoring; self.weight = weight; self.isCSF = isCSF; self.band = band
    }

    /// Every rule the definition breaks, as field errors (all of them, not the first).
    public func validate(path: FieldPath = .input) -> [FieldError] {
        var errors: [FieldError] = []
        /// `field` is a name, or names through nested objects ("scoring", "levels").
        func fail(_ field: String..., code: String, _ detail: String, _ th: String) {
            errors.append(FieldError(field.reduce(path) { $0[$1] }, code: code, detail: detail, th: th))
        }
        if nameTH.trimmingCharacters(in: " ").isEmpty {
            fail("name_th", code: "required", "An indicator needs a Thai name.", "ต้องระบุชื่อตัวชี้วัด")
        }
        if unit.trimmingCharacters(in: " ").isEmpty {
            fail("unit", code: "required", "An indicator needs a unit.", "ต้องระบุหน่วยนับ")
        }
        if weight < 0 || weight > 100 {
            fail("weight", code: "out_of_range", "A weight is from 0 to 100.", "น้ำหนักต้องอยู่ระหว่าง 0 ถึง 100")
        }
        switch scoring {
        case .fiveLevels(let levels):
            let ascending = zip(levels, levels.dropFirst()).allSatisfy { $0 < $1 }
            let descending = zip(levels, levels.dropFirst()).allSatisfy { $0 > $1 }
            if levels.count != 5 {
                fail("scoring", "levels", code: "count", "A five-level table has five values.", "เกณฑ์ 5 ระดับต้องมี 5 ค่า")
            } else if direction == .higherIsBetter && !ascending {
                fail(
                    "scoring", "levels", code: "order",
                    "When higher is better, each level needs a higher value than the one before.",
                    "เมื่อค่ามากดีกว่า ค่าของแต่ละระดับต้องเพิ่มขึ้น")
            } else if direction == .lowerIsBetter && !descending {
                fail(
                    "scoring", "levels", code: "order",
                    "When lower is better, each level needs a lower value than the one before.",
                    "เมื่อค่าน้อยดีกว่า ค่าของแต่ละระดับต้องลดลง")
            }
        case .linear(let one, let five):
            if (direction == .higherIsBetter && one >= five) || (direction == .lowerIsBetter && one <= five) {
                fail(
                    "scoring", code: "order", "The value scoring 5 must be better than the value scoring 1.",
                    "ค่าที่ได้ 5 คะแนนต้องดีกว่าค่าที่ได้ 1 คะแนน")
            }
        }
        if direction == .withinBand, band == nil {
            fail("band", code: "required", "An indicator scored within a band needs the band.", "ต้องระบุช่วงค่าเป้าหมาย")
        }
        return errors
    }
}
