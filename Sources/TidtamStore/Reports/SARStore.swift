import Foundation
import Postgres
import TidtamDomain

public struct SARFilter: Sendable {
    public var districtID: Int64?
    public var schoolID: Int64?
    public var academicYear: Int?
    public var status: SARStatus?
    public init(districtID: Int64? = nil, schoolID: Int64? = nil, academicYear: Int? = nil, status: SARStatus? = nil) {
        self.districtID = districtID; self.schoolID = schoolID; self.academicYear = academicYear; self.status = status
    }
}

/// Schools' self-assessment reports: written by the school as a draft, its document attached,
/// submitted with a level on every standard; the office may return one with a reason, and the
/// school changes it and submits again. School staff reach their own school's only (the
/// policies of `sar_report`, by school).
public struct SARStore: Sendable {
    let db: Database
    let content: any EvidenceContentStorage

    public init(_ db: Database, content: any EvidenceContentStorage = PostgresEvidenceContent()) {
        self.db = db
        self.content = content
    }

    static let document: SQL = """
        json_build_object(
            'id', s.id, 'district_id', s.district_id, 'school_id', s.school_id,
            'school_name_th', (SELECT sc.name_th FROM school sc WHERE sc.district_id = s.district_id AND sc.id = s.school_id),
            'academic_year', s.academic_year,
            'levels', json_build_object('learners', s.learners_level, 'management', s.management_level,
                                        'teaching', s.teaching_level),
            'levels_th', json_build_object('learners', \(levelTH("s.learners_level")),
                                           'management', \(levelTH("s.management_level")),
                                           'teaching', \(levelTH("s.teaching_level"))),
            'summary_th', s.summary_th,
            'points', (SELECT coalesce(json_agg(json_build_object('standard', p.standard, 'kind', p.kind, 'text_th', p.text_th)
                                                ORDER BY p.position), '[]')
                       FROM sar_point p WHERE p.district_id = s.district_id AND p.sar_id = s.id),
            'status', s.status, 'status_th', \(SQLJSON.thai("s.status", SARStatus.allCases.map { ($0.rawValue, $0.thaiName) })),
            'return_reason', s.return_reason, 'submitted_at', \(SQLJSON.time("s.submitted_at")), 'submitted_by', s.submitted_by,
            'documents', \(EvidenceOwner.files(of: "s", column: "sar_id")),
            'created_by', s.created_by,
            'version', s.version, 'created_at', \(SQLJSON.time("s.created_at")), 'updated_at', \(SQLJSON.time("s.updated_at")))
        """
    static let byID = DocumentQuery("sar_report", "s", document: document)

    static func levelTH(_ column: SQL) -> SQL {
        "(ARRAY[\(SQL.join(SARLevel.allCases.map { SQL.constant($0.thaiName) }, ", "))])[\(column)]"
    }

    public func get(_ tenant: some TenantReading, id: Int64) async throws -> JSONDocument? {
        try await db.document(tenant, Self.byID, id: id)
    }

    public func list(_ tenant: some TenantReading, filter f: SARFilter, page: PageRequest) async throws -> JSONPage {
        let district = try tenant.districtToList(named: f.districtID)
        let after = try Cursor.decodeID(page.cursor)
        let rows = try await db.read(
            tenant,
            """
            SELECT s.id, \(Self.document) AS doc FROM sar_report s
            WHERE s.district_id = \(district)
              AND (\(f.schoolID)::bigint IS NULL OR s.school_id = \(f.schoolID))
              AND (\(f.academicYear)::int IS NULL OR s.academic_year = \(f.academicYear))
              AND (\(f.status?.rawValue)::text IS NULL OR s.status = \(f.status?.rawValue))
              AND (\(after)::bigint IS NULL OR s.id > \(after))
            ORDER BY s.id LIMIT \(page.limit + 1)
            """)
        return try JSONPage(rows: rows.rows, limit: page.limit) { [String(try $0.decode("id", as: Int64.self))] }
    }

    /// A school's SAR for an academic year, as a draft.
    public func create(_ tenant: DistrictTenant, schoolID: Int64, academicYear: Int, _ input: SARInput) async throws
        -> JSONDocument
    {
        let district = tenant.districtID
        return try await db.transaction(tenant) { tx in
            // The school as the caller sees it: school staff see their own only.
            guard try tx.query("SELECT FROM school WHERE district_id = \(district) AND id = \(schoolID)").first != nil
            else { throw DomainError.notFound(.school) }
            let id: Int64 = try tx.query(
                """
                INSERT INTO sar_report (district_id, school_id, academic_year, learners_level, management_level,
                                        teaching_level, summary_th, created_by)
                VALUES (\(district), \(schoolID), \(academicYear), \(input.levels[.learners]?.rawValue),
                        \(input.levels[.management]?.rawValue), \(input.levels[.teaching]?.rawValue), \(input.summaryTH),
                        \(tenant.userID))
                RETURNING id
                """
            ).first!.decode("id")
            try Self.writePoints(tx, district: district, school: schoolID, sarID: id, input.points)
            return try tx.document(Self.byID, district: district, id: id)
        }
    }

