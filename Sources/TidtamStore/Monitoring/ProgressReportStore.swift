import Foundation
import Postgres
import TidtamDomain

public struct ProgressReportFilter: Sendable {
    public var districtID: Int64?
    public var schoolID: Int64?
    public var itemID: Int64?
    public var projectID: Int64?
    public var fiscalYear: Int?
    public var status: ReportStatus?

    public init(
        districtID: Int64? = nil, schoolID: Int64? = nil, itemID: Int64? = nil, projectID: Int64? = nil,
        fiscalYear: Int? = nil, status: ReportStatus? = nil
    ) {
        self.districtID = districtID; self.schoolID = schoolID; self.itemID = itemID; self.projectID = projectID
        self.fiscalYear = fiscalYear; self.status = status
    }
}

/// Progress reports against the monitoring plan's items: drafts, submission, the district's
/// review, and new versions that keep the old ones.
public struct ProgressReportStore: Sendable {
    let db: Database
    let content: any EvidenceContentStorage

    public init(_ db: Database, content: any EvidenceContentStorage = PostgresEvidenceContent()) {
        self.db = db
        self.content = content
    }

    static let document: SQL = """
        json_build_object(
            'id', r.id, 'district_id', r.district_id, 'school_id', r.school_id, 'item_id', r.item_id,
            'project_id', r.project_id, 'report_version', r.report_version, 'previous_id', r.previous_id,
            'status', r.status, 'status_th', \(SQLJSON.thai("r.status", ReportStatus.allCases.map { ($0.rawValue, $0.thaiName) })),
            'percent_complete', r.percent_complete, 'progress_status', r.progress_status,
            'progress_status_th', \(SQLJSON.thai("r.progress_status", ProgressStatus.allCases.map { ($0.rawValue, $0.thaiName) })),
            'progress_status_en', \(SQLJSON.thai("r.progress_status", ProgressStatus.allCases.map { ($0.rawValue, $0.englishName) })),
            'done_th', r.done_th, 'problems_th', r.problems_th, 'next_steps_th', r.next_steps_th,
            'return_reason', r.return_reason, 'created_by', r.created_by,
            'submitted_at', \(SQLJSON.time("r.submitted_at")), 'submitted_by', r.submitted_by,
            'decided_at', \(SQLJSON.time("r.decided_at")), 'decided_by', r.decided_by,
            'disbursements', coalesce((
                SELECT json_agg(json_build_object('budget_line_id', d.budget_line_id, 'source', b.source,
                                                  'description_th', b.description_th, 'allocated', b.amount,
                                                  'amount', d.amount, 'over_reason_th', d.over_reason_th) ORDER BY b.position, b.id)
                FROM report_disbursement d JOIN budget_line b ON b.district_id = d.district_id AND b.id = d.budget_line_id
                WHERE d.district_id = r.district_id AND d.report_id = r.id), '[]'),
            'disbursed_total', (SELECT coalesce(sum(d.amount), 0) FROM report_disbursement d
                                WHERE d.district_id = r.district_id AND d.report_id = r.id),
            'evidence', \(EvidenceOwner.files(of: "r", column: "report_id")),
            'version', r.version, 'created_at', \(SQLJSON.time("r.created_at")), 'updated_at', \(SQLJSON.time("r.updated_at")))
        """
    static let byID = DocumentQuery("progress_report", "r", document: document)

    public func get(_ tenant: some TenantReading, id: Int64) async throws -> JSONDocument? {
        try await db.document(tenant, Self.byID, id: id)
    }

