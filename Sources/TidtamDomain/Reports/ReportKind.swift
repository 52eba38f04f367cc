/// The reports a district office assembles across its schools (seed 5.3).
public enum ReportKind: String, Sendable, CaseIterable, Codable {
    /// Every unit's submission for one requirement and period, with who is missing or late.
    case requirementConsolidated = "requirement_consolidated"
    /// Each school's weighted score under its performance agreement, and the district's distribution.
    case agreementEvaluation = "agreement_evaluation"
    /// The district's annual report of results for a fiscal year.
    case annual
    /// The summary of the schools' self-assessment reports for the district committee.
    case sarSummary = "sar_summary"

    public var thaiName: String {
        switch self {
        case .requirementConsolidated: "รายงานสรุปการส่งรายงาน"
        case .agreementEvaluation: "รายงานผลการประเมินตัวชี้วัดตามข้อตกลงผลการปฏิบัติงาน"
        case .annual: "รายงานผลการดำเนินงานประจำปี"
        case .sarSummary: "สรุปรายงานการประเมินตนเองของสถานศึกษา"
        }
    }
}

/// What a report is asked for: its kind and what it is about.
public struct ReportRequestInput: Sendable, Equatable {
    public var kind: ReportKind
    public var requirementID: Int64?
    public var period: Int?
    public var fiscalYear: FiscalYear?
    /// The academic year (Buddhist Era, the year it begins in) of the schools' SAR summary.
    public var academicYear: Int?
    /// An annual report published to the public as soon as it is assembled.
    public var publish: Bool
    /// Asked for by OBEC across every district: `requirementID` is then OBEC's own requirement
    /// (`national_requirement_id`), and nothing is published.
    public var national: Bool

    public init(
        kind: ReportKind, requirementID: Int64? = nil, period: Int? = nil, fiscalYear: FiscalYear? = nil,
        academicYear: Int? = nil, publish: Bool = false, national: Bool = false
    ) {
        self.kind = kind
        self.requirementID = requirementID
        self.period = period
        self.fiscalYear = fiscalYear
        self.academicYear = academicYear
        self.publish = publish
        self.national = national
    }

    /// What each kind needs, every missing piece at once.
    public var problems: [FieldError] {
        var errors: [FieldError] = []
        switch kind {
        case .requirementConsolidated:
            if requirementID == nil {
                errors.append(
                    national
                        ? FieldError(
                            .input[requirementField], code: "required", detail: "Name OBEC's requirement.",
                            th: "ต้องระบุรายงานที่ สพฐ. กำหนด")
                        : FieldError(
                            .input[requirementField], code: "required", detail: "Name the requirement.",
                            th: "ต้องระบุรายงานที่ต้องส่ง"))
            }
            if period == nil {
                errors.append(
                    FieldError(
                        .input["period"], code: "required", detail: "Name the period (1 to 12).",
                        th: "ต้องระบุงวดของรายงาน (1 ถึง 12)"))
            }
        case .sarSummary:
            if academicYear == nil {
                errors.append(
                    FieldError(
                        .input["academic_year"], code: "required",
                        detail: "Name the academic year (Buddhist Era, the year it begins in).",
                        th: "ต้องระบุปีการศึกษา (พ.ศ.)"))
            }
        case .agreementEvaluation, .annual:
            if fiscalYear == nil {
                errors.append(
                    FieldError(
                        .input["fiscal_year"], code: "required", detail: "Name the fiscal year (Buddhist Era).",
                        th: "ต้องระบุปีงบประมาณ (พ.ศ.)"))
            }
        }
        if publish && kind != .annual {
            errors.append(
                FieldError(
                    .input["publish"], code: "not_publishable",
                    detail: "Only the district's annual report is published to the public.",
                    th: "เผยแพร่ต่อสาธารณะได้เฉพาะรายงานผลการดำเนินงานประจำปี"))
        }
        return errors
    }

    /// The field that names the requirement: OBEC's own for a national request.
    public var requirementField: String { Self.requirementField(national: national) }
    public static func requirementField(national: Bool) -> String {
        national ? "national_requirement_id" : "requirement_id"
    }

    /// The request's parameters as stored beside it (JSON, the API's field names).
    public var paramsJSON: String {
        var fields: [String] = []
        if let id = requirementID { fields.append("\"\(requirementField)\":\(id)") }
        if let period { fields.append("\"period\":\(period)") }
        if let year = fiscalYear { fields.append("\"fiscal_year\":\(year.buddhistYear)") }
        if let year = academicYear { fields.append("\"academic_year\":\(year)") }
        if publish { fields.append("\"publish\":true") }
        return "{" + fields.joined(separator: ",") + "}"
    }

    /// The requirement exists but has no period of that number.
    public static let noSuchPeriod = FieldError(
        .input["period"], code: "out_of_range", detail: "The requirement has no such period.",
        th: "รายงานนี้ไม่มีงวดดังกล่าว")
}
