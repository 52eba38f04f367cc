import Foundation
import Postgres
import TidtamDomain

/// Delivers a reminder or a day's summary, inside the job's transaction (`JobContext.finish`):
/// the notice in the recipient's inbox, its outbox row (`delivery`, one per channel with its own
/// unique key) and the reminder marked sent commit with the job's completion or not at all, so a
/// worker killed, a retry or two workers racing repeat an attempt, never the notice. A reminder
/// whose unit has sent its report by now, or whose requirement was withdrawn, is cancelled
/// instead.
public enum ReminderDelivery {
    public enum Outcome: String, Sendable, Equatable {
        case sent, alreadyDone = "already_done", cancelled
    }

    public struct ReminderArgs: Codable, Sendable {
        public var reminderID: Int64
        enum CodingKeys: String, CodingKey { case reminderID = "reminder_id" }
    }

    public struct DigestArgs: Codable, Sendable {
        public var digestID: Int64
        enum CodingKeys: String, CodingKey { case digestID = "digest_id" }
    }

    public static let reminderKind = ReminderScan.deliverKind
    public static let digestKind = ReminderScan.digestKind

    /// "อีก 7 วันครบกำหนดส่ง", "ครบกำหนดส่งวันนี้", "เลยกำหนดส่งมาแล้ว 3 วัน" (as `ReminderStep.th`).
    static func stepTH(_ m: SQL) -> SQL {
        """
        CASE WHEN \(m).step = 'due_day' THEN 'ครบกำหนดส่งวันนี้'
             WHEN \(m).step = 'before_1' THEN 'พรุ่งนี้ครบกำหนดส่ง'
             WHEN \(m).step LIKE 'before_%' THEN 'อีก ' || (\(m).due_on - \(m).step_on) || ' วันครบกำหนดส่ง'
             ELSE 'เลยกำหนดส่งมาแล้ว ' || (\(m).step_on - \(m).due_on) || ' วัน' END
        """
    }

    /// `emailDomain` (the sender's domain, for Message-IDs) queues the notice's e-mail beside it;
    /// nil when no SMTP server is configured.
    public static func deliver(_ tx: Transaction, district: Int64, reminderID: Int64, emailDomain: String? = nil) throws
        -> Outcome
    {
        guard
            let row = try tx.query(
                """
                SELECT m.status, r.status AS requirement_status,
                       EXISTS (SELECT FROM report_submission s
                               WHERE s.district_id = m.district_id AND s.requirement_id = m.requirement_id
                                 AND s.period_no = m.period_no AND s.school_id IS NOT DISTINCT FROM m.school_id
                                 AND s.status IN ('submitted', 'accepted')) AS sent_in
                FROM reminder m JOIN report_requirement r ON r.district_id = m.district_id AND r.id = m.requirement_id
                WHERE m.district_id = \(district) AND m.id = \(reminderID) FOR UPDATE OF m
                """
            ).first
        else { return .alreadyDone }
        guard try row.decode("status", as: String.self) == "pending" else { return .alreadyDone }
        let reason: String? =
            if try row.decode("sent_in", as: Bool.self) {
                "submitted"
            } else if try row.decode(
                "requirement_status", as: String.self) != "active"
            {
                "withdrawn"
            } else { nil }
        if let reason {
            try tx.query(
                """
                UPDATE reminder SET status = 'cancelled', cancel_reason = \(reason), cancelled_at = now()
                WHERE district_id = \(district) AND id = \(reminderID)
                """)
            return .cancelled
        }
        try tx.query(
            """
            WITH m AS (
                SELECT m.*, r.title_th, r.frequency, r.fiscal_year, p.starts_on FROM reminder m
                JOIN report_requirement r ON r.district_id = m.district_id AND r.id = m.requirement_id
                JOIN LATERAL tidtam_fiscal_periods(r.fiscal_year, r.frequency) p ON p.period_no = m.period_no
                WHERE m.district_id = \(district) AND m.id = \(reminderID)
            ), notice AS (
                INSERT INTO notification (district_id, user_id, school_id, kind, reminder_id, title_th, body_th, link)
                SELECT m.district_id, m.recipient_id, m.school_id, 'reminder', m.id,
                       'แจ้งเตือน: ' || m.title_th || ' ' || \(ReportingSQL.periodTH("m.frequency", "m.period_no", "m.starts_on", "m.fiscal_year")),
                       \(stepTH("m")) || ' — ' || m.title_th || ' '
                           || \(ReportingSQL.periodTH("m.frequency", "m.period_no", "m.starts_on", "m.fiscal_year"))
                           || ' ของ' || \(ReportingSQL.unitTH("m")) || ' กำหนดส่งภายในวันที่ ' || \(SQLJSON.thaiDate("m.due_on")),
                       '/api/v1/submissions?requirement_id=' || m.requirement_id || '&period=' || m.period_no
                FROM m
                ON CONFLICT DO NOTHING
            )
            INSERT INTO delivery (district_id, school_id, reminder_id, channel, message_id, status, attempts, sent_at)
            SELECT m.district_id, m.school_id, m.id, 'in_app', 'reminder-' || m.district_id || '-' || m.id, 'sent', 1, now() FROM m
            ON CONFLICT DO NOTHING
            """)
        if let emailDomain {
            try ReminderOutbox.queue(tx, district: district, .reminder(reminderID), domain: emailDomain)
        }
        try WebhookEvents.emit(
            tx, district: district, .reminderDue, sourceKey: "reminder:\(reminderID)",
            data: """
                SELECT jsonb_build_object('reminder_id', m.id, 'requirement_id', m.requirement_id, 'title_th', r.title_th,
                                          'period', m.period_no, 'school_id', m.school_id, 'recipient_id', m.recipient_id,
                                          'step', m.step, 'due_on', m.due_on, 'text_th', n.body_th)
                FROM reminder m JOIN report_requirement r ON r.district_id = m.district_id AND r.id = m.requirement_id
                JOIN notification n ON n.district_id = m.district_id AND n.reminder_id = m.id
                WHERE m.district_id = \(district) AND m.id = \(reminderID)
                """)
        try tx.query(
            "UPDATE reminder SET status = 'sent', sent_at = now() WHERE district_id = \(district) AND id = \(reminderID)"
        )
        return .sent
    }

