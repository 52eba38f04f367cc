import Foundation
import Postgres
import TidtamDomain

public struct FindingInput: Sendable, Equatable {
    public var findingTH: String
    public var recommendationTH: String?
    public var responsibleTH: String?
    public var dueOn: CalendarDate?
    /// open or in_progress; closing is its own step, with the evidence.
    public var status: FindingStatus?

    public init(
        findingTH: String, recommendationTH: String? = nil, responsibleTH: String? = nil, dueOn: CalendarDate? = nil,
        status: FindingStatus? = nil
    ) {
        self.findingTH = findingTH; self.recommendationTH = recommendationTH; self.responsibleTH = responsibleTH
        self.dueOn = dueOn; self.status = status
    }
}

public struct FindingFilter: Sendable {
    public var districtID: Int64?
    public var schoolID: Int64?
    public var visitID: Int64?
    public var status: FindingStatus?
    /// Not closed and past its due date.
    public var overdue: Bool
    public init(
        districtID: Int64? = nil, schoolID: Int64? = nil, visitID: Int64? = nil, status: FindingStatus? = nil,
        overdue: Bool = false
    ) {
        self.districtID = districtID; self.schoolID = schoolID; self.visitID = visitID; self.status = status
        self.overdue = overdue
    }
}

/// Findings of visits and the follow-up of each until it is closed with its evidence.
public struct FindingStore: Sendable {
    let db: Database
    let content: any EvidenceContentStorage

    public init(_ db: Database, content: any EvidenceContentStorage = PostgresEvidenceContent()) {
        self.db = db
        self.content = content
    }

    static let document: SQL = """
        json_build_object(
            'id', f.id, 'district_id', f.district_id, 'school_id', f.school_id, 'visit_id', f.visit_id,
            'finding_th', f.finding_th, 'recommendation_th', f.recommendation_th, 'responsible_th', f.responsible_th,
            'due_on', f.due_on, 'due_on_th', \(SQLJSON.thaiDate("f.due_on")),
            'status', f.status, 'status_th', \(SQLJSON.thai("f.status", FindingStatus.allCases.map { ($0.rawValue, $0.thaiName) })),
            'overdue', f.status <> 'closed' AND f.due_on < (now() AT TIME ZONE 'Asia/Bangkok')::date,
            'closure_note_th', f.closure_note_th, 'closed_at', \(SQLJSON.time("f.closed_at")), 'closed_by', f.closed_by,
            'evidence', \(EvidenceOwner.files(of: "f", column: "finding_id")),
            'created_by', f.created_by,
            'version', f.version, 'created_at', \(SQLJSON.time("f.created_at")), 'updated_at', \(SQLJSON.time("f.updated_at")))
        """
    static let byID = DocumentQuery("finding", "f", document: document)

    public func get(_ tenant: some TenantReading, id: Int64) async throws -> JSONDocument? {
        try await db.document(tenant, Self.byID, id: id)
    }

    public func list(_ tenant: some TenantReading, filter f: FindingFilter, page: PageRequest) async throws -> JSONPage
    {
        let district = try tenant.districtToList(named: f.districtID)
        let after = try Cursor.decodeID(page.cursor)
        let rows = try await db.read(
            tenant,
            """
            SELECT f.id, f.version, \(Self.document) AS doc FROM finding f
            WHERE f.district_id = \(district)
              AND (\(f.schoolID)::bigint IS NULL OR f.school_id = \(f.schoolID))
              AND (\(f.visitID)::bigint IS NULL OR f.visit_id = \(f.visitID))
              AND (\(f.status?.rawValue)::text IS NULL OR f.status = \(f.status?.rawValue))
              AND (NOT \(f.overdue) OR (f.status <> 'closed' AND f.due_on < (now() AT TIME ZONE 'Asia/Bangkok')::date))
              AND (\(after)::bigint IS NULL OR f.id > \(after))
            ORDER BY f.id LIMIT \(page.limit + 1)
            """)
        let result = try JSONPage(rows: rows.rows, limit: page.limit) { [String(try $0.decode("id", as: Int64.self))] }
        if let visit = f.visitID {
            try await db.requireParent(tenant, of: result, "visit", district: district, id: visit, .visit)
        }
        return result
    }

