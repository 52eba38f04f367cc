import Foundation
import Postgres
import TidtamDomain

/// A resource as PostgreSQL rendered it (`json_build_object`): plan documents are nested
/// (a project with its activities, budget lines and indicators), and building them in SQL
/// answers a read in one round trip without decoding rows into Swift only to encode them again.
public struct JSONDocument: Sendable, Equatable {
    public let id: Int64
    public let version: Int
    public let json: String

    /// Reads the `id`, `version` and `doc` columns that every document query returns.
    init(row: Row) throws {
        id = try row.decode("id")
        version = try row.decode("version")
        json = try row.decode("doc")
    }
}

/// A page of documents, rendered as `{"items": [...], "next_cursor": ...}` like every list.
public struct JSONPage: Sendable, Equatable {
    public let items: [String]
    public let nextCursor: String?

    /// Stores fetch `limit + 1` rows; the extra one only says another page exists.
    init(rows: [Row], limit: Int, cursor: (Row) throws -> [String]) throws {
        let page = rows.prefix(limit)
        items = try page.map { try $0.decode("doc", as: String.self) }
        nextCursor = rows.count > limit ? Cursor.encode(try cursor(page.last!)) : nil
    }

    public var json: String {
        let next = nextCursor.map { "\"\($0)\"" } ?? "null"
        return "{\"items\":[" + items.joined(separator: ",") + "],\"next_cursor\":" + next + "}"
    }
}

/// How one document is read by id: inside the caller's district (the key names the district,
/// so it runs on one node under Citus), or in any district for a national reader.
struct DocumentQuery: Sendable {
    let inDistrict: String
    let anyDistrict: String

    /// `table alias`, e.g. `("action_plan", "p")`; `document` renders the row as JSON. A table
    /// whose rows never change has no `version` column: `version` gives the constant.
    init(_ table: String, _ alias: String, document: String, version: String? = nil) {
        let select = "SELECT \(alias).id, \(version ?? "\(alias).version") AS version, \(document) AS doc FROM \(table) \(alias)"
        inDistrict = "\(select) WHERE \(alias).district_id = $1 AND \(alias).id = $2"
        anyDistrict = "\(select) WHERE \(alias).id = $1"
    }
}

extension Database {
    func document(_ scope: TenantScope, _ query: DocumentQuery, id: Int64) async throws -> JSONDocument? {
        let result = if let district = scope.districtID {
            try await read(scope, query.inDistrict, [district, id])
        } else {
            try await read(scope, query.anyDistrict, [id])
        }
        return try result.first.map(JSONDocument.init(row:))
    }
}

extension Connection {
    /// Locks a row (`sql` selects it by district and id, FOR UPDATE) and checks that it is still
    /// at `expectedVersion`, the version its ETag named.
    func lockVersioned(_ sql: String, district: Int64, id: Int64, expectedVersion: Int, entity: RecordKind) throws -> Row {
        guard let row = try query(sql, [district, id]).first else { throw DomainError.notFound(entity) }
        let version: Int = try row.decode("version")
        guard version == expectedVersion else { throw DomainError.versionMismatch(current: version) }
        return row
    }

    /// A document inside a write transaction (after the write, so it shows the result).
    func document(_ query: DocumentQuery, district: Int64, id: Int64) throws -> JSONDocument {
        try JSONDocument(row: self.query(query.inDistrict, [district, id]).first!)
    }
}

/// SQL fragments shared by the document queries, so every timestamp reads the same way as the
/// rest of the API (ISO 8601, UTC, milliseconds).
enum SQLJSON {
    static func time(_ column: String) -> String {
        "to_char(\(column) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
    }

    static func statusTH(_ column: String) -> String {
        "CASE \(column) " + PlanStatus.allCases.map { "WHEN '\($0.rawValue)' THEN '\($0.thaiName)'" }.joined(separator: " ") + " END"
    }

    /// Children as one `jsonb` parameter for `jsonb_to_recordset`: a whole list in one statement.
    static func encode<T: Encodable>(_ rows: [T]) -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: (try? encoder.encode(rows)) ?? Data("[]".utf8), as: UTF8.self)
    }
}

extension TenantScope {
    /// The organisation unit a write is for: school staff always write for their own school
    /// (naming another is refused here, and by row-level security anyway); district roles name
    /// a school, or none for the district office's own plan.
    func unit(_ requested: Int64?) throws -> Int64? {
        guard let own = schoolID else { return requested }
        if let requested, requested != own { throw DomainError.forbidden(Explanation("School staff write their own school's plans only.",
                                                                                        th: "เจ้าหน้าที่สถานศึกษาบันทึกได้เฉพาะแผนของสถานศึกษาตนเอง")) }
        return own
    }

    /// The role that lifecycle rules see; the district's own background work acts as its admin.
    var acting: Role { role ?? .districtAdmin }
}

extension CalendarDate {
    /// For `$n::date` parameters.
    var sql: String { iso }
}

extension Optional where Wrapped == CalendarDate {
    var sql: String? { self?.iso }
}
