import Foundation
import Postgres
import TidtamDomain

/// A user's in-app inbox (กล่องข้อความแจ้งเตือน): the reminders and summaries delivered to them,
/// newest first, with the count not yet read. Each user reads and marks their own only.
public struct NotificationStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    static let document: SQL = """
        json_build_object('id', n.id, 'kind', n.kind,
                          'kind_th', CASE n.kind WHEN 'reminder' THEN 'แจ้งเตือนกำหนดส่งรายงาน' ELSE 'สรุปรายงานที่ค้างส่ง' END,
                          'title_th', n.title_th, 'body_th', n.body_th, 'link', n.link, 'reminder_id', n.reminder_id,
                          'digest_id', n.digest_id, 'read', n.read_at IS NOT NULL, 'read_at', \(SQLJSON.time("n.read_at")),
                          'created_at', \(SQLJSON.time("n.created_at")))
        """

    static func user(_ tenant: DistrictTenant) throws -> Int64 {
        guard let user = tenant.userID else {
            throw DomainError.forbidden(
                Explanation("Only a user has an inbox.", th: "กล่องข้อความแจ้งเตือนมีเฉพาะผู้ใช้งาน"))
        }
        return user
    }

    public func list(_ tenant: DistrictTenant, unreadOnly: Bool, page: PageRequest) async throws -> JSONPage {
        let district = tenant.districtID, user = try Self.user(tenant)
        let before = try Cursor.decodeID(page.cursor)
        let rows = try await db.read(
            tenant,
            """
            SELECT n.id, \(Self.document) AS doc FROM notification n
            WHERE n.district_id = \(district) AND n.user_id = \(user) AND (NOT \(unreadOnly) OR n.read_at IS NULL)
              AND (\(before)::bigint IS NULL OR n.id < \(before))
            ORDER BY n.id DESC LIMIT \(page.limit + 1)
            """)
        return try JSONPage(rows: rows.rows, limit: page.limit) { [String(try $0.decode("id", as: Int64.self))] }
    }

    public func unreadCount(_ tenant: DistrictTenant) async throws -> Int {
        let district = tenant.districtID, user = try Self.user(tenant)
        return try await db.read(
            tenant,
            "SELECT count(*)::int AS n FROM notification WHERE district_id = \(district) AND user_id = \(user) AND read_at IS NULL"
        ).first!.decode("n")
    }

    /// Marks one notice read (again is fine); another user's is not found.
    public func markRead(_ tenant: DistrictTenant, id: Int64) async throws -> String {
        let district = tenant.districtID, user = try Self.user(tenant)
        return try await db.transaction(tenant) { tx in
            guard
                let row = try tx.query(
                    """
                    UPDATE notification n SET read_at = coalesce(n.read_at, now())
                    WHERE n.district_id = \(district) AND n.id = \(id) AND n.user_id = \(user)
                    RETURNING \(Self.document) AS doc
                    """
                ).first
            else { throw DomainError.notFound(.notification) }
            return try row.decode("doc")
        }
    }

    /// Marks every notice of the user read; returns how many were unread.
    public func markAllRead(_ tenant: DistrictTenant) async throws -> Int {
        let district = tenant.districtID, user = try Self.user(tenant)
        return try await db.transaction(tenant) { tx in
            try tx.query(
                """
                UPDATE notification SET read_at = now()
                WHERE district_id = \(district) AND user_id = \(user) AND read_at IS NULL
                """
            ).affectedRows
        }
    }
}

public struct ReminderFilter: Sendable {
    public var districtID: Int64?
    public var requirementID: Int64?
    public var schoolID: Int64?
    public var status: String?
    public init(districtID: Int64? = nil, requirementID: Int64? = nil, schoolID: Int64? = nil, status: String? = nil) {
        self.districtID = districtID; self.requirementID = requirementID; self.schoolID = schoolID; self.status = status
    }
}

/// Reminders as operators follow them: each step made, its recipient, what became of it, and
/// its deliveries per channel.
public struct ReminderStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    static let document: SQL = """
        json_build_object(
            'id', m.id, 'requirement_id', m.requirement_id, 'period', m.period_no, 'school_id', m.school_id,
            'recipient_id', m.recipient_id, 'step', m.step, 'step_th', \(ReminderDelivery.stepTH("m")),
            'due_on', m.due_on, 'step_on', m.step_on, 'status', m.status,
            'status_th', CASE m.status WHEN 'pending' THEN 'รอส่ง' WHEN 'sent' THEN 'ส่งแล้ว' ELSE 'ยกเลิก' END,
            'cancel_reason', m.cancel_reason, 'created_at', \(SQLJSON.time("m.created_at")),
            'sent_at', \(SQLJSON.time("m.sent_at")), 'cancelled_at', \(SQLJSON.time("m.cancelled_at")),
            'deliveries', (SELECT coalesce(json_agg(json_build_object('channel', d.channel, 'status', d.status,
                                                   'attempts', d.attempts, 'message_id', d.message_id,
                                                   'last_error', d.last_error, 'sent_at', \(SQLJSON.time("d.sent_at")))
                                                   ORDER BY d.id), '[]')
                           FROM delivery d WHERE d.district_id = m.district_id AND d.reminder_id = m.id))
        """

    public func list(_ tenant: some TenantReading, filter f: ReminderFilter, page: PageRequest) async throws -> JSONPage
    {
        let district = try tenant.districtToList(named: f.districtID)
        let after = try Cursor.decodeID(page.cursor)
        let rows = try await db.read(
            tenant,
            """
            SELECT m.id, \(Self.document) AS doc FROM reminder m
            WHERE m.district_id = \(district) AND (\(f.requirementID)::bigint IS NULL OR m.requirement_id = \(f.requirementID))
              AND (\(f.schoolID)::bigint IS NULL OR m.school_id = \(f.schoolID))
              AND (\(f.status)::text IS NULL OR m.status = \(f.status))
              AND (\(after)::bigint IS NULL OR m.id > \(after))
            ORDER BY m.id LIMIT \(page.limit + 1)
            """)
        return try JSONPage(rows: rows.rows, limit: page.limit) { [String(try $0.decode("id", as: Int64.self))] }
    }
}
