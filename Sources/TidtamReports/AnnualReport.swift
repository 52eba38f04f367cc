import Foundation
import TidtamDomain

/// The district office's annual report of results for a fiscal year (report 3 of seed 5.3), as
/// `AnnualReportQuery` assembles it, in the parts a Thai district office's annual report has:
/// basic figures, direction, results (plans and budget, indicators, evaluations), follow-up and
/// supervision, and what was learned. Amounts are baht (Decimal); nothing not reported is zero.
public struct AnnualReport: Codable, Sendable, Equatable {
    public struct Overview: Codable, Sendable, Equatable {
        public var schools: Int
        public var students: Int
        public var plans: Int
        public var schoolsWithPlan: Int
        public var projects: Int
        public var works: Int
        enum CodingKeys: String, CodingKey {
            case schools, students, plans, projects, works
            case schoolsWithPlan = "schools_with_plan"
        }
    }

    public struct Coded: Codable, Sendable, Equatable {
        public var code: String
        public var nameTH: String
        enum CodingKeys: String, CodingKey { case code, nameTH = "name_th" }
    }

    public struct Strategy: Codable, Sendable, Equatable {
        public var code: String
        public var nameTH: String
        public var goals: [Coded]
        enum CodingKeys: String, CodingKey { case code, goals, nameTH = "name_th" }
    }

    public struct StrategicPlan: Codable, Sendable, Equatable {
        public var titleTH: String
        public var yearsTH: String
        public var visionTH: String?
        public var missionTH: String?
        public var strategies: [Strategy]
        enum CodingKeys: String, CodingKey {
            case strategies
            case titleTH = "title_th", yearsTH = "years_th", visionTH = "vision_th", missionTH = "mission_th"
        }
    }

    public struct SourceBudget: Codable, Sendable, Equatable {
        public var source: String
        public var sourceTH: String
        public var allocated: Decimal
        public var disbursed: Decimal
        enum CodingKeys: String, CodingKey { case source, allocated, disbursed, sourceTH = "source_th" }
    }

    public struct Budget: Codable, Sendable, Equatable {
        public var allocated: Decimal
        public var disbursed: Decimal
        public var bySource: [SourceBudget]
        enum CodingKeys: String, CodingKey { case allocated, disbursed, bySource = "by_source" }
    }

    public struct StatusCount: Codable, Sendable, Equatable {
        public var status: String?
        public var statusTH: String
        public var projects: Int
        enum CodingKeys: String, CodingKey { case status, projects, statusTH = "status_th" }
    }

    public struct School: Codable, Sendable, Equatable {
        public var obecCode: String
        public var nameTH: String
        public var projects: Int
        public var allocated: Decimal
        public var disbursed: Decimal
        public var meanPercentComplete: Decimal?
        public var reportsOnTime: Int
        public var reportsLate: Int
        public var reportsMissing: Int
        enum CodingKeys: String, CodingKey {
            case projects, allocated, disbursed
            case obecCode = "obec_code", nameTH = "name_th", meanPercentComplete = "mean_percent_complete"
            case reportsOnTime = "reports_on_time", reportsLate = "reports_late", reportsMissing = "reports_missing"
        }
    }

    /// A project of an approved plan in force, with the unit that carries it out.
    public struct Project: Codable, Sendable, Equatable {
        /// The office's own project (not a school's).
        public var office: Bool
        public var schoolTH: String
        public var code: String
        public var nameTH: String
        public var allocated: Decimal
        public var disbursed: Decimal
        public var percentComplete: Decimal?
        public var statusTH: String
        enum CodingKeys: String, CodingKey {
            case office, code, allocated, disbursed
            case schoolTH = "school_th", nameTH = "name_th", percentComplete = "percent_complete", statusTH =
                "status_th"
        }
    }

    public struct ProgressReports: Codable, Sendable, Equatable {
        public var due: Int
        public var onTime: Int
        public var late: Int
        public var missing: Int
        public var upcoming: Int
        enum CodingKeys: String, CodingKey { case due, late, missing, upcoming, onTime = "on_time" }
    }

    public struct Indicators: Codable, Sendable, Equatable {
        public var withTarget: Int
        public var reported: Int
        public var met: Int
        public var notMet: Int
        public var notReported: Int
        enum CodingKeys: String, CodingKey {
            case reported, met
            case withTarget = "with_target", notMet = "not_met", notReported = "not_reported"
        }
    }

