import Postgres
import TidtamDomain

public struct SchoolInput: Sendable, Equatable {
    public var obecCode: String
    public var nameTH: String
    public var nameEN: String?
    public var provinceTH: String?
    public var addressTH: String?
    public var size: School.Size?
    public var studentCount: Int?

    public init(
        obecCode: String, nameTH: String, nameEN: String? = nil, provinceTH: String? = nil,
        addressTH: String? = nil, size: School.Size? = nil, studentCount: Int? = nil
    ) {
        self.obecCode = obecCode; self.nameTH = nameTH; self.nameEN = nameEN; self.provinceTH = provinceTH
        self.addressTH = addressTH; self.size = size; self.studentCount = studentCount
    }
}

/// A partial update: a nil field is left as it is; `.some(nil)` clears an optional field.
public struct SchoolPatch: Sendable, Equatable {
    public var obecCode: String?
    public var nameTH: String?
    public var nameEN: String??
    public var provinceTH: String??
    public var addressTH: String??
    public var size: School.Size??
    public var studentCount: Int??
    public var openedOn: CalendarDate??
    public var closedOn: CalendarDate??
    public init() {}

    func applied(to school: School) -> School {
        var s = school
        if let obecCode { s.obecCode = obecCode }
        if let nameTH { s.nameTH = nameTH }
        if let nameEN { s.nameEN = nameEN }
        if let provinceTH { s.provinceTH = provinceTH }
        if let addressTH { s.addressTH = addressTH }
        if let size { s.size = size }
        if let studentCount { s.studentCount = studentCount }
        if let openedOn { s.openedOn = openedOn?.iso }
        if let closedOn { s.closedOn = closedOn?.iso }
        return s
    }
}

public struct SchoolFilter: Sendable {
    public var districtID: Int64?
    public var text: String?
    public var size: School.Size?
    public var provinceTH: String?
    public init(districtID: Int64? = nil, text: String? = nil, size: School.Size? = nil, provinceTH: String? = nil) {
        self.districtID = districtID; self.text = text; self.size = size; self.provinceTH = provinceTH
    }
}

