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
    let select: SQL
    let alias: SQL

    /// `table alias`, e.g. `("action_plan", "p")`; `document` renders the row as JSON. A table
    /// whose rows never change has no `version` column: `version` gives the constant.
    init(_ table: SQL, _ alias: SQL, document: SQL, version: SQL? = nil) {
        self.alias = alias
        select =
            "SELECT \(alias).id, \(version ?? "\(alias).version") AS version, \(document) AS doc FROM \(table) \(alias)"
    }

    /// A row read with what it joins: `from` names the tables, `alias` the row's own.
    init(from: SQL, alias: SQL, document: SQL) {
        self.alias = alias
        select = "SELECT \(alias).id, \(alias).version AS version, \(document) AS doc FROM \(from)"
    }

    func inDistrict(_ district: Int64, id: Int64) -> SQL {
        "\(select) WHERE \(alias).district_id = \(district) AND \(alias).id = \(id)"
    }

    func anyDistrict(id: Int64) -> SQL { "\(select) WHERE \(alias).id = \(id)" }
}

extension Database {
    func document(_ tenant: some TenantReading, _ query: DocumentQuery, id: Int64) async throws -> JSONDocument? {
        let sql =
            if let district = tenant.district?.districtID { query.inDistrict(district, id: id) } else {
                query.anyDistrict(id: id)
            }
        return try await read(tenant, sql).first.map(JSONDocument.init(row:))
    }
}

extension Database {
    /// A collection under a parent (`/action-plans/{id}/projects`) answers for its parent: an
    /// empty page is "not found" when the parent itself is not there for the caller (another
    /// district's, or none), as the parent would be, never an empty list. Asked only for an empty
    /// page, so a page with items costs no second round trip.
    func requireParent(
        _ tenant: some TenantReading, of page: JSONPage, _ table: SQL, district: Int64, id: Int64,
        _ kind: RecordKind
    ) async throws {
        guard page.items.isEmpty else { return }
        let found = try await read(tenant, "SELECT 1 FROM \(table) WHERE district_id = \(district) AND id = \(id)")
        if found.rowCount == 0 { throw DomainError.notFound(kind) }
    }
}

extension Transaction {
    /// Locks a row (`sql` selects it by district and id, FOR UPDATE) and checks that it is still
    /// at `expectedVersion`, the version its ETag named.
    func lockVersioned(_ sql: SQL, expectedVersion: Int, entity: RecordKind) throws -> Row {
        guard let row = try query(sql).first else { throw DomainError.notFound(entity) }
        let version: Int = try row.decode("version")
        guard version == expectedVersion else { throw DomainError.versionMismatch(current: version) }
        return row
    }

    /// A document inside a write transaction (after the write, so it shows the result).
    func document(_ query: DocumentQuery, district: Int64, id: Int64) throws -> JSONDocument {
        try JSONDocument(row: self.query(query.inDistrict(district, id: id)).first!)
    }
}

/// SQL fragments shared by the document queries, so every timestamp reads the same way as the
/// rest of the API (ISO 8601, UTC, milliseconds).
enum SQLJSON {
    static func time(_ column: SQL) -> SQL {
        "to_char(\(column) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
    }

    static func statusTH(_ column: SQL) -> SQL {
        let cases = PlanStatus.allCases.map {
            "WHEN \(SQL.constant($0.rawValue)) THEN \(SQL.constant($0.thaiName))" as SQL
        }
        return "CASE \(column) \(SQL.join(cases, " ")) END"
    }

    /// Children as one `jsonb` parameter for `jsonb_to_recordset`: a whole list in one statement.
    static func encode<T: Encodable>(_ rows: [T]) -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: (try? encoder.encode(rows)) ?? Data("[]".utf8), as: UTF8.self)
    }
}

extension CalendarDate {
    /// For `::date` parameters.
    var sql: String { iso }
}

extension Optional where Wrapped == CalendarDate {
    var sql: String? { self?.iso }
}
