import Postgres
import TidtamDomain

/// Strategic plans with their strategies, goals and links to national policies, written and
/// read as one document.
public struct StrategicPlanStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    static let document = """
        json_build_object(
            'id', sp.id, 'district_id', sp.district_id, 'school_id', sp.school_id, 'title_th', sp.title_th, 'title_en', sp.title_en,
            'first_year_be', sp.first_year_be, 'last_year_be', sp.last_year_be, 'vision_th', sp.vision_th, 'mission_th', sp.mission_th,
            'strategies', coalesce((
                SELECT json_agg(json_build_object(
                    'id', s.id, 'code', s.code, 'name_th', s.name_th, 'name_en', s.name_en,
                    'policy_codes', coalesce((SELECT json_agg(np.code ORDER BY np.code) FROM strategy_policy l
                                              JOIN national_policy np ON np.id = l.policy_id
                                              WHERE l.district_id = s.district_id AND l.strategy_id = s.id), '[]'),
                    'goals', coalesce((SELECT json_agg(json_build_object(
                                           'id', g.id, 'code', g.code, 'name_th', g.name_th, 'name_en', g.name_en,
                                           'indicator_count', (SELECT count(*) FROM indicator i WHERE i.district_id = g.district_id AND i.goal_id = g.id))
                                       ORDER BY g.id)
                                       FROM goal g WHERE g.district_id = s.district_id AND g.strategy_id = s.id), '[]'))
                    ORDER BY s.id)
                FROM strategy s WHERE s.district_id = sp.district_id AND s.plan_id = sp.id), '[]'),
            'version', sp.version, 'created_at', \(SQLJSON.time("sp.created_at")), 'updated_at', \(SQLJSON.time("sp.updated_at")))
        """
    static let byID = DocumentQuery("strategic_plan", "sp", document: document)

    public func get(_ scope: TenantScope, id: Int64) async throws -> JSONDocument? {
        try await db.document(scope, Self.byID, id: id)
    }

    /// `year`: plans whose span covers that Buddhist Era year.
    static let list = """
        SELECT sp.id, sp.version, \(document) AS doc FROM strategic_plan sp
        WHERE sp.district_id = $1 AND ($2::bigint IS NULL OR sp.school_id = $2) AND (NOT $3 OR sp.school_id IS NULL)
          AND ($4::int IS NULL OR $4 BETWEEN sp.first_year_be AND sp.last_year_be)
          AND ($5::bigint IS NULL OR sp.id < $5)
        ORDER BY sp.id DESC
        LIMIT $6
        """

    public func list(_ scope: TenantScope, districtID: Int64?, schoolID: Int64?, districtOnly: Bool, year: Int?,
                     page: PageRequest) async throws -> JSONPage {
        let district = try districtID ?? scope.requireDistrictToList()
        let result = try await db.read(scope, Self.list, [district, schoolID, districtOnly, year, try Cursor.decodeID(page.cursor), page.limit + 1])
        return try JSONPage(rows: result.rows, limit: page.limit) { [String(try $0.decode("id", as: Int64.self))] }
    }

    static let insert = """
        INSERT INTO strategic_plan (district_id, school_id, title_th, title_en, first_year_be, last_year_be, vision_th, mission_th)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id
        """

    public func create(_ scope: TenantScope, _ input: StrategicPlanInput) async throws -> JSONDocument {
        let district = try scope.requireDistrict()
        try Self.validate(input)
        let school = try scope.unit(input.schoolID)
        return try await db.transaction(scope) { tx in
            let id: Int64 = try tx.query(Self.insert, [district, school, input.titleTH, input.titleEN, input.firstYearBE, input.lastYearBE,
                                                       input.visionTH, input.missionTH]).first!.decode("id")
            try Self.writeStrategies(tx, district: district, plan: id, school: school, input.strategies)
            return try tx.document(Self.byID, district: district, id: id)
        }
    }

    static let lock = "SELECT school_id, version FROM strategic_plan WHERE district_id = $1 AND id = $2 FOR UPDATE"
    static let update = """
        UPDATE strategic_plan SET title_th = $3, title_en = $4, first_year_be = $5, last_year_be = $6, vision_th = $7, mission_th = $8
        WHERE district_id = $1 AND id = $2
        """

    public func replace(_ scope: TenantScope, id: Int64, expectedVersion: Int, _ input: StrategicPlanInput) async throws -> JSONDocument {
        let district = try scope.requireDistrict()
        try Self.validate(input)
        return try await db.transaction(scope) { tx in
            let row = try tx.lockVersioned(Self.lock, district: district, id: id, expectedVersion: expectedVersion, entity: .strategicPlan)
            try tx.query(Self.update, [district, id, input.titleTH, input.titleEN, input.firstYearBE, input.lastYearBE, input.visionTH, input.missionTH])
            try Self.writeStrategies(tx, district: district, plan: id, school: row.decode("school_id"), input.strategies)
            return try tx.document(Self.byID, district: district, id: id)
        }
    }

    static let delete = "DELETE FROM strategic_plan WHERE district_id = $1 AND id = $2 AND version = $3"
    static let version = "SELECT version FROM strategic_plan WHERE district_id = $1 AND id = $2"

    /// Refused (409) while projects or action plans still refer to its strategies.
    public func delete(_ scope: TenantScope, id: Int64, expectedVersion: Int) async throws {
        let district = try scope.requireDistrict()
        try await db.transaction(scope) { tx in
            if try tx.query(Self.delete, [district, id, expectedVersion]).affectedRows == 1 { return }
            guard let row = try tx.query(Self.version, [district, id]).first else { throw DomainError.notFound(.strategicPlan) }
            throw DomainError.versionMismatch(current: try row.decode("version"))
        }
    }

    static func validate(_ input: StrategicPlanInput) throws {
        let errors = input.validate()
        if !errors.isEmpty { throw DomainError.invalid(errors) }
    }

    static let strategies = ChildTable(table: "strategy", parent: "plan_id", columns: [
        ("code", "text"), ("name_th", "text"), ("name_en", "text"),
    ])
    static let goals = ChildTable(table: "goal", parent: "strategy_id", columns: [
        ("code", "text"), ("name_th", "text"), ("name_en", "text"),
    ])
    static let strategyIDs = "SELECT id, code FROM strategy WHERE district_id = $1 AND plan_id = $2"
    static let policies = "SELECT id, code FROM national_policy WHERE code = ANY($1::text[]) AND retired_at IS NULL"
    static let unlinkPolicies = "DELETE FROM strategy_policy WHERE district_id = $1 AND strategy_id = $2 AND policy_id <> ALL($3::bigint[])"
    static let linkPolicies = """
        INSERT INTO strategy_policy (district_id, strategy_id, school_id, policy_id)
        SELECT $1, $2, $3, unnest($4::bigint[]) ON CONFLICT (district_id, strategy_id, policy_id) DO NOTHING
        """

    struct NamedRow: Encodable { let id: Int64?, code: String, nameTh: String, nameEn: String? }

    static func writeStrategies(_ tx: Connection, district: Int64, plan: Int64, school: Int64?, _ input: [StrategicPlanInput.Strategy]) throws {
        let allCodes = Array(Set(input.flatMap(\.policyCodes)))
        let known = Dictionary(uniqueKeysWithValues: try tx.query(policies, [allCodes]).rows.map {
            (try $0.decode("code", as: String.self), try $0.decode("id", as: Int64.self))
        })
        var unknown: [FieldError] = []
        for (s, strategy) in input.enumerated() {
            for (p, code) in strategy.policyCodes.enumerated() where known[code] == nil {
                unknown.append(FieldError("/strategies/\(s)/policy_codes/\(p)", code: "not_found", detail: "No national policy has this code.",
                                          th: "ไม่พบรหัสนโยบายนี้"))
            }
        }
        if !unknown.isEmpty { throw DomainError.invalid(unknown) }

        try strategies.sync(tx, district: district, parentID: plan, school: school,
                            rows: input.map { NamedRow(id: $0.id, code: $0.code, nameTh: $0.nameTH, nameEn: $0.nameEN) },
                            ids: input.map(\.id), pointer: "/strategies")
        let ids = Dictionary(uniqueKeysWithValues: try tx.query(strategyIDs, [district, plan]).rows.map {
            (try $0.decode("code", as: String.self), try $0.decode("id", as: Int64.self))
        })
        for (s, strategy) in input.enumerated() {
            let strategyID = ids[strategy.code]!
            try goals.sync(tx, district: district, parentID: strategyID, school: school,
                           rows: strategy.goals.map { NamedRow(id: $0.id, code: $0.code, nameTh: $0.nameTH, nameEn: $0.nameEN) },
                           ids: strategy.goals.map(\.id), pointer: "/strategies/\(s)/goals")
            let policyIDs = strategy.policyCodes.compactMap { known[$0] }
            try tx.query(unlinkPolicies, [district, strategyID, policyIDs])
            if !policyIDs.isEmpty { try tx.query(linkPolicies, [district, strategyID, school, policyIDs]) }
        }
    }
}
