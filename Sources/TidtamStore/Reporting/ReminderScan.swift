import Foundation
import Postgres
import TidtamDomain

/// The reminder half of a district's reporting scan. For each active requirement, its policy's
/// steps (`ReminderPolicy.steps`) are laid on every period's due date; a step that has come
/// (within the last week, so a requirement made late does not send a year of old reminders, and
/// of those only the latest, so three missed steps are one reminder, not three) makes one
/// reminder per unit that has not sent its report and per person of that unit, with the job that
/// delivers it, in one statement: the reminder's unique key (requirement, period, unit,
/// recipient, step) makes a rescan, a second worker or a restart add nothing. Past the policy's
/// overdue steps, the district's administrators get one summary of it all each day.
enum ReminderScan {
    static let deliverKind = "reminder.deliver"
    static let digestKind = "reminder.digest"
    /// How far back a step may have fallen due and still be sent.
    static let window = 7

    struct Steps {
        var requirements: [Int64] = [], keys: [String] = [], offsets: [Int] = []
        var escalating: [Int64] = [], escalationOffsets: [Int] = []
    }

    /// Every active requirement's steps, from its policy.
    static func steps(_ tx: Transaction, district: Int64) throws -> Steps {
        var steps = Steps()
        let rows = try tx.query(
            "SELECT id, reminder_policy::text AS policy FROM report_requirement WHERE district_id = \(district) AND status = 'active'"
        )
        for row in rows.rows {
            let id: Int64 = try row.decode("id")
            guard
                let policy = try? JSONDecoder().decode(
                    ReminderPolicy.self, from: Data(try row.decode("policy", as: String.self).utf8))
            else { continue }
            for step in policy.steps {
                if step.kind == .escalation {
                    steps.escalating.append(id)
                    steps.escalationOffsets.append(step.offsetDays)
                } else {
                    steps.requirements.append(id)
                    steps.keys.append(step.key)
                    steps.offsets.append(step.offsetDays)
                }
            }
        }
        return steps
    }

    /// The units of the periods in CTE `due` (with district_id, requirement_id, audience,
    /// period_no, starts_on, ends_on) that must submit and have not: a school open in the period
    /// (every school, or the listed ones), or the district office.
    static func outstanding(_ due: SQL) -> SQL {
        """
        units AS (
            SELECT d.*, sc.id AS school_id FROM \(due) d
            JOIN school sc ON sc.district_id = d.district_id
             AND (sc.opened_on IS NULL OR sc.opened_on <= d.ends_on) AND (sc.closed_on IS NULL OR sc.closed_on >= d.starts_on)
            WHERE d.audience = 'schools'
               OR (d.audience = 'listed_schools' AND EXISTS (
                   SELECT FROM report_requirement_school l
                   WHERE l.district_id = d.district_id AND l.requirement_id = d.requirement_id AND l.school_id = sc.id))
            UNION ALL
            SELECT d.*, NULL::bigint FROM \(due) d WHERE d.audience = 'district_office'
        ), outstanding AS (
            SELECT u.* FROM units u
            WHERE NOT EXISTS (
                SELECT FROM report_submission s
                WHERE s.district_id = u.district_id AND s.requirement_id = u.requirement_id AND s.period_no = u.period_no
                  AND s.school_id IS NOT DISTINCT FROM u.school_id AND s.status IN ('submitted', 'accepted'))
        )
        """
    }

