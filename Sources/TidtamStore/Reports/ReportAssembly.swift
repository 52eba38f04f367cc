import Foundation
import Postgres
import TidtamDomain

/// The steps of the job that assembles a report (`report.assemble`): the request marked as
/// being assembled (its progress visible to the office while the job runs), its data read in
/// one statement across the district's schools, then the version and its files recorded with
/// the job's completion — once per request by `report_version_once`, so a job that runs twice
/// (killed after recording, retried) makes no second version.
public enum ReportAssembly {
    public static let kind = "report.assemble"
    /// The PDF, made from the version's HTML by the renderer after the version is recorded.
    public static let pdfKind = "report.pdf"

    public struct PDFArgs: Codable, Sendable {
        public var versionID: Int64
        enum CodingKeys: String, CodingKey { case versionID = "version_id" }
    }

    public struct Args: Codable, Sendable {
        public var requestID: Int64
        enum CodingKeys: String, CodingKey { case requestID = "request_id" }
    }

    public struct Request: Sendable {
        public var id: Int64
        public var kind: ReportKind
        public var reportKey: String
        public var requirementID: Int64?
        public var period: Int?
        public var fiscalYear: Int?
        public var academicYear: Int?
        /// Published to the public with its version (an annual report asked for so).
        public var publish: Bool
        public var requestedBy: Int64?
        public var requestedAt: Date
    }

    /// The request, marked as being assembled; nil when it is done already.
    public static func start(_ tx: Transaction, district: Int64, requestID: Int64) throws -> Request? {
        guard
            let row = try tx.query(
                """
                UPDATE report_request SET status = 'assembling',
                       progress = jsonb_build_object('stage', 'gathering', 'stage_th', 'กำลังรวบรวมข้อมูลจากทุกหน่วยงาน')
                WHERE district_id = \(district) AND id = \(requestID) AND status <> 'done'
                RETURNING id, kind, report_key, (params->>'requirement_id')::bigint AS requirement_id,
                          (params->>'period')::int AS period, (params->>'fiscal_year')::int AS fiscal_year,
                          (params->>'academic_year')::int AS academic_year,
                          coalesce((params->>'publish')::boolean, false) AS publish,
                          requested_by, created_at
                """
            ).first
        else { return nil }
        return Request(
            id: try row.decode("id"), kind: ReportKind(rawValue: try row.decode("kind"))!,
            reportKey: try row.decode("report_key"), requirementID: try row.decode("requirement_id"),
            period: try row.decode("period"), fiscalYear: try row.decode("fiscal_year"),
            academicYear: try row.decode("academic_year"), publish: try row.decode("publish"),
            requestedBy: try row.decode("requested_by"), requestedAt: try row.decode("created_at"))
    }

    /// The report's data as JSON text, read across every school of the district.
    public static func gather(_ tx: Transaction, district: Int64, _ request: Request) throws -> String {
        switch request.kind {
        case .requirementConsolidated:
            let (requirement, period) = (request.requirementID!, request.period!)
            guard
                let text: String = try tx.query(
                    ConsolidatedReportQuery.periodEnd(district: district, requirementID: requirement, period: period)
                ).first?.decode("ends_on"), let endsOn = CalendarDate(iso: text)
            else { throw DomainError.notFound(.requirement) }
            return try tx.query(
                ConsolidatedReportQuery.data(
                    district: district, requirementID: requirement, period: period, endsOn: endsOn)
            ).first!.decode("data")
        case .agreementEvaluation:
            return try tx.query(AgreementEvaluationQuery.data(district: district, fiscalYear: request.fiscalYear!))
                .first!.decode("data")
        case .annual:
            return try annualData(tx, district: district, fiscalYear: request.fiscalYear!)
        case .sarSummary:
            return try tx.query(SARSummaryQuery.data(district: district, academicYear: request.academicYear!))
                .first!.decode("data")
        }
    }

    /// The annual report's statement (for the benchmark, to EXPLAIN it).
    public static func annualQuery(district: Int64, fiscalYear: Int) -> SQL {
        AnnualReportQuery.data(district: district, fiscalYear: fiscalYear)
    }

    /// The annual report's data alone, as `gather` reads it (for the benchmark's floor).
    public static func annualData(_ tx: Transaction, district: Int64, fiscalYear: Int) throws -> String {
        try tx.query(AnnualReportQuery.data(district: district, fiscalYear: fiscalYear)).first!.decode("data")
    }

    public static func progress(_ tx: Transaction, district: Int64, requestID: Int64, stage: String, th: String) throws
    {
        try tx.query(
            """
            UPDATE report_request SET progress = jsonb_build_object('stage', \(stage)::text, 'stage_th', \(th)::text)
            WHERE district_id = \(district) AND id = \(requestID) AND status = 'assembling'
            """)
    }

    /// A rendered file, ready to keep.
    public struct RenderedFile: Sendable {
        public var format: String
        public var contentType: String
        public var bytes: [UInt8]
        public init(format: String, contentType: String, bytes: [UInt8]) {
            self.format = format
            self.contentType = contentType
            self.bytes = bytes
        }
    }

