import Foundation
import Postgres
import TidtamDomain

/// A whole round for one district at once (the year-end evaluation of every school): every
/// approved, current agreement and every project of the approved, current action plans of the
/// round's year, gathered in two statements, computed in Swift by the same pure function as one
/// evaluation, and written as drafts in one upsert each (a final evaluation is left as it is).
/// Run by the job `evaluation.round`, one per district, so the job runner's per-district
/// claiming keeps it fair.
public enum EvaluationRun {
    public static let kind = "evaluation.round"

    public struct Args: Codable, Sendable {
        public let roundID: Int64
        public init(roundID: Int64) { self.roundID = roundID }
        enum CodingKeys: String, CodingKey { case roundID = "round_id" }
    }

    public struct Outcome: Sendable, Equatable {
        public var agreements = 0
        public var projects = 0
        public var indicators = 0
    }

    /// The job for `round` of `district`, to enqueue in the caller's transaction.
    public static func job(district: Int64, roundID: Int64) throws -> NewJob {
        let args = String(decoding: try JSONEncoder().encode(Args(roundID: roundID)), as: UTF8.self)
        return NewJob(districtID: district, kind: kind, args: PostgresJSON(args))
    }

    /// Evaluates the round's subjects of `district` in `tx`.
    public static func run(_ tx: Transaction, district: Int64, roundID: Int64, by user: Int64? = nil) throws
        -> Outcome
    {
        let round = try EvaluationStore.scope(tx, district: district, .id(roundID))
        var outcome = Outcome()
        let decoder = JSONDecoder()

        let agreementRows = try tx.query(
            """
            SELECT ag.id, ag.school_id, ag.title_th,
                   (\(EvaluationInputsQuery.indicators(
                        source: "agreement_item it JOIN indicator i ON i.district_id = it.district_id AND i.id = it.indicator_id",
                        filter: "it.district_id = ag.district_id AND it.agreement_id = ag.id", key: "'item:' || it.id",
                        weight: "it.weight", target: "it.target", school: nil, schoolColumn: "ag.school_id", round: round,
                        order: "it.position, it.id"))) AS parts
            FROM performance_agreement ag
            WHERE ag.district_id = \(district) AND ag.fiscal_year = \(round.fiscalYear) AND ag.status = 'approved'
              AND ag.superseded_at IS NULL
            """)
        var rows: [EvaluationRow] = []
        for row in agreementRows.rows {
            let id: Int64 = try row.decode("id")
            let parts = try decoder.decode(
                [EvaluationInputs.IndicatorInput].self, from: Data(try row.decode("parts", as: String.self).utf8))
            let inputs = EvaluationInputs(
                subject: .agreement,
                root: .init(key: "agreement:\(id)", nameTH: try row.decode("title_th"), indicators: parts))
            rows.append(try EvaluationRow(subject: .agreement, id: id, school: try row.decode("school_id"), inputs))
            outcome.agreements += 1
            outcome.indicators += parts.count
        }

        let projectRows = try tx.query(
            """
            SELECT p.id, p.school_id, p.name_th,
                   (\(EvaluationInputsQuery.indicators(
                        source: "indicator i", filter: "i.district_id = p.district_id AND i.project_id = p.id",
                        key: "'indicator:' || i.id", weight: "i.weight", target: nil, school: nil, schoolColumn: "p.school_id",
                        round: round, order: "i.code, i.id"))) AS parts,
                   \(EvaluationInputsQuery.progress(project: "p.id", district: "p.district_id", round: round)) AS progress
            FROM project p JOIN action_plan a ON a.district_id = p.district_id AND a.id = p.plan_id
            WHERE p.district_id = \(district) AND a.fiscal_year = \(round.fiscalYear) AND a.status = 'approved'
              AND a.superseded_at IS NULL
            """)
        for row in projectRows.rows {
            let id: Int64 = try row.decode("id")
            let parts = try decoder.decode(
                [EvaluationInputs.IndicatorInput].self, from: Data(try row.decode("parts", as: String.self).utf8))
            let progress = try EvaluationInputsQuery.decodeProgress(row)
            let inputs = EvaluationInputs(
                subject: .project,
                root: .init(
                    key: "project:\(id)", nameTH: try row.decode("name_th"), indicators: parts, progress: progress,
                    progressWeight: round.progressWeight))
            rows.append(try EvaluationRow(subject: .project, id: id, school: try row.decode("school_id"), inputs))
            outcome.projects += 1
            outcome.indicators += parts.count
        }

        // One upsert for the whole district: drafts are computed again, final ones are kept.
        try tx.query(
            """
            INSERT INTO evaluation (district_id, school_id, round_id, subject, subject_id, fiscal_year, score, level,
                                    reported_weight, missing_weight, indicators_reported, indicators_missing, inputs, result,
                                    engine, computed_by)
            SELECT \(district), r.school_id, \(round.id), r.subject, r.subject_id, \(round.fiscalYear), r.score, r.level,
                   r.reported_weight, r.missing_weight, r.indicators_reported, r.indicators_missing, r.inputs, r.result,
                   \(EvaluationInputs.engineVersion), \(user)
            FROM jsonb_to_recordset(\(PostgresJSON(SQLJSON.encode(rows)))::jsonb) AS r(
                school_id bigint, subject text, subject_id bigint, score numeric, level smallint, reported_weight numeric,
                missing_weight numeric, indicators_reported int, indicators_missing int, inputs jsonb, result jsonb)
            ON CONFLICT ON CONSTRAINT evaluation_unique DO UPDATE SET
                score = EXCLUDED.score, level = EXCLUDED.level, reported_weight = EXCLUDED.reported_weight,
                missing_weight = EXCLUDED.missing_weight, indicators_reported = EXCLUDED.indicators_reported,
                indicators_missing = EXCLUDED.indicators_missing, inputs = EXCLUDED.inputs, result = EXCLUDED.result,
                engine = EXCLUDED.engine, computed_at = now(), computed_by = EXCLUDED.computed_by
            WHERE evaluation.status = 'draft'
            """)
        return outcome
    }

    /// One evaluation as the upsert reads it (`inputs` and `result` as JSON values).
    struct EvaluationRow: Encodable {
        let schoolId: Int64?
        let subject: String
        let subjectId: Int64
        let score: Decimal?
        let level: Int?
        let reportedWeight: Decimal
        let missingWeight: Decimal
        let indicatorsReported: Int
        let indicatorsMissing: Int
        let inputs: EvaluationInputs
        let result: EvaluationResult

        init(subject: EvaluationSubject, id: Int64, school: Int64?, _ inputs: EvaluationInputs) throws {
            let result = EvaluationComputation.compute(inputs)
            let all = result.allIndicators
            schoolId = school
            self.subject = subject.rawValue
            subjectId = id
            score = result.root.score
            level = result.root.level
            reportedWeight = result.root.reportedWeight
            missingWeight = result.root.missingWeight
            indicatorsReported = all.filter { $0.standing == "scored" }.count
            indicatorsMissing = all.filter { $0.standing == "missing" }.count
            self.inputs = inputs
            self.result = result
        }
    }
}
