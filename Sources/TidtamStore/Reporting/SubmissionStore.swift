import Foundation
import Postgres
import TidtamDomain

public enum SubmissionStatus: String, Sendable, CaseIterable {
    case draft, submitted, accepted, returned
    public var th: String {
        switch self {
        case .draft: "ร่าง"
        case .submitted: "ส่งแล้ว รอตรวจรับ"
        case .accepted: "ตรวจรับแล้ว"
        case .returned: "ส่งกลับให้แก้ไข"
        }
    }
}

public struct SubmissionFilter: Sendable {
    public var districtID: Int64?
    public var requirementID: Int64?
    public var schoolID: Int64?
    public var period: Int?
    public var status: SubmissionStatus?
    public init(
        districtID: Int64? = nil, requirementID: Int64? = nil, schoolID: Int64? = nil, period: Int? = nil,
        status: SubmissionStatus? = nil
    ) {
        self.districtID = districtID; self.requirementID = requirementID; self.schoolID = schoolID
        self.period = period; self.status = status
    }
}

/// A unit's submissions (seed 5.3 step 1): one per requirement, period and unit (the database's
/// unique key); written as a draft, sent (each sending a frozen version with the data sections
/// filled from the system's data at that moment), accepted or returned with a reason by the
/// district and sent again.
public struct SubmissionStore: Sendable {
    let db: Database
    let content: any EvidenceContentStorage
    public init(_ db: Database, content: any EvidenceContentStorage = PostgresEvidenceContent()) {
        self.db = db
        self.content = content
    }

    /// `s` joined with its requirement `r` and period `p` (see `from`).
    static let document: SQL = """
        json_build_object(
            'id', s.id, 'district_id', s.district_id, 'requirement_id', s.requirement_id, 'title_th', r.title_th,
            'school_id', s.school_id, 'unit_th', \(ReportingSQL.unitTH("s")),
            'period', s.period_no, 'period_th', \(ReportingSQL.periodTH("r.frequency", "p.period_no", "p.starts_on", "r.fiscal_year")),
            'due_on', p.ends_on + r.due_days, 'on_time_until', p.ends_on + r.due_days + r.on_time_days,
            'status', s.status, 'status_th', \(SQLJSON.thai("s.status", SubmissionStatus.allCases.map { ($0.rawValue, $0.th) })),
            'timeliness', CASE WHEN s.first_submitted_at IS NULL THEN NULL
                               WHEN (s.first_submitted_at AT TIME ZONE 'Asia/Bangkok')::date <= p.ends_on + r.due_days + r.on_time_days
                               THEN 'on_time' ELSE 'late' END,
            'timeliness_th', CASE WHEN s.first_submitted_at IS NULL THEN NULL
                               WHEN (s.first_submitted_at AT TIME ZONE 'Asia/Bangkok')::date <= p.ends_on + r.due_days + r.on_time_days
                               THEN 'ส่งตรงเวลา' ELSE 'ส่งล่าช้า' END,
            'content', s.content, 'files', \(EvidenceOwner.files(of: "s", column: "submission_id")),
            'versions', s.versions, 'first_submitted_at', \(SQLJSON.time("s.first_submitted_at")),
            'submitted_at', \(SQLJSON.time("s.submitted_at")), 'submitted_by', s.submitted_by,
            'return_reason', s.return_reason, 'decided_at', \(SQLJSON.time("s.decided_at")), 'decided_by', s.decided_by,
            'version', s.version, 'created_at', \(SQLJSON.time("s.created_at")), 'updated_at', \(SQLJSON.time("s.updated_at")))
        """
    static let from: SQL = """
        report_submission s
        JOIN report_requirement r ON r.district_id = s.district_id AND r.id = s.requirement_id
        JOIN LATERAL tidtam_fiscal_periods(r.fiscal_year, r.frequency) p ON p.period_no = s.period_no
        """
    static let byID = DocumentQuery(from: from, alias: "s", document: document)

    public func get(_ tenant: some TenantReading, id: Int64) async throws -> JSONDocument? {
        try await db.document(tenant, Self.byID, id: id)
    }

