import Postgres
import TidtamDomain

public struct UserInput: Sendable, Equatable {
    public var email: String
    public var displayName: String
    public var locale: String
    public var role: Role
    public var schoolID: Int64?
    public init(email: String, displayName: String, locale: String = "th", role: Role, schoolID: Int64? = nil) {
        self.email = email; self.displayName = displayName; self.locale = locale; self.role = role; self.schoolID = schoolID
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

    public func get(_ scope: TenantScope, id: Int64) async throws -> User? {
        let district = try scope.requireDistrict()
        return try await db.read(scope, User.select + " WHERE u.district_id = $1 AND u.id = $2", [district, id])
            .first.map(User.init(row:))
    }

    static let list = User.select + """
         WHERE u.district_id = $1
          AND ($2::text IS NULL OR m.role = $2)
          AND ($3::bigint IS NULL OR m.school_id = $3)
          AND ($4::text IS NULL OR lower(u.email) = lower($4))
          AND ($5::bigint IS NULL OR u.id > $5)
        ORDER BY u.id LIMIT $6
        """

    public func list(_ scope: TenantScope, filter: UserFilter, page: PageRequest) async throws -> Page<User> {
        let district = try scope.requireDistrict()
        let after = try Cursor.decodeID(page.cursor)
        let rows = try await db.read(scope, Self.list, [
            district, filter.role?.rawValue, filter.schoolID, filter.email, after, page.limit + 1,
        ]).rows
        return .trimmed(try rows.map(User.init(row:)), limit: page.limit) { [String($0.id)] }
    }

    public func create(_ scope: TenantScope, _ input: UserInput) async throws -> User {
        let district = try scope.requireDistrict()
        guard input.role != .national else {
            throw DomainError.invalid([FieldError("/role", code: "invalid_value", detail: "National users are not members of a district.",
                                                  th: "ผู้ใช้ระดับ สพฐ. ไม่สังกัดเขตพื้นที่")])
        }
        return try await db.transaction(scope) { tx in
            let id = try tx.query("""
                INSERT INTO app_user (district_id, email, display_name, locale) VALUES ($1, $2, $3, $4) RETURNING id
                """, [district, input.email, input.displayName, input.locale]).first!.decode("id", as: Int64.self)
            try tx.query("INSERT INTO membership (district_id, user_id, role, school_id) VALUES ($1, $2, $3, $4)",
                         [district, id, input.role.rawValue, input.schoolID])
            return try User(row: tx.query(User.select + " WHERE u.district_id = $1 AND u.id = $2", [district, id]).first!)
        }
    }

    public func update(_ scope: TenantScope, id: Int64, expectedVersion: Int, _ patch: UserPatch) async throws -> User {
        let district = try scope.requireDistrict()
        return try await db.transaction(scope) { tx in
            guard let row = try tx.query(User.select + " WHERE u.district_id = $1 AND u.id = $2 FOR UPDATE", [district, id]).first else {
                throw DomainError.notFound(.user)
            }
            let current = try User(row: row)
            guard current.version == expectedVersion else { throw DomainError.versionMismatch(current: current.version) }
            if patch.displayName != nil || patch.locale != nil || patch.disabled != nil {
                try tx.query("""
                    UPDATE app_user SET display_name = $3, locale = $4,
                        disabled_at = CASE WHEN $5::bool THEN coalesce(disabled_at, now()) END
                    WHERE district_id = $1 AND id = $2
                    """, [district, id, patch.displayName ?? current.displayName, patch.locale ?? current.locale,
                          patch.disabled ?? current.disabled])
            }
            if patch.role != nil || patch.schoolID != nil {
                let role = patch.role ?? current.role
                let school = patch.schoolID ?? (role == .schoolStaff ? current.schoolID : nil)
                try tx.query("UPDATE membership SET role = $3, school_id = $4 WHERE district_id = $1 AND user_id = $2",
                             [district, id, role.rawValue, school])
            }
            return try User(row: tx.query(User.select + " WHERE u.district_id = $1 AND u.id = $2", [district, id]).first!)
        }
    }
}
