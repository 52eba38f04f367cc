import Foundation
import Postgres
import TidtamDomain

/// A round as the queries need it: its fiscal year, the periods each kind of indicator scores
/// and the day its last period ends (the progress reports it may use).
struct RoundScope: Sendable {
    let id: Int64
    let fiscalYear: Int
    let throughMonth: Int
    let progressWeight: Decimal

    var endsOn: CalendarDate {
        FiscalYear(fiscalYear).reportingPeriods(.monthly)[throughMonth - 1].end
    }

    /// `CASE <kind> WHEN 'month' THEN '{6}' …`: the periods an indicator of each kind may score,
    /// preferred first (EvaluationRoundKind.periods, written into the statement once).
    func periods(_ kind: SQL) -> SQL {
        let cases = ReportingPeriod.allCases.map { k -> SQL in
            let list = EvaluationRoundKind.periods(of: k, throughMonth: throughMonth)
            return
                "WHEN \(SQL.constant(k.rawValue)) THEN \(SQL.constant("{" + list.map(String.init).joined(separator: ",") + "}"))::int[]"
        }
        return "(CASE \(kind) \(SQL.join(cases, " ")) END)"
    }
}

/// The statements that gather an evaluation's inputs. Each renders the indicators of its
/// subject as the JSON of `EvaluationInputs.IndicatorInput` (decoded by `JSONDecoder`, numbers
/// exact), so the SQL and the Swift that reads it stay side by side.
enum EvaluationInputsQuery {
    /// The indicators of `source` (a FROM list naming the indicator `i`, filtered by `filter`)
    /// scored for `school` in `round`: each one's rule, target and current actual for the
    /// round's period. `weight` and `target` are expressions over the source.
    /// `schoolColumn`, when given, names the school as a column of the source (a whole
    /// district's subjects at once) instead of `school`.
    static func indicators(
        source: SQL, filter: SQL, key: SQL, weight: SQL, target: SQL?, school: Int64?, schoolColumn: SQL? = nil,
        round: RoundScope, order: SQL
    ) -> SQL {
        let periods = round.periods("i.period")
        let school: SQL = schoolColumn ?? "\(school)::bigint"
        let ownTarget: SQL =
            target
                ?? """
                (SELECT t.target FROM indicator_target t
                 WHERE t.district_id = i.district_id AND t.indicator_id = i.id AND t.fiscal_year = \(round.fiscalYear)
                   AND (t.school_id IS NOT DISTINCT FROM \(school) OR t.school_id IS NULL)
                   AND t.period IN (coalesce(act.period, 0), 0)
                 ORDER BY t.school_id IS NULL, t.period = 0 LIMIT 1)
                """
        return """
            SELECT coalesce(json_agg(json_build_object(
                'key', \(key), 'indicator_id', i.id, 'name_th', i.name_th, 'weight', \(weight),
                'rule', json_build_object('direction', i.direction, 'scoring', i.scoring, 'levels', i.levels,
                                          'score_one', i.score_one, 'score_five', i.score_five, 'band_low', i.band_low,
                                          'band_high', i.band_high, 'places', i.score_places),
                'target', \(ownTarget),
                'period', coalesce(act.period, (\(periods))[1]),
                'actual', CASE WHEN act.id IS NULL THEN NULL
                               ELSE json_build_object('id', act.id, 'seq', act.seq, 'value', act.value) END)
                ORDER BY \(order)), '[]')::text AS parts
            FROM \(source)
            LEFT JOIN LATERAL (
                SELECT a.id, a.seq, a.value, a.period FROM indicator_actual a
                WHERE a.district_id = i.district_id AND a.indicator_id = i.id
                  AND a.school_id IS NOT DISTINCT FROM \(school) AND a.fiscal_year = \(round.fiscalYear)
                  AND a.period = ANY (\(periods))
                ORDER BY array_position(\(periods), a.period::int), a.seq DESC LIMIT 1) act ON true
            WHERE \(filter)
            """
    }

    static func decodeParts(_ row: Row) throws -> [EvaluationInputs.IndicatorInput] {
        try JSONDecoder().decode(
            [EvaluationInputs.IndicatorInput].self, from: Data(try row.decode("parts", as: String.self).utf8))
    }

