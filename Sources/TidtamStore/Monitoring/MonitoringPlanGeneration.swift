import Foundation
import Postgres
import TidtamDomain

/// What a monitoring plan is generated from: an approved action plan or performance agreement.
public enum MonitoringSource: Sendable, Equatable, Codable {
    case actionPlan(Int64)
    case agreement(Int64)

    enum CodingKeys: String, CodingKey {
        case actionPlanID = "action_plan_id"
        case agreementID = "agreement_id"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let id = try c.decodeIfPresent(Int64.self, forKey: .actionPlanID) {
            self = .actionPlan(id)
        } else {
            self = .agreement(try c.decode(Int64.self, forKey: .agreementID))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .actionPlan(let id): try c.encode(id, forKey: .actionPlanID)
        case .agreement(let id): try c.encode(id, forKey: .agreementID)
        }
    }
}

/// Generating a monitoring plan is a job, enqueued in the approval's own transaction: the job
/// exists exactly when the approval committed, and its unique key makes it exist once per
/// approved revision, however often the approval is retried.
public enum MonitoringPlanJob {
    public static let kind = "monitoring.generate"

    public static func job(district: Int64, _ source: MonitoringSource) -> NewJob {
        let (name, id): (String, Int64) =
            switch source {
            case .actionPlan(let id): ("action_plan", id)
            case .agreement(let id): ("agreement", id)
            }
        return NewJob(
            districtID: district, kind: kind, args: PostgresJSON("{\"\(name)_id\":\(id)}"), priority: 1,
            maxAttempts: 10, uniqueKey: "\(kind):\(name):\(id)")
    }
}

/// The district's monitoring settings, or the defaults when it has set none.
public struct MonitoringSettings: Sendable, Equatable {
    public var reportFrequency: ReportFrequency
    public var reportDueDays: Int
    public var jointVisitDays: Int

    public static let defaults = MonitoringSettings(reportFrequency: .quarterly, reportDueDays: 15, jointVisitDays: 3)

    public init(reportFrequency: ReportFrequency, reportDueDays: Int, jointVisitDays: Int) {
        self.reportFrequency = reportFrequency; self.reportDueDays = reportDueDays
        self.jointVisitDays = jointVisitDays
    }

    static func read(_ tx: Transaction, district: Int64) throws -> MonitoringSettings {
        try tx.query("SELECT \(columns) FROM monitoring_setting ms WHERE ms.district_id = \(district)").first
            .map(MonitoringSettings.init(row:)) ?? .defaults
    }

    /// The settings' columns beside another table's row (`join` adds them, NULL when the
    /// district has set none), read by `init(row:)`: one round trip instead of two.
    static let columns: SQL = "ms.report_frequency, ms.report_due_days, ms.joint_visit_days"
    static func join(district: SQL) -> SQL {
        "LEFT JOIN monitoring_setting ms ON ms.district_id = \(district)"
    }

    init(row: Row) throws {
        let defaults = Self.defaults
        self.init(
            reportFrequency: (try row.decode("report_frequency", as: String?.self)).flatMap(ReportFrequency.init)
                ?? defaults.reportFrequency,
            reportDueDays: try row.decode("report_due_days") ?? defaults.reportDueDays,
            jointVisitDays: try row.decode("joint_visit_days") ?? defaults.jointVisitDays)
    }
}

/// Writes the due items of an approved plan or agreement. Every statement is idempotent (a
/// unique key per item, ON CONFLICT DO NOTHING; moves and withdrawals match nothing the second
/// time), so a job that runs again after its worker died changes nothing more.
public enum MonitoringPlanGenerator {
    /// What one run did, for the job's log and the tests.
    public struct Outcome: Sendable, Equatable {
        public var created = 0
        public var moved = 0
        public var withdrawn = 0
        /// The source was superseded before the job ran: a later revision's job does the work.
        public var skipped = false
    }

    public static func generate(_ tx: Transaction, district: Int64, _ source: MonitoringSource) throws -> Outcome {
        switch source {
        case .actionPlan(let plan): return try generatePlan(tx, district: district, plan: plan)
        case .agreement(let agreement): return try generateAgreement(tx, district: district, agreement: agreement)
        }
    }

    /// The periods as three parallel arrays, for `unnest` (numbers, first days, last days).
    static func periodArrays(_ periods: [FiscalPeriod]) -> (numbers: [Int], starts: [String], ends: [String]) {
        (periods.map(\.number), periods.map(\.start.iso), periods.map(\.end.iso))
    }

