import Foundation
import Postgres
import TidtamDomain

public struct ProjectFilter: Sendable {
    public var districtID: Int64?
    public var planID: Int64?
    public var schoolID: Int64?
    public var fiscalYear: Int?
    public var strategyID: Int64?
    public var kind: ProjectKind?
    public init(
        districtID: Int64? = nil, planID: Int64? = nil, schoolID: Int64? = nil, fiscalYear: Int? = nil,
        strategyID: Int64? = nil, kind: ProjectKind? = nil
    ) {
        self.districtID = districtID; self.planID = planID; self.schoolID = schoolID; self.fiscalYear = fiscalYear
        self.strategyID = strategyID; self.kind = kind
    }
}

/// Projects and work items of action plans, each written as one document with its activities
/// and budget lines, and only while its plan is editable.
public struct ProjectStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    static let fields: SQL = """
        'id', p.id, 'district_id', p.district_id, 'plan_id', p.plan_id, 'school_id', p.school_id, 'code', p.code,
        'kind', p.kind, 'name_th', p.name_th, 'name_en', p.name_en, 'strategy_id', p.strategy_id,
        'responsible_th', p.responsible_th, 'start_date', p.start_date, 'end_date', p.end_date
        """

    static let document: SQL = """
        json_build_object(\(fields),
            'objectives_th', p.objectives_th, 'expected_outputs_th', p.expected_outputs_th,
            'expected_outcomes_th', p.expected_outcomes_th,
            'activities', coalesce((SELECT json_agg(json_build_object('id', a.id, 'name_th', a.name_th, 'start_date', a.start_date,
                                                                      'end_date', a.end_date, 'is_milestone', a.is_milestone) ORDER BY a.position)
                                    FROM activity a WHERE a.district_id = p.district_id AND a.project_id = p.id), '[]'),
            'budget_lines', coalesce((SELECT json_agg(json_build_object('id', b.id, 'source', b.source, 'description_th', b.description_th,
                                                                        'amount', b.amount) ORDER BY b.position)
                                      FROM budget_line b WHERE b.district_id = p.district_id AND b.project_id = p.id), '[]'),
            'budget_total', (SELECT coalesce(sum(b.amount), 0) FROM budget_line b WHERE b.district_id = p.district_id AND b.project_id = p.id),
            'indicators', coalesce((SELECT json_agg(json_build_object('id', i.id, 'code', i.code, 'name_th', i.name_th, 'unit_th', i.unit_th,
                                                                      'is_csf', i.is_csf) ORDER BY i.id)
                                    FROM indicator i WHERE i.district_id = p.district_id AND i.project_id = p.id), '[]'),
            'version', p.version, 'created_at', \(SQLJSON.time("p.created_at")), 'updated_at', \(SQLJSON.time("p.updated_at")))
        """
    static let byID = DocumentQuery("project", "p", document: document)

    public func get(_ tenant: some TenantReading, id: Int64) async throws -> JSONDocument? {
        try await db.document(tenant, Self.byID, id: id)
    }

    /// A unit's projects with their plan's year and status, budget totals by source and
    /// indicator counts: one statement, one round trip. Without a plan, only the latest
    /// revision of each plan counts (the one no later revision points back to).
    static func list(district: Int64, _ f: ProjectFilter, after: (String, Int64)?, limit: Int) -> SQL {
        let kind = f.kind?.rawValue, afterCode = after?.0, afterID = after?.1
        return """
            SELECT p.id, p.code, json_build_object(\(fields),
                       'fiscal_year', ap.fiscal_year, 'plan_revision', ap.revision, 'plan_status', ap.status,
                       'plan_status_th', \(SQLJSON.statusTH("ap.status")),
                       'budget_total', coalesce(b.total, 0), 'budget_by_source', coalesce(b.by_source, '{}'),
                       'indicator_count', coalesce(i.n, 0), 'version', p.version) AS doc
            FROM project p
            JOIN action_plan ap ON ap.district_id = p.district_id AND ap.id = p.plan_id
            LEFT JOIN LATERAL (
                SELECT sum(s.amount) AS total, json_object_agg(s.source, s.amount) AS by_source
                FROM (SELECT source, sum(amount) AS amount FROM budget_line
                      WHERE district_id = p.district_id AND project_id = p.id GROUP BY source) s
            ) b ON true
            LEFT JOIN LATERAL (
                SELECT count(*) AS n FROM indicator WHERE district_id = p.district_id AND project_id = p.id
            ) i ON true
            WHERE p.district_id = \(district)
              AND (\(f.planID)::bigint IS NULL OR p.plan_id = \(f.planID)) AND (\(f.schoolID)::bigint IS NULL OR p.school_id = \(f.schoolID))
              AND (\(f.fiscalYear)::int IS NULL OR ap.fiscal_year = \(f.fiscalYear))
              AND (\(f.strategyID)::bigint IS NULL OR p.strategy_id = \(f.strategyID))
              AND (\(kind)::text IS NULL OR p.kind = \(kind))
              AND (\(f.planID)::bigint IS NOT NULL
                   OR NOT EXISTS (SELECT 1 FROM action_plan n WHERE n.district_id = ap.district_id AND n.previous_id = ap.id))
              AND (\(afterCode)::text IS NULL OR (p.code, p.id) > (\(afterCode), \(afterID)::bigint))
            ORDER BY p.code, p.id
            LIMIT \(limit)
            """
    }

    public func list(_ tenant: some TenantReading, filter: ProjectFilter, page: PageRequest) async throws -> JSONPage {
        let district = try tenant.districtToList(named: filter.districtID)
        var after: (String, Int64)?
        if let cursor = page.cursor {
            let parts = try Cursor.decode(cursor, count: 2)
            guard let id = Int64(parts[1]) else { throw DomainError.invalid([Cursor.invalid]) }
            after = (parts[0], id)
        }
        let result = try await db.read(
            tenant, Self.list(district: district, filter, after: after, limit: page.limit + 1))
        let projects = try JSONPage(rows: result.rows, limit: page.limit) {
            [try $0.decode("code"), String(try $0.decode("id", as: Int64.self))]
        }
        if let plan = filter.planID {
            try await db.requireParent(
                tenant, of: projects, LifecycleTable.actionPlan.table, district: district, id: plan, .actionPlan)
        }
        return projects
    }

    public func create(_ tenant: DistrictTenant, planID: Int64, _ input: ProjectInput) async throws -> JSONDocument {
        let district = tenant.districtID
        try Self.validate(input)
        return try await db.transaction(tenant) { tx in
            try LifecycleTable.actionPlan.requireEditable(tx, district: district, id: planID)
            let row = try tx.query(
                """
                INSERT INTO project (district_id, plan_id, school_id, \(Self.columns))
                SELECT \(district), \(planID), school_id, \(Self.values(input))
                FROM action_plan WHERE district_id = \(district) AND id = \(planID)
                RETURNING id, school_id
                """
            ).first!
            let id: Int64 = try row.decode("id")
            try Self.syncChildren(tx, district: district, projectID: id, school: row.decode("school_id"), input)
            return try tx.document(Self.byID, district: district, id: id)
        }
    }

    /// Replaces the project document (PUT) if it is still at `expectedVersion`; every PUT moves
    /// the project's version on, so its ETag covers its activities and budget lines too.
    public func replace(_ tenant: DistrictTenant, id: Int64, expectedVersion: Int, _ input: ProjectInput) async throws
        -> JSONDocument
    {
        let district = tenant.districtID
        try Self.validate(input)
        return try await db.transaction(tenant) { tx in
            let (planID, school) = try Self.lockProject(
                tx, district: district, id: id, expectedVersion: expectedVersion)
            try LifecycleTable.actionPlan.requireEditable(tx, district: district, id: planID)
            try tx.query(
                """
                UPDATE project SET (\(Self.columns)) = (\(Self.values(input)))
                WHERE district_id = \(district) AND id = \(id)
                """)
            try Self.syncChildren(tx, district: district, projectID: id, school: school, input)
            return try tx.document(Self.byID, district: district, id: id)
        }
    }

    public func delete(_ tenant: DistrictTenant, id: Int64, expectedVersion: Int) async throws {
        let district = tenant.districtID
        try await db.transaction(tenant) { tx in
            let (planID, _) = try Self.lockProject(tx, district: district, id: id, expectedVersion: expectedVersion)
            try LifecycleTable.actionPlan.requireEditable(tx, district: district, id: planID)
            try tx.query("DELETE FROM project WHERE district_id = \(district) AND id = \(id)")
        }
    }

    static func lockProject(_ tx: Transaction, district: Int64, id: Int64, expectedVersion: Int) throws -> (
        plan: Int64, school: Int64?
    ) {
        let lock: SQL =
            "SELECT plan_id, school_id, version FROM project WHERE district_id = \(district) AND id = \(id) FOR UPDATE"
        let row = try tx.lockVersioned(lock, expectedVersion: expectedVersion, entity: .project)
        return (try row.decode("plan_id"), try row.decode("school_id"))
    }

    static func validate(_ input: ProjectInput) throws {
        let errors = input.validate()
        if !errors.isEmpty { throw DomainError.invalid(errors) }
    }

    /// The columns a project's document writes, and its values in the same order.
    static let columns: SQL = """
        code, kind, name_th, name_en, strategy_id, responsible_th, start_date, end_date, objectives_th, expected_outputs_th,
        expected_outcomes_th
        """

    static func values(_ input: ProjectInput) -> SQL {
        """
        \(input.code), \(input.kind.rawValue), \(input.nameTH), \(input.nameEN), \(input.strategyID), \(input.responsibleTH),
        \(input.startDate.sql)::date, \(input.endDate.sql)::date, \(input.objectivesTH), \(input.expectedOutputsTH),
        \(input.expectedOutcomesTH)
        """
    }

    static let activities = ChildTable(
        table: "activity", parent: "project_id",
        columns: [
            ("position", "integer"), ("name_th", "text"), ("start_date", "date"), ("end_date", "date"),
            ("is_milestone", "boolean"),
        ])
    static let budgetLines = ChildTable(
        table: "budget_line", parent: "project_id",
        columns: [
            ("position", "integer"), ("source", "text"), ("description_th", "text"), ("amount", "numeric"),
        ])

    struct ActivityRow: Encodable {
        let id: Int64?, position: Int, nameTh: String, startDate: String?, endDate: String?, isMilestone: Bool
    }
    struct BudgetLineRow: Encodable {
        let id: Int64?, position: Int, source: String, descriptionTh: String?, amount: String
    }

    static func syncChildren(
        _ tx: Transaction, district: Int64, projectID: Int64, school: Int64?, _ input: ProjectInput
    ) throws {
        let activityRows = input.activities.enumerated().map { index, a in
            ActivityRow(
                id: a.id, position: index, nameTh: a.nameTH, startDate: a.startDate.sql, endDate: a.endDate.sql,
                isMilestone: a.isMilestone)
        }
        try activities.sync(
            tx, district: district, parentID: projectID, school: school, rows: activityRows,
            ids: input.activities.map(\.id), path: .input["activities"])
        let budgetRows = input.budgetLines.enumerated().map { index, b in
            BudgetLineRow(
                id: b.id, position: index, source: b.source.rawValue, descriptionTh: b.descriptionTH,
                amount: "\(b.amount)")
        }
        try budgetLines.sync(
            tx, district: district, parentID: projectID, school: school, rows: budgetRows,
            ids: input.budgetLines.map(\.id), path: .input["budget_lines"])
    }
}