    public func list(_ tenant: some TenantReading, filter f: SubmissionFilter, page: PageRequest) async throws
        -> JSONPage
    {
        let district = try tenant.districtToList(named: f.districtID)
        let after = try Cursor.decodeID(page.cursor)
        let rows = try await db.read(
            tenant,
            """
            SELECT s.id, \(Self.document) AS doc FROM \(Self.from)
            WHERE s.district_id = \(district) AND (\(f.requirementID)::bigint IS NULL OR s.requirement_id = \(f.requirementID))
              AND (\(f.schoolID)::bigint IS NULL OR s.school_id = \(f.schoolID))
              AND (\(f.period)::integer IS NULL OR s.period_no = \(f.period))
              AND (\(f.status?.rawValue)::text IS NULL OR s.status = \(f.status?.rawValue))
              AND (\(after)::bigint IS NULL OR s.id > \(after))
            ORDER BY s.id LIMIT \(page.limit + 1)
            """)
        return try JSONPage(rows: rows.rows, limit: page.limit) { [String(try $0.decode("id", as: Int64.self))] }
    }

    /// Starts the unit's submission for a period (school staff: their own school; the district
    /// office: a school, or none for its own). The one there is, if it was started already.
    public func open(_ tenant: DistrictTenant, requirementID: Int64, period: Int, schoolID: Int64?) async throws -> (
        JSONDocument, created: Bool
    ) {
        let district = tenant.districtID
        let unit = try tenant.unit(schoolID)
        return try await db.transaction(tenant) { tx in
            guard
                let r = try tx.query(
                    """
                    SELECT r.audience, r.status, r.frequency, p.starts_on::text AS starts_on, p.ends_on::text AS ends_on
                    FROM report_requirement r
                    LEFT JOIN LATERAL tidtam_fiscal_periods(r.fiscal_year, r.frequency) p ON p.period_no = \(period)
                    WHERE r.district_id = \(district) AND r.id = \(requirementID)
                    """
                ).first
            else { throw DomainError.notFound(.requirement) }
            guard try r.decode("status", as: String.self) == "active" else {
                throw DomainError.conflict(
                    Explanation("This requirement was withdrawn.", th: "รายงานนี้ถูกยกเลิกแล้ว ไม่ต้องส่ง"))
            }
            guard let startsOn = try r.decode("starts_on", as: String?.self).flatMap(CalendarDate.init(iso:)),
                let endsOn = try r.decode("ends_on", as: String?.self).flatMap(CalendarDate.init(iso:))
            else {
                let frequency = RequirementFrequency(rawValue: try r.decode("frequency"))!
                throw DomainError.invalid([
                    FieldError(
                        .input["period"], code: "out_of_range",
                        detail: "This requirement has periods 1 to \(frequency.periodsPerYear).",
                        th: "รายงานนี้มีงวดที่ 1 ถึง \(frequency.periodsPerYear)")
                ])
            }
            let audience = RequirementAudience(rawValue: try r.decode("audience"))!
            try Self.checkExpected(
                tx, district: district, requirementID: requirementID, audience: audience, unit: unit,
                startsOn: startsOn, endsOn: endsOn)
            let inserted = try tx.query(
                """
                INSERT INTO report_submission (district_id, requirement_id, school_id, period_no, created_by)
                VALUES (\(district), \(requirementID), \(unit), \(period), \(tenant.userID))
                ON CONFLICT (district_id, requirement_id, period_no, school_id) DO NOTHING
                RETURNING id
                """
            ).first
            let id: Int64 =
                try inserted?.decode("id")
                ?? tx.query(
                    """
                    SELECT id FROM report_submission WHERE district_id = \(district) AND requirement_id = \(requirementID)
                      AND period_no = \(period) AND school_id IS NOT DISTINCT FROM \(unit)::bigint
                    """
                ).first!.decode("id")
            return (try tx.document(Self.byID, district: district, id: id), inserted != nil)
        }
    }

