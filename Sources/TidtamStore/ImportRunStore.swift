import Foundation
import Postgres
import TidtamDomain

/// One import as its history keeps it (`import_run`): who sent which file, when, and what came
/// of it. Written by the importer; read through the API.
public struct ImportRunRecord: Sendable {
    public enum Outcome: String, Sendable, CaseIterable { case loaded, refused, dryRun = "dry_run" }

    public var kind: String
    public var outcome: Outcome
    /// A dry run: refused, or passed and kept nothing (outcome `dryRun`).
    public var dryRun: Bool
    public var fileName: String?
    public var sha256: String
    public var bytes: Int
    public var rows: Int
    /// JSON: rows added per table, and the first row errors of a refused file.
    public var insertedJSON: String
    public var errorCount: Int
    public var firstErrorsJSON: String
    public var startedAt: Date

    public init(
        kind: String, outcome: Outcome, dryRun: Bool, fileName: String?, sha256: String, bytes: Int, rows: Int,
        insertedJSON: String,
        errorCount: Int, firstErrorsJSON: String, startedAt: Date
    ) {
        self.kind = kind; self.outcome = outcome; self.dryRun = dryRun; self.fileName = fileName; self.sha256 = sha256;
        self.bytes = bytes; self.rows = rows
        self.insertedJSON = insertedJSON; self.errorCount = errorCount; self.firstErrorsJSON = firstErrorsJSON;
        self.startedAt = startedAt
    }
}

/// An earlier import that loaded the very same file.
public struct EarlierImport: Sendable, Equatable, Codable {
    public let importID: Int64
    public let finishedAt: String

    enum CodingKeys: String, CodingKey {
        case importID = "import_id"
        case finishedAt = "finished_at"
    }
}

public struct ImportRunFilter: Sendable {
    public var districtID: Int64?
    public var kind: String?
    public var outcome: ImportRunRecord.Outcome?
    public var schoolID: Int64?
    public init(
        districtID: Int64? = nil, kind: String? = nil, outcome: ImportRunRecord.Outcome? = nil, schoolID: Int64? = nil
    ) {
        self.districtID = districtID; self.kind = kind; self.outcome = outcome; self.schoolID = schoolID
    }
}

/// The import history: appended in the import's own transaction (or, for a refused file or a
/// dry run, which keep nothing else, in one of its own), read newest first.
public struct ImportRunStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    /// Appends `run` for `tenant` (its district, its school for school staff, its user and request).
    public static func record(_ tx: Transaction, _ tenant: DistrictTenant, _ run: ImportRunRecord) throws -> Int64 {
        let role = tenant.recordedRole?.rawValue
        return try tx.query(
            """
            INSERT INTO import_run (district_id, school_id, kind, outcome, dry_run, file_name, file_sha256, file_bytes, row_count,
                                    inserted, error_count, first_errors, actor_id, actor_role, request_id, started_at)
            VALUES (\(tenant.districtID), \(tenant.schoolID), \(run.kind), \(run.outcome.rawValue), \(run.dryRun), \(run.fileName),
                    decode(\(run.sha256), 'hex'), \(run.bytes), \(run.rows), \(run.insertedJSON)::jsonb, \(run.errorCount),
                    \(run.firstErrorsJSON)::jsonb, \(tenant.userID), \(role), \(tenant.requestID), \(run.startedAt))
            RETURNING id
            """
        ).first!.decode("id")
    }

    /// The latest import that loaded a file with this SHA-256 into the district, if any.
    public static func loadedBefore(_ tx: Transaction, district: Int64, kind: String, sha256: String) throws
        -> EarlierImport?
    {
        try tx.query(
            """
            SELECT id, \(SQLJSON.time("finished_at")) AS finished_at FROM import_run
            WHERE district_id = \(district) AND kind = \(kind) AND file_sha256 = decode(\(sha256), 'hex') AND outcome = 'loaded'
            ORDER BY id DESC LIMIT 1
            """
        ).first.map {
            EarlierImport(importID: try $0.decode("id"), finishedAt: try $0.decode("finished_at"))
        }
    }

    static let document: SQL = """
        json_build_object('id', r.id, 'district_id', r.district_id, 'school_id', r.school_id, 'kind', r.kind,
                          'outcome', r.outcome,
                          'outcome_th', CASE r.outcome WHEN 'loaded' THEN 'นำเข้าแล้ว'
                                                       WHEN 'refused' THEN 'ไม่ผ่านการตรวจสอบ ไม่มีข้อมูลใดถูกบันทึก'
                                                       ELSE 'ทดลองนำเข้า ไม่ได้บันทึก' END,
                          'dry_run', r.dry_run,
                          'file_name', r.file_name, 'file_sha256', encode(r.file_sha256, 'hex'), 'file_bytes', r.file_bytes,
                          'rows', r.row_count, 'inserted', r.inserted, 'error_count', r.error_count, 'first_errors', r.first_errors,
                          'actor_id', r.actor_id, 'actor_role', r.actor_role, 'request_id', r.request_id,
                          'started_at', \(SQLJSON.time("r.started_at")), 'finished_at', \(SQLJSON.time("r.finished_at")))
        """
    // Rows never change: every version is 1.
    static let byID = DocumentQuery("import_run", "r", document: document, version: "1")

    public func list(_ tenant: some TenantReading, filter: ImportRunFilter, page: PageRequest) async throws -> JSONPage
    {
        let before = try Cursor.decodeID(page.cursor)
        let district = tenant.district?.districtID ?? filter.districtID, outcome = filter.outcome?.rawValue
        let result = try await db.read(
            tenant,
            """
            SELECT r.id, 1 AS version, \(Self.document) AS doc FROM import_run r
            WHERE (\(district)::bigint IS NULL OR r.district_id = \(district))
              AND (\(filter.kind)::text IS NULL OR r.kind = \(filter.kind))
              AND (\(outcome)::text IS NULL OR r.outcome = \(outcome))
              AND (\(filter.schoolID)::bigint IS NULL OR r.school_id = \(filter.schoolID))
              AND (\(before)::bigint IS NULL OR r.id < \(before))
            ORDER BY r.id DESC LIMIT \(page.limit + 1)
            """)
        return try JSONPage(rows: result.rows, limit: page.limit) { [String(try $0.decode("id", as: Int64.self))] }
    }

    public func get(_ tenant: some TenantReading, id: Int64) async throws -> JSONDocument? {
        try await db.document(tenant, Self.byID, id: id)
    }
}
