import Postgres
import TidtamDomain

public struct DistrictInput: Sendable, Equatable {
    public var code: String
    public var nameTH: String
    public var nameEN: String?
    public var kind: District.Kind
    public var provinceTH: String?
    public init(code: String, nameTH: String, nameEN: String? = nil, kind: District.Kind, provinceTH: String? = nil) {
        self.code = code; self.nameTH = nameTH; self.nameEN = nameEN; self.kind = kind; self.provinceTH = provinceTH
    }
}

public struct DistrictPatch: Sendable, Equatable {
    public var nameTH: String?
    public var nameEN: String??
    public var provinceTH: String??
    public init() {}
}

/// District offices. A district user sees only their own; a national user sees all.
public struct DistrictStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    public func get(_ scope: TenantScope, id: Int64) async throws -> District? {
        try await db.read(scope, "SELECT \(District.columns) FROM district WHERE id = $1", [id]).first.map(District.init(row:))
    }

    static let list = """
        SELECT \(District.columns) FROM district
        WHERE ($1::text IS NULL OR kind = $1) AND ($2::text IS NULL OR code > $2)
        ORDER BY code LIMIT $3
        """

    public func list(_ scope: TenantScope, kind: District.Kind?, page: PageRequest) async throws -> Page<District> {
        let after = try page.cursor.map { try Cursor.decode($0, count: 1)[0] }
        let rows = try await db.read(scope, Self.list, [kind?.rawValue, after, page.limit + 1]).rows
        return .trimmed(try rows.map(District.init(row:)), limit: page.limit) { [$0.code] }
    }

    /// Creates a district (operators only: `tidtam admin district`). The new id is taken first so
    /// that the insert itself runs as that district under row-level security.
    public func create(_ input: DistrictInput) async throws -> District {
        let id = try await db.pool.withConnection { conn in
            try conn.query("SELECT nextval(pg_get_serial_sequence('district', 'id')) AS id").first!.decode("id", as: Int64.self)
        }
        return try await db.transaction(.system(district: id)) { tx in
            try District(row: tx.query("""
                INSERT INTO district (id, code, name_th, name_en, kind, province_th) VALUES ($1, $2, $3, $4, $5, $6)
                RETURNING \(District.columns)
                """, [id, input.code, input.nameTH, input.nameEN, input.kind.rawValue, input.provinceTH]).first!)
        }
    }

    public func find(code: String) async throws -> Int64? {
        // Codes are national; this lookup runs as the national reader.
        try await db.read(.national(userID: nil), "SELECT id FROM district WHERE code = $1", [code]).first?.decode("id")
    }

    public func update(_ scope: TenantScope, id: Int64, expectedVersion: Int, _ patch: DistrictPatch) async throws -> District {
        try await db.transaction(scope) { tx in
            guard let row = try tx.query("SELECT \(District.columns) FROM district WHERE id = $1 FOR UPDATE", [id]).first else {
                throw DomainError.notFound(.district)
            }
            var d = try District(row: row)
            guard d.version == expectedVersion else { throw DomainError.versionMismatch(current: d.version) }
            if let nameTH = patch.nameTH { d.nameTH = nameTH }
            if let nameEN = patch.nameEN { d.nameEN = nameEN }
            if let provinceTH = patch.provinceTH { d.provinceTH = provinceTH }
            return try District(row: tx.query("""
                UPDATE district SET name_th = $2, name_en = $3, province_th = $4 WHERE id = $1 RETURNING \(District.columns)
                """, [id, d.nameTH, d.nameEN, d.provinceTH]).first!)
        }
    }
}
