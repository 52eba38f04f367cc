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
    public init(districtID: Int64? = nil, schoolID: Int64? = nil, districtOnly: Bool = false, goalID: Int64? = nil,
                projectID: Int64? = nil, csfOnly: Bool = false) {
        self.districtID = districtID; self.schoolID = schoolID; self.districtOnly = districtOnly; self.goalID = goalID
        self.projectID = projectID; self.csfOnly = csfOnly
    }
}

/// Indicators (KPI/CSF) with their targets, and schools adopting the district's indicators.
public struct IndicatorStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    static func targets(school: String) -> String {
        """
        coalesce((SELECT json_agg(json_build_object('fiscal_year', t.fiscal_year, 'period', t.period, 'target', t.target)
                                  ORDER BY t.fiscal_year, t.period)
                  FROM indicator_target t WHERE t.district_id = i.district_id AND t.indicator_id = i.id
                    AND t.school_id IS NOT DISTINCT FROM \(school)), '[]')
        """
    }

    static let document = """
        json_build_object(
            'id', i.id, 'district_id', i.district_id, 'school_id', i.school_id, 'goal_id', i.goal_id, 'project_id', i.project_id,
            'code', i.code, 'name_th', i.name_th, 'name_en', i.name_en, 'unit_th', i.unit_th, 'kind', i.kind,
            'direction', i.direction, 'period', i.period, 'baseline', i.baseline,
            'scoring', json_build_object('method', i.scoring, 'levels', i.levels, 'score_one', i.score_one, 'score_five', i.score_five),
            'band', CASE WHEN i.band_low IS NOT NULL THEN json_build_object('low', i.band_low, 'high', i.band_high) END,
            'weight', i.weight, 'is_csf', i.is_csf,
            'targets', \(targets(school: "i.school_id")),
            'adoptions', coalesce((SELECT json_agg(json_build_object('school_id', d.school_id, 'targets', \(targets(school: "d.school_id")))
                                              ORDER BY d.school_id)
                                   FROM indicator_adoption d WHERE d.district_id = i.district_id AND d.indicator_id = i.id), '[]'),
            'version', i.version, 'created_at', \(SQLJSON.time("i.created_at")), 'updated_at', \(SQLJSON.time("i.updated_at")))
        """
    static let byID = DocumentQuery("indicator", "i", document: document)

    public func get(_ scope: TenantScope, id: Int64) async throws -> JSONDocument? {
        try await db.document(scope, Self.byID, id: id)
    }

    static let list = """
        SELECT i.id, i.version, \(document) AS doc FROM indicator i
        WHERE i.district_id = $1
          AND ($2::bigint IS NULL OR i.school_id = $2) AND (NOT $3 OR (i.school_id IS NULL AND i.goal_id IS NULL AND i.project_id IS NULL))
          AND ($4::bigint IS NULL OR i.goal_id = $4) AND ($5::bigint IS NULL OR i.project_id = $5) AND (NOT $6 OR i.is_csf)
          AND ($7::bigint IS NULL OR i.id > $7)
        ORDER BY i.id
        LIMIT $8
        """

    public func list(_ scope: TenantScope, filter: IndicatorFilter, page: PageRequest) async throws -> JSONPage {
        let district = try filter.districtID ?? scope.requireDistrictToList()
        let result = try await db.read(scope, Self.list, [
            district, filter.schoolID, filter.districtOnly, filter.goalID, filter.projectID, filter.csfOnly,
            try Cursor.decodeID(page.cursor), page.limit + 1,
        ])
        return try JSONPage(rows: result.rows, limit: page.limit) { [String(try $0.decode("id", as: Int64.self))] }
    }

    static let goalUnit = "SELECT school_id FROM goal WHERE district_id = $1 AND id = $2"
    static let projectUnit = "SELECT plan_id, school_id FROM project WHERE district_id = $1 AND id = $2 FOR SHARE"
    static let insert = """
        INSERT INTO indicator (district_id, school_id, goal_id, project_id, code, name_th, name_en, unit_th, kind, direction, period,
                               baseline, scoring, levels, score_one, score_five, band_low, band_high, weight, is_csf)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::numeric[], $15, $16, $17, $18, $19, $20)
        RETURNING id
        """

    public func create(_ scope: TenantScope, _ input: IndicatorInput) async throws -> JSONDocument {
        let district = try scope.requireDistrict()
        try Self.validate(input)
        return try await db.transaction(scope) { tx in
            let school = try Self.owningUnit(tx, scope: scope, district: district, input)
            let id: Int64 = try tx.query(Self.insert, [district, school, input.goalID, input.projectID] + Self.columns(input))
                .first!.decode("id")
            try Self.writeTargets(tx, district: district, indicator: id, school: school, input.targets)
            return try tx.document(Self.byID, district: district, id: id)
        }
    }

    static let lock = "SELECT school_id, goal_id, project_id, version FROM indicator WHERE district_id = $1 AND id = $2 FOR UPDATE"
    static let update = """
        UPDATE indicator SET code = $3, name_th = $4, name_en = $5, unit_th = $6, kind = $7, direction = $8, period = $9,
                             baseline = $10, scoring = $11, levels = $12::numeric[], score_one = $13, score_five = $14,
                             band_low = $15, band_high = $16, weight = $17, is_csf = $18
        WHERE district_id = $1 AND id = $2
        """

    /// Replaces the definition and targets; what it is attached to never changes.
    public func replace(_ scope: TenantScope, id: Int64, expectedVersion: Int, _ input: IndicatorInput) async throws -> JSONDocument {
        let district = try scope.requireDistrict()
        try Self.validate(input)
        return try await db.transaction(scope) { tx in
            let current = try Self.lockIndicator(tx, district: district, id: id, expectedVersion: expectedVersion)
            if let project: Int64 = try current.decode("project_id") {
                try Self.requireProjectEditable(tx, district: district, project: project)
            }
            try tx.query(Self.update, [district, id] + Self.columns(input))
            try Self.writeTargets(tx, district: district, indicator: id, school: current.decode("school_id"), input.targets)
            return try tx.document(Self.byID, district: district, id: id)
        }
    }

    static let delete = "DELETE FROM indicator WHERE district_id = $1 AND id = $2"

    public func delete(_ scope: TenantScope, id: Int64, expectedVersion: Int) async throws {
        let district = try scope.requireDistrict()
        try await db.transaction(scope) { tx in
            let current = try Self.lockIndicator(tx, district: district, id: id, expectedVersion: expectedVersion)
            if let project: Int64 = try current.decode("project_id") {
                try Self.requireProjectEditable(tx, district: district, project: project)
            }
            try tx.query(Self.delete, [district, id])
        }
    }

    static let adopt = """
        INSERT INTO indicator_adoption (district_id, indicator_id, school_id) VALUES ($1, $2, $3)
        ON CONFLICT (district_id, indicator_id, school_id) DO NOTHING
        """
    /// No row lock: school staff may read the district's indicator but not lock it (FOR SHARE
    /// needs write access under row-level security); the adoption's foreign key keeps it alive.
    static let districtIndicator = "SELECT school_id, period FROM indicator WHERE district_id = $1 AND id = $2"

    /// A school adopts a district-wide indicator with its own targets (again: its targets are replaced).
    public func adopt(_ scope: TenantScope, indicatorID: Int64, schoolID: Int64?, targets: [TargetInput]) async throws -> JSONDocument {
        let district = try scope.requireDistrict()
        guard let school = try scope.unit(schoolID) else {
            throw DomainError.invalid([FieldError("/school_id", code: "required", detail: "Name the school that adopts the indicator.",
                                                  th: "ต้องระบุสถานศึกษาที่นำตัวชี้วัดไปใช้")])
        }
        return try await db.transaction(scope) { tx in
            guard let row = try tx.query(Self.districtIndicator, [district, indicatorID]).first else { throw DomainError.notFound(.indicator) }
            guard try row.decode("school_id", as: Int64?.self) == nil else {
                throw DomainError.conflict(Explanation("Only the district's own indicators can be adopted by schools.",
                                                             th: "ตัวชี้วัดนี้เป็นของสถานศึกษา สถานศึกษารับไปใช้ได้เฉพาะตัวชี้วัดของเขตพื้นที่"))
            }
            let period = try ReportingPeriod(rawValue: row.decode("period", as: String.self)) ?? .year
            let errors = IndicatorInput.validate(targets: targets, period: period)
            if !errors.isEmpty { throw DomainError.invalid(errors) }
            try tx.query(Self.adopt, [district, indicatorID, school])
            try Self.writeTargets(tx, district: district, indicator: indicatorID, school: school, targets)
            return try tx.document(Self.byID, district: district, id: indicatorID)
        }
    }

    static let unadopt = "DELETE FROM indicator_adoption WHERE district_id = $1 AND indicator_id = $2 AND school_id = $3"
    static let dropTargets = "DELETE FROM indicator_target WHERE district_id = $1 AND indicator_id = $2 AND school_id = $3"

    public func unadopt(_ scope: TenantScope, indicatorID: Int64, schoolID: Int64) async throws {
        let district = try scope.requireDistrict()
        let school = try scope.unit(schoolID)
        try await db.transaction(scope) { tx in
            guard try tx.query(Self.unadopt, [district, indicatorID, school]).affectedRows == 1 else { throw DomainError.notFound(.adoption) }
            try tx.query(Self.dropTargets, [district, indicatorID, school])
        }
    }

    // MARK: - Helpers

    static func validate(_ input: IndicatorInput) throws {
        let errors = input.validate()
        if !errors.isEmpty { throw DomainError.invalid(errors) }
    }

    /// The unit an indicator belongs to: its goal's or project's, or the one the caller names.
    static func owningUnit(_ tx: Connection, scope: TenantScope, district: Int64, _ input: IndicatorInput) throws -> Int64? {
        if let goal = input.goalID {
            guard let row = try tx.query(goalUnit, [district, goal]).first else { throw missing("/goal_id", "goal") }
            return try row.decode("school_id")
        }
        if let project = input.projectID {
            let school = try requireProjectEditable(tx, district: district, project: project)
            return school
        }
        return try scope.unit(input.schoolID)
    }

    @discardableResult
    static func requireProjectEditable(_ tx: Connection, district: Int64, project: Int64) throws -> Int64? {
        guard let row = try tx.query(projectUnit, [district, project]).first else { throw missing("/project_id", "project") }
        try LifecycleTable.actionPlan.requireEditable(tx, district: district, id: row.decode("plan_id"))
        return try row.decode("school_id")
    }

    static func missing(_ pointer: String, _ what: String) -> DomainError {
        .invalid([FieldError(pointer, code: "not_found", detail: "No such \(what) in this district.", th: "ไม่พบข้อมูลที่อ้างถึงในเขตพื้นที่นี้")])
    }

    static func lockIndicator(_ tx: Connection, district: Int64, id: Int64, expectedVersion: Int) throws -> Row {
        try tx.lockVersioned(lock, district: district, id: id, expectedVersion: expectedVersion, entity: .indicator)
    }

    static func columns(_ input: IndicatorInput) -> [any PostgresEncodable] {
        let d = input.definition
        var levels: [String]?, one: Decimal?, five: Decimal?
        switch d.scoring {
        case .fiveLevels(let values): levels = values.map { "\($0)" }
        case .linear(let scoreOne, let scoreFive): one = scoreOne; five = scoreFive
        }
        let method = if case .fiveLevels = d.scoring { "five_levels" } else { "linear" }
        return [input.code, d.nameTH, input.nameEN, d.unit, d.kind.rawValue, d.direction.rawValue, input.period.rawValue,
                d.baseline, method, levels, one, five, d.band?.lowerBound, d.band?.upperBound, d.weight, d.isCSF]
    }

    struct TargetRow: Encodable { let fiscalYear: Int, period: Int, target: String }

    static let upsertTargets = """
        INSERT INTO indicator_target (district_id, indicator_id, school_id, fiscal_year, period, target)
        SELECT $1, $2, $3, x.fiscal_year, x.period, x.target
        FROM jsonb_to_recordset($4::jsonb) AS x(fiscal_year integer, period smallint, target numeric)
        ON CONFLICT ON CONSTRAINT indicator_target_unique DO UPDATE SET target = excluded.target
        WHERE indicator_target.target IS DISTINCT FROM excluded.target
        """
    static let deleteOtherTargets = """
        DELETE FROM indicator_target t
        WHERE t.district_id = $1 AND t.indicator_id = $2 AND t.school_id IS NOT DISTINCT FROM $3
          AND NOT EXISTS (SELECT 1 FROM jsonb_to_recordset($4::jsonb) AS x(fiscal_year integer, period smallint)
                          WHERE x.fiscal_year = t.fiscal_year AND x.period = t.period)
        """

    /// A unit's targets for an indicator become exactly `targets` (matched by year and period).
    static func writeTargets(_ tx: Connection, district: Int64, indicator: Int64, school: Int64?, _ targets: [TargetInput]) throws {
        let json = SQLJSON.encode(targets.map { TargetRow(fiscalYear: $0.fiscalYear.buddhistYear, period: $0.period, target: "\($0.target)") })
        try tx.query(deleteOtherTargets, [district, indicator, school, json])
        if !targets.isEmpty { try tx.query(upsertTargets, [district, indicator, school, json]) }
    }
}