    /// A performance agreement: its weighted items, each with its own target.
    static func agreement(
        _ tx: Transaction, district: Int64, id: Int64, school: Int64?, title: String, round: RoundScope
    )
        throws -> EvaluationInputs
    {
        let row = try tx.query(
            indicators(
                source:
                    "agreement_item it JOIN indicator i ON i.district_id = it.district_id AND i.id = it.indicator_id",
                filter: "it.district_id = \(district) AND it.agreement_id = \(id)", key: "'item:' || it.id",
                weight: "it.weight", target: "it.target", school: school, round: round, order: "it.position, it.id")
        ).first!
        return EvaluationInputs(
            subject: .agreement, root: .init(key: "agreement:\(id)", nameTH: title, indicators: try decodeParts(row)))
    }

    /// A project: its indicators beside its progress (the latest report submitted for a period
    /// ending by the round's end, of the project or of what it was copied from).
    static func project(_ tx: Transaction, district: Int64, id: Int64, school: Int64?, name: String, round: RoundScope)
        throws -> EvaluationInputs.Node
    {
        let row = try tx.query(
            indicators(
                source: "indicator i", filter: "i.district_id = \(district) AND i.project_id = \(id)",
                key: "'indicator:' || i.id", weight: "i.weight", target: nil, school: school, round: round,
                order: "i.code, i.id")
        ).first!
        let progress = try tx.query(
            "SELECT \(Self.progress(project: "\(id)::bigint", district: "\(district)::bigint", round: round)) AS progress"
        ).first!
        return .init(
            key: "project:\(id)", nameTH: name, indicators: try decodeParts(row),
            progress: try decodeProgress(progress),
            progressWeight: round.progressWeight)
    }

    /// A project's progress as the round uses it (the JSON of `EvaluationInputs.ProgressInput`,
    /// or NULL): the latest report submitted for a period ending by the round's end.
    static func progress(project: SQL, district: SQL, round: RoundScope) -> SQL {
        """
        (SELECT json_build_object('report_id', r.id, 'report_version', r.report_version, 'period', m.period,
                                  'percent_complete', r.percent_complete)
         FROM monitoring_item m JOIN progress_report r ON r.district_id = m.district_id AND r.item_id = m.id
         WHERE m.district_id = \(district) AND m.project_id = \(project) AND m.kind = 'progress_report'
           AND m.status = 'open' AND m.period_end <= \(round.endsOn.sql)::date
           AND r.status IN ('submitted', 'acknowledged')
         ORDER BY m.period_end DESC, r.report_version DESC LIMIT 1)::text
        """
    }

    static func decodeProgress(_ row: Row) throws -> EvaluationInputs.ProgressInput? {
        try (row.decode("progress") as String?).map {
            try JSONDecoder().decode(EvaluationInputs.ProgressInput.self, from: Data($0.utf8))
        }
    }
    /// A strategic plan: each strategy from its goals' indicators and the projects that carry it
    /// out in the round's year (of approved, current action plans).
    static func strategicPlan(
        _ tx: Transaction, district: Int64, id: Int64, school: Int64?, title: String, round: RoundScope
    ) throws -> EvaluationInputs {
        let strategies = try tx.query(
            "SELECT id, code, name_th FROM strategy WHERE district_id = \(district) AND plan_id = \(id) ORDER BY code, id"
        ).rows
        var children: [EvaluationInputs.Node] = []
        for strategy in strategies {
            let strategyID: Int64 = try strategy.decode("id")
            let goals = try tx.query(
                indicators(
                    source: "goal g JOIN indicator i ON i.district_id = g.district_id AND i.goal_id = g.id",
                    filter: "g.district_id = \(district) AND g.strategy_id = \(strategyID)",
                    key: "'indicator:' || i.id", weight: "i.weight", target: nil, school: school, round: round,
                    order: "g.code, i.code, i.id")
            ).first!
            let projects = try tx.query(
                """
                SELECT p.id, p.name_th FROM project p
                JOIN action_plan a ON a.district_id = p.district_id AND a.id = p.plan_id
                WHERE p.district_id = \(district) AND p.strategy_id = \(strategyID) AND a.status = 'approved'
                  AND a.superseded_at IS NULL AND a.fiscal_year = \(round.fiscalYear)
                ORDER BY p.code, p.id
                """
            ).rows
            let projectNodes = try projects.map { p in
                try project(
                    tx, district: district, id: try p.decode("id"), school: school, name: try p.decode("name_th"),
                    round: round)
            }
            children.append(
                .init(
                    key: "strategy:\(strategyID)", nameTH: try strategy.decode("name_th"),
                    indicators: try decodeParts(goals),
                    children: projectNodes))
        }
        return EvaluationInputs(
            subject: .strategicPlan, root: .init(key: "strategic_plan:\(id)", nameTH: title, children: children))
    }
}
