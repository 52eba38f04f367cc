import Foundation
import Postgres
import TidtamDomain

// How each record reads from its table's row. The column lists here and in the stores' SQL
// must agree; the stores' tests read every field back.

extension District {
    static let columns: SQL = "id, code, name_th, name_en, kind, province_th, version, created_at, updated_at"

    init(row: Row) throws {
        let kind = try row.decode("kind", as: String.self)
        self.init(
            id: try row.decode("id"), code: try row.decode("code"), nameTH: try row.decode("name_th"),
            nameEN: try row.decode("name_en"), kind: District.Kind(rawValue: kind) ?? .primary,
            provinceTH: try row.decode("province_th"), version: try row.decode("version"),
            createdAt: try row.decode("created_at"), updatedAt: try row.decode("updated_at"))
    }
}

extension School {
    static let columns: SQL =
        """
        id, district_id, obec_code, name_th, name_en, province_th, address_th, size, student_count,
        opened_on::text AS opened_on, closed_on::text AS closed_on, version, created_at, updated_at
        """

    init(row: Row) throws {
        let size = try row.decode("size", as: String?.self)
        self.init(
            id: try row.decode("id"), districtID: try row.decode("district_id"), obecCode: try row.decode("obec_code"),
            nameTH: try row.decode("name_th"), nameEN: try row.decode("name_en"),
            provinceTH: try row.decode("province_th"),
            addressTH: try row.decode("address_th"), size: size.flatMap(School.Size.init(rawValue:)),
            studentCount: try row.decode("student_count"), openedOn: try row.decode("opened_on"),
            closedOn: try row.decode("closed_on"), version: try row.decode("version"),
            createdAt: try row.decode("created_at"), updatedAt: try row.decode("updated_at"))
    }
}

extension User {
    static let select: SQL = """
        SELECT u.id, u.district_id, u.email, u.display_name, u.locale, u.disabled_at IS NOT NULL AS disabled,
               m.role, m.school_id, u.version + m.version - 1 AS version, u.created_at,
               greatest(u.updated_at, m.updated_at) AS updated_at
        FROM app_user u JOIN membership m ON m.district_id = u.district_id AND m.user_id = u.id
        """

    init(row: Row) throws {
        let role = try row.decode("role", as: String.self)
        self.init(
            id: try row.decode("id"), districtID: try row.decode("district_id"), email: try row.decode("email"),
            displayName: try row.decode("display_name"), locale: try row.decode("locale"),
            disabled: try row.decode("disabled"), role: Role(rawValue: role) ?? .committee,
            schoolID: try row.decode("school_id"), version: try row.decode("version"),
            createdAt: try row.decode("created_at"), updatedAt: try row.decode("updated_at"))
    }
}

extension APIToken {
    static let columns: SQL = "id, district_id, user_id, name, token_prefix, expires_at, revoked_at, created_at"

    init(row: Row) throws {
        self.init(
            id: try row.decode("id"), districtID: try row.decode("district_id"), userID: try row.decode("user_id"),
            name: try row.decode("name"), prefix: try row.decode("token_prefix"),
            expiresAt: try row.decode("expires_at"),
            revokedAt: try row.decode("revoked_at"), createdAt: try row.decode("created_at"))
    }
}

extension AuditEntry {
    static let columns: SQL =
        "id, district_id, at, actor_id, actor_role, request_id, action, entity, entity_id, school_id, before, after"

    init(row: Row) throws {
        func json(_ column: String) throws -> JSONValue? {
            try row.decode(column, as: PostgresJSON?.self).map { try $0.decoded(as: JSONValue.self) }
        }
        self.init(
            id: try row.decode("id"), districtID: try row.decode("district_id"), at: try row.decode("at"),
            actorID: try row.decode("actor_id"), actorRole: try row.decode("actor_role"),
            requestID: try row.decode("request_id"), action: try row.decode("action"), entity: try row.decode("entity"),
            entityID: try row.decode("entity_id"), schoolID: try row.decode("school_id"),
            before: try json("before"), after: try json("after"))
    }
}