    /// Newest first.
    public func list(_ tenant: some TenantReading, filter f: ProgressReportFilter, page: PageRequest) async throws
        -> JSONPage
    {
        let district = try tenant.districtToList(named: f.districtID)
        let before = try Cursor.decodeID(page.cursor)
        let sql: SQL = """
            SELECT r.id, r.version, \(Self.document) AS doc FROM progress_report r
            JOIN monitoring_item m ON m.district_id = r.district_id AND m.id = r.item_id
            WHERE r.district_id = \(district)
              AND (\(f.schoolID)::bigint IS NULL OR r.school_id = \(f.schoolID))
              AND (\(f.itemID)::bigint IS NULL OR r.item_id = \(f.itemID))
              AND (\(f.projectID)::bigint IS NULL OR m.project_id = \(f.projectID))
              AND (\(f.fiscalYear)::int IS NULL OR m.fiscal_year = \(f.fiscalYear))
              AND (\(f.status?.rawValue)::text IS NULL OR r.status = \(f.status?.rawValue))
              AND (\(before)::bigint IS NULL OR r.id < \(before))
            ORDER BY r.id DESC
            LIMIT \(page.limit + 1)
            """
        let rows = try await db.read(tenant, sql)
        let result = try JSONPage(rows: rows.rows, limit: page.limit) { [String(try $0.decode("id", as: Int64.self))] }
        if let item = f.itemID {
            try await db.requireParent(
                tenant, of: result, "monitoring_item", district: district, id: item, .monitoringItem)
        }
        return result
    }

    /// The budget lines of a project: id → amount allocated.
    static func budgetLines(_ tx: Transaction, district: Int64, project: Int64?) throws -> [Int64: Decimal] {
        guard let project else { return [:] }
        let rows = try tx.query(
            "SELECT id, amount FROM budget_line WHERE district_id = \(district) AND project_id = \(project)")
        var lines: [Int64: Decimal] = [:]
        for row in rows.rows { lines[try row.decode("id")] = try row.decode("amount") }
        return lines
    }

    static func writeDisbursements(
        _ tx: Transaction, district: Int64, report: Int64, school: Int64?, _ lines: [DisbursementInput]
    ) throws {
        try tx.query("DELETE FROM report_disbursement WHERE district_id = \(district) AND report_id = \(report)")
        guard !lines.isEmpty else { return }
        try tx.query(
            """
            INSERT INTO report_disbursement (district_id, report_id, school_id, budget_line_id, amount, over_reason_th)
            SELECT \(district), \(report), \(school), d.budget_line_id, d.amount, d.over_reason_th
            FROM jsonb_to_recordset(\(SQLJSON.encode(lines))::jsonb) AS d(budget_line_id bigint, amount numeric, over_reason_th text)
            """)
    }

