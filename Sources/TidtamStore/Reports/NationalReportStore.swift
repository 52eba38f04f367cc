import Foundation
import Postgres
import TidtamDomain

/// OBEC's reports assembled across districts. A request and one part job per district are
/// written in one transaction (the national role may enqueue exactly those jobs); the versions
/// and their files are read back here, never changed. Only the national role reads them: they
/// hold every district's figures.
public struct NationalReportStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    static let requestDocument: SQL = """
        json_build_object(
            'id', q.id, 'kind', q.kind, 'kind_th', \(ReportStore.kindTH("q.kind")), 'report_key', q.report_key,
            'params', q.params, 'status', q.status,
            'status_th', CASE q.status WHEN 'queued' THEN 'กำลังรวบรวมจากเขตพื้นที่' ELSE 'จัดทำเสร็จแล้ว' END,
            'progress', (SELECT json_build_object('districts', cardinality(q.districts), 'assembled', count(*),
                                                  'failed', count(*) FILTER (WHERE p.error IS NOT NULL))
                         FROM national_report_part p WHERE p.request_id = q.id),
            'requested_by', q.requested_by, 'requested_at', \(SQLJSON.time("q.created_at")),
            'finished_at', \(SQLJSON.time("q.finished_at")),
            'version_id', (SELECT v.id FROM national_report_version v WHERE v.request_id = q.id),
            'version', q.version)
        """
    static let requestSelect: SQL = "SELECT q.id, q.version, \(requestDocument) AS doc FROM national_report_request q"

    static let versionDocument: SQL = """
        json_build_object(
            'id', v.id, 'kind', v.kind, 'kind_th', \(ReportStore.kindTH("v.kind")), 'report_key', v.report_key,
            'number', v.number, 'title_th', v.title_th, 'request_id', v.request_id, 'requested_by', v.requested_by,
            'requested_at', \(SQLJSON.time("v.requested_at")), 'built_by_job', v.built_by_job,
            'assembled_at', \(SQLJSON.time("v.created_at")),
            'assembled_on_th', \(SQLJSON.thaiDate("(v.created_at AT TIME ZONE 'Asia/Bangkok')::date")),
            'data_sha256', v.data_sha256,
            'files', (SELECT coalesce(json_agg(json_build_object(
                          'format', f.format, 'content_type', f.content_type, 'byte_size', f.byte_size, 'sha256', f.sha256,
                          'href', '/api/v1/national-reports/' || v.id || '/files/' || f.format) ORDER BY f.format), '[]')
                      FROM national_report_file f WHERE f.version_id = v.id),
            'earlier_versions', (SELECT coalesce(json_agg(json_build_object('id', o.id, 'number', o.number,
                                                                            'assembled_at', \(SQLJSON.time("o.created_at")))
                                                          ORDER BY o.number DESC), '[]')
                                 FROM national_report_version o WHERE o.report_key = v.report_key AND o.number < v.number))
        """
    static let versionSelect: SQL =
        "SELECT v.id, 1 AS version, \(versionDocument) AS doc FROM national_report_version v"

    /// OBEC's staff (the user asking), or the service acting for OBEC (the demo: no user).
    static func requireNational(_ tenant: Tenant) throws -> Int64? {
        switch tenant {
        case .national(let user, _): return user
        case .nationalService: return nil
        default:
            throw DomainError.forbidden(
                Explanation(
                    "Only OBEC assembles reports across every district.",
                    th: "รายงานระดับประเทศจัดทำได้เฉพาะ สพฐ."))
        }
    }

    /// Asks for a national report: checks what it is about, then writes the request and one
    /// part job per district.
    public func request(_ tenant: Tenant, _ input: ReportRequestInput) async throws -> JSONDocument {
        let user = try Self.requireNational(tenant)
        let problems = input.problems
        if !problems.isEmpty { throw DomainError.invalid(problems) }
        return try await db.transaction(tenant) { tx in
            let key = try Self.reportKey(tx, input)
            let districts = try tx.query("SELECT id FROM district ORDER BY id").rows.map {
                try $0.decode("id", as: Int64.self)
            }
            guard !districts.isEmpty else {
                throw DomainError.conflict(Explanation("There is no district yet.", th: "ยังไม่มีเขตพื้นที่การศึกษา"))
            }
            let id: Int64 = try tx.query(
                """
                INSERT INTO national_report_request (kind, report_key, params, districts, requested_by)
                VALUES (\(input.kind.rawValue), \(key), \(PostgresJSON(input.paramsJSON)), \(districts)::bigint[], \(user))
                RETURNING id
                """
            ).first!.decode("id")
            try tx.query(
                DistrictFanOut.enqueue(
                    districts: districts, key: "national-report:\(id)", kind: NationalReportAssembly.partKind,
                    args: PostgresJSON("{\"request_id\":\(id)}")))
            return try JSONDocument(row: tx.query("\(Self.requestSelect) WHERE q.id = \(id)").first!)
        }
    }

    /// What the versions are versions of; OBEC's requirement and its period must exist.
    static func reportKey(_ tx: Transaction, _ input: ReportRequestInput) throws -> String {
        guard input.kind == .requirementConsolidated else {
            return try ReportStore.reportKey(tx, district: 0, input)
        }
        let (requirement, period) = (input.requirementID!, input.period!)
        guard try tx.query("SELECT FROM national_requirement WHERE id = \(requirement)").first != nil else {
            throw DomainError.notFound(.requirement)
        }
        guard
            try tx.query(
                """
                SELECT FROM national_requirement n, tidtam_fiscal_periods(n.fiscal_year, n.frequency) p
                WHERE n.id = \(requirement) AND p.period_no = \(period)
                """
            ).first != nil
        else {
            throw DomainError.invalid([ReportRequestInput.noSuchPeriod])
        }
        return "\(input.kind.rawValue):\(requirement):\(period)"
    }

    public func request(_ tenant: Tenant, id: Int64) async throws -> JSONDocument? {
        _ = try Self.requireNational(tenant)
        return try await db.read(tenant, "\(Self.requestSelect) WHERE q.id = \(id)").first.map(JSONDocument.init(row:))
    }

    public func requests(_ tenant: Tenant, kind: ReportKind?, page: PageRequest) async throws -> JSONPage {
        _ = try Self.requireNational(tenant)
        let before = try Cursor.decodeID(page.cursor)
        let rows = try await db.read(
            tenant,
            """
            \(Self.requestSelect)
            WHERE (\(kind?.rawValue)::text IS NULL OR q.kind = \(kind?.rawValue))
              AND (\(before)::bigint IS NULL OR q.id < \(before))
            ORDER BY q.id DESC LIMIT \(page.limit + 1)
            """)
        return try JSONPage(rows: rows.rows, limit: page.limit) { [String(try $0.decode("id", as: Int64.self))] }
    }

    public func version(_ tenant: Tenant, id: Int64) async throws -> JSONDocument? {
        _ = try Self.requireNational(tenant)
        return try await db.read(tenant, "\(Self.versionSelect) WHERE v.id = \(id)").first.map(JSONDocument.init(row:))
    }

    /// The versions, newest first; of one report (`key`) or of a kind.
    public func versions(_ tenant: Tenant, kind: ReportKind?, key: String?, page: PageRequest) async throws -> JSONPage
    {
        _ = try Self.requireNational(tenant)
        let before = try Cursor.decodeID(page.cursor)
        let rows = try await db.read(
            tenant,
            """
            \(Self.versionSelect)
            WHERE (\(kind?.rawValue)::text IS NULL OR v.kind = \(kind?.rawValue))
              AND (\(key)::text IS NULL OR v.report_key = \(key))
              AND (\(before)::bigint IS NULL OR v.id < \(before))
            ORDER BY v.id DESC LIMIT \(page.limit + 1)
            """)
        return try JSONPage(rows: rows.rows, limit: page.limit) { [String(try $0.decode("id", as: Int64.self))] }
    }

    public func file(_ tenant: Tenant, versionID: Int64, format: String) async throws -> ReportStore.File? {
        _ = try Self.requireNational(tenant)
        let rows = try await db.read(
            tenant,
            """
            SELECT encode(f.content, 'base64') AS b, f.format, f.content_type, f.sha256, f.created_at,
                   'national-' || v.report_key || '-' || v.number AS name
            FROM national_report_file f JOIN national_report_version v ON v.id = f.version_id
            WHERE f.version_id = \(versionID) AND f.format = \(format)
            """)
        return try ReportStore.File(rows.first)
    }
}
