import Foundation
import Postgres
import TidtamDomain

/// Where evidence files' bytes are kept. Their descriptions (name, type, size, SHA-256) are
/// rows beside the reports; the bytes sit behind this interface, so that an object store can
/// take them over later (keyed by district and SHA-256) without the stores changing.
public protocol EvidenceContentStorage: Sendable {
    /// Keeps `bytes` as part of the transaction that records the file; returns its id and SHA-256 (hex).
    func store(_ tx: Transaction, district: Int64, school: Int64?, bytes: [UInt8]) throws -> (
        contentID: Int64, sha256: String
    )
    /// The bytes, read as `tenant` (nil when it cannot see them).
    func load(_ db: Database, _ tenant: some TenantReading, district: Int64, contentID: Int64) async throws -> [UInt8]?
    /// Lets go of contents no file refers to any more.
    func release(_ tx: Transaction, district: Int64, contentIDs: [Int64]) throws
}

/// The bytes in PostgreSQL (`evidence_content`), under the same row-level security as the
/// reports. Sent and read as base64: parameters travel as text.
public struct PostgresEvidenceContent: EvidenceContentStorage {
    public init() {}

    public func store(_ tx: Transaction, district: Int64, school: Int64?, bytes: [UInt8]) throws -> (
        contentID: Int64, sha256: String
    ) {
        let row = try tx.query(
            """
            WITH b AS (SELECT decode(\(Data(bytes).base64EncodedString()), 'base64') AS bytes)
            INSERT INTO evidence_content (district_id, school_id, sha256, byte_size, content)
            SELECT \(district), \(school), sha256(b.bytes), length(b.bytes), b.bytes FROM b
            RETURNING id, encode(sha256, 'hex') AS sha256
            """
        ).first!
        return (try row.decode("id"), try row.decode("sha256"))
    }

    public func load(_ db: Database, _ tenant: some TenantReading, district: Int64, contentID: Int64) async throws
        -> [UInt8]?
    {
        let rows = try await db.read(
            tenant,
            "SELECT encode(content, 'base64') AS b FROM evidence_content WHERE district_id = \(district) AND id = \(contentID)"
        )
        guard let text: String = try rows.first?.decode("b") else { return nil }
        // encode(…, 'base64') breaks lines every 76 characters.
        guard let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters) else { return nil }
        return [UInt8](data)
    }

    public func release(_ tx: Transaction, district: Int64, contentIDs: [Int64]) throws {
        guard !contentIDs.isEmpty else { return }
        try tx.query(
            """
            DELETE FROM evidence_content c WHERE c.district_id = \(district) AND c.id = ANY (\(contentIDs)::bigint[])
              AND NOT EXISTS (SELECT FROM evidence_file f WHERE f.district_id = c.district_id AND f.content_id = c.id)
            """)
    }
}

/// What an evidence file is attached to.
enum EvidenceOwner {
    case report(Int64)
    case finding(Int64)
    /// A file section of a report submission (migration 0008).
    case submission(Int64, section: String)
    /// A school's self-assessment report (migration 0013).
    case sar(Int64)

    /// The owner's column in `evidence_file` and its own table (constants of this enum).
    var column: SQL {
        switch self {
        case .report: "report_id"
        case .finding: "finding_id"
        case .submission: "submission_id"
        case .sar: "sar_id"
        }
    }
    var table: SQL {
        switch self {
        case .report: "progress_report"
        case .finding: "finding"
        case .submission: "report_submission"
        case .sar: "sar_report"
        }
    }
    /// The section a submission's file belongs to.
    var section: String? { if case .submission(_, let section) = self { section } else { nil } }
    /// The files of the row `alias` (a report or a finding, by its `column` in evidence_file),
    /// as the JSON array every document shows them in.
    static func files(of alias: SQL, column: SQL) -> SQL {
        """
        coalesce((SELECT json_agg(json_build_object('id', e.id, 'file_name', e.file_name, 'content_type', e.content_type,
                                                    'byte_size', e.byte_size, 'sha256', encode(e.sha256, 'hex'),
                                                    'created_at', \(SQLJSON.time("e.created_at"))) ORDER BY e.id)
                  FROM evidence_file e WHERE e.district_id = \(alias).district_id AND e.\(column) = \(alias).id), '[]')
        """
    }

    var id: Int64 {
        switch self {
        case .report(let id), .finding(let id), .submission(let id, _), .sar(let id): return id
        }
    }
}

extension EvidenceContentStorage {
    /// Keeps the bytes and records the file against its owner in `tx`, and moves the owner's
    /// version (its list of files changed). Returns the file's document.
    func attach(
        _ tx: Transaction, district: Int64, school: Int64?, to owner: EvidenceOwner, fileName: String,
        type: EvidenceType, bytes: [UInt8], by user: Int64?
    ) throws -> JSONDocument {
        let stored = try store(tx, district: district, school: school, bytes: bytes)
        let id: Int64 = try tx.query(
            """
            INSERT INTO evidence_file (district_id, school_id, \(owner.column), section_key, content_id, file_name, content_type,
                                       byte_size, sha256, created_by)
            SELECT \(district), \(school), \(owner.id), \(owner.section), \(stored.contentID), \(fileName), \(type.rawValue),
                   \(bytes.count), decode(\(stored.sha256), 'hex'), \(user)
            RETURNING id
            """
        ).first!.decode("id")
        try tx.query(
            "UPDATE \(owner.table) SET updated_at = now() WHERE district_id = \(district) AND id = \(owner.id)")
        return try tx.document(ProgressReportStore.fileByID, district: district, id: id)
    }
}
