import Postgres
import TidtamDomain

public enum NationalPolicyKind: String, Sendable, CaseIterable {
    case nationalStrategy = "national_strategy", masterPlan = "master_plan", ministryPolicy = "ministry_policy",
        obecPolicy = "obec_policy"
}

/// The national policy and strategy codes that strategies refer to. Everyone reads them; only
/// OBEC (the national role) writes them, which row-level security enforces.
public struct NationalPolicyStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    static let document: SQL = """
        json_build_object('id', n.id, 'code', n.code, 'kind', n.kind, 'name_th', n.name_th, 'name_en', n.name_en,
                          'retired_at', \(SQLJSON.time("n.retired_at")), 'version', n.version)
        """

    public func list(_ tenant: some TenantReading, kind: NationalPolicyKind?, includeRetired: Bool, page: PageRequest)
        async throws -> JSONPage
    {
        let after = try page.cursor.map { try Cursor.decode($0, count: 1)[0] }
        let kind = kind?.rawValue
        let result = try await db.read(
            tenant,
            """
            SELECT n.id, n.code, n.version, \(Self.document) AS doc FROM national_policy n
            WHERE (\(kind)::text IS NULL OR n.kind = \(kind)) AND (\(includeRetired) OR n.retired_at IS NULL)
              AND (\(after)::text IS NULL OR n.code > \(after))
            ORDER BY n.code
            LIMIT \(page.limit + 1)
            """)
        return try JSONPage(rows: result.rows, limit: page.limit) { [try $0.decode("code")] }
    }

    public func create(_ tenant: Tenant, code: String, kind: NationalPolicyKind, nameTH: String, nameEN: String?)
        async throws -> JSONDocument
    {
        // OBEC's staff, or the service loading the list for them (the demo).
        switch tenant {
        case .national, .nationalService: break
        default:
            throw DomainError.forbidden(
                Explanation(
                    "Only OBEC keeps the national policy list.",
                    th: "รายการนโยบายระดับชาติแก้ไขได้เฉพาะ สพฐ."))
        }
        return try await db.transaction(tenant) { tx in
            try JSONDocument(
                row: tx.query(
                    """
                    INSERT INTO national_policy AS n (code, kind, name_th, name_en) VALUES (\(code), \(kind.rawValue), \(nameTH), \(nameEN))
                    RETURNING n.id, n.version, \(Self.document) AS doc
                    """
                ).first!)
        }
    }
}
