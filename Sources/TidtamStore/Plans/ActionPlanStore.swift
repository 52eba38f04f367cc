import Postgres
import TidtamDomain

public struct PlanFilter: Sendable {
    public var districtID: Int64?
    public var schoolID: Int64?
    /// true: the district office's own plans only (school_id IS NULL).
    public var districtOnly: Bool
    public var fiscalYear: Int?
    public var status: PlanStatus?
    /// false (default): only the latest revision of each unit and year.
    public var allRevisions: Bool

    public init(districtID: Int64? = nil, schoolID: Int64? = nil, districtOnly: Bool = false, fiscalYear: Int? = nil,
                status: PlanStatus? = nil, allRevisions: Bool = false) {
        self.districtID = districtID; self.schoolID = schoolID; self.districtOnly = districtOnly; self.fiscalYear = fiscalYear
        self.status = status; self.allRevisions = allRevisions
    }
}

/// Annual action plans: one per unit and fiscal year, one row per revision.
public struct ActionPlanStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    static let document = """
        json_build_object(
            'id', p.id, 'district_id', p.district_id, 'school_id', p.school_id, 'fiscal_year', p.fiscal_year,
            'revision', p.revision, 'previous_id', p.previous_id, 'strategic_plan_id', p.strategic_plan_id,
            'title_th', p.title_th, 'title_en', p.title_en,
            'status', p.status, 'status_th', \(SQLJSON.statusTH("p.status")), 'return_reason', p.return_reason,
            'submitted_at', \(SQLJSON.time("p.submitted_at")), 'decided_at', \(SQLJSON.time("p.decided_at")),
            'decided_by', p.decided_by, 'superseded_at', \(SQLJSON.time("p.superseded_at")),
            'project_count', (SELECT count(*) FROM project x WHERE x.district_id = p.district_id AND x.plan_id = p.id),
            'budget_total', (SELECT coalesce(sum(b.amount), 0) FROM project x
                             JOIN budget_line b ON b.district_id = x.district_id AND b.project_id = x.id
                             WHERE x.district_id = p.district_id AND x.plan_id = p.id),
            'version', p.version, 'created_at', \(SQLJSON.time("p.created_at")), 'updated_at', \(SQLJSON.time("p.updated_at")))
        """
    static let byID = DocumentQuery("action_plan", "p", document: document)

    public func get(_ scope: TenantScope, id: Int64) async throws -> JSONDocument? {
        try await db.document(scope, Self.byID, id: id)
    }

    static let list = LifecycleTable.actionPlan.listQuery("p", document: document)

    public func list(_ scope: TenantScope, filter: PlanFilter, page: PageRequest) async throws -> JSONPage {
        try await LifecycleTable.actionPlan.list(db, Self.list, scope: scope, filter: filter, page: page)
    }

    static let insert = """
        INSERT INTO action_plan (district_id, school_id, fiscal_year, title_th, title_en, strategic_plan_id)
        VALUES ($1, $2, $3, $4, $5, $6) RETURNING id
        """

    public func create(_ scope: TenantScope, _ input: ActionPlanInput) async throws -> JSONDocument {
        let district = try scope.requireDistrict()
        let school = try scope.unit(input.schoolID)
        return try await db.transaction(scope) { tx in
            let id: Int64 = try tx.query(Self.insert, [
                district, school, input.fiscalYear.buddhistYear, input.titleTH, input.titleEN, input.strategicPlanID,
            ]).first!.decode("id")
            return try tx.document(Self.byID, district: district, id: id)
        }
    }

    static let update = """
        UPDATE action_plan SET title_th = coalesce($3, title_th),
                               title_en = CASE WHEN $4 THEN $5 ELSE title_en END,
                               strategic_plan_id = CASE WHEN $6 THEN $7::bigint ELSE strategic_plan_id END
        WHERE district_id = $1 AND id = $2
        """

    /// The plan's own fields (title, strategic plan); the unit and year never change. A nil
    /// field is left as it is; `.some(nil)` clears an optional one.
    public func update(_ scope: TenantScope, id: Int64, expectedVersion: Int, titleTH: String?, titleEN: String??,
                       strategicPlanID: Int64??) async throws -> JSONDocument {
        let district = try scope.requireDistrict()
        return try await db.transaction(scope) { tx in
            try LifecycleTable.actionPlan.lockEditable(tx, district: district, id: id, expectedVersion: expectedVersion)
            try tx.query(Self.update, [district, id, titleTH, titleEN != nil, titleEN ?? nil, strategicPlanID != nil, strategicPlanID ?? nil])
            return try tx.document(Self.byID, district: district, id: id)
        }
    }

    /// Only an editable plan can be deleted (with its projects); an approved one is a record.
    public func delete(_ scope: TenantScope, id: Int64, expectedVersion: Int) async throws {
        try await LifecycleTable.actionPlan.delete(db, scope, id: id, expectedVersion: expectedVersion)
    }

    static let projectCount = "SELECT count(*) AS n FROM project WHERE district_id = $1 AND plan_id = $2"

    /// Submit, approve, return or revise. A revision is a new draft plan with copies of every
    /// project, activity, budget line and project indicator; the approved plan stays as it was.
    public func apply(_ transition: PlanTransition, _ scope: TenantScope, id: Int64, expectedVersion: Int) async throws -> JSONDocument {
        let district = try scope.requireDistrict()
        return try await db.transaction(scope) { tx in
            let resultID = try LifecycleTable.actionPlan.apply(
                transition, tx: tx, scope: scope, district: district, id: id, expectedVersion: expectedVersion,
                beforeSubmit: { tx in
                    let count: Int = try tx.query(Self.projectCount, [district, id]).first!.decode("n")
                    return count > 0 ? [] : [FieldError("/projects", code: "required", detail: "A plan needs at least one project or work item before it is submitted.",
                                                        th: "แผนต้องมีโครงการหรืองานอย่างน้อยหนึ่งรายการก่อนเสนออนุมัติ")]
                },
                copyChildren: { tx, from, to in
                    try tx.query(Self.copyProjects, [district, from, to])
                    for statement in Self.copyProjectChildren { try tx.query(statement, [district, to]) }
                })
            return try tx.document(Self.byID, district: district, id: resultID)
        }
    }

    /// Copies a plan's content into its new revision ($2 → $3). `copied_from_id` maps each
    /// copy to its original, so children find their new parents without a round trip per row.
    static let copyProjects = """
        INSERT INTO project (district_id, plan_id, school_id, code, kind, name_th, name_en, strategy_id, responsible_th,
                             start_date, end_date, objectives_th, expected_outputs_th, expected_outcomes_th, copied_from_id)
        SELECT district_id, $3, school_id, code, kind, name_th, name_en, strategy_id, responsible_th,
               start_date, end_date, objectives_th, expected_outputs_th, expected_outcomes_th, id
        FROM project WHERE district_id = $1 AND plan_id = $2
        """

    /// The children of the copied projects ($2: the new plan).
    static let copyProjectChildren = [
        """
        INSERT INTO activity (district_id, project_id, school_id, position, name_th, start_date, end_date, is_milestone, copied_from_id)
        SELECT a.district_id, n.id, a.school_id, a.position, a.name_th, a.start_date, a.end_date, a.is_milestone, a.id
        FROM project n JOIN activity a ON a.district_id = n.district_id AND a.project_id = n.copied_from_id
        WHERE n.district_id = $1 AND n.plan_id = $2
        """,
        """
        INSERT INTO budget_line (district_id, project_id, school_id, position, source, description_th, amount, copied_from_id)
        SELECT b.district_id, n.id, b.school_id, b.position, b.source, b.description_th, b.amount, b.id
        FROM project n JOIN budget_line b ON b.district_id = n.district_id AND b.project_id = n.copied_from_id
        WHERE n.district_id = $1 AND n.plan_id = $2
        """,
        """
        INSERT INTO indicator (district_id, school_id, project_id, code, name_th, name_en, unit_th, kind, direction, period, baseline,
                               scoring, levels, score_one, score_five, band_low, band_high, weight, is_csf, copied_from_id)
        SELECT i.district_id, i.school_id, n.id, i.code, i.name_th, i.name_en, i.unit_th, i.kind, i.direction, i.period, i.baseline,
               i.scoring, i.levels, i.score_one, i.score_five, i.band_low, i.band_high, i.weight, i.is_csf, i.id
        FROM project n JOIN indicator i ON i.district_id = n.district_id AND i.project_id = n.copied_from_id
        WHERE n.district_id = $1 AND n.plan_id = $2
        """,
        """
        INSERT INTO indicator_target (district_id, indicator_id, school_id, fiscal_year, period, target)
        SELECT t.district_id, i.id, t.school_id, t.fiscal_year, t.period, t.target
        FROM project n
        JOIN indicator i ON i.district_id = n.district_id AND i.project_id = n.id
        JOIN indicator_target t ON t.district_id = i.district_id AND t.indicator_id = i.copied_from_id
        WHERE n.district_id = $1 AND n.plan_id = $2
        """,
    ]
}

extension TenantScope {
    /// Lists run inside one district: a district user's own, or the one a national user names.
    func requireDistrictToList() throws -> Int64 {
        guard let districtID else {
            throw DomainError.invalid([FieldError("?district_id", code: "required", detail: "Name the district to list (national users read one district at a time).",
                                                  th: "ต้องระบุเขตพื้นที่ที่ต้องการดู")])
        }
        return districtID
    }
}
