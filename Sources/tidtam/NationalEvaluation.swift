import ArgumentParser
import Foundation
import Logging
import Postgres
import ServiceLifecycle
import TidtamDomain
import TidtamJobs
import TidtamStore

/// `tidtam bench evaluation`: the year-end evaluation of the national data set (every school's
/// agreement and every project, with its indicators) and every roll-up, through the job runner
/// with one worker, against the floor in the same run: the same evaluations put into the same
/// table by one `INSERT … SELECT` per district that computes the same scores in SQL, as the
/// service's role, rolled back. Both print the count and the sum of the scores, which must agree.
struct EvaluationBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "evaluation")

    @Option(help: "Fiscal year (Buddhist Era) evaluated.") var fiscalYear = 2569
    @Option(help: "Handlers the worker runs at once.") var concurrency = 2
    @Option(help: "Print the floor's statement for this district and round (to EXPLAIN it) and stop.")
    var printFloor: [Int64] = []
    @Option(
        help:
            "Only profile: evaluate this many districts one after another, each rolled back, and print where the time went."
    )
    var profile: Int?

    func run() async throws {
        if printFloor.count == 2 {
            let (text, binds) = EvaluationFloor.sql(district: printFloor[0], roundID: printFloor[1]).rendered
            print(text)
            print("-- binds: " + binds.map { $0.postgresText ?? "NULL" }.joined(separator: ", "))
            return
        }
        let settings = Settings()
        let appURL = try settings.databaseURL, ownerURL = try settings.migrationURL
        let app = Database(PoolConfiguration(conninfo: appURL, maxConnections: 8, applicationName: "tidtam-bench"))
        let districts = try await app.read(Tenant.nationalService, "SELECT id FROM district ORDER BY id").rows.map {
            try $0.decode("id", as: Int64.self)
        }
        let owner = try Connection.connect(ownerURL, applicationName: "tidtam-bench")
        try owner.execute(
            script: "TRUNCATE evaluation, school_rollup, indicator_rollup, district_rollup, rollup_request")
        try owner.execute(script: "VACUUM ANALYZE evaluation")

        // Each district's year-end round (made on first use, as the service makes it).
        var rounds: [Int64: Int64] = [:]
        for district in districts {
            rounds[district] = try await app.transaction(DistrictTenant.background(district)) { tx in
                try EvaluationStore.roundID(tx, district: district, .standard(FiscalYear(fiscalYear), .yearEnd))
            }
        }

        if let profile {
            try await Self.profile(app, districts: Array(districts.prefix(profile)), rounds: rounds)
            await app.shutdown()
            return
        }

        // The floor.
        var floorRows = 0
        var floorSum = Decimal(0)
        var started = ContinuousClock.now
        for district in districts {
            let round = rounds[district]!
            do {
                try await app.transaction(DistrictTenant.background(district)) { tx in
                    try tx.query("SET LOCAL statement_timeout = '10min'")
                    let row = try tx.query(EvaluationFloor.sql(district: district, roundID: round)).first!
                    throw Floor(rows: try row.decode("n"), sum: try row.decode("total"))
                }
            } catch let floor as Floor {
                floorRows += floor.rows
                floorSum += floor.sum
            }
        }
        let floorSeconds = (ContinuousClock.now - started).seconds
        try owner.execute(script: "VACUUM ANALYZE evaluation")

        // Through the job runner: a round job per district, whose roll-ups follow as jobs.
        started = ContinuousClock.now
        for district in districts {
            let round = rounds[district]!
            try await app.transaction(DistrictTenant.background(district)) { tx in
                _ = try tx.enqueue(try EvaluationRun.job(district: district, roundID: round))
            }
        }
        try await runOneWorker(app, conninfo: appURL, handlers: BuiltInJobs.production, concurrency: concurrency) {
            try await app.read(
                Tenant.workerAcrossDistricts,
                "SELECT count(*) AS n FROM job WHERE kind IN (\(EvaluationRun.kind), \(RollupRequests.kind))"
            ).first!.decode("n", as: Int.self) == 0
        }
        let jobSeconds = (ContinuousClock.now - started).seconds
        // Row-level security holds the owner too: read as OBEC's national role reads.
        try owner.execute(script: "SELECT set_config('tidtam.role', 'national', false)")
        let done = try owner.query(
            """
            SELECT (SELECT count(*) FROM evaluation WHERE fiscal_year = \(fiscalYear)) AS n,
                   (SELECT coalesce(sum(score), 0) FROM evaluation WHERE fiscal_year = \(fiscalYear)) AS total,
                   (SELECT count(*) FROM district_rollup WHERE fiscal_year = \(fiscalYear)) AS rollups,
                   (SELECT count(*) FROM indicator_rollup WHERE fiscal_year = \(fiscalYear)) AS indicator_rollups
            """
        ).first!
        let rows: Int = try done.decode("n"), total: Decimal = try done.decode("total")
        print(
            String(
                format:
                    "year-end evaluation: %d evaluations (score sum %@) and %d district roll-ups (%d indicator roll-ups) through the job runner %.1f s; INSERT … SELECT floor %.1f s (%d rows, score sum %@); ratio %.2f",
                rows, "\(total)" as NSString, try done.decode("rollups", as: Int.self),
                try done.decode("indicator_rollups", as: Int.self), jobSeconds, floorSeconds, floorRows,
                "\(floorSum)" as NSString, jobSeconds / floorSeconds))
        await app.shutdown()
    }

    /// Each phase of `EvaluationRun.run` summed over `districts`, and the roll-ups after it.
    static func profile(_ app: Database, districts: [Int64], rounds: [Int64: Int64]) async throws {
        var total = EvaluationRun.Outcome()
        var rollups = Duration.zero
        for district in districts {
            do {
                try await app.transaction(DistrictTenant.background(district)) { tx in
                    try tx.query("SET LOCAL statement_timeout = '10min'")
                    let outcome = try EvaluationRun.run(tx, district: district, roundID: rounds[district]!)
                    let clock = ContinuousClock(), start = clock.now
                    let year: Int = try tx.query(
                        "SELECT fiscal_year FROM evaluation_round WHERE district_id = \(district) AND id = \(rounds[district]!)"
                    ).first!.decode("fiscal_year")
                    _ = try RollupStore.compute(tx, district: district, fiscalYear: year)
                    throw Profiled(outcome: outcome, rollups: clock.now - start)
                }
            } catch let profiled as Profiled {
                let outcome = profiled.outcome
                total.agreements += outcome.agreements
                total.projects += outcome.projects
                total.indicators += outcome.indicators
                total.gathering += outcome.gathering
                total.computing += outcome.computing
                total.encoding += outcome.encoding
                total.writing += outcome.writing
                rollups += profiled.rollups
            }
        }
        print(
            String(
                format:
                    "profile of %d districts (%d agreements, %d projects, %d indicators): gathering %.2f s, decoding and computing %.2f s, encoding %.2f s, writing %.2f s, roll-ups %.2f s",
                districts.count, total.agreements, total.projects, total.indicators, total.gathering.seconds,
                total.computing.seconds, total.encoding.seconds, total.writing.seconds, rollups.seconds))
    }

    /// A profiled district's phases, thrown to roll its transaction back.
    struct Profiled: Error {
        let outcome: EvaluationRun.Outcome
        let rollups: Duration
    }

    struct Floor: Error {
        let rows: Int
        let sum: Decimal
    }
}

