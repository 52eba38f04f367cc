import Foundation
import Postgres
import TidtamDomain

public struct VisitFilter: Sendable {
    public var districtID: Int64?
    public var schoolID: Int64?
    public var teamID: Int64?
    public var userID: Int64?
    public var status: VisitStatus?
    public var kind: VisitKind?
    public var fiscalYear: Int?
    public var from: Date?
    public var to: Date?

    public init(
        districtID: Int64? = nil, schoolID: Int64? = nil, teamID: Int64? = nil, userID: Int64? = nil,
        status: VisitStatus? = nil, kind: VisitKind? = nil, fiscalYear: Int? = nil, from: Date? = nil, to: Date? = nil
    ) {
        self.districtID = districtID; self.schoolID = schoolID; self.teamID = teamID; self.userID = userID
        self.status = status; self.kind = kind; self.fiscalYear = fiscalYear; self.from = from; self.to = to
    }
}

/// Visits of schools by the district's teams. The database keeps the rules (no one in two
/// visits at once, no visit on a closed day); the store checks first to say which person or
/// day, and proposes joining visits of one school a few days apart.
public struct VisitStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    static let document: SQL = """
        json_build_object(
            'id', v.id, 'district_id', v.district_id, 'school_id', v.school_id,
            'school_name_th', (SELECT s.name_th FROM school s WHERE s.district_id = v.district_id AND s.id = v.school_id),
            'team_id', v.team_id, 'team_name_th', (SELECT t.name_th FROM team t WHERE t.district_id = v.district_id AND t.id = v.team_id),
            'kind', v.kind, 'kind_th', \(SQLJSON.thai("v.kind", VisitKind.allCases.map { ($0.rawValue, $0.thaiName) })),
            'purpose_th', v.purpose_th,
            'starts_at', \(SQLJSON.time("v.starts_at")), 'ends_at', \(SQLJSON.time("v.ends_at")),
            'starts_at_th', \(SQLJSON.thaiTime("v.starts_at")), 'ends_at_th', \(SQLJSON.thaiTime("v.ends_at")),
            'status', v.status, 'status_th', \(SQLJSON.thai("v.status", VisitStatus.allCases.map { ($0.rawValue, $0.thaiName) })),
            'cancel_reason', v.cancel_reason, 'joined_into_id', v.joined_into_id, 'created_by', v.created_by,
            'members', coalesce((SELECT json_agg(json_build_object('user_id', u.id, 'display_name', u.display_name) ORDER BY u.display_name, u.id)
                                 FROM visit_member m JOIN app_user u ON u.district_id = m.district_id AND u.id = m.user_id
                                 WHERE m.district_id = v.district_id AND m.visit_id = v.id), '[]'),
            'joint_proposals', coalesce((SELECT json_agg(json_build_object('id', p.id, 'status', p.status,
                                                        'other_visit_id', CASE WHEN p.visit_id = v.id THEN p.other_visit_id ELSE p.visit_id END,
                                                        'version', p.version) ORDER BY p.id)
                                         FROM joint_visit_proposal p
                                         WHERE p.district_id = v.district_id AND (p.visit_id = v.id OR p.other_visit_id = v.id)), '[]'),
            'finding_count', (SELECT count(*) FROM finding f WHERE f.district_id = v.district_id AND f.visit_id = v.id),
            'version', v.version, 'created_at', \(SQLJSON.time("v.created_at")), 'updated_at', \(SQLJSON.time("v.updated_at")))
        """
    static let byID = DocumentQuery("visit", "v", document: document)

    public func get(_ tenant: some TenantReading, id: Int64) async throws -> JSONDocument? {
        try await db.document(tenant, Self.byID, id: id)
    }

    /// By start time, then id.
    public func list(_ tenant: some TenantReading, filter f: VisitFilter, page: PageRequest) async throws -> JSONPage {
        let district = try tenant.districtToList(named: f.districtID)
        let after = try page.cursor.map { try Cursor.decode($0, count: 2) }
        let afterStart = after.flatMap { Double($0[0]) }.map { Date(timeIntervalSince1970: $0) }
        let afterID = after.flatMap { Int64($0[1]) }
        if after != nil, afterStart == nil || afterID == nil { throw DomainError.invalid([Cursor.invalid]) }
        let yearStart = f.fiscalYear.map { FiscalYear($0).start.iso },
            yearEnd = f.fiscalYear.map { FiscalYear($0).end.iso }
        let sql: SQL = """
            SELECT v.id, v.version, extract(epoch FROM v.starts_at)::float8 AS starts, \(Self.document) AS doc FROM visit v
            WHERE v.district_id = \(district)
              AND (\(f.schoolID)::bigint IS NULL OR v.school_id = \(f.schoolID))
              AND (\(f.teamID)::bigint IS NULL OR v.team_id = \(f.teamID))
              AND (\(f.userID)::bigint IS NULL OR EXISTS (SELECT FROM visit_member m WHERE m.district_id = v.district_id
                                                          AND m.visit_id = v.id AND m.user_id = \(f.userID)))
              AND (\(f.status?.rawValue)::text IS NULL OR v.status = \(f.status?.rawValue))
              AND (\(f.kind?.rawValue)::text IS NULL OR v.kind = \(f.kind?.rawValue))
              AND (\(yearStart)::date IS NULL OR (v.starts_at AT TIME ZONE 'Asia/Bangkok')::date BETWEEN \(yearStart)::date AND \(yearEnd)::date)
              AND (\(f.from)::timestamptz IS NULL OR v.ends_at > \(f.from))
              AND (\(f.to)::timestamptz IS NULL OR v.starts_at < \(f.to))
              AND (\(afterStart)::timestamptz IS NULL OR (v.starts_at, v.id) > (\(afterStart)::timestamptz, \(afterID)))
            ORDER BY v.starts_at, v.id
            LIMIT \(page.limit + 1)
            """
        let rows = try await db.read(tenant, sql)
        return try JSONPage(rows: rows.rows, limit: page.limit) {
            [String(try $0.decode("starts", as: Double.self)), String(try $0.decode("id", as: Int64.self))]
        }
    }

    /// Every user named must be an active user of the district.
    static func requireUsers(_ tx: Transaction, district: Int64, _ users: [Int64], field: FieldPath) throws {
        guard !users.isEmpty else { return }
        let found = Set(
            try tx.query(
                """
                SELECT id FROM app_user WHERE district_id = \(district) AND id = ANY (\(users)::bigint[]) AND disabled_at IS NULL
                """
            ).rows.map { try $0.decode("id", as: Int64.self) })
        let errors = users.enumerated().filter { !found.contains($0.element) }.map { index, _ in
            FieldError(
                field[index], code: "not_found", detail: "No such active user in your district.",
                th: "ไม่พบผู้ใช้นี้ (หรือถูกระงับแล้ว) ในเขตพื้นที่ของท่าน")
        }
        if !errors.isEmpty { throw DomainError.invalid(errors) }
    }

    /// Who of `users` is already in another active visit overlapping the time, named.
    static func clashes(
        _ tx: Transaction, district: Int64, users: [Int64], start: Date, end: Date, except visit: Int64?
    ) throws -> DomainError? {
        let rows = try tx.query(
            """
            SELECT u.display_name, v.id AS visit_id, \(SQLJSON.thaiTime("v.starts_at")) AS starts_th
            FROM visit_member m
            JOIN visit v ON v.district_id = m.district_id AND v.id = m.visit_id
            JOIN app_user u ON u.district_id = m.district_id AND u.id = m.user_id
            WHERE m.district_id = \(district) AND m.user_id = ANY (\(users)::bigint[]) AND m.active
              AND m.during && tstzrange(\(start), \(end), '[)') AND (\(visit)::bigint IS NULL OR m.visit_id <> \(visit))
            ORDER BY u.display_name, v.starts_at LIMIT 10
            """)
        guard !rows.rows.isEmpty else { return nil }
        let names = try rows.rows.map { row -> (String, String) in
            let name: String = try row.decode("display_name"), visit: Int64 = try row.decode("visit_id")
            let starts: String = try row.decode("starts_th")
            return ("\(name) (visit \(visit))", "\(name) (การลงพื้นที่เลขที่ \(visit) เริ่ม \(starts))")
        }
        return .conflict(
            Explanation(
                "Already booked at that time: \(names.map(\.0).joined(separator: ", ")).",
                th: "มีผู้ร่วมลงพื้นที่ติดภารกิจการลงพื้นที่อื่นในช่วงเวลาเดียวกัน: \(names.map(\.1).joined(separator: ", "))"))
    }

    /// The members of a booking: those named, or the team's.
    static func members(_ tx: Transaction, district: Int64, _ input: VisitInput) throws -> [Int64] {
        if let named = input.memberIDs, !named.isEmpty {
            try requireUsers(tx, district: district, named, field: .input["member_ids"])
            return named
        }
        guard let team = input.teamID else { return [] }
        let rows = try tx.query(
            "SELECT user_id FROM team_member WHERE district_id = \(district) AND team_id = \(team) ORDER BY user_id")
        let users = try rows.rows.map { try $0.decode("user_id", as: Int64.self) }
        if users.isEmpty {
            throw DomainError.invalid([
                FieldError(
                    .input["team_id"], code: "empty", detail: "The team has no members; name them in member_ids.",
                    th: "ทีมนี้ยังไม่มีสมาชิก ให้ระบุรายชื่อผู้ร่วมลงพื้นที่")
            ])
        }
        return users
    }

    /// Checks a booking's rules before writing: closed days and clashes, every problem at once
    /// where they are field errors.
    static func check(_ tx: Transaction, district: Int64, _ input: VisitInput, members: [Int64], except visit: Int64?)
        throws
    {
        var errors = input.validate()
        if errors.isEmpty {
            errors += try CalendarStore.closedDaysBetween(
                tx, district: district, from: input.startsAt, to: input.endsAt)
        }
        if let team = input.teamID,
            try tx.query("SELECT 1 FROM team WHERE district_id = \(district) AND id = \(team)").rowCount == 0
        {
            errors.append(
                FieldError(.input["team_id"], code: "not_found", detail: "No such team.", th: "ไม่พบทีมนี้ในเขตพื้นที่"))
        }
        if try tx.query("SELECT 1 FROM school WHERE district_id = \(district) AND id = \(input.schoolID)").rowCount == 0
        {
            errors.append(
                FieldError(
                    .input["school_id"], code: "not_found", detail: "No such school in your district.",
                    th: "ไม่พบสถานศึกษานี้ในเขตพื้นที่"))
        }
        if !errors.isEmpty { throw DomainError.invalid(errors) }
        if let clash = try clashes(
            tx, district: district, users: members, start: input.startsAt, end: input.endsAt, except: visit)
        {
            throw clash
        }
    }

    /// Books a visit and proposes joining it with other teams' visits of the school close to it.
    public func create(_ tenant: DistrictTenant, _ input: VisitInput) async throws -> JSONDocument {
        let district = tenant.districtID
        return try await db.transaction(tenant) { tx in
            let errors = input.validate()
            if !errors.isEmpty { throw DomainError.invalid(errors) }
            let members = try Self.members(tx, district: district, input)
            try Self.check(tx, district: district, input, members: members, except: nil)
            let id: Int64 = try tx.query(
                """
                INSERT INTO visit (district_id, school_id, team_id, kind, purpose_th, starts_at, ends_at, created_by)
                VALUES (\(district), \(input.schoolID), \(input.teamID), \(input.kind.rawValue), \(input.purposeTH),
                        \(input.startsAt), \(input.endsAt), \(tenant.userID))
                RETURNING id
                """
            ).first!.decode("id")
            try Self.writeMembers(tx, district: district, visit: id, members)
            try Self.propose(tx, district: district, visit: id)
            return try tx.document(Self.byID, district: district, id: id)
        }
    }

    /// Changes the time, purpose, team or members of a visit not yet done or cancelled.
    public func update(_ tenant: DistrictTenant, id: Int64, expectedVersion: Int, _ input: VisitInput) async throws
        -> JSONDocument
    {
        let district = tenant.districtID
        return try await db.transaction(tenant) { tx in
            let row = try tx.lockVersioned(
                "SELECT version, status, school_id FROM visit WHERE district_id = \(district) AND id = \(id) FOR UPDATE",
                expectedVersion: expectedVersion, entity: .visit)
            let status = VisitStatus(rawValue: try row.decode("status")) ?? .planned
            guard status == .planned || status == .confirmed else {
                throw DomainError.conflict(
                    Explanation(
                        "A visit that is \(status.rawValue) does not change.",
                        th: "การลงพื้นที่ที่อยู่ในสถานะ “\(status.thaiName)” แก้ไขไม่ได้"))
            }
            guard try row.decode("school_id", as: Int64.self) == input.schoolID else {
                throw DomainError.invalid([
                    FieldError(
                        .input["school_id"], code: "immutable",
                        detail: "A visit's school does not change; cancel it and book another.",
                        th: "เปลี่ยนสถานศึกษาของการลงพื้นที่ไม่ได้ ให้ยกเลิกแล้วนัดหมายใหม่")
                ])
            }
            let members = try Self.members(tx, district: district, input)
            try Self.check(tx, district: district, input, members: members, except: id)
            try tx.query(
                """
                UPDATE visit SET team_id = \(input.teamID), kind = \(input.kind.rawValue), purpose_th = \(input.purposeTH),
                                 starts_at = \(input.startsAt), ends_at = \(input.endsAt)
                WHERE district_id = \(district) AND id = \(id)
                """)
            try Self.writeMembers(tx, district: district, visit: id, members)
            try Self.propose(tx, district: district, visit: id)
            return try tx.document(Self.byID, district: district, id: id)
        }
    }

    /// Confirms, marks done, or cancels (with a reason) a visit.
    public func setStatus(
        _ tenant: DistrictTenant, id: Int64, expectedVersion: Int, to next: VisitStatus, reason: String?
    ) async throws -> JSONDocument {
        let district = tenant.districtID
        return try await db.transaction(tenant) { tx in
            let row = try tx.lockVersioned(
                "SELECT version, status FROM visit WHERE district_id = \(district) AND id = \(id) FOR UPDATE",
                expectedVersion: expectedVersion, entity: .visit)
            let status = VisitStatus(rawValue: try row.decode("status")) ?? .planned
            guard status.mayBecome(next) else {
                throw DomainError.conflict(
                    Explanation(
                        "A visit that is \(status.rawValue) cannot become \(next.rawValue).",
                        th: "การลงพื้นที่ที่อยู่ในสถานะ “\(status.thaiName)” เปลี่ยนเป็น “\(next.thaiName)” ไม่ได้"))
            }
            if next == .cancelled, (reason ?? "").isEmpty {
                throw DomainError.invalid([
                    FieldError(
                        .input["reason"], code: "required", detail: "Say why the visit is cancelled.",
                        th: "ต้องระบุเหตุผลที่ยกเลิกการลงพื้นที่")
                ])
            }
            try tx.query(
                """
                UPDATE visit SET status = \(next.rawValue), cancel_reason = CASE WHEN \(next.rawValue) = 'cancelled' THEN \(reason) END
                WHERE district_id = \(district) AND id = \(id)
                """)
            if next == .cancelled {
                try tx.query(
                    """
                    UPDATE joint_visit_proposal SET status = 'lapsed'
                    WHERE district_id = \(district) AND (visit_id = \(id) OR other_visit_id = \(id)) AND status = 'open'
                    """)
            }
            return try tx.document(Self.byID, district: district, id: id)
        }
    }

    static func writeMembers(_ tx: Transaction, district: Int64, visit: Int64, _ users: [Int64]) throws {
        try tx.query(
            """
            DELETE FROM visit_member WHERE district_id = \(district) AND visit_id = \(visit) AND NOT (user_id = ANY (\(users)::bigint[]))
            """)
        try tx.query(
            """
            INSERT INTO visit_member (district_id, visit_id, school_id, user_id, during, active)
            SELECT v.district_id, v.id, v.school_id, u, v.during, v.active
            FROM visit v CROSS JOIN unnest(\(users)::bigint[]) AS u
            WHERE v.district_id = \(district) AND v.id = \(visit)
            ON CONFLICT (district_id, visit_id, user_id) DO NOTHING
            """)
    }

    /// Proposes joining `visit` with each other active visit of its school by another team
    /// within the district's window (joint_visit_days before or after).
    static func propose(_ tx: Transaction, district: Int64, visit: Int64) throws {
        let days = try MonitoringSettings.read(tx, district: district).jointVisitDays
        try tx.query(
            """
            INSERT INTO joint_visit_proposal (district_id, school_id, visit_id, other_visit_id)
            SELECT v.district_id, v.school_id, least(v.id, o.id), greatest(v.id, o.id)
            FROM visit v
            JOIN visit o ON o.district_id = v.district_id AND o.school_id = v.school_id AND o.id <> v.id AND o.active
                        AND o.status <> 'done'
                        AND o.starts_at < v.ends_at + make_interval(days => \(days))
                        AND o.ends_at > v.starts_at - make_interval(days => \(days))
            WHERE v.district_id = \(district) AND v.id = \(visit) AND v.active
              -- Another team: a different named team, or (both booked without one) no one in common.
              AND (o.team_id IS DISTINCT FROM v.team_id
                   OR (v.team_id IS NULL
                       AND NOT EXISTS (SELECT FROM visit_member a JOIN visit_member b ON b.district_id = a.district_id AND b.user_id = a.user_id
                                       WHERE a.district_id = v.district_id AND a.visit_id = v.id AND b.visit_id = o.id)))
            ON CONFLICT (district_id, visit_id, other_visit_id) DO NOTHING
            """)
    }

    // MARK: joint visit proposals

    static let proposalDocument: SQL = """
        json_build_object('id', p.id, 'district_id', p.district_id, 'school_id', p.school_id,
                          'visit_id', p.visit_id, 'other_visit_id', p.other_visit_id, 'status', p.status,
                          'status_th', CASE p.status WHEN 'open' THEN 'รอการตัดสินใจ' WHEN 'accepted' THEN 'ตกลงลงพื้นที่ร่วมกัน'
                                                     WHEN 'declined' THEN 'ไม่รวมการลงพื้นที่' ELSE 'สิ้นผล (การลงพื้นที่ถูกยกเลิก)' END,
                          'decided_at', \(SQLJSON.time("p.decided_at")), 'decided_by', p.decided_by,
                          'version', p.version, 'created_at', \(SQLJSON.time("p.created_at")))
        """
    static let proposalByID = DocumentQuery("joint_visit_proposal", "p", document: proposalDocument)

    public func proposal(_ tenant: some TenantReading, id: Int64) async throws -> JSONDocument? {
        try await db.document(tenant, Self.proposalByID, id: id)
    }

    public func proposals(
        _ tenant: some TenantReading, districtID: Int64?, visitID: Int64?, open: Bool, page: PageRequest
    ) async throws -> JSONPage {
        let district = try tenant.districtToList(named: districtID)
        let after = try Cursor.decodeID(page.cursor)
        let rows = try await db.read(
            tenant,
            """
            SELECT p.id, p.version, \(Self.proposalDocument) AS doc FROM joint_visit_proposal p
            WHERE p.district_id = \(district)
              AND (\(visitID)::bigint IS NULL OR p.visit_id = \(visitID) OR p.other_visit_id = \(visitID))
              AND (NOT \(open) OR p.status = 'open')
              AND (\(after)::bigint IS NULL OR p.id > \(after))
            ORDER BY p.id LIMIT \(page.limit + 1)
            """)
        return try JSONPage(rows: rows.rows, limit: page.limit) { [String(try $0.decode("id", as: Int64.self))] }
    }

    /// Either team accepts (the later visit's members join the earlier visit, and the later
    /// visit is cancelled as joined) or declines. A member of either visit, or the district's
    /// administrator, decides.
    public func decide(_ tenant: DistrictTenant, proposalID: Int64, expectedVersion: Int, accept: Bool) async throws
        -> JSONDocument
    {
        let district = tenant.districtID
        return try await db.transaction(tenant) { tx in
            let row = try tx.lockVersioned(
                """
                SELECT version, status, visit_id, other_visit_id FROM joint_visit_proposal
                WHERE district_id = \(district) AND id = \(proposalID) FOR UPDATE
                """,
                expectedVersion: expectedVersion, entity: .jointVisitProposal)
            guard try row.decode("status", as: String.self) == "open" else {
                throw DomainError.conflict(
                    Explanation("This proposal was already decided.", th: "ข้อเสนอนี้ได้รับการตัดสินใจไปแล้ว"))
            }
            let first: Int64 = try row.decode("visit_id"), second: Int64 = try row.decode("other_visit_id")
            if tenant.role != .districtAdmin {
                let member = try tx.query(
                    """
                    SELECT 1 FROM visit_member WHERE district_id = \(district) AND visit_id IN (\(first), \(second))
                      AND user_id = \(tenant.userID)
                    """
                ).rowCount
                if member == 0 {
                    throw DomainError.forbidden(
                        Explanation(
                            "Only a member of either visit (or the district's administrator) decides.",
                            th: "ผู้ตัดสินใจต้องเป็นผู้ร่วมลงพื้นที่ของการลงพื้นที่ครั้งใดครั้งหนึ่ง หรือผู้ดูแลระบบเขตพื้นที่"))
                }
            }
            try tx.query(
                """
                UPDATE joint_visit_proposal SET status = \(accept ? "accepted" : "declined"), decided_at = now(), decided_by = \(tenant.userID)
                WHERE district_id = \(district) AND id = \(proposalID)
                """)
            if accept { try Self.join(tx, district: district, first, second) }
            return try tx.document(Self.proposalByID, district: district, id: proposalID)
        }
    }

    /// The later of two visits joins the earlier: its members move over (the exclusion
    /// constraint still holds them to one place at a time) and it is cancelled as joined.
    static func join(_ tx: Transaction, district: Int64, _ a: Int64, _ b: Int64) throws {
        let rows = try tx.query(
            """
            SELECT id FROM visit WHERE district_id = \(district) AND id IN (\(a), \(b)) AND active
            ORDER BY starts_at, id FOR UPDATE
            """)
        guard rows.rowCount == 2 else {
            throw DomainError.conflict(
                Explanation(
                    "One of the visits was cancelled; there is nothing to join.",
                    th: "การลงพื้นที่ครั้งหนึ่งถูกยกเลิกไปแล้ว จึงรวมกันไม่ได้"))
        }
        let earlier: Int64 = try rows.rows[0].decode("id"), later: Int64 = try rows.rows[1].decode("id")
        let movers = try tx.query(
            "SELECT user_id FROM visit_member WHERE district_id = \(district) AND visit_id = \(later)"
        ).rows.map { try $0.decode("user_id", as: Int64.self) }
        try tx.query(
            """
            UPDATE visit SET status = 'cancelled', joined_into_id = \(earlier),
                             cancel_reason = 'รวมกับการลงพื้นที่เลขที่ ' || \(earlier)::text || ' (joined into visit ' || \(earlier)::text || ')'
            WHERE district_id = \(district) AND id = \(later)
            """)
        let earlierRow = try tx.query(
            "SELECT starts_at, ends_at FROM visit WHERE district_id = \(district) AND id = \(earlier)"
        ).first!
        if let clash = try clashes(
            tx, district: district, users: movers, start: earlierRow.decode("starts_at"),
            end: earlierRow.decode("ends_at"), except: earlier)
        {
            throw clash
        }
        try tx.query(
            """
            INSERT INTO visit_member (district_id, visit_id, school_id, user_id, during, active)
            SELECT v.district_id, v.id, v.school_id, u, v.during, v.active
            FROM visit v CROSS JOIN unnest(\(movers)::bigint[]) AS u
            WHERE v.district_id = \(district) AND v.id = \(earlier)
            ON CONFLICT (district_id, visit_id, user_id) DO NOTHING
            """)
        try tx.query(
            """
            UPDATE joint_visit_proposal SET status = 'lapsed'
            WHERE district_id = \(district) AND (visit_id = \(later) OR other_visit_id = \(later)) AND status = 'open'
            """)
    }
}
