import Postgres
import TidtamDomain

/// Writes the list of children that a document carries (a project's activities, an agreement's
/// items…): children named by `id` are updated, new ones inserted, and those left out deleted,
/// in four statements whatever the list's length. An `id` that is not this parent's child is a
/// field error, so a client cannot move another project's activity by naming it.
struct ChildTable {
    let table: SQL
    /// The column that points at the parent row.
    let parent: SQL
    /// The written columns and their SQL types, as the `jsonb` rows name them.
    let columns: [(name: SQL, type: SQL)]

    private var record: SQL { "x(id bigint, \(SQL.join(columns.map { "\($0.name) \($0.type)" }, ", ")))" }
    private var names: SQL { SQL.join(columns.map(\.name), ", ") }
    private var values: SQL { SQL.join(columns.map { "x.\($0.name)" }, ", ") }
    private var current: SQL { SQL.join(columns.map { "c.\($0.name)" }, ", ") }

    func existing(district: Int64, parentID: Int64) -> SQL {
        "SELECT id FROM \(table) WHERE district_id = \(district) AND \(parent) = \(parentID)"
    }
    func deleteOthers(district: Int64, parentID: Int64, keep ids: [Int64]) -> SQL {
        "DELETE FROM \(table) WHERE district_id = \(district) AND \(parent) = \(parentID) AND id <> ALL(\(ids)::bigint[])"
    }
    func update(district: Int64, parentID: Int64, json: String) -> SQL {
        """
        UPDATE \(table) c SET (\(names)) = (\(values))
        FROM jsonb_to_recordset(\(json)::jsonb) AS \(record)
        WHERE c.district_id = \(district) AND c.\(parent) = \(parentID) AND c.id = x.id
          AND (\(current)) IS DISTINCT FROM (\(values))
        """
    }
    func insert(district: Int64, parentID: Int64, school: Int64?, json: String) -> SQL {
        """
        INSERT INTO \(table) (district_id, \(parent), school_id, \(names))
        SELECT \(district), \(parentID), \(school), \(values) FROM jsonb_to_recordset(\(json)::jsonb) AS \(record) WHERE x.id IS NULL
        """
    }

    /// `rows` encode to objects with `id` and the columns; `ids` are their ids in the same order.
    func sync<T: Encodable>(
        _ tx: Transaction, district: Int64, parentID: Int64, school: Int64?, rows: [T], ids: [Int64?],
        path: FieldPath
    ) throws {
        let current = Set(
            try tx.query(existing(district: district, parentID: parentID)).rows.map {
                try $0.decode("id", as: Int64.self)
            })
        let unknown = ids.enumerated().compactMap { index, id in
            id.flatMap {
                current.contains($0)
                    ? nil
                    : FieldError(
                        path[index]["id"], code: "not_found",
                        detail: "No such item in this record; leave the id out to add a new one.",
                        th: "ไม่พบรายการนี้ หากเป็นรายการใหม่ไม่ต้องระบุ id")
            }
        }
        if !unknown.isEmpty { throw DomainError.invalid(unknown) }
        let json = SQLJSON.encode(rows)
        try tx.query(deleteOthers(district: district, parentID: parentID, keep: ids.compactMap { $0 }))
        if ids.contains(where: { $0 != nil }) {
            try tx.query(update(district: district, parentID: parentID, json: json))
        }
        if ids.contains(where: { $0 == nil }) {
            try tx.query(insert(district: district, parentID: parentID, school: school, json: json))
        }
    }
}