    /// A new draft against an item: the first version, or (when the latest is no longer a
    /// draft) the next version, which keeps the old one and carries its evidence files.
    public func create(_ tenant: DistrictTenant, itemID: Int64, _ input: ProgressReportInput) async throws
        -> JSONDocument
    {
        let district = tenant.districtID
        return try await db.transaction(tenant) { tx in
            guard
                let item = try tx.query(
                    """
                    SELECT school_id, project_id, status FROM monitoring_item
                    WHERE district_id = \(district) AND id = \(itemID) FOR SHARE
                    """
                ).first
            else { throw DomainError.notFound(.monitoringItem) }
            guard try item.decode("status", as: String.self) == "open" else {
                throw DomainError.conflict(
                    Explanation(
                        "This item was withdrawn with its project when the plan was revised; nothing is due.",
                        th: "รายการนี้ถูกยกเลิกไปพร้อมกับการปรับแผน จึงไม่ต้องรายงาน"))
            }
            let school: Int64? = try item.decode("school_id")
            let project: Int64? = try item.decode("project_id")
            let errors = input.validate(budgetLines: try Self.budgetLines(tx, district: district, project: project))
            if !errors.isEmpty { throw DomainError.invalid(errors) }
            let latest = try tx.query(
                """
                SELECT id, report_version, status FROM progress_report
                WHERE district_id = \(district) AND item_id = \(itemID) ORDER BY report_version DESC LIMIT 1 FOR UPDATE
                """
            ).first
            if let latest, try latest.decode("status", as: String.self) == ReportStatus.draft.rawValue {
                let draft: Int64 = try latest.decode("id")
                throw DomainError.conflict(
                    Explanation(
                        "A draft of this report already exists (progress report \(draft)); edit that one.",
                        th: "มีร่างรายงานของรายการนี้อยู่แล้ว (รายงานเลขที่ \(draft)) ให้แก้ไขในร่างนั้น"))
            }
            let previous: Int64? = try latest?.decode("id")
            let number = (try latest?.decode("report_version", as: Int.self) ?? 0) + 1
            let id: Int64 = try tx.query(
                """
                INSERT INTO progress_report (district_id, school_id, item_id, project_id, report_version, previous_id,
                                             percent_complete, progress_status, done_th, problems_th, next_steps_th, created_by)
                VALUES (\(district), \(school), \(itemID), \(project), \(number), \(previous), \(input.percentComplete),
                        \(input.progressStatus.rawValue), \(input.doneTH), \(input.problemsTH), \(input.nextStepsTH), \(tenant.userID))
                RETURNING id
                """
            ).first!.decode("id")
            try Self.writeDisbursements(tx, district: district, report: id, school: school, input.disbursements)
            if let previous {
                try tx.query(
                    """
                    INSERT INTO evidence_file (district_id, school_id, report_id, content_id, file_name, content_type, byte_size, sha256, created_by, created_at)
                    SELECT district_id, school_id, \(id), content_id, file_name, content_type, byte_size, sha256, created_by, created_at
                    FROM evidence_file WHERE district_id = \(district) AND report_id = \(previous)
                    """)
            }
            return try tx.document(Self.byID, district: district, id: id)
        }
    }

    /// Locks a report that must be a draft at `expectedVersion`; returns its row (school, project, item).
    @discardableResult
    static func lockDraft(_ tx: Transaction, district: Int64, id: Int64, expectedVersion: Int) throws -> Row {
        let row = try tx.lockVersioned(
            """
            SELECT version, status, school_id, project_id, item_id FROM progress_report
            WHERE district_id = \(district) AND id = \(id) FOR UPDATE
            """,
            expectedVersion: expectedVersion, entity: .progressReport)
        guard try row.decode("status", as: String.self) == ReportStatus.draft.rawValue else {
            throw DomainError.conflict(
                Explanation(
                    "A submitted report is kept as it was; start a new version of it to change it.",
                    th: "รายงานที่ส่งแล้วแก้ไขไม่ได้ ให้สร้างรายงานฉบับใหม่ (เวอร์ชันถัดไป) แทน"))
        }
        return row
    }

    /// Replaces a draft's content.
    public func update(_ tenant: DistrictTenant, id: Int64, expectedVersion: Int, _ input: ProgressReportInput)
        async throws -> JSONDocument
    {
        let district = tenant.districtID
        return try await db.transaction(tenant) { tx in
            let row = try Self.lockDraft(tx, district: district, id: id, expectedVersion: expectedVersion)
            let errors = input.validate(
                budgetLines: try Self.budgetLines(tx, district: district, project: row.decode("project_id")))
            if !errors.isEmpty { throw DomainError.invalid(errors) }
            try tx.query(
                """
                UPDATE progress_report SET percent_complete = \(input.percentComplete), progress_status = \(input.progressStatus.rawValue),
                    done_th = \(input.doneTH), problems_th = \(input.problemsTH), next_steps_th = \(input.nextStepsTH)
                WHERE district_id = \(district) AND id = \(id)
                """)
            try Self.writeDisbursements(
                tx, district: district, report: id, school: row.decode("school_id"), input.disbursements)
            return try tx.document(Self.byID, district: district, id: id)
        }
    }