    public func create(_ tenant: DistrictTenant, visitID: Int64, _ input: FindingInput) async throws -> JSONDocument {
        let district = tenant.districtID
        return try await db.transaction(tenant) { tx in
            guard
                let visit = try tx.query(
                    "SELECT school_id FROM visit WHERE district_id = \(district) AND id = \(visitID)"
                ).first
            else { throw DomainError.notFound(.visit) }
            let id: Int64 = try tx.query(
                """
                INSERT INTO finding (district_id, school_id, visit_id, finding_th, recommendation_th, responsible_th, due_on, status, created_by)
                VALUES (\(district), \(try visit.decode("school_id", as: Int64.self)), \(visitID), \(input.findingTH),
                        \(input.recommendationTH), \(input.responsibleTH), \(input.dueOn.sql)::date,
                        \((input.status ?? .open).rawValue), \(tenant.userID))
                RETURNING id
                """
            ).first!.decode("id")
            return try tx.document(Self.byID, district: district, id: id)
        }
    }

    static func lockOpen(_ tx: Transaction, district: Int64, id: Int64, expectedVersion: Int) throws {
        let row = try tx.lockVersioned(
            "SELECT version, status FROM finding WHERE district_id = \(district) AND id = \(id) FOR UPDATE",
            expectedVersion: expectedVersion, entity: .finding)
        guard try row.decode("status", as: String.self) != FindingStatus.closed.rawValue else {
            throw DomainError.conflict(
                Explanation("This finding is closed.", th: "ข้อค้นพบนี้ปิดแล้ว แก้ไขไม่ได้"))
        }
    }

    public func update(_ tenant: DistrictTenant, id: Int64, expectedVersion: Int, _ input: FindingInput) async throws
        -> JSONDocument
    {
        let district = tenant.districtID
        return try await db.transaction(tenant) { tx in
            try Self.lockOpen(tx, district: district, id: id, expectedVersion: expectedVersion)
            try tx.query(
                """
                UPDATE finding SET finding_th = \(input.findingTH), recommendation_th = \(input.recommendationTH),
                                   responsible_th = \(input.responsibleTH), due_on = \(input.dueOn.sql)::date,
                                   status = coalesce(\(input.status?.rawValue), status)
                WHERE district_id = \(district) AND id = \(id)
                """)
            return try tx.document(Self.byID, district: district, id: id)
        }
    }

    /// Closes a finding with what shows it was dealt with (a note; files attached before).
    public func close(_ tenant: DistrictTenant, id: Int64, expectedVersion: Int, noteTH: String) async throws
        -> JSONDocument
    {
        let district = tenant.districtID
        return try await db.transaction(tenant) { tx in
            try Self.lockOpen(tx, district: district, id: id, expectedVersion: expectedVersion)
            try tx.query(
                """
                UPDATE finding SET status = 'closed', closure_note_th = \(noteTH), closed_at = now(), closed_by = \(tenant.userID)
                WHERE district_id = \(district) AND id = \(id)
                """)
            return try tx.document(Self.byID, district: district, id: id)
        }
    }

    /// Attaches a file of evidence to a finding that is not closed yet.
    public func attach(_ tenant: DistrictTenant, findingID: Int64, fileName: String, type: EvidenceType, bytes: [UInt8])
        async throws -> JSONDocument
    {
        let district = tenant.districtID
        let content = self.content
        return try await db.transaction(tenant) { tx in
            guard
                let row = try tx.query(
                    "SELECT status, school_id FROM finding WHERE district_id = \(district) AND id = \(findingID) FOR UPDATE"
                ).first
            else { throw DomainError.notFound(.finding) }
            guard try row.decode("status", as: String.self) != FindingStatus.closed.rawValue else {
                throw DomainError.conflict(
                    Explanation("This finding is closed.", th: "ข้อค้นพบนี้ปิดแล้ว แนบไฟล์เพิ่มไม่ได้"))
            }
            let school: Int64? = try row.decode("school_id")
            return try content.attach(
                tx, district: district, school: school, to: .finding(findingID), fileName: fileName, type: type,
                bytes: bytes, by: tenant.userID)
        }
    }
}
