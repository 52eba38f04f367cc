import Foundation
import Postgres
import TidtamDomain

/// Roll-ups of scores across schools and districts (seed 5.2): computed by a job from the
/// current actuals, stored with the time they were computed, and read from there.
///
/// Debounced through the database: a change marks its district's fiscal year as due in its own
/// transaction (`RollupRequests.mark`); only the change that creates the mark enqueues the job,
/// so a burst of changes, however many, is one recomputation.
public enum RollupRequests {
    public static let kind = "evaluation.rollup"
    /// How long the job waits after the first change, for the rest of a burst to arrive.
    public static let defaultDelay: TimeInterval = 5

    public struct Args: Codable, Sendable {
        public let fiscalYear: Int
        enum CodingKeys: String, CodingKey { case fiscalYear = "fiscal_year" }
    }

    /// Marks `fiscalYear` of `district` as due, inside the caller's transaction. The upsert takes
    /// the mark's row lock, so a job clearing the mark waits for this transaction to commit and
    /// then sees its rows; a mark cleared first is made again, with a new job.
    public static func mark(_ tx: Transaction, district: Int64, fiscalYear: Int, delay: TimeInterval = defaultDelay)
        throws
    {
        let row = try tx.query(
            """
            INSERT INTO rollup_request (district_id, fiscal_year) VALUES (\(district), \(fiscalYear))
            ON CONFLICT (district_id, fiscal_year) DO UPDATE SET requested_at = now(), changes = rollup_request.changes + 1
            RETURNING id, (xmax = 0) AS created
            """
        ).first!
        guard try row.decode("created", as: Bool.self) else { return }
        let id: Int64 = try row.decode("id")
        let args = String(decoding: try JSONEncoder().encode(Args(fiscalYear: fiscalYear)), as: UTF8.self)
        try tx.enqueue(
            NewJob(
                districtID: district, kind: kind, args: PostgresJSON(args), runAt: Date().addingTimeInterval(delay),
                uniqueKey: "rollup:\(fiscalYear):\(id)"))
    }
}

/// One school's score for one indicator, as the roll-up computes it.
struct RolledScore {
    let schoolID: Int64
    let schoolName: String
    let score: Decimal?
    let actual: Decimal?
    let target: Decimal?
    let met: Bool?
}

/// Counts, mean and median of scores on the 0–5 scale; nil scores are "not reported".
struct Distribution: Equatable {
    var units: Int
    var reported: Int
    var levelCounts: [Int]
    var mean: Decimal?
    var median: Decimal?
    var sum: Decimal

    init(_ scores: [Decimal?]) {
        let values = scores.compactMap { $0 }.sorted()
        units = scores.count
        reported = values.count
        var counts = Array(repeating: 0, count: 6)
        for value in values { counts[EvaluationComputation.level(of: value)] += 1 }
        levelCounts = counts
        sum = values.reduce(0, +)
        mean = values.isEmpty ? nil : Scoring.round(sum / Decimal(values.count), places: 2)
        if values.isEmpty {
            median = nil
        } else if values.count % 2 == 1 {
            median = values[values.count / 2]
        } else {
            median = Scoring.round((values[values.count / 2 - 1] + values[values.count / 2]) / 2, places: 2)
        }
    }
}

public struct RollupOutcome: Sendable, Equatable {
    public let schools: Int
    public let indicators: Int
    public let changes: Int
}

