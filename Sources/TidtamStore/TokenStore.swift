import Foundation
import Postgres
import TidtamDomain

/// API tokens. A token is `tdt_<district id>_<secret>` (or `tdt_n_<secret>` for OBEC); only a
/// SHA-256 hash is stored, computed by PostgreSQL, and the token is shown once when made.
public struct TokenStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    /// 32 random bytes from the system's CSPRNG, base64url.
    static func newSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// Creates a token for a user of the scope's district; returns it with its one-time secret.
    public func create(_ tenant: DistrictTenant, userID: Int64, name: String, expiresAt: Date?) async throws -> (
        APIToken, String
    ) {
        let district = tenant.districtID
        let token = "tdt_\(district)_\(Self.newSecret())"
        let prefix = String(token.prefix(token.count - 36))
        let created = try await db.transaction(tenant) { tx in
            guard try tx.query("SELECT 1 FROM app_user WHERE district_id = \(district) AND id = \(userID)").first != nil
            else {
                throw DomainError.invalid([
                    FieldError(
                        .input["user_id"], code: "not_found", detail: "No such user in this district.",
                        th: "ไม่พบผู้ใช้นี้ในเขตพื้นที่")
                ])
            }
            return try APIToken(
                row: tx.query(
                    """
                    INSERT INTO api_token (district_id, user_id, name, token_prefix, token_hash, expires_at)
                    VALUES (\(district), \(userID), \(name), \(prefix), sha256(convert_to(\(token), 'UTF8')), \(expiresAt))
                    RETURNING \(APIToken.columns)
                    """
                ).first!)
        }
        return (created, token)
    }

    public func list(_ tenant: DistrictTenant, userID: Int64?, page: PageRequest) async throws -> Page<APIToken> {
        let after = try Cursor.decodeID(page.cursor)
        let rows = try await db.read(
            tenant,
            """
            SELECT \(APIToken.columns) FROM api_token
            WHERE district_id = \(tenant.districtID) AND (\(userID)::bigint IS NULL OR user_id = \(userID))
              AND (\(after)::bigint IS NULL OR id > \(after))
            ORDER BY id LIMIT \(page.limit + 1)
            """
        ).rows
        return .trimmed(try rows.map(APIToken.init(row:)), limit: page.limit) { [String($0.id)] }
    }

    /// Revokes a token; revoking twice is harmless.
    public func revoke(_ tenant: DistrictTenant, id: Int64) async throws {
        try await db.transaction(tenant) { tx in
            let result = try tx.query(
                """
                UPDATE api_token SET revoked_at = coalesce(revoked_at, now()) WHERE district_id = \(tenant.districtID) AND id = \(id)
                """)
            if result.affectedRows == 0 { throw DomainError.notFound(.token) }
        }
    }

    static func authenticateDistrict(_ district: Int64, token: String) -> SQL {
        """
        SELECT t.id AS token_id, t.user_id, m.role, m.school_id
        FROM api_token t
        JOIN app_user u ON u.district_id = t.district_id AND u.id = t.user_id
        JOIN membership m ON m.district_id = t.district_id AND m.user_id = t.user_id
        WHERE t.district_id = \(district) AND t.token_hash = sha256(convert_to(\(token), 'UTF8'))
          AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now()) AND u.disabled_at IS NULL
        """
    }
    static func authenticateNational(token: String) -> SQL {
        """
        SELECT id AS token_id, user_id FROM national_token
        WHERE token_hash = sha256(convert_to(\(token), 'UTF8')) AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
        """
    }

    /// The caller behind a bearer token, or nil for an unknown, revoked or expired one. The
    /// district named in the token becomes the tenant of the lookup, so the hash is searched
    /// under row-level security in that district only.
    public func authenticate(token: String) async throws -> Principal? {
        let parts = token.split(separator: "_", maxSplits: 2)
        guard parts.count == 3, parts[0] == "tdt", token.utf8.count <= 100 else { return nil }
        if parts[1] == "n" {
            guard let row = try await db.read(Tenant.nationalService, Self.authenticateNational(token: token)).first
            else { return nil }
            return Principal(
                userID: try row.decode("user_id"), districtID: nil, role: .national, schoolID: nil,
                tokenID: try row.decode("token_id"))
        }
        guard let district = Int64(parts[1]), district > 0 else { return nil }
        let lookup = Self.authenticateDistrict(district, token: token)
        guard let row = try await db.read(DistrictTenant.background(district), lookup).first,
            let role = Role(rawValue: try row.decode("role", as: String.self))
        else { return nil }
        return Principal(
            userID: try row.decode("user_id"), districtID: district, role: role,
            schoolID: try row.decode("school_id"), tokenID: try row.decode("token_id"))
    }

    /// Creates an OBEC user's token (operators only: `tidtam admin national-token`).
    public func createNational(email: String, displayName: String, name: String) async throws -> String {
        let token = "tdt_n_\(Self.newSecret())"
        let prefix = String(token.prefix(10))
        try await db.transaction(Tenant.nationalService) { tx in
            let user = try tx.query(
                """
                INSERT INTO national_user (email, display_name) VALUES (\(email), \(displayName))
                ON CONFLICT (email) DO UPDATE SET display_name = excluded.display_name RETURNING id
                """
            ).first!.decode("id", as: Int64.self)
            try tx.query(
                """
                INSERT INTO national_token (user_id, name, token_prefix, token_hash)
                VALUES (\(user), \(name), \(prefix), sha256(convert_to(\(token), 'UTF8')))
                """)
        }
        return token
    }
}
