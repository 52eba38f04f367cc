import Postgres
import TidtamDomain

/// Who a transaction acts for. It becomes `SET LOCAL tidtam.*` settings inside the transaction,
/// which the row-level security policies read: a query that forgets its WHERE clause still sees
/// one district (and one school for school staff) only.
public struct TenantScope: Sendable, Equatable {
    public var districtID: Int64?
    public var schoolID: Int64?
    public var role: Role?
    public var userID: Int64?
    public var requestID: String?

    public init(districtID: Int64?, schoolID: Int64? = nil, role: Role? = nil, userID: Int64? = nil, requestID: String? = nil) {
        self.districtID = districtID
        self.schoolID = schoolID
        self.role = role
        self.userID = userID
        self.requestID = requestID
    }

    /// A district's own background work (the CLI, the worker): no user, full district access.
    public static func system(district: Int64) -> TenantScope { TenantScope(districtID: district) }

    /// OBEC: reads every district, writes none.
    public static func national(userID: Int64?, requestID: String? = nil) -> TenantScope {
        TenantScope(districtID: nil, role: .national, userID: userID, requestID: requestID)
    }

    /// What a read needs: the tenant and school that the policies check, and the role only when
    /// it widens what may be read (national). Actor and request id matter only to writes (audit),
    /// and each setting left out is one statement less in the read's round trip.
    public func readSettings() throws -> [TransactionSetting] {
        var out: [TransactionSetting] = []
        if let districtID { out.append(try TransactionSetting("tidtam.district_id", String(districtID))) }
        if let schoolID { out.append(try TransactionSetting("tidtam.school_id", String(schoolID))) }
        if role == .national { out.append(try TransactionSetting("tidtam.role", Role.national.rawValue)) }
        return out
    }

    public func settings() throws -> [TransactionSetting] {
        var out: [TransactionSetting] = []
        if let districtID { out.append(try TransactionSetting("tidtam.district_id", String(districtID))) }
        if let schoolID { out.append(try TransactionSetting("tidtam.school_id", String(schoolID))) }
        if let role { out.append(try TransactionSetting("tidtam.role", role.rawValue)) }
        if let userID { out.append(try TransactionSetting("tidtam.user_id", String(userID))) }
        if let requestID, !requestID.isEmpty { out.append(try TransactionSetting("tidtam.request_id", requestID)) }
        return out
    }
}

/// The service's database: a pool of connections as the non-owner role, used only through
/// tenant-scoped transactions.
public struct Database: Sendable {
    public let pool: ConnectionPool

    public init(pool: ConnectionPool) { self.pool = pool }

    /// A transaction acting for `scope`; serialization failures are retried a few times.
    public func transaction<T: Sendable>(_ scope: TenantScope, _ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        let settings = try scope.settings()
        var attempt = 0
        while true {
            do {
                return try await pool.transaction(settings: settings, body)
            } catch let error as PostgresError where error.isRetryable && attempt < 3 {
                attempt += 1
                try await Task.sleep(for: .milliseconds(5 * attempt))
            }
        }
    }

    /// One read statement in its own one-round-trip transaction acting for `scope`.
    public func read(_ scope: TenantScope, _ sql: String, _ parameters: [any PostgresEncodable]) async throws -> QueryResult {
        try await pool.read(settings: scope.readSettings(), sql, parameters)
    }
}