    /// Only a unit that must submit for the period may: its audience, and for a school that it
    /// was open during the period.
    static func checkExpected(
        _ tx: Transaction, district: Int64, requirementID: Int64, audience: RequirementAudience, unit: Int64?,
        startsOn: CalendarDate, endsOn: CalendarDate
    ) throws {
        func refuse(_ detail: String, _ th: String) -> DomainError {
            DomainError.invalid([FieldError(.input["school_id"], code: "not_expected", detail: detail, th: th)])
        }
        switch (audience, unit) {
        case (.districtOffice, nil): return
        case (.districtOffice, .some):
            throw refuse(
                "The district office submits this requirement, not a school.", "รายงานนี้สำนักงานเขตพื้นที่เป็นผู้ส่ง ไม่ใช่สถานศึกษา")
        case (_, nil):
            throw refuse("Name the school that submits.", "ต้องระบุสถานศึกษาที่ส่งรายงาน")
        case (_, .some(let school)):
            let expected = try tx.query(
                """
                SELECT 1 FROM school s
                WHERE s.district_id = \(district) AND s.id = \(school)
                  AND (s.opened_on IS NULL OR s.opened_on <= \(endsOn.sql)::date)
                  AND (s.closed_on IS NULL OR s.closed_on >= \(startsOn.sql)::date)
                  AND (\(audience.rawValue) = 'schools' OR EXISTS (
                      SELECT FROM report_requirement_school l
                      WHERE l.district_id = s.district_id AND l.requirement_id = \(requirementID) AND l.school_id = s.id))
                """)
            if expected.rowCount == 0 {
                throw refuse(
                    "This school is not one that must submit this requirement for the period (not listed, or not open then).",
                    "สถานศึกษานี้ไม่ต้องส่งรายงานนี้ในงวดนี้ (ไม่อยู่ในรายชื่อ หรือไม่ได้เปิดทำการในงวดนั้น)")
            }
        }
    }

    static func lock(
        _ tx: Transaction, district: Int64, id: Int64, expectedVersion: Int, allowed: Set<SubmissionStatus>
    )
        throws -> Row
    {
        let row = try tx.lockVersioned(
            """
            SELECT s.version, s.status, s.school_id, r.sections::text AS sections, r.status AS requirement_status
            FROM report_submission s JOIN report_requirement r ON r.district_id = s.district_id AND r.id = s.requirement_id
            WHERE s.district_id = \(district) AND s.id = \(id) FOR UPDATE OF s
            """, expectedVersion: expectedVersion, entity: .submission)
        let status = SubmissionStatus(rawValue: try row.decode("status"))!
        guard allowed.contains(status) else {
            throw DomainError.conflict(
                Explanation(
                    "This submission is \(status.rawValue): it cannot be changed that way.",
                    th: "การส่งรายงานนี้อยู่ในสถานะ「\(status.th)」 ทำรายการนี้ไม่ได้"))
        }
        return row
    }

    static func sections(_ row: Row) throws -> [RequirementSection] {
        try JSONDecoder().decode(
            [RequirementSection].self, from: Data(try row.decode("sections", as: String.self).utf8))
    }

    /// The unit writes its text sections (a draft, or a returned submission before it is sent
    /// again). Every key must be a text section of the form.
    public func update(_ tenant: DistrictTenant, id: Int64, expectedVersion: Int, texts: [String: String?]) async throws
        -> JSONDocument
    {
        let district = tenant.districtID
        return try await db.transaction(tenant) { tx in
            let row = try Self.lock(
                tx, district: district, id: id, expectedVersion: expectedVersion, allowed: [.draft, .returned])
            let sections = try Self.sections(row)
            var errors: [FieldError] = []
            for key in texts.keys.sorted() {
                switch sections.first(where: { $0.key == key })?.kind {
                case .text: continue
                case nil:
                    errors.append(
                        FieldError(
                            .input["sections"][key], code: "unknown_section", detail: "The form has no section \(key).",
                            th: "แบบรายงานไม่มีหัวข้อ \(key)"))
                case .some(let kind):
                    errors.append(
                        FieldError(
                            .input["sections"][key], code: "not_text",
                            detail: kind == .file
                                ? "A file section takes uploaded files (POST /submissions/{id}/files)."
                                : "A data section is filled from the system's data when the report is submitted.",
                            th: kind == .file ? "หัวข้อนี้เป็นไฟล์แนบ ให้อัปโหลดไฟล์" : "หัวข้อนี้ระบบเติมข้อมูลให้เมื่อส่งรายงาน"))
                }
            }
            if !errors.isEmpty { throw DomainError.invalid(errors) }
            let patch = String(decoding: try JSONEncoder().encode(texts), as: UTF8.self)
            try tx.query(
                """
                UPDATE report_submission SET content = jsonb_strip_nulls(content || \(PostgresJSON(patch))::jsonb)
                WHERE district_id = \(district) AND id = \(id)
                """)
            return try tx.document(Self.byID, district: district, id: id)
        }
    }