    /// Makes the reminders that have come due by `today` and their delivery jobs; returns how many.
    static func remind(_ tx: Transaction, district: Int64, today: CalendarDate, steps: Steps) throws -> Int {
        guard !steps.requirements.isEmpty else { return 0 }
        return try tx.query(
            """
            WITH steps AS (
                SELECT * FROM unnest(\(steps.requirements)::bigint[], \(steps.keys)::text[], \(steps.offsets)::int[])
                    AS s(requirement_id, step, offset_days)
            ), due AS (
                SELECT DISTINCT ON (r.id, p.period_no) r.district_id, r.id AS requirement_id, r.audience, p.period_no,
                       p.starts_on, p.ends_on, p.ends_on + r.due_days AS due_on, s.step,
                       p.ends_on + r.due_days + s.offset_days AS step_on
                FROM report_requirement r
                JOIN steps s ON s.requirement_id = r.id
                CROSS JOIN LATERAL tidtam_fiscal_periods(r.fiscal_year, r.frequency) p
                WHERE r.district_id = \(district) AND r.status = 'active'
                  AND p.ends_on + r.due_days + s.offset_days BETWEEN \(today.sql)::date - \(window)::int AND \(today.sql)::date
                ORDER BY r.id, p.period_no, s.offset_days DESC
            ), \(outstanding("due")), members AS (
                -- A school's staff (by the index on the school), or the office's admins and staff.
                SELECT o.district_id, o.requirement_id, o.period_no, o.school_id, o.step, o.due_on, o.step_on, m.user_id
                FROM outstanding o
                JOIN membership m ON m.district_id = o.district_id AND m.school_id = o.school_id AND m.role = 'school_staff'
                UNION ALL
                SELECT o.district_id, o.requirement_id, o.period_no, o.school_id, o.step, o.due_on, o.step_on, m.user_id
                FROM outstanding o
                JOIN membership m ON m.district_id = o.district_id AND m.role IN ('district_admin', 'district_staff')
                WHERE o.school_id IS NULL
            ), recipients AS (
                SELECT x.* FROM members x
                JOIN app_user au ON au.district_id = x.district_id AND au.id = x.user_id AND au.disabled_at IS NULL
            ), made AS (
                INSERT INTO reminder (district_id, requirement_id, period_no, school_id, recipient_id, step, due_on, step_on)
                SELECT district_id, requirement_id, period_no, school_id, user_id, step, due_on, step_on FROM recipients
                ON CONFLICT DO NOTHING
                RETURNING district_id, id
            )
            INSERT INTO job (district_id, kind, args, max_attempts, unique_key)
            SELECT district_id, \(deliverKind), jsonb_build_object('reminder_id', id), 25, 'reminder:' || id FROM made
            """
        ).affectedRows
    }

    /// Today's summary for each of the district's administrators of what is overdue past its
    /// policy's reminders (periods due in the last year), with its delivery job; once a day.
    static func escalate(_ tx: Transaction, district: Int64, today: CalendarDate, steps: Steps) throws -> Int {
        guard !steps.escalating.isEmpty else { return 0 }
        // Most scans of a day find today's summaries made (or no administrator to send one to):
        // the list of what is overdue is then not gathered at all.
        let waiting: Int = try tx.query(
            """
            SELECT count(*)::int AS n FROM membership m
            JOIN app_user au ON au.district_id = m.district_id AND au.id = m.user_id AND au.disabled_at IS NULL
            WHERE m.district_id = \(district) AND m.role = 'district_admin'
              AND NOT EXISTS (SELECT FROM escalation_digest g
                              WHERE g.district_id = m.district_id AND g.day = \(today.sql)::date AND g.recipient_id = m.user_id)
            """
        ).first!.decode("n")
        guard waiting > 0 else { return 0 }
        return try tx.query(
            """
            WITH escalating AS (
                SELECT * FROM unnest(\(steps.escalating)::bigint[], \(steps.escalationOffsets)::int[]) AS e(requirement_id, offset_days)
            ), due AS (
                SELECT r.district_id, r.id AS requirement_id, r.audience, r.title_th, r.frequency, r.fiscal_year, p.period_no,
                       p.starts_on, p.ends_on, p.ends_on + r.due_days AS due_on
                FROM report_requirement r
                JOIN escalating e ON e.requirement_id = r.id
                CROSS JOIN LATERAL tidtam_fiscal_periods(r.fiscal_year, r.frequency) p
                WHERE r.district_id = \(district) AND r.status = 'active'
                  AND p.ends_on + r.due_days + e.offset_days <= \(today.sql)::date
                  AND p.ends_on + r.due_days >= \(today.sql)::date - 365
            ), \(outstanding("due")), items AS (
                SELECT jsonb_agg(jsonb_build_object(
                           'requirement_id', o.requirement_id, 'title_th', o.title_th, 'period', o.period_no,
                           'period_th', \(ReportingSQL.periodTH("o.frequency", "o.period_no", "o.starts_on", "o.fiscal_year")),
                           'school_id', o.school_id, 'unit_th', \(ReportingSQL.unitTH("o")), 'due_on', o.due_on,
                           'days_overdue', \(today.sql)::date - o.due_on)
                       ORDER BY o.due_on, o.requirement_id, o.school_id NULLS FIRST) AS list
                FROM outstanding o
            ), made AS (
                INSERT INTO escalation_digest (district_id, day, recipient_id, items)
                SELECT m.district_id, \(today.sql)::date, m.user_id, items.list
                FROM items, membership m
                JOIN app_user au ON au.district_id = m.district_id AND au.id = m.user_id AND au.disabled_at IS NULL
                WHERE items.list IS NOT NULL AND m.district_id = \(district) AND m.role = 'district_admin'
                ON CONFLICT DO NOTHING
                RETURNING district_id, id
            )
            INSERT INTO job (district_id, kind, args, max_attempts, unique_key)
            SELECT district_id, \(digestKind), jsonb_build_object('digest_id', id), 25, 'digest:' || id FROM made
            """
        ).affectedRows
    }
}
