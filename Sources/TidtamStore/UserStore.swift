import Postgres
import TidtamDomain

public struct UserInput: Sendable, Equatable {
    public var email: String
    public var displayName: String
    public var locale: String
    public var role: Role
    public var schoolID: Int64?
    public init(email: String, displayName: String, locale: String = "th", role: Role, schoolID: Int64? = nil) {
        self.email = email; self.displayName = displayName; self.locale = locale; self.role = role;
        self.schoolID = schoolID
    }
}

public struct UserPatch: Sendable, Equatable {
    public var displayName: String?
    public var locale: String?
    public var disabled: Bool?
    public var role: Role?
    public var schoolID: Int64??
    public init() {}
}

public struct UserFilter: Sendable {
    public var role: Role?
    public var schoolID: Int64?
    public var email: String?
    public init(role: Role? = nil, schoolID: Int64? = nil, email: String? = nil) {
        self.role = role; self.schoolID = schoolID; self.email = email
    }
}

/// Users of a district with their membership (role, and school for school staff).
public struct UserStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    static func byID(district: Int64, id: Int64) -> SQL {
        "\(User.select) WHERE u.district_id = \(district) AND u.id = \(id)"
    }

    public func get(_ tenant: DistrictTenant, id: Int64) async throws -> User? {
        try await db.read(tenant, Self.byID(district: tenant.districtID, id: id)).first.map(User.init(row:))
    }

    static func list(district: Int64, _ f: UserFilter, after: Int64?, limit: Int) -> SQL {
        let role = f.role?.rawValue
        return """
            \(User.select)
            WHERE u.district_id = \(district)
              AND (\(role)::text IS NULL OR m.role = \(role))
              AND (\(f.schoolID)::bigint IS NULL OR m.school_id = \(f.schoolID))
              AND (\(f.email)::text IS NULL OR lower(u.email) = lower(\(f.email)))
              AND (\(after)::bigint IS NULL OR u.id > \(after))
            ORDER BY u.id LIMIT \(limit)
            """
    }

    public func list(_ tenant: DistrictTenant, filter: UserFilter, page: PageRequest) async throws -> Page<User> {
        let after = try Cursor.decodeID(page.cursor)
        let rows = try await db.read(
            tenant, Self.list(district: tenant.districtID, filter, after: after, limit: page.limit + 1)
        ).rows
        return .trimmed(try rows.map(User.init(row:)), limit: page.limit) { [String($0.id)] }
    }

    public func create(_ tenant: DistrictTenant, _ input: UserInput) async throws -> User {
        let district = tenant.districtID
        guard input.role != .national else {
            throw DomainError.invalid([
                FieldError(
                    .input["role"], code: "invalid_value", detail: "National users are not members of a district.",
                    th: "ผู้ใช้ระดับ สพฐ. ไม่สังกัดเขตพื้นที่")
            ])
        }
        return try await db.transaction(tenant) { tx in
            let id = try tx.query(
                """
                INSERT INTO app_user (district_id, email, display_name, locale)
                VALUES (\(district), \(input.email), \(input.displayName), \(input.locale)) RETURNING id
                """
            ).first!.decode("id", as: Int64.self)
            try tx.query(
                """
                INSERT INTO membership (district_id, user_id, role, school_id)
                VALUES (\(district), \(id), \(input.role.rawValue), \(input.schoolID))
                """)
            return try User(row: tx.query(Self.byID(district: district, id: id)).first!)
        }
    }

    public func update(_ tenant: DistrictTenant, id: Int64, expectedVersion: Int, _ patch: UserPatch) async throws
        -> User
    {
        let district = tenant.districtID
        return try await db.transaction(tenant) { tx in
            guard let row = try tx.query("\(Self.byID(district: district, id: id)) FOR UPDATE").first else {
                throw DomainError.notFound(.user)
            }
            let current = try User(row: row)
            guard current.version == expectedVersion else {
                throw DomainError.versionMismatch(current: current.version)
            }
            if patch.displayName != nil || patch.locale != nil || patch.disabled != nil {
                let name = patch.displayName ?? current.displayName, locale = patch.locale ?? current.locale
                let disabled = patch.disabled ?? current.disabled
                try tx.query(
                    """
                    UPDATE app_user SET display_name = \(name), locale = \(locale),
                        disabled_at = CASE WHEN \(disabled)::bool THEN coalesce(disabled_at, now()) END
                    WHERE district_id = \(district) AND id = \(id)
                    """)
            }
            if patch.role != nil || patch.schoolID != nil {
                let role = patch.role ?? current.role
                let school = patch.schoolID ?? (role == .schoolStaff ? current.schoolID : nil)
                try tx.query(
                    """
                    UPDATE membership SET role = \(role.rawValue), school_id = \(school)
                    WHERE district_id = \(district) AND user_id = \(id)
                    """)
            }
            return try User(row: tx.query(Self.byID(district: district, id: id)).first!)
        }
    }
}
