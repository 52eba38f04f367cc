import Foundation

/// What a unit writes into an annual action plan (แผนปฏิบัติการประจำปี) and its projects.
/// Each input checks the rules that need no database; the store checks the rest (the plan is
/// still editable, the strategy exists in the district) inside its transaction.
public struct ActionPlanInput: Sendable, Equatable {
    public var schoolID: Int64?
    public var fiscalYear: FiscalYear
    public var titleTH: String
    public var titleEN: String?
    public var strategicPlanID: Int64?

    public init(
        schoolID: Int64?, fiscalYear: FiscalYear, titleTH: String, titleEN: String? = nil, strategicPlanID: Int64? = nil
    ) {
        self.schoolID = schoolID; self.fiscalYear = fiscalYear; self.titleTH = titleTH; self.titleEN = titleEN
        self.strategicPlanID = strategicPlanID
    }
}

/// The source of a budget line, as schools' plans name them.
public enum BudgetSource: String, Sendable, Codable, CaseIterable {
    case obec, schoolRevenue = "school_revenue", localGovernment = "local_government", donation, other

    public var thaiName: String {
        switch self {
        case .obec: return "งบประมาณจาก สพฐ."
        case .schoolRevenue: return "เงินรายได้สถานศึกษา"
        case .localGovernment: return "องค์กรปกครองส่วนท้องถิ่น"
        case .donation: return "เงินบริจาค"
        case .other: return "อื่น ๆ"
        }
    }
}

public enum ProjectKind: String, Sendable, Codable, CaseIterable {
    /// โครงการ: a project with its own objectives.
    case project
    /// งาน: routine work that the plan also budgets.
    case work
}

public struct ActivityInput: Sendable, Equatable {
    /// An existing activity to keep (and update); nil adds a new one.
    public var id: Int64?
    public var nameTH: String
    public var startDate: CalendarDate?
    public var endDate: CalendarDate?
    public var isMilestone: Bool

    public init(
        id: Int64? = nil, nameTH: String, startDate: CalendarDate? = nil, endDate: CalendarDate? = nil,
        isMilestone: Bool = false
    ) {
        self.id = id; self.nameTH = nameTH; self.startDate = startDate; self.endDate = endDate;
        self.isMilestone = isMilestone
    }
}

public struct BudgetLineInput: Sendable, Equatable {
    public var id: Int64?
    public var source: BudgetSource
    public var descriptionTH: String?
    public var amount: Decimal

    public init(id: Int64? = nil, source: BudgetSource, descriptionTH: String? = nil, amount: Decimal) {
        self.id = id; self.source = source; self.descriptionTH = descriptionTH; self.amount = amount
    }
}

/// A project or work item with its activities and budget lines: written as one document, so a
/// project never exists half-saved. Children named by `id` are kept, new ones added, and the
/// ones left out removed.
public struct ProjectInput: Sendable, Equatable {
    public var code: String
    public var kind: ProjectKind
    public var nameTH: String
    public var nameEN: String?
    public var strategyID: Int64?
    public var responsibleTH: String?
    public var startDate: CalendarDate?
    public var endDate: CalendarDate?
    public var objectivesTH: String?
    public var expectedOutputsTH: String?
    public var expectedOutcomesTH: String?
    public var activities: [ActivityInput]
    public var budgetLines: [BudgetLineInput]

    public init(
        code: String, kind: ProjectKind = .project, nameTH: String, nameEN: String? = nil, strategyID: Int64? = nil,
        responsibleTH: String? = nil, startDate: CalendarDate? = nil, endDate: CalendarDate? = nil,
        objectivesTH: String? = nil, expectedOutputsTH: String? = nil, expectedOutcomesTH: String? = nil,
        activities: [ActivityInput] = [], budgetLines: [BudgetLineInput] = []
    ) {
        self.code = code; self.kind = kind; self.nameTH = nameTH; self.nameEN = nameEN; self.strategyID = strategyID
        self.responsibleTH = responsibleTH; self.startDate = startDate; self.endDate = endDate;
        self.objectivesTH = objectivesTH
        self.expectedOutputsTH = expectedOutputsTH; self.expectedOutcomesTH = expectedOutcomesTH
        self.activities = activities; self.budgetLines = budgetLines
    }

    /// Every broken rule: dates in order, activities inside the project's dates, no child twice.
    public func validate() -> [FieldError] {
        var errors: [FieldError] = []
        if let start = startDate, let end = endDate, end < start {
            errors.append(
                FieldError(
                    .input["end_date"], code: "before_start", detail: "The end date is before the start date.",
                    th: "วันสิ้นสุดอยู่ก่อนวันเริ่มต้น"))
        }
        for (index, activity) in activities.enumerated() {
            let path = FieldPath.input["activities"][index]
            if let start = activity.startDate, let end = activity.endDate, end < start {
                errors.append(
                    FieldError(
                        path["end_date"], code: "before_start", detail: "The end date is before the start date.",
                        th: "วันสิ้นสุดอยู่ก่อนวันเริ่มต้น"))
            }
            if let start = activity.startDate, let projectStart = startDate, start < projectStart {
                errors.append(
                    FieldError(
                        path["start_date"], code: "outside_project", detail: "The activity starts before its project.",
                        th: "กิจกรรมเริ่มก่อนวันเริ่มโครงการ"))
            }
            if let end = activity.endDate, let projectEnd = endDate, end > projectEnd {
                errors.append(
                    FieldError(
                        path["end_date"], code: "outside_project", detail: "The activity ends after its project.",
                        th: "กิจกรรมสิ้นสุดหลังวันสิ้นสุดโครงการ"))
            }
        }
        errors += Self.duplicateIDs(activities.map(\.id), path: .input["activities"])
        errors += Self.duplicateIDs(budgetLines.map(\.id), path: .input["budget_lines"])
        return errors
    }

    static func duplicateIDs(_ ids: [Int64?], path: FieldPath) -> [FieldError] {
        var seen: Set<Int64> = []
        var errors: [FieldError] = []
        for (index, id) in ids.enumerated() {
            guard let id else { continue }
            if !seen.insert(id).inserted {
                errors.append(
                    FieldError(
                        path[index]["id"], code: "duplicate", detail: "The same item is listed twice.",
                        th: "รายการนี้ซ้ำ"))
            }
        }
        return errors
    }
}
