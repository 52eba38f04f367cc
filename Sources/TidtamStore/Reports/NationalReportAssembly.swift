import Foundation
import Postgres
import TidtamDomain

/// The steps of a national report's part job (`report.national_part`, one per district): the
/// district's own report data read as that district (its tenancy, its statement), its row
/// stored once (`national_report_part`'s key); then, read as OBEC, whether every district's row
/// is in, and if so the national version and its files written once per request
/// (`national_report_version_once`). Whichever part completes the set writes the version; two
/// that finish at once both find the set complete, and the second finds the version made.
///
/// The read of the parts and the write of the version are two transactions: under Citus the
/// parts are spread over the nodes and the version is a reference table, which a transaction
/// may not write after a parallel read of distributed shards.
public enum NationalReportAssembly {
    public static let partKind = "report.national_part"

    /// `{"request_id": …}`, as a district's assembly job is given.
    public typealias Args = ReportAssembly.Args

    public struct Request: Sendable {
        public var id: Int64
        public var kind: ReportKind
        public var reportKey: String
        public var nationalRequirementID: Int64?
        public var period: Int?
        public var fiscalYear: Int?
        public var academicYear: Int?
        public var districts: [Int64]
        public var requestedBy: Int64?
        public var requestedAt: Date
        public var done: Bool

        /// What the report is about, in Thai, for its title.
        public var subjectTH: String {
            switch kind {
            case .requirementConsolidated: "งวดที่ \(period ?? 0)"
            case .agreementEvaluation, .annual: "ปีงบประมาณ พ.ศ. \(fiscalYear ?? 0)"
            case .sarSummary: "ปีการศึกษา \(academicYear ?? 0)"
            }
        }
    }

    /// The request, read as OBEC (run in a `.nationalService` transaction).
    public static func request(_ tx: Transaction, id: Int64) throws -> Request? {
        guard
            let row = try tx.query(
                """
                SELECT id, kind, report_key, (params->>'national_requirement_id')::bigint AS requirement_id,
                       (params->>'period')::int AS period, (params->>'fiscal_year')::int AS fiscal_year,
                       (params->>'academic_year')::int AS academic_year, districts, requested_by, created_at,
                       status = 'done' AS done
                FROM national_report_request WHERE id = \(id)
                """
            ).first
        else { return nil }
        return Request(
            id: try row.decode("id"), kind: ReportKind(rawValue: try row.decode("kind"))!,
            reportKey: try row.decode("report_key"), nationalRequirementID: try row.decode("requirement_id"),
            period: try row.decode("period"), fiscalYear: try row.decode("fiscal_year"),
            academicYear: try row.decode("academic_year"), districts: try row.decode("districts"),
            requestedBy: try row.decode("requested_by"), requestedAt: try row.decode("created_at"),
            done: try row.decode("done"))
    }

    /// Whether the district's row is stored already (a retried job skips to the completion).
    public static func hasPart(_ tx: Transaction, district: Int64, requestID: Int64) throws -> Bool {
        try tx.query("SELECT FROM national_report_part WHERE district_id = \(district) AND request_id = \(requestID)")
            .first != nil
    }

    /// What a district's row is made from: its own report's data (as `ReportAssembly.gather`
    /// reads it for the district's report of the kind), or nil for OBEC's requirement when the
    /// district has no copy of it yet; and, for a requirement, how many versions of the
    /// district's consolidated report of the period there are (each one reached OBEC).
    public struct Source: Sendable {
        public var district: (id: Int64, code: String, nameTH: String)
        public var data: String?
        public var consolidatedVersions: Int
    }

