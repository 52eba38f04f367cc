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

    public func get(_ tenant: some TenantReading, id: Int64) async throws -> District? {
        try await db.read(tenant, "SELECT \(District.columns) FROM district WHERE id = \(id)").first.map(
            District.init(row:))
    }

    public func list(_ tenant: some TenantReading, kind: District.Kind?, page: PageRequest) async throws -> Page<
        District
    > {
        let after = try page.cursor.map { try Cursor.decode($0, count: 1)[0] }
        let kind = kind?.rawValue
        let rows = try await db.read(
            tenant,
            """
            SELECT \(District.columns) FROM district
            WHERE (\(kind)::text IS NULL OR kind = \(kind)) AND (\(after)::text IS NULL OR code > \(after))
            ORDER BY code LIMIT \(page.limit + 1)
            """
        ).rows
        return .trimmed(try rows.map(District.init(row:)), limit: page.limit) { [$0.code] }
    }

    /// Creates a district (operators only: `tidtam admin district`). The new id is taken first so
    /// that the insert itself runs as that district under row-level security.
    public func create(_ input: DistrictInput) async throws -> District {
        let id = try await db.read(Tenant.unscoped, "SELECT nextval(pg_get_serial_sequence('district', 'id')) AS id")
            .first!.decode("id", as: Int64.self)
        return try await db.transaction(DistrictTenant.background(id)) { tx in
            try District(
                row: tx.query(
                    """
                    INSERT INTO district (id, code, name_th, name_en, kind, province_th)
                    VALUES (\(id), \(input.code), \(input.nameTH), \(input.nameEN), \(input.kind.rawValue), \(input.provinceTH))
                    RETURNING \(District.columns)
                    """
                ).first!)
        }
    }

    public func find(code: String) async throws -> Int64? {
        // Codes are national; this lookup runs as the national reader.
        try await db.read(Tenant.nationalService, "SELECT id FROM district WHERE code = \(code)").first?.decode("id")
    }

    public func update(_ tenant: DistrictTenant, id: Int64, expectedVersion: Int, _ patch: DistrictPatch) async throws
        -> District
    {
        try await db.transaction(tenant) { tx in
            guard let row = try tx.query("SELECT \(District.columns) FROM district WHERE id = \(id) FOR UPDATE").first
            else {
                throw DomainError.notFound(.district)
            }
            var d = try District(row: row)
            guard d.version == expectedVersion else { throw DomainError.versionMismatch(current: d.version) }
            if let nameTH = patch.nameTH { d.nameTH = nameTH }
            if let nameEN = patch.nameEN { d.nameEN = nameEN }
            if let provinceTH = patch.provinceTH { d.provinceTH = provinceTH }
            return try District(
                row: tx.query(
                    """
                    UPDATE district SET name_th = \(d.nameTH), name_en = \(d.nameEN), province_th = \(d.provinceTH)
                    WHERE id = \(id) RETURNING \(District.columns)
                    """
                ).first!)
        }
    }
}
