import Foundation
import Postgres
import TidtamDomain

public struct AuditFilter: Sendable {
    public var entity: String?
    public var entityID: Int64?
    public var actorID: Int64?
    public var since: Date?
    public var until: Date?
    public init(entity: String? = nil, entityID: Int64? = nil, actorID: Int64? = nil, since: Date? = nil, until: Date? = nil) {
        self.entity = entity; self.entityID = entityID; self.actorID = actorID; self.since = since; self.until = until
    }
}

/// Reads the audit log (written by triggers in the same transaction as each change), newest first.
public struct AuditStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    static let list = """
        SELECT \(AuditEntry.columns) FROM audit_log
        WHERE ($1::bigint IS NULL OR district_id = $1)
          AND ($2::text IS NULL OR entity = $2)
          AND ($3::bigint IS NULL OR entity_id = $3)
          AND ($4::bigint IS NULL OR actor_id = $4)
          AND ($5::timestamptz IS NULL OR at >= $5)
          AND ($6::timestamptz IS NULL OR at < $6)
          AND ($7::bigint IS NULL OR id < $7)
        ORDER BY id DESC LIMIT $8
        """

    public func list(_ scope: TenantScope, filter: AuditFilter, page: PageRequest) async throws -> Page<AuditEntry> {
        let before = try Cursor.decodeID(page.cursor)
        let rows = try await db.read(scope, Self.list, [
            scope.districtID, filter.entity, filter.entityID, filter.actorID, filter.since, filter.until, before, page.limit + 1,
        ]).rows
        return .trimmed(try rows.map(AuditEntry.init(row:)), limit: page.limit) { [String($0.id)] }
    }
}
