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

/// The statements that gather an evaluation's inputs, as flat rows (one an indicator) read by
/// position and grouped by their subject in Swift, so the SQL and the Swift that reads it stay
/// side by side.
///
/// Why flat: the statements once rendered each subject's indicators as JSON for `JSONDecoder`;
/// building and decoding that JSON cost more than finding the rows (`tidtam bench evaluation
/// --profile`).
enum EvaluationInputsQuery {
    /// The indicators of `source` (a FROM list naming the indicator `i`, filtered by `filter`)
    /// scored in `round`, one row each, grouped by `subject` (an expression naming the subject's
    /// id) and ordered by `order` within it: the indicator's key id, rule, target and current
    /// actual for the round's period. `weight` and `target` are expressions over the source.
    /// `school` is the school's id, or the column that names it (a whole district at once).
    static func indicatorRows(
        source: SQL, filter: SQL, subject: SQL, keyID: SQL, weight: SQL, target: SQL?, school: SQL, round: RoundScope,
        order: SQL
    ) -> SQL {
        let periods = round.periods("i.period")
        let ownTarget: SQL =
            target
                ?? """
                (SELECT t.target FROM indicator_target t
                 WHERE t.district_id = i.district_id AND t.indicator_id = i.id AND t.fiscal_year = \(round.fiscalYear)
                   AND (t.school_id IS NOT DISTINCT FROM \(school) OR t.school_id IS NULL)
                   AND t.period IN (coalesce(act.period, 0), 0)
                 ORDER BY t.school_id IS NULL, t.period = 0 LIMIT 1)
                """
        // Read by position in `indicator(_:prefix:)`.
        return """
            SELECT \(subject) AS subject_id, \(keyID) AS key_id, i.id, i.name_th, \(weight) AS weight, i.direction,
                   i.scoring, i.levels, i.score_one, i.score_five, i.band_low, i.band_high, i.score_places,
                   \(ownTarget) AS target, coalesce(act.period, (\(periods))[1]) AS period,
                   act.id AS actual_id, act.seq AS actual_seq, act.value AS actual_value
            FROM \(source)
            LEFT JOIN LATERAL (
                SELECT a.id, a.seq, a.value, a.period FROM indicator_actual a
                WHERE a.district_id = i.district_id AND a.indicator_id = i.id
                  AND a.school_id IS NOT DISTINCT FROM \(school) AND a.fiscal_year = \(round.fiscalYear)
                  AND a.period = ANY (\(periods))
                ORDER BY array_position(\(periods), a.period::int), a.seq DESC LIMIT 1) act ON true
            WHERE \(filter)
            ORDER BY \(subject), \(order)
            """
    }

    /// One row of `indicatorRows` as the engine's input; its key is `prefix:key_id`.
    static func indicator(_ row: Row, prefix: String) throws -> EvaluationInputs.IndicatorInput {
        let direction: String = try row.decode(5)
        guard let parsedDirection = IndicatorDefinition.Direction(rawValue: direction) else {
            throw PostgresError(.decoding, "unknown direction \(direction)", column: "direction")
        }
        let actualID: Int64? = try row.decode(15)
        return EvaluationInputs.IndicatorInput(
            key: "\(prefix):\(try row.decode(1, as: Int64.self))", indicatorID: try row.decode(2),
            nameTH: try row.decode(3), weight: try row.decode(4),
            rule: .init(
                direction: parsedDirection, scoring: try row.decode(6), levels: try row.decode(7),
                scoreOne: try row.decode(8), scoreFive: try row.decode(9), bandLow: try row.decode(10),
                bandHigh: try row.decode(11), places: try row.decode(12)),
            target: try row.decode(13), period: try row.decode(14),
            actual: try actualID.map { .init(id: $0, seq: try row.decode(16), value: try row.decode(17)) })
    }

    typealias IndicatorsBySubject = [Int64: [EvaluationInputs.IndicatorInput]]

    /// The rows of `indicatorRows` grouped by subject, in their order.
    static func indicatorsBySubject(_ result: QueryResult, prefix: String) throws -> IndicatorsBySubject {
        var groups: IndicatorsBySubject = [:]
        for row in result.rows {
            groups[try row.decode(0, as: Int64.self), default: []].append(try indicator(row, prefix: prefix))
        }
        return groups
    }