    /// Sends the submission: every required section must be there; the version is frozen with
    /// the data sections filled now.
    public func submit(_ tenant: DistrictTenant, id: Int64, expectedVersion: Int) async throws -> JSONDocument {
        let district = tenant.districtID
        return try await db.transaction(tenant) { tx in
            let row = try Self.lock(
                tx, district: district, id: id, expectedVersion: expectedVersion, allowed: [.draft, .returned])
            guard try row.decode("requirement_status", as: String.self) == "active" else {
                throw DomainError.conflict(
                    Explanation("This requirement was withdrawn.", th: "รายงานนี้ถูกยกเลิกแล้ว ไม่ต้องส่ง"))
            }
            try Self.checkComplete(tx, district: district, id: id, sections: Self.sections(row))
            try tx.query(
                """
                INSERT INTO report_submission_version (district_id, submission_id, number, school_id, content, submitted_by)
                SELECT s.district_id, s.id, s.versions + 1, s.school_id,
                       jsonb_build_object('requirement_id', r.id, 'title_th', r.title_th, 'period', s.period_no,
                                          'period_th', \(ReportingSQL.periodTH("r.frequency", "p.period_no", "p.starts_on", "r.fiscal_year")),
                                          'unit_th', \(ReportingSQL.unitTH("s")),
                                          'sections', \(ReportingSQL.frozenSections("s", "r", "p"))),
                       \(tenant.userID)
                FROM \(Self.from) WHERE s.district_id = \(district) AND s.id = \(id)
                """)
            try tx.query(
                """
                UPDATE report_submission SET status = 'submitted', versions = versions + 1, submitted_at = now(),
                       first_submitted_at = coalesce(first_submitted_at, now()), submitted_by = \(tenant.userID),
                       return_reason = NULL
                WHERE district_id = \(district) AND id = \(id)
                """)
            try ReminderDelivery.cancelPending(tx, district: district, submissionID: id)
            return try tx.document(Self.byID, district: district, id: id)
        }
    }

    static func checkComplete(_ tx: Transaction, district: Int64, id: Int64, sections: [RequirementSection]) throws {
        let row = try tx.query(
            """
            SELECT s.content::text AS content,
                   (SELECT coalesce(array_agg(DISTINCT e.section_key), '{}') FROM evidence_file e
                    WHERE e.district_id = s.district_id AND e.submission_id = s.id) AS with_files
            FROM report_submission s WHERE s.district_id = \(district) AND s.id = \(id)
            """
        ).first!
        let texts =
            (try? JSONDecoder().decode(
                [String: String].self, from: Data(try row.decode("content", as: String.self).utf8)))
            ?? [:]
        let withFiles = Set(try row.decode("with_files", as: [String].self))
        let missing = sections.filter { section in
            guard section.required else { return false }
            switch section.kind {
            case .text: return (texts[section.key] ?? "").isEmpty
            case .file: return !withFiles.contains(section.key)
            default: return false
            }
        }
        guard missing.isEmpty else {
            throw DomainError.invalid(
                missing.map {
                    FieldError(
                        .input["sections"][$0.key], code: "required",
                        detail: "The section \($0.key) must be filled before the report is sent.",
                        th: "ต้องกรอกหัวข้อ「\($0.titleTH)」ก่อนส่งรายงาน")
                })
        }
    }

