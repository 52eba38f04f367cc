import Postgres
import TidtamDomain

/// Strategic plans with their strategies, goals and links to national policies, written and
/// read as one document.
public struct StrategicPlanStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    static let document: SQL = """
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

    public func get(_ tenant: some TenantReading, id: Int64) async throws -> JSONDocument? {
        try await db.document(tenant, Self.byID, id: id)
    }

    /// `year`: plans whose span covers that Buddhist Era year.
    public func list(
        _ tenant: some TenantReading, districtID: Int64?, schoolID: Int64?, districtOnly: Bool, year: Int?,
        page: PageRequest
    ) async throws -> JSONPage {
        let district = try tenant.districtToList(named: districtID)
        let before = try Cursor.decodeID(page.cursor)
        let result = try await db.read(
            tenant,
            """
            SELECT sp.id, sp.version, \(Self.document) AS doc FROM strategic_plan sp
            WHERE sp.district_id = \(district) AND (\(schoolID)::bigint IS NULL OR sp.school_id = \(schoolID))
              AND (NOT \(districtOnly) OR sp.school_id IS NULL)
              AND (\(year)::int IS NULL OR \(year) BETWEEN sp.first_year_be AND sp.last_year_be)
              AND (\(before)::bigint IS NULL OR sp.id < \(before))
            ORDER BY sp.id DESC
            LIMIT \(page.limit + 1)
            """)
        return try JSONPage(rows: result.rows, limit: page.limit) { [String(try $0.decode("id", as: Int64.self))] }
    }

    public func create(_ tenant: DistrictTenant, _ input: StrategicPlanInput) async throws -> JSONDocument {
        let district = tenant.districtID
        try Self.validate(input)
        let school = try tenant.unit(input.schoolID)
        return try await db.transaction(tenant) { tx in
            let id: Int64 = try tx.query(
                """
                INSERT INTO strategic_plan (district_id, school_id, title_th, title_en, first_year_be, last_year_be, vision_th, mission_th)
                VALUES (\(district), \(school), \(input.titleTH), \(input.titleEN), \(input.firstYearBE), \(input.lastYearBE),
                        \(input.visionTH), \(input.missionTH))
                RETURNING id
                """
            ).first!.decode("id")
            try Self.writeStrategies(tx, district: district, plan: id, school: school, input.strategies)
            return try tx.document(Self.byID, district: district, id: id)
        }
    }

    public func replace(_ tenant: DistrictTenant, id: Int64, expectedVersion: Int, _ input: StrategicPlanInput)
        async throws -> JSONDocument
    {
        let district = tenant.districtID
        try Self.validate(input)
        return try await db.transaction(tenant) { tx in
            let lock: SQL =
                "SELECT school_id, version FROM strategic_plan WHERE district_id = \(district) AND id = \(id) FOR UPDATE"
            let row = try tx.lockVersioned(lock, expectedVersion: expectedVersion, entity: .strategicPlan)
            try tx.query(
                """
                UPDATE strategic_plan SET title_th = \(input.titleTH), title_en = \(input.titleEN), first_year_be = \(input.firstYearBE),
                                          last_year_be = \(input.lastYearBE), vision_th = \(input.visionTH), mission_th = \(input.missionTH)
                WHERE district_id = \(district) AND id = \(id)
                """)
            try Self.writeStrategies(
                tx, district: district, plan: id, school: row.decode("school_id"), input.strategies)
            return try tx.document(Self.byID, district: district, id: id)
        }
    }

    /// Refused (409) while projects or action plans still refer to its strategies.
    public func delete(_ tenant: DistrictTenant, id: Int64, expectedVersion: Int) async throws {
        let district = tenant.districtID
        try await db.transaction(tenant) { tx in
            let deleted: SQL =
                "DELETE FROM strategic_plan WHERE district_id = \(district) AND id = \(id) AND version = \(expectedVersion)"
            if try tx.query(deleted).affectedRows == 1 { return }
            guard
                let row = try tx.query(
                    "SELECT version FROM strategic_plan WHERE district_id = \(district) AND id = \(id)"
                ).first
            else {
                throw DomainError.notFound(.strategicPlan)
            }
            throw DomainError.versionMismatch(current: try row.decode("version"))
        }
    }

    static func validate(_ input: StrategicPlanInput) throws {
        let errors = input.validate()
        if !errors.isEmpty { throw DomainError.invalid(errors) }
    }

    static let strategies = ChildTable(
        table: "strategy", parent: "plan_id",
        columns: [
            ("code", "text"), ("name_th", "text"), ("name_en", "text"),
        ])
    static let goals = ChildTable(
        table: "goal", parent: "strategy_id",
        columns: [
            ("code", "text"), ("name_th", "text"), ("name_en", "text"),
        ])

    struct NamedRow: Encodable { let id: Int64?, code: String, nameTh: String, nameEn: String? }

    static func writeStrategies(
        _ tx: Transaction, district: Int64, plan: Int64, school: Int64?, _ input: [StrategicPlanInput.Strategy]
    ) throws {
        let allCodes = Array(Set(input.flatMap(\.policyCodes)))
        let known = Dictionary(
            uniqueKeysWithValues: try tx.query(
                """
                SELECT id, code FROM national_policy WHERE code = ANY(\(allCodes)::text[]) AND retired_at IS NULL
                """
            ).rows.map {
                (try $0.decode("code", as: String.self), try $0.decode("id", as: Int64.self))
            })
        var unknown: [FieldError] = []
        for (s, strategy) in input.enumerated() {
            for (p, code) in strategy.policyCodes.enumerated() where known[code] == nil {
                unknown.append(
                    FieldError(
                        .input["strategies"][s]["policy_codes"][p], code: "not_found",
                        detail: "No national policy has this code.",
                        th: "ไม่พบรหัสนโยบายนี้"))
            }
        }
        if !unknown.isEmpty { throw DomainError.invalid(unknown) }

        try strategies.sync(
            tx, district: district, parentID: plan, school: school,
            rows: input.map { NamedRow(id: $0.id, code: $0.code, nameTh: $0.nameTH, nameEn: $0.nameEN) },
            ids: input.map(\.id), path: .input["strategies"])
        let ids = Dictionary(
            uniqueKeysWithValues: try tx.query(
                "SELECT id, code FROM strategy WHERE district_id = \(district) AND plan_id = \(plan)"
            ).rows.map {
                (try $0.decode("code", as: String.self), try $0.decode("id", as: Int64.self))
            })
        for (s, strategy) in input.enumerated() {
            let strategyID = ids[strategy.code]!
            try goals.sync(
                tx, district: district, parentID: strategyID, school: school,
                rows: strategy.goals.map { NamedRow(id: $0.id, code: $0.code, nameTh: $0.nameTH, nameEn: $0.nameEN) },
                ids: strategy.goals.map(\.id), path: .input["strategies"][s]["goals"])
            let policyIDs = strategy.policyCodes.compactMap { known[$0] }
            try tx.query(
                """
                DELETE FROM strategy_policy
                WHERE district_id = \(district) AND strategy_id = \(strategyID) AND policy_id <> ALL(\(policyIDs)::bigint[])
                """)
            if !policyIDs.isEmpty {
                try tx.query(
                    """
                    INSERT INTO strategy_policy (district_id, strategy_id, school_id, policy_id)
                    SELECT \(district), \(strategyID), \(school), unnest(\(policyIDs)::bigint[])
                    ON CONFLICT (district_id, strategy_id, policy_id) DO NOTHING
                    """)
            }
        }
    }
}