/// Computes and reads the roll-ups.
public struct RollupStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    /// The job's work for one district and fiscal year, in `tx`: clears the mark (waiting for
    /// the changes that hold it), then computes every school's score, every indicator's
    /// distribution and the district's, and replaces what was stored.
    public static func compute(_ tx: Transaction, district: Int64, fiscalYear: Int) throws -> RollupOutcome {
        let changes: Int =
            try tx.query(
                """
                DELETE FROM rollup_request WHERE district_id = \(district) AND fiscal_year = \(fiscalYear) RETURNING changes
                """
            ).first?.decode("changes") ?? 0
        // Every (school, indicator) pair to score: agreement items of the schools' approved,
        // current agreements, and district-wide indicators the schools adopted. The actual is the
        // latest of the year (the whole year's value first, then the last period reported).
        let rows = try tx.query(
            """
            WITH pairs AS (
                SELECT ag.school_id, it.indicator_id, ag.id AS agreement_id, it.weight, it.target
                FROM performance_agreement ag
                JOIN agreement_item it ON it.district_id = ag.district_id AND it.agreement_id = ag.id
                WHERE ag.district_id = \(district) AND ag.fiscal_year = \(fiscalYear) AND ag.school_id IS NOT NULL
                  AND ag.status = 'approved' AND ag.superseded_at IS NULL
                UNION ALL
                SELECT ad.school_id, ad.indicator_id, NULL, NULL, NULL
                FROM indicator_adoption ad
                WHERE ad.district_id = \(district)
                  AND NOT EXISTS (SELECT FROM performance_agreement ag
                                  JOIN agreement_item it ON it.district_id = ag.district_id AND it.agreement_id = ag.id
                                  WHERE ag.district_id = ad.district_id AND ag.school_id = ad.school_id
                                    AND ag.fiscal_year = \(fiscalYear) AND ag.status = 'approved' AND ag.superseded_at IS NULL
                                    AND it.indicator_id = ad.indicator_id)
            )
            SELECT p.school_id, s.name_th AS school_name, p.indicator_id, p.agreement_id, p.weight,
                   coalesce(p.target, (SELECT t.target FROM indicator_target t
                                       WHERE t.district_id = i.district_id AND t.indicator_id = i.id
                                         AND t.fiscal_year = \(fiscalYear) AND t.period = 0
                                         AND (t.school_id = p.school_id OR t.school_id IS NULL)
                                       ORDER BY t.school_id IS NULL LIMIT 1)) AS target,
                   i.direction, i.scoring, i.levels, i.score_one, i.score_five, i.band_low, i.band_high,
                   i.score_places, i.school_id IS NULL AS shared,
                   (SELECT a.value FROM indicator_actual a
                    WHERE a.district_id = i.district_id AND a.indicator_id = i.id AND a.school_id = p.school_id
                      AND a.fiscal_year = \(fiscalYear)
                    ORDER BY a.period = 0 DESC, a.period DESC, a.seq DESC LIMIT 1) AS actual
            FROM pairs p
            JOIN indicator i ON i.district_id = \(district) AND i.id = p.indicator_id
            JOIN school s ON s.district_id = \(district) AND s.id = p.school_id
            ORDER BY p.indicator_id, p.school_id
            """)
        var rules: [Int64: (rule: Scoring.Rule, places: Int)] = [:]
        var byIndicator: [Int64: [RolledScore]] = [:]
        var agreementItems:
            [Int64: (agreement: Int64, items: [(weight: Decimal, actual: Decimal?, rule: Scoring.Rule)], met: Int)] =
                [:]
        for row in rows.rows {
            let indicator: Int64 = try row.decode("indicator_id")
            if rules[indicator] == nil { rules[indicator] = (try Self.rule(row), try row.decode("score_places")) }
            let (rule, places) = rules[indicator]!
            let actual: Decimal? = try row.decode("actual")
            let target: Decimal? = try row.decode("target")
            let score = actual.map { EvaluationComputation.score($0, rule, places: places) }
            let met = actual.flatMap { EvaluationComputation.met($0, target: target, rule: rule) }
            let school: Int64 = try row.decode("school_id")
            if try row.decode("shared", as: Bool.self) {
                byIndicator[indicator, default: []].append(
                    RolledScore(
                        schoolID: school, schoolName: try row.decode("school_name"), score: score, actual: actual,
                        target: target, met: met))
            }
            if let agreement: Int64 = try row.decode("agreement_id") {
                var entry = agreementItems[school] ?? (agreement, [], 0)
                entry.items.append((try row.decode("weight"), actual, rule))
                if met == true { entry.met += 1 }
                agreementItems[school] = entry
            }
        }

        // Every school of the district counts: one without an approved agreement is not reported.
        let schools = try tx.query(
            "SELECT id, name_th FROM school WHERE district_id = \(district) ORDER BY id"
        ).rows.map { (try $0.decode("id", as: Int64.self), try $0.decode("name_th", as: String.self)) }
        struct SchoolRow: Encodable {
            let schoolId: Int64
            let agreementId: Int64?
            let score: Decimal?
            let level: Int?
            let items: Int
            let itemsReported: Int
            let itemsMet: Int
            let missingWeight: Decimal
            let metAll: Bool
        }
        var schoolRows: [SchoolRow] = []
        var schoolScores: [(id: Int64, name: String, score: Decimal?)] = []
        for (id, name) in schools {
            guard let entry = agreementItems[id] else {
                schoolScores.append((id, name, nil))
                continue
            }
            // As the school's evaluation scores it: exactly, rounded once.
            let weighted = EvaluationComputation.weightedScore(entry.items)
            schoolRows.append(
                SchoolRow(
                    schoolId: id, agreementId: entry.agreement, score: weighted.score,
                    level: weighted.score.map(EvaluationComputation.level(of:)), items: entry.items.count,
                    itemsReported: weighted.reported, itemsMet: entry.met, missingWeight: weighted.missingWeight,
                    metAll: !entry.items.isEmpty && entry.met == entry.items.count))
            schoolScores.append((id, name, weighted.score))
        }

        struct IndicatorRow: Encodable {
            let indicatorId: Int64
            let schools: Int
            let reported: Int
            let missing: Int
            let levelCounts: String
            let mean: Decimal?
            let median: Decimal?
            let met: Int
            let withTarget: Int
            let furthestBelow: String
        }
        var indicatorRows: [IndicatorRow] = []
        for (indicator, scores) in byIndicator.sorted(by: { $0.key < $1.key }) {
            let distribution = Distribution(scores.map(\.score))
            let below = scores.filter { $0.score != nil && $0.met != true }
                .sorted { ($0.score!, $0.schoolID) < ($1.score!, $1.schoolID) }.prefix(5)
                .map {
                    FurthestBelow(
                        schoolID: $0.schoolID, nameTH: $0.schoolName, score: $0.score, actual: $0.actual,
                        target: $0.target)
                }
            indicatorRows.append(
                IndicatorRow(
                    indicatorId: indicator, schools: distribution.units, reported: distribution.reported,
                    missing: distribution.units - distribution.reported,
                    levelCounts: "{" + distribution.levelCounts.map(String.init).joined(separator: ",") + "}",
                    mean: distribution.mean, median: distribution.median,
                    met: scores.filter { $0.met == true }.count, withTarget: scores.filter { $0.met != nil }.count,
                    furthestBelow: try EvaluationStore.encode(Array(below))))
        }

        let overall = Distribution(schoolScores.map(\.score))
        let below = schoolScores.filter { $0.score != nil }.sorted { ($0.score!, $0.id) < ($1.score!, $1.id) }
            .prefix(5).map {
                FurthestBelow(schoolID: $0.id, nameTH: $0.name, score: $0.score, actual: nil, target: nil)
            }

        try tx.query("DELETE FROM school_rollup WHERE district_id = \(district) AND fiscal_year = \(fiscalYear)")
        try tx.query("DELETE FROM indicator_rollup WHERE district_id = \(district) AND fiscal_year = \(fiscalYear)")
        try tx.query(
            """
            INSERT INTO school_rollup (district_id, school_id, fiscal_year, agreement_id, score, level, items, items_reported,
                                       items_met, missing_weight, met_all, computed_at)
            SELECT \(district), r.school_id, \(fiscalYear), r.agreement_id, r.score, r.level, r.items, r.items_reported,
                   r.items_met, r.missing_weight, r.met_all, now()
            FROM jsonb_to_recordset(\(PostgresJSON(SQLJSON.encode(schoolRows)))::jsonb) AS r(
                school_id bigint, agreement_id bigint, score numeric, level smallint, items int, items_reported int,
                items_met int, missing_weight numeric, met_all boolean)
            """)
        try tx.query(
            """
            INSERT INTO indicator_rollup (district_id, fiscal_year, indicator_id, schools, reported, missing, level_counts,
                                          mean, median, met, with_target, furthest_below, computed_at)
            SELECT \(district), \(fiscalYear), r.indicator_id, r.schools, r.reported, r.missing, r.level_counts::int[],
                   r.mean, r.median, r.met, r.with_target, r.furthest_below::jsonb, now()
            FROM jsonb_to_recordset(\(PostgresJSON(SQLJSON.encode(indicatorRows)))::jsonb) AS r(
                indicator_id bigint, schools int, reported int, missing int, level_counts text, mean numeric,
                median numeric, met int, with_target int, furthest_below text)
            """)
        try tx.query(
            """
            INSERT INTO district_rollup (district_id, fiscal_year, schools, reported, missing, level_counts, mean, median,
                                         met_all, score_sum, furthest_below, changes, computed_at)
            VALUES (\(district), \(fiscalYear), \(overall.units), \(overall.reported),
                    \(overall.units - overall.reported),
                    \("{" + overall.levelCounts.map(String.init).joined(separator: ",") + "}")::int[],
                    \(overall.mean), \(overall.median), \(schoolRows.filter(\.metAll).count), \(overall.sum),
                    \(PostgresJSON(try EvaluationStore.encode(Array(below))))::jsonb, \(changes), now())
            ON CONFLICT (district_id, fiscal_year) DO UPDATE SET
                schools = EXCLUDED.schools, reported = EXCLUDED.reported, missing = EXCLUDED.missing,
                level_counts = EXCLUDED.level_counts, mean = EXCLUDED.mean, median = EXCLUDED.median,
                met_all = EXCLUDED.met_all, score_sum = EXCLUDED.score_sum, furthest_below = EXCLUDED.furthest_below,
                changes = EXCLUDED.changes, computed_at = EXCLUDED.computed_at
            """)
        return RollupOutcome(schools: schoolRows.count, indicators: indicatorRows.count, changes: changes)
    }

    struct FurthestBelow: Encodable {
        let schoolID: Int64
        let nameTH: String
        let score: Decimal?
        let actual: Decimal?
        let target: Decimal?
        enum CodingKeys: String, CodingKey {
            case score, actual, target
            case schoolID = "school_id"
            case nameTH = "name_th"
        }
    }

    /// The indicator's rule from its columns, as an evaluation records and reads it.
    static func rule(_ row: Row) throws -> Scoring.Rule {
        EvaluationInputs.RuleRecord(
            direction: IndicatorDefinition.Direction(rawValue: try row.decode("direction")) ?? .higherIsBetter,
            scoring: try row.decode("scoring"), levels: try row.decode("levels"), scoreOne: try row.decode("score_one"),
            scoreFive: try row.decode("score_five"), bandLow: try row.decode("band_low"),
            bandHigh: try row.decode("band_high"), places: try row.decode("score_places")
        ).rule
    }

    // MARK: Reading

    /// A district's roll-up for a fiscal year: its schools' distribution and each indicator's,
    /// with when it was computed and whether a recomputation is due.
    public func district(_ tenant: some TenantReading, districtID: Int64?, fiscalYear: Int) async throws -> String {
        let district = try tenant.districtToList(named: districtID)
        let row = try await db.read(
            tenant,
            """
            SELECT json_build_object(
                'district_id', \(district)::bigint, 'fiscal_year', \(fiscalYear)::int,
                'fiscal_year_th', 'ปีงบประมาณ พ.ศ. ' || \(fiscalYear)::int,
                'computed_at', \(SQLJSON.time("r.computed_at")), 'computed_at_th', \(SQLJSON.thaiTime("r.computed_at")),
                'recomputation_due', EXISTS (SELECT FROM rollup_request q WHERE q.district_id = \(district) AND q.fiscal_year = \(fiscalYear)),
                'schools', r.schools, 'reported', r.reported, 'not_reported', r.missing,
                'level_counts', r.level_counts, 'mean', r.mean, 'median', r.median,
                'met_all_targets', r.met_all,
                'met_all_share', CASE WHEN r.schools > 0 THEN round(r.met_all::numeric / r.schools, 4) END,
                'furthest_below', r.furthest_below, 'changes', r.changes,
                'indicators', coalesce((
                    SELECT json_agg(json_build_object(
                        'indicator_id', x.indicator_id, 'code', i.code, 'name_th', i.name_th, 'is_csf', i.is_csf,
                        'schools', x.schools, 'reported', x.reported, 'not_reported', x.missing,
                        'level_counts', x.level_counts, 'mean', x.mean, 'median', x.median,
                        'met', x.met, 'with_target', x.with_target,
                        'met_share', CASE WHEN x.with_target > 0 THEN round(x.met::numeric / x.with_target, 4) END,
                        'furthest_below', x.furthest_below) ORDER BY i.code, x.indicator_id)
                    FROM indicator_rollup x JOIN indicator i ON i.district_id = x.district_id AND i.id = x.indicator_id
                    WHERE x.district_id = \(district) AND x.fiscal_year = \(fiscalYear)), '[]'::json)
            )::text AS doc
            FROM (SELECT 1) one LEFT JOIN district_rollup r ON r.district_id = \(district) AND r.fiscal_year = \(fiscalYear)
            """
        ).first!
        return try row.decode("doc")
    }

    /// Every district side by side for the national role, with the country's totals (its median
    /// from every school's score, not from the districts' medians).
    public func national(_ tenant: Tenant, fiscalYear: Int) async throws -> String {
        guard case .national = tenant else {
            throw DomainError.forbidden(
                Explanation("Only OBEC's national role reads every district.", th: "เฉพาะ สพฐ. (ส่วนกลาง) ดูได้ทุกเขตพื้นที่"))
        }
        return try await db.read(
            tenant,
            """
            SELECT json_build_object(
                'fiscal_year', \(fiscalYear)::int, 'fiscal_year_th', 'ปีงบประมาณ พ.ศ. ' || \(fiscalYear)::int,
                'schools', coalesce(sum(r.schools), 0), 'reported', coalesce(sum(r.reported), 0),
                'not_reported', coalesce(sum(r.missing), 0),
                'level_counts', (SELECT array_agg(s ORDER BY n) FROM (
                    SELECT n, coalesce(sum(r2.level_counts[n + 1]), 0) AS s FROM generate_series(0, 5) n
                    LEFT JOIN district_rollup r2 ON r2.fiscal_year = \(fiscalYear) GROUP BY n) l),
                'mean', CASE WHEN sum(r.reported) > 0 THEN round(sum(r.score_sum) / sum(r.reported), 2) END,
                'median', (SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY s.score)::numeric, 2)
                           FROM school_rollup s WHERE s.fiscal_year = \(fiscalYear) AND s.score IS NOT NULL),
                'met_all_targets', coalesce(sum(r.met_all), 0),
                'computed_at', \(SQLJSON.time("max(r.computed_at)")),
                'districts', coalesce(json_agg(json_build_object(
                    'district_id', r.district_id, 'name_th', d.name_th, 'schools', r.schools, 'reported', r.reported,
                    'not_reported', r.missing, 'level_counts', r.level_counts, 'mean', r.mean, 'median', r.median,
                    'met_all_targets', r.met_all,
                    'met_all_share', CASE WHEN r.schools > 0 THEN round(r.met_all::numeric / r.schools, 4) END,
                    'computed_at', \(SQLJSON.time("r.computed_at")))
                    ORDER BY r.mean NULLS FIRST, d.name_th) FILTER (WHERE r.district_id IS NOT NULL), '[]'::json)
            )::text AS doc
            FROM district_rollup r JOIN district d ON d.id = r.district_id
            WHERE r.fiscal_year = \(fiscalYear)
            """
        ).first!.decode("doc")
    }

    /// Asks for a recomputation now (the district's own button; the job still runs once).
    public func request(_ tenant: DistrictTenant, fiscalYear: Int) async throws {
        try await db.transaction(tenant) { tx in
            try RollupRequests.mark(tx, district: tenant.districtID, fiscalYear: fiscalYear, delay: 0)
        }
    }
}
