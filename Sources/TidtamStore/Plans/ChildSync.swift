import Postgres
import TidtamDomain

/// Writes the list of children that a document carries (a project's activities, an agreement's
/// items…): children named by `id` are updated, new ones inserted, and those left out deleted,
/// in four statements whatever the list's length. An `id` that is not this parent's child is a
/// field error, so a client cannot move another project's activity by naming it.
struct ChildTable {
    let table: String
    /// The column that points at the parent row.
    let parent: String
    /// The written columns and their SQL types, as the `jsonb` rows name them.
    let columns: [(name: String, type: String)]

    private var record: String { "x(id bigint, " + columns.map { "\($0.name) \($0.type)" }.joined(separator: ", ") + ")" }
    private var names: String { columns.map(\.name).joined(separator: ", ") }
    private var values: String { columns.map { "x.\($0.name)" }.joined(separator: ", ") }

    var existing: String { "SELECT id FROM \(table) WHERE district_id = $1 AND \(parent) = $2" }
    var deleteOthers: String { "DELETE FROM \(table) WHERE district_id = $1 AND \(parent) = $2 AND id <> ALL($3::bigint[])" }
    var update: String {
        """
        UPDATE \(table) c SET (\(names)) = (\(values))
        FROM jsonb_to_recordset($3::jsonb) AS \(record)
        WHERE c.district_id = $1 AND c.\(parent) = $2 AND c.id = x.id
          AND (\(columns.map { "c.\($0.name)" }.joined(separator: ", "))) IS DISTINCT FROM (\(values))
        """
    }
    var insert: String {
        """
        INSERT INTO \(table) (district_id, \(parent), school_id, \(names))
        SELECT $1, $2, $3, \(values) FROM jsonb_to_recordset($4::jsonb) AS \(record) WHERE x.id IS NULL
        """
    }

    /// `rows` encode to objects with `id` and the columns; `ids` are their ids in the same order.
    func sync<T: Encodable>(_ tx: Connection, district: Int64, parentID: Int64, school: Int64?, rows: [T], ids: [Int64?],
                            pointer: String) throws {
        let current = Set(try tx.query(existing, [district, parentID]).rows.map { try $0.decode("id", as: Int64.self) })
        let unknown = ids.enumerated().compactMap { index, id in
            id.flatMap { current.contains($0) ? nil : FieldError("\(pointer)/\(index)/id", code: "not_found",
                                                                 detail: "No such item in this record; leave the id out to add a new one.",
                                                                 th: "ไม่พบรายการนี้ หากเป็นรายการใหม่ไม่ต้องระบุ id") }
        }
        if !unknown.isEmpty { throw DomainError.invalid(unknown) }
        let json = SQLJSON.encode(rows)
        try tx.query(deleteOthers, [district, parentID, ids.compactMap { $0 }])
        if ids.contains(where: { $0 != nil }) { try tx.query(update, [district, parentID, json]) }
        if ids.contains(where: { $0 == nil }) { try tx.query(insert, [district, parentID, school, json]) }
    }
}