    /// Read as the district (its tenancy); `statement_timeout` as the district's own report has.
    public static func gather(_ tx: Transaction, district: Int64, _ request: Request) throws -> Source {
        try tx.query("SET LOCAL statement_timeout = '5min'")
        let row = try tx.query("SELECT code, name_th FROM district WHERE id = \(district)").first!
        let code: String = try row.decode("code"), nameTH: String = try row.decode("name_th")
        let about = (id: district, code: code, nameTH: nameTH)
        var requirementID: Int64?
        var versions = 0
        if request.kind == .requirementConsolidated {
            guard
                let copy = try tx.query(
                    """
                    SELECT r.id, (SELECT count(*) FROM report_version v
                                  WHERE v.district_id = r.district_id
                                    AND v.report_key = 'requirement_consolidated:' || r.id || ':' || \(request.period!)) AS versions
                    FROM report_requirement r
                    WHERE r.district_id = \(district) AND r.national_requirement_id = \(request.nationalRequirementID!)
                    """
                ).first
            else { return Source(district: about, data: nil, consolidatedVersions: 0) }
            requirementID = try copy.decode("id")
            versions = Int(try copy.decode("versions", as: Int64.self))
        }
        let asDistrict = ReportAssembly.Request(
            id: request.id, kind: request.kind, reportKey: request.reportKey, requirementID: requirementID,
            period: request.period, fiscalYear: request.fiscalYear, academicYear: request.academicYear,
            publish: false, requestedBy: request.requestedBy, requestedAt: request.requestedAt)
        return Source(
            district: about, data: try ReportAssembly.gather(tx, district: district, asDistrict),
            consolidatedVersions: versions)
    }

    /// The district's row, once; `error` when it could not be made after its last attempt.
    public static func recordPart(
        _ tx: Transaction, district: Int64, requestID: Int64, jobID: Int64, data: String?, error: String?
    ) throws {
        try tx.query(
            """
            INSERT INTO national_report_part (district_id, request_id, data, error, built_by_job)
            VALUES (\(district), \(requestID), \(data.map(PostgresJSON.init)), \(error), \(jobID))
            ON CONFLICT DO NOTHING
            """)
    }

    /// A stored row: its data, or why there is none.
    public struct StoredPart: Sendable {
        public var districtID: Int64
        public var code: String
        public var nameTH: String
        public var data: String?
        public var error: String?
    }

    /// Every district's row when all are in and the version is not made yet; nil otherwise.
    /// Read as OBEC (run in a `.nationalService` transaction).
    public static func completeParts(_ tx: Transaction, _ request: Request) throws -> [StoredPart]? {
        let rows = try tx.query(
            """
            SELECT p.district_id, d.code, d.name_th, p.data::text AS data, p.error
            FROM national_report_part p JOIN district d ON d.id = p.district_id
            WHERE p.request_id = \(request.id) AND p.district_id = ANY(\(request.districts)::bigint[])
              AND NOT EXISTS (SELECT FROM national_report_version v WHERE v.request_id = \(request.id))
            """)
        guard rows.rows.count == request.districts.count else { return nil }
        return try rows.rows.map {
            StoredPart(
                districtID: try $0.decode("district_id"), code: try $0.decode("code"), nameTH: try $0.decode("name_th"),
                data: try $0.decode("data"), error: try $0.decode("error"))
        }
    }

    /// The national version and its files, and the request done; nothing when the request has
    /// its version already. Written as OBEC's service (`.nationalService`). Returns the version's id.
    @discardableResult
    public static func record(
        _ tx: Transaction, _ request: Request, jobID: Int64, titleTH: String, data: String,
        files: [ReportAssembly.RenderedFile]
    ) throws -> Int64 {
        // One report held until the transaction ends: its versions are numbered in turn, and a
        // second part completing the same request waits here, then finds the version made.
        try tx.query("SELECT pg_advisory_xact_lock(hashtextextended('national:' || \(request.reportKey)::text, 0))")
        if let made = try tx.query("SELECT id FROM national_report_version WHERE request_id = \(request.id)").first {
            return try made.decode("id")
        }
        let version: Int64 = try tx.query(
            """
            INSERT INTO national_report_version (request_id, kind, report_key, number, title_th, data, data_sha256,
                                                 built_by_job, requested_by, requested_at)
            SELECT \(request.id), \(request.kind.rawValue), \(request.reportKey),
                   coalesce((SELECT max(number) FROM national_report_version WHERE report_key = \(request.reportKey)), 0) + 1,
                   \(titleTH), \(PostgresJSON(data)), encode(sha256(convert_to(\(data), 'UTF8')), 'hex'),
                   \(jobID), \(request.requestedBy), \(request.requestedAt)
            RETURNING id
            """
        ).first!.decode("id")
        try tx.query(
            """
            INSERT INTO national_report_file (version_id, format, content_type, byte_size, sha256, content)
            SELECT \(version), \(ReportAssembly.fileColumns) FROM \(ReportAssembly.fileRows(files))
            """)
        try tx.query("UPDATE national_report_request SET status = 'done', finished_at = now() WHERE id = \(request.id)")
        return version
    }
}
