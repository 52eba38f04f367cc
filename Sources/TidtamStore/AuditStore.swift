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

/// Reads OBEC's own change log (`national_audit_log`: its requirements, staff and tokens, which
/// belong to no district), newest first; the national role only, by the table's policy.
public struct NationalAuditStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    public func list(_ tenant: some TenantReading, filter: AuditFilter, page: PageRequest) async throws -> JSONPage {
        let before = try Cursor.decodeID(page.cursor)
        let f = filter
        let rows = try await db.read(
            tenant,
            """
            SELECT a.id, json_build_object(
                       'id', a.id, 'at', \(SQLJSON.time("a.at")), 'actor_id', a.actor_id, 'actor_role', a.actor_role,
                       'request_id', a.request_id, 'action', a.action, 'entity', a.entity, 'entity_id', a.entity_id,
                       'before', a.before, 'after', a.after) AS doc
            FROM national_audit_log a
            WHERE (\(f.entity)::text IS NULL OR a.entity = \(f.entity))
              AND (\(f.entityID)::bigint IS NULL OR a.entity_id = \(f.entityID))
              AND (\(f.actorID)::bigint IS NULL OR a.actor_id = \(f.actorID))
              AND (\(f.since)::timestamptz IS NULL OR a.at >= \(f.since))
              AND (\(f.until)::timestamptz IS NULL OR a.at < \(f.until))
              AND (\(before)::bigint IS NULL OR a.id < \(before))
            ORDER BY a.id DESC LIMIT \(page.limit + 1)
            """)
        return try JSONPage(rows: rows.rows, limit: page.limit) { [String(try $0.decode("id", as: Int64.self))] }
    }
}