/// One statement that evaluates a district's year-end round in SQL: the same scores (five
/// levels counted, lines clamped, within a band by distance; reported weights only; a project's
/// progress beside its indicators), the same rows, the inputs and a result rendered in SQL.
enum EvaluationFloor {
    static func sql(district: Int64, roundID: Int64) -> SQL {
        let actual: SQL = """
            CROSS JOIN LATERAL (
                SELECT (CASE i.period WHEN 'month' THEN '{0,12}' WHEN 'quarter' THEN '{0,4}' WHEN 'half' THEN '{0,2}' ELSE '{0}' END)::int[] AS periods) ip
            LEFT JOIN LATERAL (
                SELECT a.id, a.seq, a.value, a.period FROM indicator_actual a
                WHERE a.district_id = i.district_id AND a.indicator_id = i.id AND a.school_id IS NOT DISTINCT FROM u.school_id
                  AND a.fiscal_year = r.fiscal_year AND a.period = ANY (ip.periods)
                ORDER BY array_position(ip.periods, a.period::int), a.seq DESC LIMIT 1) act ON true
            CROSS JOIN LATERAL (
                SELECT CASE WHEN i.direction = 'within_band' AND i.band_low IS NOT NULL
                            THEN greatest(i.band_low - act.value, act.value - i.band_high, 0) ELSE act.value END AS v,
                       i.direction = 'higher_is_better' OR (i.direction = 'within_band' AND i.band_low IS NULL) AS hib) q
            CROSS JOIN LATERAL (
                SELECT CASE WHEN act.value IS NULL THEN NULL
                            WHEN i.scoring = 'five_levels'
                                THEN (SELECT count(*) FROM unnest(i.levels[1:5]) t WHERE CASE WHEN q.hib THEN q.v >= t ELSE q.v <= t END)::numeric
                            WHEN i.score_one = i.score_five
                                THEN CASE WHEN (CASE WHEN q.hib THEN q.v >= i.score_five ELSE q.v <= i.score_five END) THEN 5 ELSE 0 END
                            ELSE least(5, greatest(0, 1 + 4 * (q.v - i.score_one) / (i.score_five - i.score_one))) END AS raw) s
            """
        // An indicator's input and result as the engine records them.
        func parts(key: SQL, weight: SQL, target: SQL) -> SQL {
            """
            json_agg(json_build_object('key', \(key), 'indicator_id', i.id, 'name_th', i.name_th, 'weight', \(weight),
                'rule', json_build_object('direction', i.direction, 'scoring', i.scoring, 'levels', i.levels, 'score_one', i.score_one,
                                          'score_five', i.score_five, 'band_low', i.band_low, 'band_high', i.band_high, 'places', i.score_places),
                'target', \(target), 'period', coalesce(act.period, ip.periods[1]),
                'actual', CASE WHEN act.id IS NULL THEN NULL ELSE json_build_object('id', act.id, 'seq', act.seq, 'value', act.value) END)) AS inputs,
            json_agg(json_build_object('key', \(key), 'indicator_id', i.id,
                'standing', CASE WHEN act.id IS NULL THEN 'missing' ELSE 'scored' END, 'score', round(s.raw, i.score_places))) AS results,
            sum(\(weight) * s.raw) FILTER (WHERE s.raw IS NOT NULL) AS weighted, sum(\(weight)) FILTER (WHERE s.raw IS NOT NULL) AS reported_weight,
            sum(\(weight)) FILTER (WHERE s.raw IS NULL) AS missing_weight, count(s.raw) AS reported, count(*) - count(s.raw) AS missing
            """
        }
        return """
            WITH r AS (
                SELECT id, fiscal_year, progress_weight, make_date(fiscal_year - 543, 9, 30) AS ends_on
                FROM evaluation_round WHERE district_id = \(district) AND id = \(roundID)
            ),
            agreements AS (
                SELECT ag.id, ag.school_id, x.*
                FROM r, performance_agreement ag
                CROSS JOIN LATERAL (
                    SELECT \(parts(key: "'item:' || it.id", weight: "it.weight", target: "it.target"))
                    FROM (SELECT ag.school_id) u, agreement_item it JOIN indicator i ON i.district_id = it.district_id AND i.id = it.indicator_id
                    \(actual)
                    WHERE it.district_id = ag.district_id AND it.agreement_id = ag.id) x
                WHERE ag.district_id = \(district) AND ag.fiscal_year = r.fiscal_year AND ag.status = 'approved' AND ag.superseded_at IS NULL
            ),
            projects AS (
                SELECT p.id, p.school_id, x.*, pr.percent_complete,
                       CASE WHEN pr.percent_complete IS NOT NULL THEN least(5, greatest(0, pr.percent_complete / 20)) END AS progress
                FROM r, project p JOIN action_plan a ON a.district_id = p.district_id AND a.id = p.plan_id
                CROSS JOIN LATERAL (
                    SELECT \(parts(key: "'indicator:' || i.id", weight: "i.weight", target: "NULL::numeric"))
                    FROM (SELECT p.school_id) u, indicator i
                    \(actual)
                    WHERE i.district_id = p.district_id AND i.project_id = p.id) x
                LEFT JOIN LATERAL (
                    SELECT rp.percent_complete FROM monitoring_item m
                    JOIN progress_report rp ON rp.district_id = m.district_id AND rp.item_id = m.id
                    WHERE m.district_id = p.district_id AND m.project_id = p.id AND m.kind = 'progress_report' AND m.status = 'open'
                      AND m.period_end <= r.ends_on AND rp.status IN ('submitted', 'acknowledged')
                    ORDER BY m.period_end DESC, rp.report_version DESC LIMIT 1) pr ON true
                WHERE p.district_id = \(district) AND a.fiscal_year = r.fiscal_year AND a.status = 'approved' AND a.superseded_at IS NULL
            ),
            scored AS (
                SELECT 'agreement' AS subject, id, school_id, round(weighted / nullif(reported_weight, 0), 2) AS score,
                       coalesce(reported_weight, 0) AS reported_weight, coalesce(missing_weight, 0) AS missing_weight, reported, missing,
                       inputs, results
                FROM agreements
                UNION ALL
                SELECT 'project', p.id, p.school_id,
                       round((coalesce((100 - r.progress_weight) * (p.weighted / nullif(p.reported_weight, 0)), 0)
                              + coalesce(r.progress_weight * p.progress, 0))
                             / nullif(CASE WHEN p.reported > 0 THEN 100 - r.progress_weight ELSE 0 END
                                      + CASE WHEN p.progress IS NOT NULL THEN r.progress_weight ELSE 0 END, 0), 2),
                       CASE WHEN p.reported > 0 THEN 100 - r.progress_weight ELSE 0 END
                           + CASE WHEN p.progress IS NOT NULL THEN r.progress_weight ELSE 0 END,
                       CASE WHEN p.reported = 0 AND p.missing > 0 THEN 100 - r.progress_weight ELSE 0 END
                           + CASE WHEN p.progress IS NULL THEN r.progress_weight ELSE 0 END,
                       p.reported, p.missing, p.inputs, p.results
                FROM projects p, r
            ),
            ins AS (
                INSERT INTO evaluation (district_id, school_id, round_id, subject, subject_id, fiscal_year, score, level, reported_weight,
                                        missing_weight, indicators_reported, indicators_missing, inputs, result, engine)
                SELECT \(district), s.school_id, r.id, s.subject, s.id, r.fiscal_year, s.score, floor(s.score)::smallint, s.reported_weight,
                       s.missing_weight, s.reported, s.missing,
                       json_build_object('engine', 1, 'subject', s.subject, 'root', json_build_object('key', s.subject || ':' || s.id,
                                         'indicators', s.inputs))::jsonb,
                       json_build_object('root', json_build_object('key', s.subject || ':' || s.id, 'score', s.score,
                                         'indicators', s.results))::jsonb, 1
                FROM scored s, r
                RETURNING score
            )
            SELECT count(*) AS n, coalesce(sum(score), 0) AS total FROM ins
            """
    }
}
