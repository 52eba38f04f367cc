import Foundation
import Postgres
import TidtamDomain

/// A district's reporting scan, run by the job runner on the worker's schedule (and at once
/// when OBEC issues or withdraws a requirement): it brings OBEC's requirements into the
/// district as its own copies, then makes the reminders that have come due and the day's
/// summary for the administrators, each with its delivery job (`ReminderScan`). Every statement
/// is idempotent, so a rescan changes nothing.
public enum ReportingScan {
    public static let kind = "reporting.scan"

    public struct Outcome: Sendable, Equatable {
        public var requirementsCopied: Int
        public var reminders: Int
        public var digests: Int
    }

    /// The scan as of `today` (a day in Thailand; tests and drills name one).
    public static func run(_ tx: Transaction, district: Int64, today: CalendarDate = .today()) throws -> Outcome {
        // The scan's statements are the same for every district and every scan, with the district
        // and the day as parameters; planning them afresh each time (custom plans, with the
        // policies' conditions) cost about as much as running them.
        try tx.query("SET LOCAL plan_cache_mode = force_generic_plan")
        let copied = try copyNationalRequirements(tx, district: district)
        let steps = try ReminderScan.steps(tx, district: district)
        return Outcome(
            requirementsCopied: copied,
            reminders: try ReminderScan.remind(tx, district: district, today: today, steps: steps),
            digests: try ReminderScan.escalate(tx, district: district, today: today, steps: steps))
    }

    /// OBEC's requirements into the district, nothing else (a bench's or a migration's set-up).
    public static func copy(_ tx: Transaction, district: Int64) throws {
        _ = try copyNationalRequirements(tx, district: district)
    }

    /// New active requirements are copied; a copy follows a newer version of OBEC's (its terms
    /// and its status), keeping the reminder policy the district tightened.
    static func copyNationalRequirements(_ tx: Transaction, district: Int64) throws -> Int {
        try tx.query(
            """
            INSERT INTO report_requirement AS r (district_id, national_requirement_id, national_version, title_th, title_en,
                                                 fiscal_year, frequency, due_days, on_time_days, audience, sections,
                                                 reminder_policy, status)
            SELECT \(district), n.id, n.version, n.title_th, n.title_en, n.fiscal_year, n.frequency, n.due_days,
                   n.on_time_days, n.audience, n.sections, n.reminder_policy, n.status
            FROM national_requirement n
            WHERE n.status = 'active'
               OR EXISTS (SELECT FROM report_requirement c WHERE c.district_id = \(district) AND c.national_requirement_id = n.id)
            ON CONFLICT (district_id, national_requirement_id) DO UPDATE
                SET national_version = EXCLUDED.national_version, title_th = EXCLUDED.title_th, title_en = EXCLUDED.title_en,
                    due_days = EXCLUDED.due_days, on_time_days = EXCLUDED.on_time_days, status = EXCLUDED.status
                WHERE r.national_version < EXCLUDED.national_version
            """
        ).affectedRows
    }
}