    /// The day's summary for one administrator: every overdue unit in one notice.
    public static func deliverDigest(_ tx: Transaction, district: Int64, digestID: Int64, emailDomain: String? = nil)
        throws -> Outcome
    {
        guard
            let status: String = try tx.query(
                "SELECT status FROM escalation_digest WHERE district_id = \(district) AND id = \(digestID) FOR UPDATE"
            ).first?.decode("status"), status == "pending"
        else { return .alreadyDone }
        try tx.query(
            """
            WITH g AS (SELECT * FROM escalation_digest WHERE district_id = \(district) AND id = \(digestID)),
            notice AS (
                INSERT INTO notification (district_id, user_id, kind, digest_id, title_th, body_th, link)
                SELECT g.district_id, g.recipient_id, 'escalation', g.id,
                       'สรุปรายงานที่ค้างส่ง ประจำวันที่ ' || \(SQLJSON.thaiDate("g.day")) || ' (' || jsonb_array_length(g.items) || ' รายการ)',
                       'รายงานที่เลยกำหนดส่งและแจ้งเตือนครบตามนโยบายแล้ว:' || E'\\n' || (
                           SELECT string_agg('• ' || (i->>'title_th') || ' ' || (i->>'period_th') || ' — ' || (i->>'unit_th')
                                             || ' (กำหนดส่ง ' || \(SQLJSON.thaiDate("(i->>'due_on')::date")) || ' เลยกำหนด '
                                             || (i->>'days_overdue') || ' วัน)', E'\\n' ORDER BY n)
                           FROM jsonb_array_elements(g.items) WITH ORDINALITY AS x(i, n)),
                       '/api/v1/reporting-rates?group_by=school'
                FROM g
                ON CONFLICT DO NOTHING
            )
            INSERT INTO delivery (district_id, digest_id, channel, message_id, status, attempts, sent_at)
            SELECT g.district_id, g.id, 'in_app', 'digest-' || g.district_id || '-' || g.id, 'sent', 1, now() FROM g
            ON CONFLICT DO NOTHING
            """)
        if let emailDomain { try ReminderOutbox.queue(tx, district: district, .digest(digestID), domain: emailDomain) }
        try WebhookEvents.emit(
            tx, district: district, .reminderEscalation, sourceKey: "digest:\(digestID)",
            data: """
                SELECT jsonb_build_object('digest_id', g.id, 'day', g.day, 'recipient_id', g.recipient_id, 'items', g.items)
                FROM escalation_digest g WHERE g.district_id = \(district) AND g.id = \(digestID)
                """)
        try tx.query(
            "UPDATE escalation_digest SET status = 'sent', sent_at = now() WHERE district_id = \(district) AND id = \(digestID)"
        )
        return .sent
    }

    /// A sending cancels the reminders of its unit and period still waiting to go.
    static func cancelPending(_ tx: Transaction, district: Int64, submissionID: Int64) throws {
        try tx.query(
            """
            UPDATE reminder m SET status = 'cancelled', cancel_reason = 'submitted', cancelled_at = now()
            FROM report_submission s
            WHERE s.district_id = \(district) AND s.id = \(submissionID) AND m.district_id = s.district_id
              AND m.requirement_id = s.requirement_id AND m.period_no = s.period_no
              AND m.school_id IS NOT DISTINCT FROM s.school_id AND m.status = 'pending'
            """)
    }
}
