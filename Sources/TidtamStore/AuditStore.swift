import Foundation
import Postgres
import TidtamDomain

public struct AuditFilter: Sendable {
    public var entity: String?
    public var entityID: Int64?
    public var actorID: Int64?
    public var since: Date?
    public var until: Date?
    public init(
        entity: String? = nil, entityID: Int64? = nil, actorID: Int64? = nil, since: Date? = nil, until: Date? = nil
    ) {
        self.entity = entity; self.entityID = entityID; self.actorID = actorID; self.since = since; self.until = until
    }
}

/// Reads the audit log (written by triggers in the same transaction as each change), newest first.
public struct AuditStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    static func list(district: Int64?, _ f: AuditFilter, before: Int64?, limit: Int) -> SQL {
        """
        SELECT \(AuditEntry.columns) FROM audit_log
        WHERE (\(district)::bigint IS NULL OR district_id = \(district))
          AND (\(f.entity)::text IS NULL OR entity = \(f.entity))
          AND (\(f.entityID)::bigint IS NULL OR entity_id = \(f.entityID))
          AND (\(f.actorID)::bigint IS NULL OR actor_id = \(f.actorID))
          AND (\(f.since)::timestamptz IS NULL OR at >= \(f.since))
          AND (\(f.until)::timestamptz IS NULL OR at < \(f.until))
          AND (\(before)::bigint IS NULL OR id < \(before))
        ORDER BY id DESC LIMIT \(limit)
        """
    }

    public func list(_ tenant: some TenantReading, filter: AuditFilter, page: PageRequest) async throws -> Page<
        AuditEntry
    > {
        let before = try Cursor.decodeID(page.cursor)
        let sql = Self.list(district: tenant.district?.districtID, filter, before: before, limit: page.limit + 1)
        let rows = try await db.read(tenant, sql).rows
        return .trimmed(try rows.map(AuditEntry.init(row:)), limit: page.limit) { [String($0.id)] }
    }
}
