import Postgres
import TidtamDomain

public enum NationalPolicyKind: String, Sendable, CaseIterable {
    case nationalStrategy = "national_strategy", masterPlan = "master_plan", ministryPolicy = "ministry_policy", obecPolicy = "obec_policy"
}

/// The national policy and strategy codes that strategies refer to. Everyone reads them; only
/// OBEC (the national role) writes them, which row-level security enforces.
public struct NationalPolicyStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    static let document = """
        json_build_object('id', n.id, 'code', n.code, 'kind', n.kind, 'name_th', n.name_th, 'name_en', n.name_en,
                          'retired_at', \(SQLJSON.time("n.retired_at")), 'version', n.version)
        """
    static let list = """
        SELECT n.id, n.code, n.version, \(document) AS doc FROM national_policy n
        WHERE ($1::text IS NULL OR n.kind = $1) AND ($2 OR n.retired_at IS NULL) AND ($3::text IS NULL OR n.code > $3)
        ORDER BY n.code
        LIMIT $4
        """

    public func list(_ scope: TenantScope, kind: NationalPolicyKind?, includeRetired: Bool, page: PageRequest) async throws -> JSONPage {
        let after = try page.cursor.map { try Cursor.decode($0, count: 1)[0] }
        let result = try await db.read(scope, Self.list, [kind?.rawValue, includeRetired, after, page.limit + 1])
        return try JSONPage(rows: result.rows, limit: page.limit) { [try $0.decode("code")] }
    }

    static let insert = """
        INSERT INTO national_policy (code, kind, name_th, name_en) VALUES ($1, $2, $3, $4)
        RETURNING id, version, \(document.replacingOccurrences(of: "n.", with: "")) AS doc
        """

    public func create(_ scope: TenantScope, code: String, kind: NationalPolicyKind, nameTH: String, nameEN: String?) async throws -> JSONDocument {
        guard scope.role == .national else {
            throw DomainError.forbidden(Explanation("Only OBEC keeps the national policy list.",
                                                    th: "รายการนโยบายระดับชาติแก้ไขได้เฉพาะ สพฐ."))
        }
        return try await db.transaction(scope) { tx in
            try JSONDocument(row: tx.query(Self.insert, [code, kind.rawValue, nameTH, nameEN]).first!)
        }
    }
}