    /// The district accepts a sent submission.
    public func accept(_ tenant: DistrictTenant, id: Int64, expectedVersion: Int) async throws -> JSONDocument {
        try await decide(tenant, id: id, expectedVersion: expectedVersion, status: .accepted, reason: nil)
    }

    /// The district returns a sent submission with its reason; the unit changes it and sends it again.
    public func returnSubmission(_ tenant: DistrictTenant, id: Int64, expectedVersion: Int, reason: String) async throws
        -> JSONDocument
    {
        try await decide(tenant, id: id, expectedVersion: expectedVersion, status: .returned, reason: reason)
    }

    func decide(_ tenant: DistrictTenant, id: Int64, expectedVersion: Int, status: SubmissionStatus, reason: String?)
        async throws -> JSONDocument
    {
        let district = tenant.districtID
        return try await db.transaction(tenant) { tx in
            _ = try Self.lock(tx, district: district, id: id, expectedVersion: expectedVersion, allowed: [.submitted])
            try tx.query(
                """
                UPDATE report_submission SET status = \(status.rawValue), return_reason = \(reason), decided_at = now(),
                       decided_by = \(tenant.userID)
                WHERE district_id = \(district) AND id = \(id)
                """)
            return try tx.document(Self.byID, district: district, id: id)
        }
    }

    /// Every version sent, oldest first, each as it was frozen.
    public func versions(_ tenant: some TenantReading, id: Int64) async throws -> String? {
        guard try await get(tenant, id: id) != nil else { return nil }
        let district = tenant.district?.districtID
        let rows = try await db.read(
            tenant,
            """
            SELECT coalesce(json_agg(json_build_object('number', v.number, 'submitted_at', \(SQLJSON.time("v.submitted_at")),
                                                       'submitted_by', v.submitted_by, 'content', v.content) ORDER BY v.number), '[]') AS doc
            FROM report_submission_version v
            WHERE (\(district)::bigint IS NULL OR v.district_id = \(district)) AND v.submission_id = \(id)
            """)
        return "{\"items\":" + (try rows.first!.decode("doc", as: String.self)) + "}"
    }

    /// A file for a file section of a draft (or returned) submission.
    public func attach(
        _ tenant: DistrictTenant, submissionID: Int64, section: String, fileName: String, type: EvidenceType,
        bytes: [UInt8]
    ) async throws -> JSONDocument {
        let district = tenant.districtID
        let content = self.content
        return try await db.transaction(tenant) { tx in
            guard
                let row = try tx.query(
                    """
                    SELECT s.version, s.status, s.school_id, r.sections::text AS sections, r.status AS requirement_status
                    FROM report_submission s JOIN report_requirement r ON r.district_id = s.district_id AND r.id = s.requirement_id
                    WHERE s.district_id = \(district) AND s.id = \(submissionID) FOR UPDATE OF s
                    """
                ).first
            else { throw DomainError.notFound(.submission) }
            let status = SubmissionStatus(rawValue: try row.decode("status"))!
            guard status == .draft || status == .returned else {
                throw DomainError.conflict(
                    Explanation(
                        "Files are added before the report is sent (or after it was returned).",
                        th: "เพิ่มไฟล์ได้ก่อนส่งรายงาน หรือเมื่อรายงานถูกส่งกลับให้แก้ไข"))
            }
            guard try Self.sections(row).first(where: { $0.key == section })?.kind == .file else {
                throw DomainError.invalid([
                    FieldError(
                        .parameter("section"), code: "not_a_file_section",
                        detail: "The form has no file section \(section).", th: "แบบรายงานไม่มีหัวข้อไฟล์แนบ \(section)")
                ])
            }
            return try content.attach(
                tx, district: district, school: try row.decode("school_id"),
                to: .submission(submissionID, section: section), fileName: fileName, type: type, bytes: bytes,
                by: tenant.userID)
        }
    }
}