    /// Deletes a draft (and its files); a submitted report is a record.
    public func delete(_ tenant: DistrictTenant, id: Int64, expectedVersion: Int) async throws {
        let district = tenant.districtID
        let content = self.content
        try await db.transaction(tenant) { tx in
            try Self.lockDraft(tx, district: district, id: id, expectedVersion: expectedVersion)
            let files: [Int64] = try tx.query(
                "DELETE FROM evidence_file WHERE district_id = \(district) AND report_id = \(id) RETURNING content_id"
            ).rows.map { try $0.decode("content_id") }
            try tx.query("DELETE FROM progress_report WHERE district_id = \(district) AND id = \(id)")
            try content.release(tx, district: district, contentIDs: files)
        }
    }

    /// Submit, acknowledge or return.
    public func apply(_ transition: ReportTransition, _ tenant: DistrictTenant, id: Int64, expectedVersion: Int)
        async throws -> JSONDocument
    {
        let district = tenant.districtID
        return try await db.transaction(tenant) { tx in
            let row = try tx.lockVersioned(
                "SELECT version, status FROM progress_report WHERE district_id = \(district) AND id = \(id) FOR UPDATE",
                expectedVersion: expectedVersion, entity: .progressReport)
            let status = ReportStatus(rawValue: try row.decode("status")) ?? .draft
            do {
                _ = try ReportLifecycle.apply(transition, to: status, by: tenant.role)
            } catch let error as ReportTransitionError {
                throw Self.refusal(error, transition)
            }
            switch transition {
            case .submit:
                try tx.query(
                    """
                    UPDATE progress_report SET status = 'submitted', submitted_at = now(), submitted_by = \(tenant.userID)
                    WHERE district_id = \(district) AND id = \(id)
                    """)
            case .acknowledge:
                try tx.query(
                    """
                    UPDATE progress_report SET status = 'acknowledged', decided_at = now(), decided_by = \(tenant.userID)
                    WHERE district_id = \(district) AND id = \(id)
                    """)
            case .returnForChanges(let reason):
                try tx.query(
                    """
                    UPDATE progress_report SET status = 'returned', return_reason = \(reason), decided_at = now(), decided_by = \(tenant.userID)
                    WHERE district_id = \(district) AND id = \(id)
                    """)
            }
            return try tx.document(Self.byID, district: district, id: id)
        }
    }

    static func refusal(_ error: ReportTransitionError, _ transition: ReportTransition) -> DomainError {
        switch error {
        case .notAllowed(let from):
            let verb: Explanation =
                switch transition {
                case .submit: Explanation("submitted", th: "ส่ง")
                case .acknowledge: Explanation("acknowledged", th: "รับทราบ")
                case .returnForChanges: Explanation("returned", th: "ส่งกลับแก้ไข")
                }
            return .conflict(
                Explanation(
                    "A report that is \(from.rawValue) cannot be \(verb.english).",
                    th: "รายงานที่อยู่ในสถานะ “\(from.thaiName)” \(verb.thai)ไม่ได้"))
        case .notPermitted(let role):
            return .forbidden(
                Explanation(
                    "Your role (\(role.rawValue)) may not do this to a progress report.",
                    th: "บทบาท\(role.thaiName)ไม่มีสิทธิ์ทำรายการนี้กับรายงานความก้าวหน้า"))
        case .reasonRequired:
            return .invalid([
                FieldError(
                    .input["reason"], code: "required", detail: "Say why it is returned.", th: "ต้องระบุเหตุผลที่ส่งกลับ")
            ])
        }
    }

    // MARK: evidence

    static let fileDocument: SQL = """
        json_build_object('id', f.id, 'district_id', f.district_id, 'school_id', f.school_id, 'report_id', f.report_id,
                          'finding_id', f.finding_id, 'file_name', f.file_name, 'content_type', f.content_type,
                          'byte_size', f.byte_size, 'sha256', encode(f.sha256, 'hex'), 'created_by', f.created_by,
                          'created_at', \(SQLJSON.time("f.created_at")))
        """
    static let fileByID = DocumentQuery("evidence_file", "f", document: fileDocument, version: "1")