    /// The version and its files, and the request done; nothing when this request has its
    /// version already. Returns the version's id.
    @discardableResult
    public static func record(
        _ tx: Transaction, district: Int64, _ request: Request, jobID: Int64, titleTH: String, data: String,
        files: [RenderedFile]
    ) throws -> Int64 {
        // Versions of one report are numbered in turn: two requests finishing at once wait here.
        try lockReport(tx, district: district, reportKey: request.reportKey)
        let made = try tx.query(
            """
            INSERT INTO report_version (district_id, request_id, kind, report_key, number, title_th, data, data_sha256,
                                        built_by_job, requested_by, requested_at)
            SELECT \(district), \(request.id), \(request.kind.rawValue), \(request.reportKey),
                   coalesce((SELECT max(number) FROM report_version
                             WHERE district_id = \(district) AND report_key = \(request.reportKey)), 0) + 1,
                   \(titleTH), \(PostgresJSON(data)), encode(sha256(convert_to(\(data), 'UTF8')), 'hex'),
                   \(jobID), \(request.requestedBy), \(request.requestedAt)
            ON CONFLICT (district_id, request_id) DO NOTHING
            RETURNING id
            """
        ).first
        guard let made else {
            return try tx.query(
                "SELECT id FROM report_version WHERE district_id = \(district) AND request_id = \(request.id)"
            ).first!.decode("id")
        }
        let version: Int64 = try made.decode("id")
        try addFiles(tx, district: district, versionID: version, files)
        if files.contains(where: { $0.format == "html" }) {
            try tx.enqueue(
                NewJob(
                    districtID: district, kind: pdfKind, args: PostgresJSON("{\"version_id\":\(version)}"),
                    maxAttempts: 5, uniqueKey: "report-pdf:\(version)"))
        }
        if request.publish, let year = request.fiscalYear {
            try ReportPublicationStore.publish(
                tx, district: district, versionID: version, reportKey: request.reportKey, fiscalYear: year,
                by: request.requestedBy)
        }
        try tx.query(
            """
            UPDATE report_request SET status = 'done', finished_at = now(), error = NULL,
                   progress = jsonb_build_object('stage', 'done', 'stage_th', 'จัดทำเสร็จแล้ว')
            WHERE district_id = \(district) AND id = \(request.id)
            """)
        return version
    }

    /// Holds one report (a district's `report_key`) until the transaction ends, so that its
    /// versions and its publications are numbered one after another (64-bit key: the district
    /// and the report's key hashed together).
    static func lockReport(_ tx: Transaction, district: Int64, reportKey: String) throws {
        try tx.query(
            "SELECT pg_advisory_xact_lock(hashtextextended(\(district)::text || ':' || \(reportKey)::text, 0))")
    }

    /// A version's HTML, for its PDF; nil when the version has its PDF already.
    public static func htmlAwaitingPDF(_ tx: Transaction, district: Int64, versionID: Int64) throws -> [UInt8]? {
        guard
            let text: String = try tx.query(
                """
                SELECT encode(h.content, 'base64') AS b FROM report_file h
                WHERE h.district_id = \(district) AND h.version_id = \(versionID) AND h.format = 'html'
                  AND NOT EXISTS (SELECT FROM report_file p WHERE p.district_id = h.district_id
                                  AND p.version_id = h.version_id AND p.format = 'pdf')
                """
            ).first?.decode("b"), let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters)
        else { return nil }
        return [UInt8](data)
    }

    /// A version's files, each once, in one statement (its PDF is added after the version is recorded).
    public static func addFiles(_ tx: Transaction, district: Int64, versionID: Int64, _ files: [RenderedFile]) throws {
        guard !files.isEmpty else { return }
        try tx.query(
            """
            INSERT INTO report_file (district_id, version_id, format, content_type, byte_size, sha256, content)
            SELECT \(district), \(versionID), \(fileColumns) FROM \(fileRows(files))
            ON CONFLICT DO NOTHING
            """)
    }

    /// The columns of a file row after its keys, from `fileRows`.
    static let fileColumns: SQL = "x.format, x.content_type, length(b.bytes), encode(sha256(b.bytes), 'hex'), b.bytes"

    /// `files` as rows (`x` and `b`), their bytes sent as base64 text and decoded in the statement.
    static func fileRows(_ files: [RenderedFile]) -> SQL {
        """
        unnest(\(files.map(\.format))::text[], \(files.map(\.contentType))::text[],
               \(files.map { Data($0.bytes).base64EncodedString() })::text[]) AS x(format, content_type, base64),
        LATERAL (SELECT decode(x.base64, 'base64') AS bytes) b
        """
    }

    /// The request given up after its last attempt, with why.
    public static func failed(_ tx: Transaction, district: Int64, requestID: Int64, error: String) throws {
        try tx.query(
            """
            UPDATE report_request SET status = 'failed', finished_at = now(), error = \(error),
                   progress = jsonb_build_object('stage', 'failed', 'stage_th', 'จัดทำไม่สำเร็จ')
            WHERE district_id = \(district) AND id = \(requestID) AND status <> 'done'
            """)
    }
}