    /// A plan's job sends two statements when it is a first revision (each round trip counts:
    /// 29,000 plans are generated at once at the start of a year): the plan with the settings,
    /// then both kinds of items in one.
    static func generatePlan(_ tx: Transaction, district: Int64, plan: Int64) throws -> Outcome {
        guard
            let row = try tx.query(
                """
                SELECT a.school_id, a.fiscal_year, a.previous_id, \(MonitoringSettings.columns) FROM action_plan a
                \(MonitoringSettings.join(district: "a.district_id"))
                WHERE a.district_id = \(district) AND a.id = \(plan) AND a.status = 'approved' AND a.superseded_at IS NULL
                FOR SHARE OF a
                """
            ).first
        else { return Outcome(skipped: true) }
        let settings = try MonitoringSettings(row: row)
        let school: Int64? = try row.decode("school_id")
        let year = FiscalYear(try row.decode("fiscal_year"))
        var outcome = Outcome()
        // A first revision has nothing earlier to move or withdraw.
        if try row.decode("previous_id", as: Int64?.self) != nil {
            outcome.moved = try tx.query(moveProjectItems(district: district, plan: plan)).affectedRows
            outcome.moved += try tx.query(
                moveCheckpoints(district: district, plan: plan, dueDays: settings.reportDueDays)
            ).affectedRows
            outcome.withdrawn = try tx.query(
                """
                UPDATE monitoring_item SET status = 'withdrawn', withdrawn_at = now()
                WHERE district_id = \(district) AND school_id IS NOT DISTINCT FROM \(school) AND fiscal_year = \(year.buddhistYear)
                  AND action_plan_id IS NOT NULL AND action_plan_id <> \(plan) AND status = 'open'
                """
            ).affectedRows
        }
        outcome.created = try tx.query(
            """
            WITH progress AS (
                \(insertProgressItems(
                    district: district, plans: [plan], year: year, frequency: settings.reportFrequency,
                    dueDays: settings.reportDueDays)) RETURNING 1),
            checkpoints AS (
                \(insertCheckpoints(district: district, plans: [plan], year: year, dueDays: settings.reportDueDays)) RETURNING 1)
            SELECT (SELECT count(*) FROM progress) + (SELECT count(*) FROM checkpoints) AS created
            """
        ).first!.decode("created")
        return outcome
    }

    /// `lineage (current_id, earlier_id)`: each copy in a new revision (the rows of `table` that
    /// `copies` names, as `c`) with every row it was copied from, through any number of revisions.
    /// `table` is a constant of this file.
    static func lineage(_ table: SQL, district: Int64, copies: SQL) -> SQL {
        """
        WITH RECURSIVE lineage (current_id, earlier_id) AS (
            SELECT c.id, c.copied_from_id FROM \(table) c
            WHERE c.district_id = \(district) AND c.copied_from_id IS NOT NULL AND \(copies)
            UNION ALL
            SELECT l.current_id, e.copied_from_id FROM lineage l
            JOIN \(table) e ON e.district_id = \(district) AND e.id = l.earlier_id
            WHERE e.copied_from_id IS NOT NULL
        )
        """
    }

    /// Items of the projects that this plan's projects were copied from (through any number of
    /// revisions) move to the copies, with what was reported against them.
    static func moveProjectItems(district: Int64, plan: Int64) -> SQL {
        """
        \(lineage("project", district: district, copies: "c.plan_id = \(plan)"))
        UPDATE monitoring_item m SET project_id = l.current_id, action_plan_id = \(plan)
        FROM lineage l
        WHERE m.district_id = \(district) AND m.project_id = l.earlier_id AND m.kind = 'progress_report'
        """
    }

    /// Checkpoints move with their milestone; a due date nobody moved by hand follows the
    /// milestone's new dates.
    static func moveCheckpoints(district: Int64, plan: Int64, dueDays: Int) -> SQL {
        let milestonesOf: SQL =
            "c.is_milestone AND c.project_id IN (SELECT x.id FROM project x WHERE x.district_id = \(district) AND x.plan_id = \(plan))"
        return """
            \(lineage("activity", district: district, copies: milestonesOf))
            UPDATE monitoring_item m
            SET activity_id = a.id, project_id = a.project_id, action_plan_id = \(plan),
                due_on = CASE WHEN m.due_change_reason IS NULL THEN coalesce(a.end_date, a.start_date, m.period_end) + \(dueDays)::int ELSE m.due_on END,
                original_due_on = coalesce(a.end_date, a.start_date, m.period_end) + \(dueDays)::int,
                period_start = coalesce(a.start_date, a.end_date, m.period_start),
                period_end = coalesce(a.end_date, a.start_date, m.period_end)
            FROM lineage l JOIN activity a ON a.district_id = \(district) AND a.id = l.current_id
            WHERE m.district_id = \(district) AND m.activity_id = l.earlier_id AND m.kind = 'checkpoint'
            """
    }

    /// `AND x.plan_id = ANY (…)` for the plans named, nothing for every plan. Two texts, not one
    /// with `… IS NULL OR …`, so that the plan of a job's statement, made without its values
    /// (the job forces generic plans), looks the plan's projects up by the index.
    static func planFilter(_ plans: [Int64]?) -> SQL {
        plans.map { "AND x.plan_id = ANY (\($0)::bigint[])" } ?? ""
    }