    static func writePoints(_ tx: Transaction, district: Int64, school: Int64, sarID: Int64, _ points: [SARPoint])
        throws
    {
        try tx.query("DELETE FROM sar_point WHERE district_id = \(district) AND sar_id = \(sarID)")
        guard !points.isEmpty else { return }
        try tx.query(
            """
            INSERT INTO sar_point (district_id, school_id, sar_id, standard, kind, position, text_th)
            SELECT \(district), \(school), \(sarID), x.standard, x.kind, x.ord - 1, x.text_th
            FROM unnest(\(points.map { Int64($0.standard.rawValue) })::smallint[], \(points.map(\.kind.rawValue))::text[],
                        \(points.map(\.textTH))::text[]) WITH ORDINALITY AS x(standard, kind, text_th, ord)
            """)
    }

    /// Locks a SAR the school may still change (a draft, or one returned to it); with
    /// `expectedVersion`, only at that version. Returns its school.
    static func lockEditable(_ tx: Transaction, district: Int64, id: Int64, expectedVersion: Int?) throws -> Int64 {
        guard
            let row = try tx.query(
                "SELECT version, status, school_id FROM sar_report WHERE district_id = \(district) AND id = \(id) FOR UPDATE"
            ).first
        else { throw DomainError.notFound(.sar) }
        if let expectedVersion, try row.decode("version", as: Int.self) != expectedVersion {
            throw DomainError.versionMismatch(current: try row.decode("version"))
        }
        guard try row.decode("status", as: String.self) != SARStatus.submitted.rawValue else {
            throw DomainError.conflict(
                Explanation(
                    "This SAR is submitted; the district office can return it to be changed.",
                    th: "ส่งรายงานการประเมินตนเองนี้แล้ว แก้ไขได้เมื่อสำนักงานเขตพื้นที่การศึกษาส่งกลับ"))
        }
        return try row.decode("school_id")
    }

    public func update(_ tenant: DistrictTenant, id: Int64, expectedVersion: Int, _ input: SARInput) async throws
        -> JSONDocument
    {
        let district = tenant.districtID
        return try await db.transaction(tenant) { tx in
            let school = try Self.lockEditable(tx, district: district, id: id, expectedVersion: expectedVersion)
            try tx.query(
                """
                UPDATE sar_report SET learners_level = \(input.levels[.learners]?.rawValue),
                       management_level = \(input.levels[.management]?.rawValue),
                       teaching_level = \(input.levels[.teaching]?.rawValue), summary_th = \(input.summaryTH)
                WHERE district_id = \(district) AND id = \(id)
                """)
            try Self.writePoints(tx, district: district, school: school, sarID: id, input.points)
            return try tx.document(Self.byID, district: district, id: id)
        }
    }

    /// Submits the SAR; every standard must have its level (all missing ones are listed).
    public func submit(_ tenant: DistrictTenant, id: Int64, expectedVersion: Int) async throws -> JSONDocument {
        let district = tenant.districtID
        return try await db.transaction(tenant) { tx in
            _ = try Self.lockEditable(tx, district: district, id: id, expectedVersion: expectedVersion)
            let row = try tx.query(
                "SELECT learners_level, management_level, teaching_level FROM sar_report WHERE district_id = \(district) AND id = \(id)"
            ).first!
            var levels: [SARStandard: SARLevel] = [:]
            for standard in SARStandard.allCases {
                if let level: Int = try row.decode("\(standard.key)_level") {
                    levels[standard] = SARLevel(rawValue: level)
                }
            }
            let problems = SARInput(levels: levels).submissionProblems
            if !problems.isEmpty { throw DomainError.invalid(problems) }
            try tx.query(
                """
                UPDATE sar_report SET status = 'submitted', submitted_at = now(), submitted_by = \(tenant.userID),
                       return_reason = NULL
                WHERE district_id = \(district) AND id = \(id)
                """)
            return try tx.document(Self.byID, district: district, id: id)
        }
    }

    /// The office returns a submitted SAR to its school, saying why.
    public func returnToSchool(_ tenant: DistrictTenant, id: Int64, expectedVersion: Int, reason: String) async throws
        -> JSONDocument
    {
        let district = tenant.districtID
        return try await db.transaction(tenant) { tx in
            let row = try tx.lockVersioned(
                "SELECT version, status FROM sar_report WHERE district_id = \(district) AND id = \(id) FOR UPDATE",
                expectedVersion: expectedVersion, entity: .sar)
            guard try row.decode("status", as: String.self) == SARStatus.submitted.rawValue else {
                throw DomainError.conflict(
                    Explanation("Only a submitted SAR is returned.", th: "ส่งกลับได้เฉพาะรายงานที่ส่งแล้ว"))
            }
            try tx.query(
                "UPDATE sar_report SET status = 'returned', return_reason = \(reason) WHERE district_id = \(district) AND id = \(id)"
            )
            return try tx.document(Self.byID, district: district, id: id)
        }
    }

    /// Attaches the SAR's document (or another file of it) while the school may change it.
    public func attach(
        _ tenant: DistrictTenant, id: Int64, expectedVersion: Int?, fileName: String, type: EvidenceType, bytes: [UInt8]
    ) async throws -> JSONDocument {
        let district = tenant.districtID
        let content = self.content
        return try await db.transaction(tenant) { tx in
            let school = try Self.lockEditable(tx, district: district, id: id, expectedVersion: expectedVersion)
            return try content.attach(
                tx, district: district, school: school, to: .sar(id), fileName: fileName, type: type, bytes: bytes,
                by: tenant.userID)
        }
    }
}
