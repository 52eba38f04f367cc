import Foundation
import Postgres
import TidtamDomain

public struct IndicatorFilter: Sendable {
    public var districtID: Int64?
    public var schoolID: Int64?
    /// The district's own indicators (no school), which schools may adopt.
    public var districtOnly: Bool
    public var goalID: Int64?
    public var projectID: Int64?
    public var csfOnly: Bool
    public init(
        districtID: Int64? = nil, schoolID: Int64? = nil, districtOnly: Bool = false, goalID: Int64? = nil,
        projectID: Int64? = nil, csfOnly: Bool = false
    ) {
        self.districtID = districtID; self.schoolID = schoolID; self.districtOnly = districtOnly; self.goalID = goalID
        self.projectID = projectID; self.csfOnly = csfOnly
    }
}

/// Indicators (KPI/CSF) with their targets, and schools adopting the district's indicators.
public struct IndicatorStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    static func targets(school: SQL) -> SQL {
        """
        coalesce((SELECT json_agg(json_build_object('fiscal_year', t.fiscal_year, 'period', t.period, 'target', t.target)
                                  ORDER BY t.fiscal_year, t.period)
                  FROM indicator_target t WHERE t.district_id = i.district_id AND t.indicator_id = i.id
                    AND t.school_id IS NOT DISTINCT FROM \(school)), '[]')
        """
    }

    static let document: SQL = """
        json_build_object(
            'id', i.id, 'district_id', i.district_id, 'school_id', i.school_id, 'goal_id', i.goal_id, 'project_id', i.project_id,
            'code', i.code, 'name_th', i.name_th, 'name_en', i.name_en, 'unit_th', i.unit_th, 'kind', i.kind,
            'direction', i.direction, 'period', i.period, 'baseline', i.baseline,
            'scoring', json_build_object('method', i.scoring, 'levels', i.levels, 'score_one', i.score_one, 'score_five', i.score_five,
                                         'places', i.score_places),
            'band', CASE WHEN i.band_low IS NOT NULL THEN json_build_object('low', i.band_low, 'high', i.band_high) END,
            'weight', i.weight, 'is_csf', i.is_csf,
            'targets', \(targets(school: "i.school_id")),
            'adoptions', coalesce((SELECT json_agg(json_build_object('school_id', d.school_id, 'targets', \(targets(school: "d.school_id")))
                                              ORDER BY d.school_id)
                                   FROM indicator_adoption d WHERE d.district_id = i.district_id AND d.indicator_id = i.id), '[]'),
            'version', i.version, 'created_at', \(SQLJSON.time("i.created_at")), 'updated_at', \(SQLJSON.time("i.updated_at")))
        """
    static let byID = DocumentQuery("indicator", "i", document: document)

    public func get(_ tenant: some TenantReading, id: Int64) async throws -> JSONDocument? {
        try await db.document(tenant, Self.byID, id: id)
    }

    public func list(_ tenant: some TenantReading, filter f: IndicatorFilter, page: PageRequest) async throws
        -> JSONPage
    {
        let district = try tenant.districtToList(named: f.districtID)
        let after = try Cursor.decodeID(page.cursor)
        let result = try await db.read(
            tenant,
            """
            SELECT i.id, i.version, \(Self.document) AS doc FROM indicator i
            WHERE i.district_id = \(district)
              AND (\(f.schoolID)::bigint IS NULL OR i.school_id = \(f.schoolID))
              AND (NOT \(f.districtOnly) OR (i.school_id IS NULL AND i.goal_id IS NULL AND i.project_id IS NULL))
              AND (\(f.goalID)::bigint IS NULL OR i.goal_id = \(f.goalID))
              AND (\(f.projectID)::bigint IS NULL OR i.project_id = \(f.projectID)) AND (NOT \(f.csfOnly) OR i.is_csf)
              AND (\(after)::bigint IS NULL OR i.id > \(after))
            ORDER BY i.id
            LIMIT \(page.limit + 1)
            """)
        return try JSONPage(rows: result.rows, limit: page.limit) { [String(try $0.decode("id", as: Int64.self))] }
    }

    public func create(_ tenant: DistrictTenant, _ input: IndicatorInput) async throws -> JSONDocument {
        let district = tenant.districtID
        try Self.validate(input)
        return try await db.transaction(tenant) { tx in
            let school = try Self.owningUnit(tx, tenant: tenant, input)
            let id: Int64 = try tx.query(
                """
                INSERT INTO indicator (district_id, school_id, goal_id, project_id, \(Self.columns))
                VALUES (\(district), \(school), \(input.goalID), \(input.projectID), \(Self.values(input)))
                RETURNING id
                """
            ).first!.decode("id")
            try Self.writeTargets(tx, district: district, indicator: id, school: school, input.targets)
            return try tx.document(Self.byID, district: district, id: id)
        }
    }

    /// Replaces the definition and targets; what it is attached to never changes.
    public func replace(_ tenant: DistrictTenant, id: Int64, expectedVersion: Int, _ input: IndicatorInput) async throws
        -> JSONDocument
    {
        let district = tenant.districtID
        try Self.validate(input)
        return try await db.transaction(tenant) { tx in
            let current = try Self.lockIndicator(tx, district: district, id: id, expectedVersion: expectedVersion)
            if let project: Int64 = try current.decode("project_id") {
                try Self.requireProjectEditable(tx, district: district, project: project)
            }
            try tx.query(
                """
                UPDATE indicator SET (\(Self.columns)) = (\(Self.values(input)))
                WHERE district_id = \(district) AND id = \(id)
                """)
            try Self.writeTargets(
                tx, district: district, indicator: id, school: current.decode("school_id"), input.targets)
            return try tx.document(Self.byID, district: district, id: id)
        }
    }

    public func delete(_ tenant: DistrictTenant, id: Int64, expectedVersion: Int) async throws {
        let district = tenant.districtID
        try await db.transaction(tenant) { tx in
            let current = try Self.lockIndicator(tx, district: district, id: id, expectedVersion: expectedVersion)
            if let project: Int64 = try current.decode("project_id") {
                try Self.requireProjectEditable(tx, district: district, project: project)
            }
            try tx.query("DELETE FROM indicator WHERE district_id = \(district) AND id = \(id)")
        }
    }

    /// A school adopts a district-wide indicator with its own targets (again: its targets are replaced).
    public func adopt(_ tenant: DistrictTenant, indicatorID: Int64, schoolID: Int64?, targets: [TargetInput])
        async throws -> JSONDocument
    {
        let district = tenant.districtID
        guard let school = try tenant.unit(schoolID) else {
            throw DomainError.invalid([
                FieldError(
                    .input["school_id"], code: "required", detail: "Name the school that adopts the indicator.",
                    th: "ต้องระบุสถานศึกษาที่นำตัวชี้วัดไปใช้")
            ])
        }
        return try await db.transaction(tenant) { tx in
            // No row lock: school staff may read the district's indicator but not lock it (FOR
            // SHARE needs write access under row-level security); the adoption's foreign key keeps it alive.
            let indicator: SQL =
                "SELECT school_id, period FROM indicator WHERE district_id = \(district) AND id = \(indicatorID)"
            guard let row = try tx.query(indicator).first else { throw DomainError.notFound(.indicator) }
            guard try row.decode("school_id", as: Int64?.self) == nil else {
                throw DomainError.conflict(
                    Explanation(
                        "Only the district's own indicators can be adopted by schools.",
                        th: "ตัวชี้วัดนี้เป็นของสถานศึกษา สถานศึกษารับไปใช้ได้เฉพาะตัวชี้วัดของเขตพื้นที่"))
            }
            let period = try ReportingPeriod(rawValue: row.decode("period", as: String.self)) ?? .year
            let errors = IndicatorInput.validate(targets: targets, period: period)
            if !errors.isEmpty { throw DomainError.invalid(errors) }
            try tx.query(
                """
                INSERT INTO indicator_adoption (district_id, indicator_id, school_id) VALUES (\(district), \(indicatorID), \(school))
                ON CONFLICT (district_id, indicator_id, school_id) DO NOTHING
                """)
            try Self.writeTargets(tx, district: district, indicator: indicatorID, school: school, targets)
            return try tx.document(Self.byID, district: district, id: indicatorID)
        }
    }

    public func unadopt(_ tenant: DistrictTenant, indicatorID: Int64, schoolID: Int64) async throws {
        let district = tenant.districtID
        let school = try tenant.unit(schoolID)
        try await db.transaction(tenant) { tx in
            let removed = try tx.query(
                """
                DELETE FROM indicator_adoption WHERE district_id = \(district) AND indicator_id = \(indicatorID) AND school_id = \(school)
                """)
            guard removed.affectedRows == 1 else { throw DomainError.notFound(.adoption) }
            try tx.query(
                """
                DELETE FROM indicator_target WHERE district_id = \(district) AND indicator_id = \(indicatorID) AND school_id = \(school)
                """)
        }
    }

    // MARK: - Helpers

    static func validate(_ input: IndicatorInput) throws {
        let errors = input.validate()
        if !errors.isEmpty { throw DomainError.invalid(errors) }
    }

    /// The unit an indicator belongs to: its goal's or project's, or the one the caller names.
    static func owningUnit(_ tx: Transaction, tenant: DistrictTenant, _ input: IndicatorInput) throws -> Int64? {
        let district = tenant.districtID
        if let goal = input.goalID {
            let unit: SQL = "SELECT school_id FROM goal WHERE district_id = \(district) AND id = \(goal)"
            guard let row = try tx.query(unit).first else { throw missing(.input["goal_id"], "goal") }
            return try row.decode("school_id")
        }
        if let project = input.projectID {
            let school = try requireProjectEditable(tx, district: district, project: project)
            return school
        }
        return try tenant.unit(input.schoolID)
    }

    @discardableResult
    static func requireProjectEditable(_ tx: Transaction, district: Int64, project: Int64) throws -> Int64? {
        let unit: SQL =
            "SELECT plan_id, school_id FROM project WHERE district_id = \(district) AND id = \(project) FOR SHARE"
        guard let row = try tx.query(unit).first else { throw missing(.input["project_id"], "project") }
        try LifecycleTable.actionPlan.requireEditable(tx, district: district, id: row.decode("plan_id"))
        return try row.decode("school_id")
    }

    static func missing(_ path: FieldPath, _ what: String) -> DomainError {
        .invalid([
            FieldError(
                path, code: "not_found", detail: "No such \(what) in this district.", th: "ไม่พบข้อมูลที่อ้างถึงในเขตพื้นที่นี้")
        ])
    }

    static func lockIndicator(_ tx: Transaction, district: Int64, id: Int64, expectedVersion: Int) throws -> Row {
        let lock: SQL = """
            SELECT school_id, goal_id, project_id, version FROM indicator WHERE district_id = \(district) AND id = \(id) FOR UPDATE
            """
        return try tx.lockVersioned(lock, expectedVersion: expectedVersion, entity: .indicator)
    }

    /// The columns of an indicator's definition, and its values in the same order.
    static let columns: SQL = """
        code, name_th, name_en, unit_th, kind, direction, period, baseline, scoring, levels, score_one, score_five, band_low,
        band_high, weight, is_csf, score_places
        """

    static func values(_ input: IndicatorInput) -> SQL {
        let d = input.definition
        var levels: [String]?, one: Decimal?, five: Decimal?
        switch d.scoring {
        case .fiveLevels(let values): levels = values.map { "\($0)" }
        case .linear(let scoreOne, let scoreFive): one = scoreOne; five = scoreFive
        }
        let method = if case .fiveLevels = d.scoring { "five_levels" } else { "linear" }
        return """
            \(input.code), \(d.nameTH), \(input.nameEN), \(d.unit), \(d.kind.rawValue), \(d.direction.rawValue), \(input.period.rawValue),
            \(d.baseline), \(method), \(levels)::numeric[], \(one), \(five), \(d.band?.lowerBound), \(d.band?.upperBound), \(d.weight),
            \(d.isCSF), \(input.scorePlaces)
            """
    }

    struct TargetRow: Encodable { let fiscalYear: Int, period: Int, target: String }

    /// A unit's targets for an indicator become exactly `targets` (matched by year and period).
    static func writeTargets(
        _ tx: Transaction, district: Int64, indicator: Int64, school: Int64?, _ targets: [TargetInput]
    ) throws {
        let json = SQLJSON.encode(
            targets.map { TargetRow(fiscalYear: $0.fiscalYear.buddhistYear, period: $0.period, target: "\($0.target)") }
        )
        try tx.query(
            """
            DELETE FROM indicator_target t
            WHERE t.district_id = \(district) AND t.indicator_id = \(indicator) AND t.school_id IS NOT DISTINCT FROM \(school)
              AND NOT EXISTS (SELECT 1 FROM jsonb_to_recordset(\(json)::jsonb) AS x(fiscal_year integer, period smallint)
                              WHERE x.fiscal_year = t.fiscal_year AND x.period = t.period)
            """)
        if !targets.isEmpty {
            try tx.query(
                """
                INSERT INTO indicator_target (district_id, indicator_id, school_id, fiscal_year, period, target)
                SELECT \(district), \(indicator), \(school), x.fiscal_year, x.period, x.target
                FROM jsonb_to_recordset(\(json)::jsonb) AS x(fiscal_year integer, period smallint, target numeric)
                ON CONFLICT ON CONSTRAINT indicator_target_unique DO UPDATE SET target = excluded.target
                WHERE indicator_target.target IS DISTINCT FROM excluded.target
                """)
        }
    }
}