    /// A progress report per project and reporting period that the project's dates touch.
    /// `plans` is one plan for a job, or every plan of a district for the benchmark's baseline.
    public static func insertProgressItems(
        district: Int64, plans: [Int64]?, year: FiscalYear, frequency: ReportFrequency, dueDays: Int
    ) -> SQL {
        let periods = periodArrays(year.reportingPeriods(frequency))
        let kind = frequency == .monthly ? PeriodKind.month : .quarter
        return """
            INSERT INTO monitoring_item (district_id, school_id, kind, fiscal_year, period_kind, period, period_start, period_end,
                                         action_plan_id, project_id, due_on, original_due_on)
            SELECT x.district_id, x.school_id, 'progress_report', \(year.buddhistYear), \(kind.rawValue), p.n, p.s, p.e,
                   x.plan_id, x.id, p.e + \(dueDays)::int, p.e + \(dueDays)::int
            FROM project x
            JOIN action_plan a ON a.district_id = x.district_id AND a.id = x.plan_id
            CROSS JOIN unnest(\(periods.numbers)::int[], \(periods.starts)::date[], \(periods.ends)::date[]) AS p(n, s, e)
            WHERE x.district_id = \(district) \(planFilter(plans))
              AND a.fiscal_year = \(year.buddhistYear) AND a.status = 'approved' AND a.superseded_at IS NULL
              AND (x.start_date IS NULL OR x.start_date <= p.e) AND (x.end_date IS NULL OR x.end_date >= p.s)
            ON CONFLICT DO NOTHING
            """
    }

    /// A checkpoint per milestone activity, due the report's days after the milestone ends.
    public static func insertCheckpoints(district: Int64, plans: [Int64]?, year: FiscalYear, dueDays: Int) -> SQL {
        """
        INSERT INTO monitoring_item (district_id, school_id, kind, fiscal_year, period_kind, period, period_start, period_end,
                                     action_plan_id, project_id, activity_id, due_on, original_due_on)
        SELECT t.district_id, t.school_id, 'checkpoint', \(year.buddhistYear), 'milestone', 0, least(t.first_day, t.last_day), t.last_day,
               t.plan_id, t.project_id, t.id, t.last_day + \(dueDays)::int, t.last_day + \(dueDays)::int
        FROM (SELECT a.district_id, a.school_id, a.id, x.id AS project_id, x.plan_id,
                     coalesce(a.start_date, a.end_date, x.end_date, \(year.end.iso)::date) AS first_day,
                     coalesce(a.end_date, a.start_date, x.end_date, \(year.end.iso)::date) AS last_day
              FROM activity a
              JOIN project x ON x.district_id = a.district_id AND x.id = a.project_id
              JOIN action_plan p ON p.district_id = x.district_id AND p.id = x.plan_id
              WHERE a.district_id = \(district) \(planFilter(plans))
                AND p.fiscal_year = \(year.buddhistYear) AND p.status = 'approved' AND p.superseded_at IS NULL
                AND a.is_milestone) t
        ON CONFLICT DO NOTHING
        """
    }

    static func generateAgreement(_ tx: Transaction, district: Int64, agreement: Int64) throws -> Outcome {
        guard
            let row = try tx.query(
                """
                SELECT g.school_id, g.fiscal_year, \(MonitoringSettings.columns) FROM performance_agreement g
                \(MonitoringSettings.join(district: "g.district_id"))
                WHERE g.district_id = \(district) AND g.id = \(agreement) AND g.status = 'approved' AND g.superseded_at IS NULL
                FOR SHARE OF g
                """
            ).first
        else { return Outcome(skipped: true) }
        let settings = try MonitoringSettings(row: row)
        let school: Int64? = try row.decode("school_id")
        let year = FiscalYear(try row.decode("fiscal_year"))
        var outcome = Outcome()
        outcome.moved = try tx.query(
            """
            \(lineage("agreement_item", district: district, copies: "c.agreement_id = \(agreement)"))
            UPDATE monitoring_item m SET agreement_item_id = l.current_id, agreement_id = \(agreement)
            FROM lineage l
            WHERE m.district_id = \(district) AND m.agreement_item_id = l.earlier_id
            """
        ).affectedRows
        outcome.withdrawn = try tx.query(
            """
            UPDATE monitoring_item SET status = 'withdrawn', withdrawn_at = now()
            WHERE district_id = \(district) AND school_id IS NOT DISTINCT FROM \(school) AND fiscal_year = \(year.buddhistYear)
              AND agreement_id IS NOT NULL AND agreement_id <> \(agreement) AND status = 'open'
            """
        ).affectedRows
        let halves = periodArrays(year.halves)
        outcome.created = try tx.query(
            """
            INSERT INTO monitoring_item (district_id, school_id, kind, fiscal_year, period_kind, period, period_start, period_end,
                                         agreement_id, agreement_item_id, due_on, original_due_on)
            SELECT i.district_id, i.school_id, 'agreement_follow_up', \(year.buddhistYear), 'half', h.n, h.s, h.e,
                   i.agreement_id, i.id, h.e + \(settings.reportDueDays)::int, h.e + \(settings.reportDueDays)::int
            FROM agreement_item i
            CROSS JOIN unnest(\(halves.numbers)::int[], \(halves.starts)::date[], \(halves.ends)::date[]) AS h(n, s, e)
            WHERE i.district_id = \(district) AND i.agreement_id = \(agreement)
            ON CONFLICT DO NOTHING
            """
        ).affectedRows
        return outcome
    }
}