    public struct OfficeIndicator: Codable, Sendable, Equatable {
        public var code: String?
        public var nameTH: String
        public var unitTH: String
        public var target: Decimal
        public var actual: Decimal?
        public var met: Bool?
        enum CodingKeys: String, CodingKey { case code, target, actual, met, nameTH = "name_th", unitTH = "unit_th" }
    }

    public struct Round: Codable, Sendable, Equatable {
        public var nameTH: String
        public var kind: String
        enum CodingKeys: String, CodingKey { case kind, nameTH = "name_th" }
    }

    public struct Evaluations: Codable, Sendable, Equatable {
        public var subject: String
        public var subjectTH: String
        public var evaluated: Int
        public var scored: Int
        public var notReported: Int
        public var mean: Decimal?
        public var final: Int
        public var levels: [Int]
        enum CodingKeys: String, CodingKey {
            case subject, evaluated, scored, mean, final, levels
            case subjectTH = "subject_th", notReported = "not_reported"
        }
    }

    public struct Visits: Codable, Sendable, Equatable {
        public var kind: String
        public var kindTH: String
        public var planned: Int
        public var done: Int
        public var cancelled: Int
        public var schools: Int
        enum CodingKeys: String, CodingKey { case kind, planned, done, cancelled, schools, kindTH = "kind_th" }
    }

    public struct Findings: Codable, Sendable, Equatable {
        public var total: Int
        public var open: Int
        public var inProgress: Int
        public var closed: Int
        enum CodingKeys: String, CodingKey { case total, open, closed, inProgress = "in_progress" }
    }

    public struct OpenFinding: Codable, Sendable, Equatable {
        public var schoolTH: String
        public var findingTH: String
        public var recommendationTH: String?
        public var statusTH: String
        public var dueOnTH: String?
        enum CodingKeys: String, CodingKey {
            case schoolTH = "school_th", findingTH = "finding_th", recommendationTH = "recommendation_th"
            case statusTH = "status_th", dueOnTH = "due_on_th"
        }
    }

    public struct Lesson: Codable, Sendable, Equatable {
        public var unitTH: String
        public var projectTH: String?
        public var textTH: String
        enum CodingKeys: String, CodingKey { case unitTH = "unit_th", projectTH = "project_th", textTH = "text_th" }
    }

    public struct Lessons: Codable, Sendable, Equatable {
        public var problems: [Lesson]
        public var recommendations: [Lesson]
        public var evaluatorComments: [Lesson]
        enum CodingKeys: String, CodingKey {
            case problems, recommendations, evaluatorComments = "evaluator_comments"
        }
    }

    public var district: ConsolidatedReport.District
    public var fiscalYear: Int
    public var periodTH: String
    public var assembledOnTH: String
    public var overview: Overview
    public var strategicPlan: StrategicPlan?
    public var budget: Budget
    public var projectsByStatus: [StatusCount]
    public var schools: [School]
    public var projects: [Project]
    public var progressReports: ProgressReports
    public var indicators: Indicators
    public var officeIndicators: [OfficeIndicator]
    public var evaluationRound: Round?
    public var evaluations: [Evaluations]
    public var visits: [Visits]
    public var findings: Findings
    public var openFindings: [OpenFinding]
    public var lessons: Lessons

    enum CodingKeys: String, CodingKey {
        case district, overview, budget, schools, projects, indicators, evaluations, visits, findings, lessons
        case fiscalYear = "fiscal_year", periodTH = "period_th", assembledOnTH = "assembled_on_th"
        case strategicPlan = "strategic_plan", projectsByStatus = "projects_by_status"
        case progressReports = "progress_reports"
        case officeIndicators = "office_indicators", evaluationRound = "evaluation_round"
        case openFindings = "open_findings"
    }

    /// The office's own projects, apart from the schools'.
    public var officeProjects: [Project] { projects.filter(\.office) }

    public var titleTH: String { "\(ReportKind.annual.thaiName) ปีงบประมาณ พ.ศ. \(fiscalYear)" }

    /// The share `part / whole` as a percentage with two places, nil when there is no whole.
    static func percent(_ part: Decimal, of whole: Decimal) -> Decimal? {
        guard whole != 0 else { return nil }
        var value = part * 100 / whole
        var rounded = Decimal()
        NSDecimalRound(&rounded, &value, 2, .plain)
        return rounded
    }

    static func metTH(_ met: Bool?) -> String {
        switch met {
        case true?: "บรรลุ"
        case false?: "ไม่บรรลุ"
        case nil: "ไม่ได้รายงานผล"
        }
    }
}
