import Foundation
import Postgres
import TidtamDomain

/// A whole round for one district at once (the year-end evaluation of every school): every
/// approved, current agreement and every project of the approved, current action plans of the
/// round's year, gathered in four statements (the subjects, then their indicators as flat rows),
/// computed in Swift by the same pure function as one evaluation, and written as drafts in one
/// upsert (a final evaluation is left as it is).
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
        /// Where the time went (the benchmark's profile prints them): gathering the inputs,
        /// decoding and computing in Swift, encoding the rows, writing them.
        public var gathering = Duration.zero
        public var computing = Duration.zero
        public var encoding = Duration.zero
        public var writing = Duration.zero
        public init() {}
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
        let clock = ContinuousClock()
        var mark = clock.now
        func lap(_ phase: WritableKeyPath<Outcome, Duration>) {
            let now = clock.now
            outcome[keyPath: phase] += now - mark
            mark = now
        }

        let agreementsOfRound: SQL = """
            ag.district_id = \(district) AND ag.fiscal_year = \(round.fiscalYear) AND ag.status = 'approved'
              AND ag.superseded_at IS NULL
            """
        let agreements = try tx.query(
            "SELECT ag.id, ag.school_id, ag.title_th FROM performance_agreement ag WHERE \(agreementsOfRound) ORDER BY ag.id"
        )
        let items = try EvaluationInputsQuery.indicatorsBySubject(
            tx.query(EvaluationInputsQuery.agreementItems(filter: agreementsOfRound, round: round)), prefix: "item")
        lap(\.gathering)
        var rows: [EvaluationRow] = []
        for row in agreements.rows {
            let id: Int64 = try row.decode(0)
            let parts = items[id] ?? []
            let inputs = EvaluationInputs(
                subject: .agreement, root: .init(key: "agreement:\(id)", nameTH: try row.decode(2), indicators: parts))
            rows.append(try EvaluationRow(subject: .agreement, id: id, school: try row.decode(1), inputs))
            outcome.agreements += 1
            outcome.indicators += parts.count
        }
        lap(\.computing)

        let projectsOfRound: SQL = """
            p.district_id = \(district) AND a.fiscal_year = \(round.fiscalYear) AND a.status = 'approved'
              AND a.superseded_at IS NULL
            """
        let projects = try tx.query(
            """
            SELECT p.id, p.school_id, p.name_th, pr.report_id, pr.report_version, pr.period, pr.percent_complete
            FROM project p JOIN action_plan a ON a.district_id = p.district_id AND a.id = p.plan_id
            \(EvaluationInputsQuery.progress(round: round))
            WHERE \(projectsOfRound) ORDER BY p.id
            """)
        let indicators = try EvaluationInputsQuery.indicatorsBySubject(
            tx.query(EvaluationInputsQuery.projectIndicators(filter: projectsOfRound, round: round)),
            prefix: "indicator")
        lap(\.gathering)
        for row in projects.rows {
            let id: Int64 = try row.decode(0)
            let parts = indicators[id] ?? []
            let inputs = EvaluationInputs(
                subject: .project,
                root: .init(
                    key: "project:\(id)", nameTH: try row.decode(2), indicators: parts,
                    progress: try EvaluationInputsQuery.decodeProgress(row), progressWeight: round.progressWeight))
            rows.append(try EvaluationRow(subject: .project, id: id, school: try row.decode(1), inputs))
            outcome.projects += 1
            outcome.indicators += parts.count
        }
        lap(\.computing)

        // One upsert for the whole district: drafts are computed again, final ones are kept.
        let rowsJSON = PostgresJSON(EvaluationRow.json(rows))
        lap(\.encoding)
        try tx.query(
            """
            INSERT INTO evaluation (district_id, school_id, round_id, subject, subject_id, fiscal_year, score, level,
                                    reported_weight, missing_weight, indicators_reported, indicators_missing, inputs, result,
                                    engine, computed_by)
            SELECT \(district), r.school_id, \(round.id), r.subject, r.subject_id, \(round.fiscalYear), r.score, r.level,
                   r.reported_weight, r.missing_weight, r.indicators_reported, r.indicators_missing, r.inputs, r.result,
                   \(EvaluationInputs.engineVersion), \(user)
            FROM jsonb_to_recordset(\(rowsJSON)::jsonb) AS r(
                school_id bigint, subject text, subject_id bigint, score numeric, level smallint, reported_weight numeric,
                missing_weight numeric, indicators_reported int, indicators_missing int, inputs jsonb, result jsonb)
            ON CONFLICT ON CONSTRAINT evaluation_unique DO UPDATE SET
                score = EXCLUDED.score, level = EXCLUDED.level, reported_weight = EXCLUDED.reported_weight,
                missing_weight = EXCLUDED.missing_weight, indicators_reported = EXCLUDED.indicators_reported,
                indicators_missing = EXCLUDED.indicators_missing, inputs = EXCLUDED.inputs, result = EXCLUDED.result,
                engine = EXCLUDED.engine, computed_at = now(), computed_by = EXCLUDED.computed_by
            WHERE evaluation.status = 'draft'
            """)
        lap(\.writing)
        return outcome
    }

    /// One evaluation as the upsert reads it (`inputs` and `result` as JSON values).
    struct EvaluationRow {
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

        /// The rows as one JSON array for `jsonb_to_recordset`, written by hand (the upsert's
        /// column names).
        static func json(_ rows: [EvaluationRow]) -> String {
            var text = "["
            text.reserveCapacity(rows.count * 2048)
            for (index, row) in rows.enumerated() {
                if index > 0 { text += "," }
                var w = JSONObjectWriter(capacity: 2048)
                w.field("school_id", row.schoolId)
                w.field("subject", row.subject)
                w.field("subject_id", row.subjectId)
                w.field("score", row.score)
                w.field("level", row.level)
                w.field("reported_weight", row.reportedWeight)
                w.field("missing_weight", row.missingWeight)
                w.field("indicators_reported", row.indicatorsReported)
                w.field("indicators_missing", row.indicatorsMissing)
                w.field("inputs", json: row.inputs.json)
                w.field("result", json: row.result.json)
                text += w.close()
            }
            return text + "]"
        }
    }
}