    /// A performance agreement's weighted items, each with its own target (`ag` names the agreement).
    static func agreementItems(filter: SQL, round: RoundScope) -> SQL {
        indicatorRows(
            source: """
                performance_agreement ag
                JOIN agreement_item it ON it.district_id = ag.district_id AND it.agreement_id = ag.id
                JOIN indicator i ON i.district_id = it.district_id AND i.id = it.indicator_id
                """,
            filter: filter, subject: "ag.id", keyID: "it.id", weight: "it.weight", target: "it.target",
            school: "ag.school_id", round: round, order: "it.position, it.id")
    }

    /// A project's own indicators (`p` names the project, `a` its action plan).
    static func projectIndicators(filter: SQL, round: RoundScope) -> SQL {
        indicatorRows(
            source: """
                project p JOIN action_plan a ON a.district_id = p.district_id AND a.id = p.plan_id
                JOIN indicator i ON i.district_id = p.district_id AND i.project_id = p.id
                """,
            filter: filter, subject: "p.id", keyID: "i.id", weight: "i.weight", target: nil, school: "p.school_id",
            round: round, order: "i.code, i.id")
    }

    /// A performance agreement: its weighted items, each with its own target.
    static func agreement(
        _ tx: Transaction, district: Int64, id: Int64, school: Int64?, title: String, round: RoundScope
    )
        throws -> EvaluationInputs
    {
        let items = try indicatorsBySubject(
            tx.query(agreementItems(filter: "ag.district_id = \(district) AND ag.id = \(id)", round: round)),
            prefix: "item")
        return EvaluationInputs(
            subject: .agreement, root: .init(key: "agreement:\(id)", nameTH: title, indicators: items[id] ?? []))
    }

    /// A project: its indicators beside its progress (the latest report submitted for a period
    /// ending by the round's end, of the project or of what it was copied from).
    static func project(_ tx: Transaction, district: Int64, id: Int64, school: Int64?, name: String, round: RoundScope)
        throws -> EvaluationInputs.Node
    {
        let indicators = try indicatorsBySubject(
            tx.query(projectIndicators(filter: "p.district_id = \(district) AND p.id = \(id)", round: round)),
            prefix: "indicator")
        let progress = try tx.query(
            "SELECT pr.* FROM project p \(Self.progress(round: round)) WHERE p.district_id = \(district) AND p.id = \(id)"
        ).first!
        return .init(
            key: "project:\(id)", nameTH: name, indicators: indicators[id] ?? [],
            progress: try decodeProgress(progress),
            progressWeight: round.progressWeight)
    }

    /// A project's progress as the round uses it, joined to the project `p`: the latest report
    /// submitted for a period ending by the round's end (`pr.report_id` NULL when there is none).
    static func progress(round: RoundScope) -> SQL {
        """
        LEFT JOIN LATERAL (
            SELECT r.id AS report_id, r.report_version, m.period, r.percent_complete
            FROM monitoring_item m JOIN progress_report r ON r.district_id = m.district_id AND r.item_id = m.id
            WHERE m.district_id = p.district_id AND m.project_id = p.id AND m.kind = 'progress_report'
              AND m.status = 'open' AND m.period_end <= \(round.endsOn.sql)::date
              AND r.status IN ('submitted', 'acknowledged')
            ORDER BY m.period_end DESC, r.report_version DESC LIMIT 1) pr ON true
        """
    }

    static func decodeProgress(_ row: Row) throws -> EvaluationInputs.ProgressInput? {
        guard let id: Int64 = try row.decode("report_id") else { return nil }
        return .init(
            reportID: id, reportVersion: try row.decode("report_version"), period: try row.decode("period"),
            percentComplete: try row.decode("percent_complete"))
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
            let goals = try indicatorsBySubject(
                tx.query(
                    indicatorRows(
                        source: "goal g JOIN indicator i ON i.district_id = g.district_id AND i.goal_id = g.id",
                        filter: "g.district_id = \(district) AND g.strategy_id = \(strategyID)",
                        subject: "g.strategy_id",
                        keyID: "i.id", weight: "i.weight", target: nil, school: "\(school)::bigint", round: round,
                        order: "g.code, i.code, i.id")),
                prefix: "indicator")
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
                    indicators: goals[strategyID] ?? [],
                    children: projectNodes))
        }
        return EvaluationInputs(
            subject: .strategicPlan, root: .init(key: "strategic_plan:\(id)", nameTH: title, children: children))
    }
}