    /// Attaches a file to a draft report.
    public func attach(
        _ tenant: DistrictTenant, reportID: Int64, expectedVersion: Int?, fileName: String, type: EvidenceType,
        bytes: [UInt8]
    ) async throws -> JSONDocument {
        let district = tenant.districtID
        let content = self.content
        return try await db.transaction(tenant) { tx in
            guard
                let row = try tx.query(
                    "SELECT version, status, school_id FROM progress_report WHERE district_id = \(district) AND id = \(reportID) FOR UPDATE"
                ).first
            else { throw DomainError.notFound(.progressReport) }
            if let expectedVersion, try row.decode("version", as: Int.self) != expectedVersion {
                throw DomainError.versionMismatch(current: try row.decode("version"))
            }
            guard try row.decode("status", as: String.self) == ReportStatus.draft.rawValue else {
                throw DomainError.conflict(
                    Explanation(
                        "Files are added to a draft; start a new version of a submitted report to add more.",
                        th: "เพิ่มไฟล์ได้เฉพาะในร่างรายงาน หากรายงานส่งแล้วให้สร้างฉบับใหม่ก่อน"))
            }
            let school: Int64? = try row.decode("school_id")
            return try content.attach(
                tx, district: district, school: school, to: .report(reportID), fileName: fileName, type: type,
                bytes: bytes, by: tenant.userID)
        }
    }

    public func file(_ tenant: some TenantReading, id: Int64) async throws -> JSONDocument? {
        try await db.document(tenant, Self.fileByID, id: id)
    }

    /// The file's bytes with its type and SHA-256 (hex), or nil when the caller cannot see it.
    public func fileContent(_ tenant: some TenantReading, id: Int64) async throws -> EvidenceContent? {
        guard let district = tenant.district?.districtID else { return nil }
        let rows = try await db.read(
            tenant,
            """
            SELECT f.content_id, f.content_type, f.file_name, encode(f.sha256, 'hex') AS sha256, f.district_id
            FROM evidence_file f WHERE f.district_id = \(district) AND f.id = \(id)
            """)
        guard let row = rows.first else { return nil }
        guard let bytes = try await content.load(db, tenant, district: district, contentID: row.decode("content_id"))
        else { return nil }
        return EvidenceContent(
            fileName: try row.decode("file_name"), contentType: try row.decode("content_type"),
            sha256: try row.decode("sha256"), bytes: bytes)
    }

    /// Removes a file from a draft report.
    public func detach(_ tenant: DistrictTenant, fileID: Int64) async throws {
        let district = tenant.districtID
        let content = self.content
        try await db.transaction(tenant) { tx in
            guard
                let row = try tx.query(
                    """
                    SELECT f.content_id, r.status FROM evidence_file f
                    JOIN progress_report r ON r.district_id = f.district_id AND r.id = f.report_id
                    WHERE f.district_id = \(district) AND f.id = \(fileID) FOR UPDATE OF r
                    """
                ).first
            else { throw DomainError.notFound(.evidenceFile) }
            guard try row.decode("status", as: String.self) == ReportStatus.draft.rawValue else {
                throw DomainError.conflict(
                    Explanation(
                        "A submitted report keeps its files.", th: "ไฟล์หลักฐานของรายงานที่ส่งแล้วลบไม่ได้"))
            }
            try tx.query("DELETE FROM evidence_file WHERE district_id = \(district) AND id = \(fileID)")
            try content.release(tx, district: district, contentIDs: [row.decode("content_id")])
        }
    }
}

/// An evidence file's bytes as served.
public struct EvidenceContent: Sendable {
    public let fileName: String
    public let contentType: String
    /// Hex; the file's ETag.
    public let sha256: String
    public let bytes: [UInt8]
}
