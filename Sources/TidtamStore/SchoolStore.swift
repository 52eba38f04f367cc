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

    public init(obecCode: String, nameTH: String, nameEN: String? = nil, provinceTH: String? = nil,
                addressTH: String? = nil, size: School.Size? = nil, studentCount: Int? = nil) {
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

    static let byID = "SELECT \(School.columns) FROM school WHERE district_id = $1 AND id = $2"
    static let byIDAnyDistrict = "SELECT \(School.columns) FROM school WHERE id = $1"

    /// A school as JSON rendered by PostgreSQL, for the API's hot read: no row decoding and no
    /// JSONEncoder on the way out (the same fields as `School`, nulls included).
    static let document = DocumentQuery("school", "s", document: """
        json_build_object('id', s.id, 'district_id', s.district_id, 'obec_code', s.obec_code, 'name_th', s.name_th,
                          'name_en', s.name_en, 'province_th', s.province_th, 'address_th', s.address_th, 'size', s.size,
                          'student_count', s.student_count, 'version', s.version,
                          'created_at', \(SQLJSON.time("s.created_at")), 'updated_at', \(SQLJSON.time("s.updated_at")))
        """)

    public func document(_ scope: TenantScope, id: Int64) async throws -> JSONDocument? {
        try await db.document(scope, Self.document, id: id)
    }

    /// One school, in one round trip. Another district's school is simply not found.
    public func get(_ scope: TenantScope, id: Int64) async throws -> School? {
        let result = if let district = scope.districtID {
            try await db.read(scope, Self.byID, [district, id])
        } else {
            try await db.read(scope, Self.byIDAnyDistrict, [id])
        }
        return try result.first.map(School.init(row:))
    }

    /// Schools in Thai alphabetical order (ICU collation th-TH), a page at a time.
    static let list = """
        SELECT \(School.columns) FROM school
        WHERE ($1::bigint IS NULL OR district_id = $1)
          AND ($2::text IS NULL OR strpos(name_th, $2) > 0 OR strpos(lower(coalesce(name_en, '')), lower($2)) > 0 OR obec_code = $2)
          AND ($3::text IS NULL OR size = $3)
          AND ($4::text IS NULL OR province_th = $4)
          AND ($5::text IS NULL OR (name_th, id) > ($5, $6::bigint))
        ORDER BY name_th, id
        LIMIT $7
        """

    public func list(_ scope: TenantScope, filter: SchoolFilter, page: PageRequest) async throws -> Page<School> {
        var after: (String, Int64)?
        if let cursor = page.cursor {
            let parts = try Cursor.decode(cursor, count: 2)
            guard let id = Int64(parts[1]) else { throw DomainError.invalid([Cursor.invalid]) }
            after = (parts[0], id)
        }
        // Row-level security has the last word: another district's id simply finds nothing.
        let district = filter.districtID ?? scope.districtID
        let result = try await db.read(scope, Self.list, [
            district, filter.text, filter.size?.rawValue, filter.provinceTH, after?.0, after?.1, page.limit + 1,
        ])
        return .trimmed(try result.rows.map(School.init(row:)), limit: page.limit) { [$0.nameTH, String($0.id)] }
    }

    static let insert = """
        INSERT INTO school (district_id, obec_code, name_th, name_en, province_th, address_th, size, student_count)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        RETURNING \(School.columns)
        """

    public func create(_ scope: TenantScope, _ input: SchoolInput) async throws -> School {
        let district = try scope.requireDistrict()
        return try await db.transaction(scope) { tx in
            try School(row: tx.query(Self.insert, [
                district, input.obecCode, input.nameTH, input.nameEN, input.provinceTH, input.addressTH,
                input.size?.rawValue, input.studentCount,
            ]).first!)
        }
    }

    static let lockForUpdate = "SELECT \(School.columns) FROM school WHERE district_id = $1 AND id = $2 FOR UPDATE"
    static let update = """
        UPDATE school SET obec_code = $3, name_th = $4, name_en = $5, province_th = $6, address_th = $7,
                          size = $8, student_count = $9
        WHERE district_id = $1 AND id = $2
        RETURNING \(School.columns)
        """

    /// Applies `patch` if the school is still at `expectedVersion` (optimistic concurrency).
    public func update(_ scope: TenantScope, id: Int64, expectedVersion: Int, _ patch: SchoolPatch) async throws -> School {
        let district = try scope.requireDistrict()
        return try await db.transaction(scope) { tx in
            guard let row = try tx.query(Self.lockForUpdate, [district, id]).first else { throw DomainError.notFound(.school) }
            let current = try School(row: row)
            guard current.version == expectedVersion else { throw DomainError.versionMismatch(current: current.version) }
            let s = patch.applied(to: current)
            return try School(row: tx.query(Self.update, [
                district, id, s.obecCode, s.nameTH, s.nameEN, s.provinceTH, s.addressTH, s.size?.rawValue, s.studentCount,
            ]).first!)
        }
    }

    static let delete = "DELETE FROM school WHERE district_id = $1 AND id = $2 AND version = $3"
    static let version = "SELECT version FROM school WHERE district_id = $1 AND id = $2"

    public func delete(_ scope: TenantScope, id: Int64, expectedVersion: Int) async throws {
        let district = try scope.requireDistrict()
        try await db.transaction(scope) { tx in
            if try tx.query(Self.delete, [district, id, expectedVersion]).affectedRows == 1 { return }
            guard let row = try tx.query(Self.version, [district, id]).first else { throw DomainError.notFound(.school) }
            throw DomainError.versionMismatch(current: try row.decode("version"))
        }
    }
}

extension TenantScope {
    /// Writes always happen inside one district.
    public func requireDistrict() throws -> Int64 {
        guard let districtID else { throw DomainError.forbidden(Explanation("This action needs a district.", th: "รายการนี้ต้องทำในนามเขตพื้นที่การศึกษา")) }
        return districtID
    }
}
