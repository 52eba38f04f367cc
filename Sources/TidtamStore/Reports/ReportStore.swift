import Foundation
import Postgres
import TidtamDomain

/// Requests for reports and the versions they made. A request is written with its assembly job
/// in one transaction (the job exists exactly when the request does); its versions and files
/// are read back here, never changed.
public struct ReportStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    static let requestDocument: SQL = """
        json_build_object(
            'id', q.id, 'district_id', q.district_id, 'kind', q.kind, 'kind_th', \(kindTH("q.kind")),
            'report_key', q.report_key, 'params', q.params, 'status', q.status,
            'status_th', CASE q.status WHEN 'queued' THEN 'รอจัดทำ' WHEN 'assembling' THEN 'กำลังจัดทำ'
                                       WHEN 'done' THEN 'จัดทำเสร็จแล้ว' ELSE 'จัดทำไม่สำเร็จ' END,
            'progress', q.progress, 'error', q.error, 'requested_by', q.requested_by,
            'requested_at', \(SQLJSON.time("q.created_at")), 'finished_at', \(SQLJSON.time("q.finished_at")),
            'version_id', (SELECT v.id FROM report_version v WHERE v.district_id = q.district_id AND v.request_id = q.id),
            'version', q.version)
        """
    static let requestByID = DocumentQuery("report_request", "q", document: requestDocument)

    static let versionDocument: SQL = """
        json_build_object(
            'id', v.id, 'district_id', v.district_id, 'kind', v.kind, 'kind_th', \(kindTH("v.kind")),
            'report_key', v.report_key, 'number', v.number, 'title_th', v.title_th, 'request_id', v.request_id,
            'requested_by', v.requested_by, 'requested_at', \(SQLJSON.time("v.requested_at")),
            'built_by_job', v.built_by_job, 'assembled_at', \(SQLJSON.time("v.created_at")),
            'assembled_on_th', \(SQLJSON.thaiDate("(v.created_at AT TIME ZONE 'Asia/Bangkok')::date")),
            'data_sha256', v.data_sha256, 'publication', \(ReportPublicationStore.publicationDocument),
            'files', (SELECT coalesce(json_agg(json_build_object(
                          'format', f.format, 'content_type', f.content_type, 'byte_size', f.byte_size, 'sha256', f.sha256,
                          'href', '/api/v1/reports/' || v.id || '/files/' || f.format) ORDER BY f.format), '[]')
                      FROM report_file f WHERE f.district_id = v.district_id AND f.version_id = v.id),
            'earlier_versions', (SELECT coalesce(json_agg(json_build_object('id', o.id, 'number', o.number,
                                                                            'assembled_at', \(SQLJSON.time("o.created_at")))
                                                          ORDER BY o.number DESC), '[]')
                                 FROM report_version o WHERE o.district_id = v.district_id AND o.report_key = v.report_key
                                   AND o.number < v.number))
        """
    static let versionByID = DocumentQuery("report_version", "v", document: versionDocument, version: "1")

    static func kindTH(_ column: SQL) -> SQL {
        SQLJSON.thai(column, ReportKind.allCases.map { ($0.rawValue, $0.thaiName) })
    }

    /// Asks for a report: checks what it is about, then writes the request and its job.
    public func request(_ tenant: DistrictTenant, _ input: ReportRequestInput) async throws -> JSONDocument {
        let problems = input.problems
        if !problems.isEmpty { throw DomainError.invalid(problems) }
        let district = tenant.districtID
        return try await db.transaction(tenant) { tx in
            let key = try Self.reportKey(tx, district: district, input)
            let id: Int64 = try tx.query(
                """
                INSERT INTO report_request (district_id, kind, report_key, params, requested_by)
                VALUES (\(district), \(input.kind.rawValue), \(key), \(PostgresJSON(input.paramsJSON)), \(tenant.userID))
                RETURNING id
                """
            ).first!.decode("id")
            try tx.enqueue(
                NewJob(
                    districtID: district, kind: ReportAssembly.kind,
                    args: PostgresJSON("{\"request_id\":\(id)}"), maxAttempts: 5, uniqueKey: "report:\(id)"))
            return try tx.document(Self.requestByID, district: district, id: id)
        }
    }

    /// What the versions are versions of; the requirement and period must exist in the district.
    static func reportKey(_ tx: Transaction, district: Int64, _ input: ReportRequestInput) throws -> String {
        switch input.kind {
        case .requirementConsolidated:
            let (requirement, period) = (input.requirementID!, input.period!)
            guard
                try tx.query(
                    ConsolidatedReportQuery.periodEnd(district: district, requirementID: requirement, period: period)
                ).first != nil
            else {
                if try tx.query(
                    "SELECT FROM report_requirement WHERE district_id = \(district) AND id = \(requirement)"
                ).first == nil {
                    throw DomainError.notFound(.requirement)
                }
                throw DomainError.invalid([ReportRequestInput.noSuchPeriod])
            }
            return "\(input.kind.rawValue):\(requirement):\(period)"
        case .agreementEvaluation, .annual:
            return "\(input.kind.rawValue):\(input.fiscalYear!.buddhistYear)"
        case .sarSummary:
            return "\(input.kind.rawValue):\(input.academicYear!)"
        }
    }

    public func request(_ tenant: some TenantReading, id: Int64) async throws -> JSONDocument? {
        try await db.document(tenant, Self.requestByID, id: id)
    }

    public func requests(_ tenant: some TenantReading, kind: ReportKind?, page: PageRequest) async throws -> JSONPage {
        let before = try Cursor.decodeID(page.cursor)
        let rows = try await db.read(
            tenant,
            """
            SELECT q.id, \(Self.requestDocument) AS doc FROM report_request q
            WHERE (\(tenant.district?.districtID)::bigint IS NULL OR q.district_id = \(tenant.district?.districtID))
              AND (\(kind?.rawValue)::text IS NULL OR q.kind = \(kind?.rawValue))
              AND (\(before)::bigint IS NULL OR q.id < \(before))
            ORDER BY q.id DESC LIMIT \(page.limit + 1)
            """)
        return try JSONPage(rows: rows.rows, limit: page.limit) { [String(try $0.decode("id", as: Int64.self))] }
    }

    public func version(_ tenant: some TenantReading, id: Int64) async throws -> JSONDocument? {
        try await db.document(tenant, Self.versionByID, id: id)
    }

    /// The versions, newest first; of one report (`key`), of a kind, or the consolidated reports
    /// of OBEC's requirement `national` (each district's copy of it): what OBEC sees arrive.
    public func versions(
        _ tenant: some TenantReading, kind: ReportKind?, key: String?, nationalRequirementID national: Int64? = nil,
        page: PageRequest
    ) async throws -> JSONPage {
        let before = try Cursor.decodeID(page.cursor)
        let rows = try await db.read(
            tenant,
            """
            SELECT v.id, \(Self.versionDocument) AS doc FROM report_version v
            WHERE (\(tenant.district?.districtID)::bigint IS NULL OR v.district_id = \(tenant.district?.districtID))
              AND (\(kind?.rawValue)::text IS NULL OR v.kind = \(kind?.rawValue))
              AND (\(key)::text IS NULL OR v.report_key = \(key))
              AND (\(national)::bigint IS NULL OR (v.kind = 'requirement_consolidated' AND EXISTS (
                       SELECT FROM report_requirement r
                       WHERE r.district_id = v.district_id AND r.national_requirement_id = \(national)
                         AND r.id = split_part(v.report_key, ':', 2)::bigint)))
              AND (\(before)::bigint IS NULL OR v.id < \(before))
            ORDER BY v.id DESC LIMIT \(page.limit + 1)
            """)
        return try JSONPage(rows: rows.rows, limit: page.limit) { [String(try $0.decode("id", as: Int64.self))] }
    }

    /// A rendered file of a version.
    public struct File: Sendable {
        public var bytes: [UInt8]
        public var contentType: String
        public var sha256: String
        public var fileName: String
        public var createdAt: Date
    }

    public func file(_ tenant: some TenantReading, versionID: Int64, format: String) async throws -> File? {
        let rows = try await db.read(
            tenant,
            """
            SELECT encode(f.content, 'base64') AS b, f.format, f.content_type, f.sha256, f.created_at,
                   v.report_key || '-' || v.number AS name
            FROM report_file f JOIN report_version v ON v.district_id = f.district_id AND v.id = f.version_id
            WHERE (\(tenant.district?.districtID)::bigint IS NULL OR f.district_id = \(tenant.district?.districtID))
              AND f.version_id = \(versionID) AND f.format = \(format)
            """)
        return try File(rows.first)
    }
}

extension ReportStore.File {
    /// A file from its row (`b` its content in base64, `name` its name without the extension).
    init?(_ row: Row?) throws {
        guard let row, let text: String = try row.decode("b"),
            let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters)
        else { return nil }
        let name: String = try row.decode("name")
        let format = try row.decode("format", as: String.self)
        self.init(
            bytes: [UInt8](data), contentType: try row.decode("content_type"), sha256: try row.decode("sha256"),
            fileName: name.replacingOccurrences(of: ":", with: "-") + "." + format,
            createdAt: try row.decode("created_at"))
    }
}
