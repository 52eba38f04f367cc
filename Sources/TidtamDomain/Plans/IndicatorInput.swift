import Foundation

/// How often an indicator is reported: a target and an actual per period of the fiscal year.
public enum ReportingPeriod: String, Sendable, Codable, CaseIterable {
    case year, half, quarter, month

    /// Period numbers that exist: 0 is the whole fiscal year; then halves, quarters or months
    /// counted from October (month 1 = October … 12 = September).
    public var periods: ClosedRange<Int> {
        switch self {
        case .year: return 0...0
        case .half: return 0...2
        case .quarter: return 0...4
        case .month: return 0...12
        }
    }
}

public struct TargetInput: Sendable, Equatable {
    public var fiscalYear: FiscalYear
    public var period: Int
    public var target: Decimal

    public init(fiscalYear: FiscalYear, period: Int = 0, target: Decimal) {
        self.fiscalYear = fiscalYear; self.period = period; self.target = target
    }
}

/// An indicator as written: its definition (the scoring rules live in `IndicatorDefinition`),
/// what it is attached to, and its targets.
public struct IndicatorInput: Sendable, Equatable {
    public var schoolID: Int64?
    public var goalID: Int64?
    public var projectID: Int64?
    public var code: String?
    public var nameEN: String?
    public var definition: IndicatorDefinition
    public var period: ReportingPeriod
    public var targets: [TargetInput]
    /// The places its scores are rounded to (once, at the end): 0–4.
    public var scorePlaces: Int

    public init(
        schoolID: Int64? = nil, goalID: Int64? = nil, projectID: Int64? = nil, code: String? = nil,
        nameEN: String? = nil,
        definition: IndicatorDefinition, period: ReportingPeriod = .year, targets: [TargetInput] = [],
        scorePlaces: Int = 2
    ) {
        self.schoolID = schoolID; self.goalID = goalID; self.projectID = projectID; self.code = code;
        self.nameEN = nameEN
        self.definition = definition; self.period = period; self.targets = targets; self.scorePlaces = scorePlaces
    }

    public func validate() -> [FieldError] {
        var errors = definition.validate()
        if goalID != nil && projectID != nil {
            errors.append(
                FieldError(
                    .input["project_id"], code: "one_owner",
                    detail: "An indicator belongs to a goal or to a project, not both.",
                    th: "ตัวชี้วัดสังกัดเป้าประสงค์หรือโครงการอย่างใดอย่างหนึ่ง"))
        }
        errors += Self.validate(targets: targets, period: period)
        return errors
    }

    /// Periods that exist for the indicator's period kind, and one target per period.
    public static func validate(targets: [TargetInput], period: ReportingPeriod, path: FieldPath = .input["targets"])
        -> [FieldError]
    {
        var errors: [FieldError] = []
        var seen: Set<[Int]> = []
        for (index, target) in targets.enumerated() {
            if !period.periods.contains(target.period) {
                errors.append(
                    FieldError(
                        path[index]["period"], code: "out_of_range",
                        detail:
                            "A \(period.rawValue) indicator has periods \(period.periods.lowerBound)…\(period.periods.upperBound).",
                        th: "งวดต้องอยู่ระหว่าง \(period.periods.lowerBound) ถึง \(period.periods.upperBound)"))
            }
            if !seen.insert([target.fiscalYear.buddhistYear, target.period]).inserted {
                errors.append(
                    FieldError(
                        path[index], code: "duplicate", detail: "This fiscal year and period already have a target.",
                        th: "ปีงบประมาณและงวดนี้มีค่าเป้าหมายแล้ว"))
            }
        }
        return errors
    }
}