/// Schools of a district. Every statement names the district as well as relying on row-level
/// security, so it runs on one node once distributed by district.
public struct SchoolStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    /// A school as JSON rendered by PostgreSQL, for the API's hot read: no row decoding and no
    /// JSONEncoder on the way out (the same fields as `School`, nulls included).
    static let document = DocumentQuery(
        "school", "s",
        document: """
            json_build_object('id', s.id, 'district_id', s.district_id, 'obec_code', s.obec_code, 'name_th', s.name_th,
                              'name_en', s.name_en, 'province_th', s.province_th, 'address_th', s.address_th, 'size', s.size,
                              'student_count', s.student_count, 'opened_on', s.opened_on, 'closed_on', s.closed_on,
                              'version', s.version,
                              'created_at', \(SQLJSON.time("s.created_at")), 'updated_at', \(SQLJSON.time("s.updated_at")))
            """)

    public func document(_ tenant: some TenantReading, id: Int64) async throws -> JSONDocument? {
        try await db.document(tenant, Self.document, id: id)
    }

    /// One school, in one round trip. Another district's school is simply not found.
    public func get(_ tenant: some TenantReading, id: Int64) async throws -> School? {
        let sql: SQL =
            if let district = tenant.district?.districtID {
                "SELECT \(School.columns) FROM school WHERE district_id = \(district) AND id = \(id)"
            } else {
                "SELECT \(School.columns) FROM school WHERE id = \(id)"
            }
        return try await db.read(tenant, sql).first.map(School.init(row:))
    }

    /// Schools in Thai alphabetical order (ICU collation th-TH), a page at a time.
    static func list(district: Int64?, _ f: SchoolFilter, after: (String, Int64)?, limit: Int) -> SQL {
        let size = f.size?.rawValue, afterName = after?.0, afterID = after?.1
        return """
            SELECT \(School.columns) FROM school
            WHERE (\(district)::bigint IS NULL OR district_id = \(district))
              AND (\(f.text)::text IS NULL OR strpos(name_th, \(f.text)) > 0
                   OR strpos(lower(coalesce(name_en, '')), lower(\(f.text))) > 0 OR obec_code = \(f.text))
              AND (\(size)::text IS NULL OR size = \(size))
              AND (\(f.provinceTH)::text IS NULL OR province_th = \(f.provinceTH))
              AND (\(afterName)::text IS NULL OR (name_th, id) > (\(afterName), \(afterID)::bigint))
            ORDER BY name_th, id
            LIMIT \(limit)
            """
    }

    public func list(_ tenant: some TenantReading, filter: SchoolFilter, page: PageRequest) async throws -> Page<School>
    {
        var after: (String, Int64)?
        if let cursor = page.cursor {
            let parts = try Cursor.decode(cursor, count: 2)
            guard let id = Int64(parts[1]) else { throw DomainError.invalid([Cursor.invalid]) }
            after = (parts[0], id)
        }
        // Row-level security has the last word: another district's id simply finds nothing.
        let district = filter.districtID ?? tenant.district?.districtID
        let result = try await db.read(
            tenant, Self.list(district: district, filter, after: after, limit: page.limit + 1))
        return .trimmed(try result.rows.map(School.init(row:)), limit: page.limit) { [$0.nameTH, String($0.id)] }
    }

    public func create(_ tenant: DistrictTenant, _ input: SchoolInput) async throws -> School {
        let district = tenant.districtID
        return try await db.transaction(tenant) { tx in
            try School(
                row: tx.query(
                    """
                    INSERT INTO school (district_id, obec_code, name_th, name_en, province_th, address_th, size, student_count)
                    VALUES (\(district), \(input.obecCode), \(input.nameTH), \(input.nameEN), \(input.provinceTH),
                            \(input.addressTH), \(input.size?.rawValue), \(input.studentCount))
                    RETURNING \(School.columns)
                    """
                ).first!)
        }
    }

    /// Applies `patch` if the school is still at `expectedVersion` (optimistic concurrency).
    public func update(_ tenant: DistrictTenant, id: Int64, expectedVersion: Int, _ patch: SchoolPatch) async throws
        -> School
    {
        let district = tenant.districtID
        return try await db.transaction(tenant) { tx in
            let locked =
                "SELECT \(School.columns) FROM school WHERE district_id = \(district) AND id = \(id) FOR UPDATE" as SQL
            guard let row = try tx.query(locked).first else { throw DomainError.notFound(.school) }
            let current = try School(row: row)
            guard current.version == expectedVersion else {
                throw DomainError.versionMismatch(current: current.version)
            }
            let s = patch.applied(to: current)
            return try School(
                row: tx.query(
                    """
                    UPDATE school SET obec_code = \(s.obecCode), name_th = \(s.nameTH), name_en = \(s.nameEN),
                                      province_th = \(s.provinceTH), address_th = \(s.addressTH), size = \(s.size?.rawValue),
                                      student_count = \(s.studentCount), opened_on = \(s.openedOn)::date,
                                      closed_on = \(s.closedOn)::date
                    WHERE district_id = \(district) AND id = \(id)
                    RETURNING \(School.columns)
                    """
                ).first!)
        }
    }

    public func delete(_ tenant: DistrictTenant, id: Int64, expectedVersion: Int) async throws {
        let district = tenant.districtID
        try await db.transaction(tenant) { tx in
            let deleted =
                "DELETE FROM school WHERE district_id = \(district) AND id = \(id) AND version = \(expectedVersion)"
                as SQL
            if try tx.query(deleted).affectedRows == 1 { return }
            guard
                let row = try tx.query("SELECT version FROM school WHERE district_id = \(district) AND id = \(id)")
                    .first
            else {
                throw DomainError.notFound(.school)
            }
            throw DomainError.versionMismatch(current: try row.decode("version"))
        }
    }
}
