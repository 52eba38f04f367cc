import Foundation
import Postgres
import TidtamDomain

public struct EvaluationRoundInput: Sendable, Equatable {
    public var fiscalYear: FiscalYear
    public var nameTH: String
    public var nameEN: String?
    public var throughMonth: Int
    public var progressWeight: Decimal?
    public init(
        fiscalYear: FiscalYear, nameTH: String, nameEN: String? = nil, throughMonth: Int, progressWeight: Decimal? = nil
    ) {
        self.fiscalYear = fiscalYear; self.nameTH = nameTH; self.nameEN = nameEN; self.throughMonth = throughMonth
        self.progressWeight = progressWeight
    }
}

/// Which round an evaluation is asked for: one by id, or a year's mid-year or year-end round
/// (made on first use).
public enum RoundReference: Sendable, Equatable {
    case id(Int64)
    case standard(FiscalYear, EvaluationRoundKind)
}

public struct EvaluationFilter: Sendable {
    public var districtID: Int64?
    public var schoolID: Int64?
    public var roundID: Int64?
    public var subject: EvaluationSubject?
    public var subjectID: Int64?
    public var fiscalYear: Int?
    public var status: String?
    public init(
        districtID: Int64? = nil, schoolID: Int64? = nil, roundID: Int64? = nil, subject: EvaluationSubject? = nil,
        subjectID: Int64? = nil, fiscalYear: Int? = nil, status: String? = nil
    ) {
        self.districtID = districtID; self.schoolID = schoolID; self.roundID = roundID; self.subject = subject
        self.subjectID = subjectID; self.fiscalYear = fiscalYear; self.status = status
    }
}

/// Evaluations of projects, agreements and strategic plans, round by round: a draft computed
/// (again) on request from the data as it is, then final: immutable, with what it was computed
/// from, so that it can be computed again and compared with what the data says now.
public struct EvaluationStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    // MARK: Rounds

    static let roundDocument: SQL = """
        json_build_object(
            'id', r.id, 'district_id', r.district_id, 'fiscal_year', r.fiscal_year,
            'fiscal_year_th', 'ปีงบประมาณ พ.ศ. ' || r.fiscal_year, 'kind', r.kind,
            'kind_th', \(SQLJSON.thai("r.kind", EvaluationRoundKind.allCases.map { ($0.rawValue, $0.th) })),
            'name_th', r.name_th, 'name_en', r.name_en, 'through_month', r.through_month,
            'progress_weight', r.progress_weight,
            'version', r.version, 'created_at', \(SQLJSON.time("r.created_at")), 'updated_at', \(SQLJSON.time("r.updated_at")))
        """
    static let roundByID = DocumentQuery("evaluation_round", "r", document: roundDocument)

    public func rounds(_ tenant: some TenantReading, districtID: Int64?, fiscalYear: Int?, page: PageRequest)
        async throws -> JSONPage
    {
        let district = try tenant.districtToList(named: districtID)
        let after = try Cursor.decodeID(page.cursor)
        let rows = try await db.read(
            tenant,
            """
            SELECT r.id, \(Self.roundDocument) AS doc FROM evaluation_round r
            WHERE r.district_id = \(district) AND (\(fiscalYear)::int IS NULL OR r.fiscal_year = \(fiscalYear))
              AND (\(after)::bigint IS NULL OR r.id > \(after))
            ORDER BY r.id LIMIT \(page.limit + 1)
            """)
        return try JSONPage(rows: rows.rows, limit: page.limit) { [String(try $0.decode("id", as: Int64.self))] }
    }

    public func round(_ tenant: some TenantReading, id: Int64) async throws -> JSONDocument? {
        try await db.document(tenant, Self.roundByID, id: id)
    }

    public func createRound(_ tenant: DistrictTenant, _ input: EvaluationRoundInput) async throws -> JSONDocument {
        let district = tenant.districtID
        return try await db.transaction(tenant) { tx in
            let id: Int64 = try tx.query(
                """
                INSERT INTO evaluation_round (district_id, fiscal_year, kind, name_th, name_en, through_month, progress_weight)
                VALUES (\(district), \(input.fiscalYear.buddhistYear), 'extra', \(input.nameTH), \(input.nameEN),
                        \(input.throughMonth), coalesce(\(input.progressWeight)::numeric, 20))
                RETURNING id
                """
            ).first!.decode("id")
            return try tx.document(Self.roundByID, district: district, id: id)
        }
    }

    /// Enqueues the evaluation of every agreement and project of the round (one job for the
    /// district); returns the job's id.
    public func run(_ tenant: DistrictTenant, round reference: RoundReference) async throws -> (
        job: Int64, round: Int64
    ) {
        let district = tenant.districtID
        return try await db.transaction(tenant) { tx in
            let round = try Self.scope(tx, district: district, reference)
            let job = try tx.enqueue(try EvaluationRun.job(district: district, roundID: round.id))!
            return (job, round.id)
        }
    }

    /// The id of the round asked for (made first when it is a year's standard round not used before).
    public static func roundID(_ tx: Transaction, district: Int64, _ reference: RoundReference) throws -> Int64 {
        try scope(tx, district: district, reference).id
    }

    /// The round asked for, made first when it is a year's standard round not used before.
    static func scope(_ tx: Transaction, district: Int64, _ reference: RoundReference) throws -> RoundScope {
        let select: SQL = "SELECT id, fiscal_year, through_month, progress_weight FROM evaluation_round"
        let row: Row?
        switch reference {
        case .id(let id):
            row = try tx.query("\(select) WHERE district_id = \(district) AND id = \(id)").first
        case .standard(let year, let kind):
            let y = year.buddhistYear
            try tx.query(
                """
                INSERT INTO evaluation_round (district_id, fiscal_year, kind, name_th, name_en, through_month)
                VALUES (\(district), \(y), \(kind.rawValue), \(kind.th + " " + year.thaiName), \(kind.en + " FY \(y)"),
                        \(kind.defaultThroughMonth ?? 12))
                ON CONFLICT (district_id, fiscal_year, kind) WHERE kind <> 'extra' DO NOTHING
                """)
            row = try tx.query(
                "\(select) WHERE district_id = \(district) AND fiscal_year = \(y) AND kind = \(kind.rawValue)"
            ).first
        }
        guard let row else { throw DomainError.notFound(.evaluationRound) }
        return RoundScope(
            id: try row.decode("id"), fiscalYear: try row.decode("fiscal_year"),
            throughMonth: try row.decode("through_month"), progressWeight: try row.decode("progress_weight"))
    }

    // MARK: Evaluations

    static let document: SQL = """
        json_build_object(
            'id', e.id, 'district_id', e.district_id, 'school_id', e.school_id, 'round_id', e.round_id,
            'round', (SELECT json_build_object('kind', r.kind, 'name_th', r.name_th, 'through_month', r.through_month)
                      FROM evaluation_round r WHERE r.district_id = e.district_id AND r.id = e.round_id),
            'subject', e.subject, 'subject_th', \(SQLJSON.thai("e.subject", EvaluationSubject.allCases.map { ($0.rawValue, $0.th) })),
            'subject_id', e.subject_id, 'fiscal_year', e.fiscal_year,
            'status', e.status, 'status_th', CASE e.status WHEN 'final' THEN 'ประเมินแล้ว (ฉบับสมบูรณ์)' ELSE 'ฉบับร่าง' END,
            'score', e.score, 'level', e.level, 'reported_weight', e.reported_weight, 'missing_weight', e.missing_weight,
            'indicators_reported', e.indicators_reported, 'indicators_missing', e.indicators_missing,
            'result', e.result, 'inputs', e.inputs, 'engine', e.engine,
            'evaluator_comment_th', e.evaluator_comment_th, 'school_response_th', e.school_response_th,
            'responded_at', \(SQLJSON.time("e.responded_at")), 'responded_by', e.responded_by,
            'computed_at', \(SQLJSON.time("e.computed_at")), 'computed_by', e.computed_by,
            'finalized_at', \(SQLJSON.time("e.finalized_at")), 'finalized_by', e.finalized_by,
            'version', e.version, 'created_at', \(SQLJSON.time("e.created_at")), 'updated_at', \(SQLJSON.time("e.updated_at")))
        """
    static let byID = DocumentQuery("evaluation", "e", document: document)

    public func get(_ tenant: some TenantReading, id: Int64) async throws -> JSONDocument? {
        try await db.document(tenant, Self.byID, id: id)
    }

    public func list(_ tenant: some TenantReading, filter f: EvaluationFilter, page: PageRequest) async throws
        -> JSONPage
    {
        let district = try tenant.districtToList(named: f.districtID)
        let after = try Cursor.decodeID(page.cursor)
        let rows = try await db.read(
            tenant,
            """
            SELECT e.id, \(Self.document) AS doc FROM evaluation e
            WHERE e.district_id = \(district)
              AND (\(f.schoolID)::bigint IS NULL OR e.school_id = \(f.schoolID))
              AND (\(f.roundID)::bigint IS NULL OR e.round_id = \(f.roundID))
              AND (\(f.subject?.rawValue)::text IS NULL OR e.subject = \(f.subject?.rawValue))
              AND (\(f.subjectID)::bigint IS NULL OR e.subject_id = \(f.subjectID))
              AND (\(f.fiscalYear)::int IS NULL OR e.fiscal_year = \(f.fiscalYear))
              AND (\(f.status)::text IS NULL OR e.status = \(f.status))
              AND (\(after)::bigint IS NULL OR e.id > \(after))
            ORDER BY e.id LIMIT \(page.limit + 1)
            """)
        return try JSONPage(rows: rows.rows, limit: page.limit) { [String(try $0.decode("id", as: Int64.self))] }
    }

    /// The subject's unit, fiscal year and inputs for `round` as the data stands now.
    static func gather(
        _ tx: Transaction, district: Int64, subject: EvaluationSubject, id: Int64, round: RoundScope
    ) throws -> (school: Int64?, fiscalYear: Int, inputs: EvaluationInputs) {
        func wrongYear(_ year: Int) -> DomainError {
            .invalid([
                FieldError(
                    .input["round_id"], code: "other_fiscal_year",
                    detail: "The round is of fiscal year \(round.fiscalYear); this \(subject.rawValue) is of \(year).",
                    th: "รอบการประเมินเป็นของปีงบประมาณ พ.ศ. \(round.fiscalYear) แต่\(subject.th)นี้เป็นของปี \(year)")
            ])
        }
        switch subject {
        case .agreement:
            guard
                let row = try tx.query(
                    """
                    SELECT school_id, fiscal_year, title_th, status, superseded_at IS NOT NULL AS superseded
                    FROM performance_agreement WHERE district_id = \(district) AND id = \(id)
                    """
                ).first
            else { throw DomainError.notFound(.agreement) }
            try requireApproved(row, subject)
            let year: Int = try row.decode("fiscal_year")
            guard year == round.fiscalYear else { throw wrongYear(year) }
            let school: Int64? = try row.decode("school_id")
            let inputs = try EvaluationInputsQuery.agreement(
                tx, district: district, id: id, school: school, title: try row.decode("title_th"), round: round)
            return (school, year, inputs)
        case .project:
            guard
                let row = try tx.query(
                    """
                    SELECT p.school_id, p.name_th, a.fiscal_year, a.status, a.superseded_at IS NOT NULL AS superseded
                    FROM project p JOIN action_plan a ON a.district_id = p.district_id AND a.id = p.plan_id
                    WHERE p.district_id = \(district) AND p.id = \(id)
                    """
                ).first
            else { throw DomainError.notFound(.project) }
            try requireApproved(row, subject)
            let year: Int = try row.decode("fiscal_year")
            guard year == round.fiscalYear else { throw wrongYear(year) }
            let school: Int64? = try row.decode("school_id")
            let node = try EvaluationInputsQuery.project(
                tx, district: district, id: id, school: school, name: try row.decode("name_th"), round: round)
            return (school, year, EvaluationInputs(subject: .project, root: node))
        case .strategicPlan:
            guard
                let row = try tx.query(
                    """
                    SELECT school_id, title_th, first_year_be, last_year_be FROM strategic_plan
                    WHERE district_id = \(district) AND id = \(id)
                    """
                ).first
            else { throw DomainError.notFound(.strategicPlan) }
            let first: Int = try row.decode("first_year_be"), last: Int = try row.decode("last_year_be")
            guard (first...last).contains(round.fiscalYear) else { throw wrongYear(first) }
            let school: Int64? = try row.decode("school_id")
            let inputs = try EvaluationInputsQuery.strategicPlan(
                tx, district: district, id: id, school: school, title: try row.decode("title_th"), round: round)
            return (school, round.fiscalYear, inputs)
        }
    }

    static func requireApproved(_ row: Row, _ subject: EvaluationSubject) throws {
        let status: String = try row.decode("status")
        let superseded: Bool = try row.decode("superseded")
        guard status == PlanStatus.approved.rawValue, !superseded else {
            throw DomainError.conflict(
                Explanation(
                    "Only what is approved and current is evaluated: this \(subject.rawValue)'s plan is \(superseded ? "superseded" : status).",
                    th: "ประเมินได้เฉพาะ\(subject.th)ที่อนุมัติแล้วและเป็นฉบับปัจจุบัน"))
        }
    }

    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Computes the subject's evaluation in the round from the data as it is now: a new draft,
    /// or the draft there is computed again. A final evaluation is not computed again (409).
    public func evaluate(
        _ tenant: DistrictTenant, subject: EvaluationSubject, subjectID: Int64, round reference: RoundReference
    ) async throws -> (document: JSONDocument, created: Bool) {
        try await db.transaction(tenant) { tx in
            try Self.evaluate(tx, tenant, subject: subject, subjectID: subjectID, round: reference)
        }
    }

    static func evaluate(
        _ tx: Transaction, _ tenant: DistrictTenant, subject: EvaluationSubject, subjectID: Int64,
        round reference: RoundReference
    ) throws -> (document: JSONDocument, created: Bool) {
        let district = tenant.districtID
        let round = try Self.scope(tx, district: district, reference)
        let existing = try tx.query(
            """
            SELECT id, status FROM evaluation
            WHERE district_id = \(district) AND subject = \(subject.rawValue) AND subject_id = \(subjectID)
              AND round_id = \(round.id) FOR UPDATE
            """
        ).first
        if let existing, try existing.decode("status", as: String.self) == "final" {
            throw DomainError.conflict(Self.finalExplanation)
        }
        let (school, year, inputs) = try Self.gather(
            tx, district: district, subject: subject, id: subjectID, round: round)
        // The same row as a whole round writes.
        let e = try EvaluationRun.EvaluationRow(subject: subject, id: subjectID, school: school, inputs)
        let values: SQL = """
            \(e.score), \(e.level), \(e.reportedWeight), \(e.missingWeight), \(e.indicatorsReported), \(e.indicatorsMissing),
            \(PostgresJSON(inputs.json))::jsonb, \(PostgresJSON(e.result.json))::jsonb, \(inputs.engine)
            """
        let id: Int64
        if let existing {
            id = try existing.decode("id")
            try tx.query(
                """
                UPDATE evaluation SET (score, level, reported_weight, missing_weight, indicators_reported, indicators_missing,
                                       inputs, result, engine, computed_at, computed_by)
                    = (\(values), now(), \(tenant.userID))
                WHERE district_id = \(district) AND id = \(id)
                """)
        } else {
            id = try tx.query(
                """
                INSERT INTO evaluation (district_id, school_id, round_id, subject, subject_id, fiscal_year,
                                        score, level, reported_weight, missing_weight, indicators_reported, indicators_missing,
                                        inputs, result, engine, computed_by)
                VALUES (\(district), \(school), \(round.id), \(subject.rawValue), \(subjectID), \(year), \(values), \(tenant.userID))
                RETURNING id
                """
            ).first!.decode("id")
        }
        return (try tx.document(Self.byID, district: district, id: id), existing == nil)
    }

    static let finalExplanation = Explanation(
        "This evaluation is final: it no longer changes (its comparison shows what the data says now).",
        th: "ผลการประเมินนี้เป็นฉบับสมบูรณ์แล้ว แก้ไขไม่ได้ (ดูการเปรียบเทียบกับข้อมูลปัจจุบันได้)")

    static func lockDraft(_ tx: Transaction, district: Int64, id: Int64, expectedVersion: Int) throws {
        let row = try tx.lockVersioned(
            "SELECT version, status FROM evaluation WHERE district_id = \(district) AND id = \(id) FOR UPDATE",
            expectedVersion: expectedVersion, entity: .evaluation)
        if try row.decode("status", as: String.self) == "final" { throw DomainError.conflict(finalExplanation) }
    }

    /// Computes a draft again (If-Match), from the data as it is now, in the transaction that
    /// checked its version.
    public func recompute(_ tenant: DistrictTenant, id: Int64, expectedVersion: Int) async throws -> JSONDocument {
        let district = tenant.districtID
        return try await db.transaction(tenant) { tx in
            try Self.lockDraft(tx, district: district, id: id, expectedVersion: expectedVersion)
            let row = try tx.query(
                "SELECT subject, subject_id, round_id FROM evaluation WHERE district_id = \(district) AND id = \(id)"
            ).first!
            return try Self.evaluate(
                tx, tenant, subject: EvaluationSubject(rawValue: try row.decode("subject"))!,
                subjectID: try row.decode("subject_id"), round: .id(try row.decode("round_id"))
            ).document
        }
    }

    /// The evaluator's comments on a draft.
    public func comment(_ tenant: DistrictTenant, id: Int64, expectedVersion: Int, commentTH: String?) async throws
        -> JSONDocument
    {
        let district = tenant.districtID
        return try await db.transaction(tenant) { tx in
            try Self.lockDraft(tx, district: district, id: id, expectedVersion: expectedVersion)
            try tx.query(
                "UPDATE evaluation SET evaluator_comment_th = \(commentTH) WHERE district_id = \(district) AND id = \(id)"
            )
            return try tx.document(Self.byID, district: district, id: id)
        }
    }

    /// Makes the draft final: from now on it never changes.
    public func finalize(_ tenant: DistrictTenant, id: Int64, expectedVersion: Int) async throws -> JSONDocument {
        let district = tenant.districtID
        return try await db.transaction(tenant) { tx in
            try Self.lockDraft(tx, district: district, id: id, expectedVersion: expectedVersion)
            try tx.query(
                """
                UPDATE evaluation SET status = 'final', finalized_at = now(), finalized_by = \(tenant.userID)
                WHERE district_id = \(district) AND id = \(id)
                """)
            return try tx.document(Self.byID, district: district, id: id)
        }
    }

    /// The evaluated school's response (or the district office's, for its own), kept with the
    /// evaluation, final or not.
    public func respond(_ tenant: DistrictTenant, id: Int64, expectedVersion: Int, responseTH: String) async throws
        -> JSONDocument
    {
        let district = tenant.districtID
        return try await db.transaction(tenant) { tx in
            _ = try tx.lockVersioned(
                "SELECT version FROM evaluation WHERE district_id = \(district) AND id = \(id) FOR UPDATE",
                expectedVersion: expectedVersion, entity: .evaluation)
            try tx.query(
                """
                UPDATE evaluation SET school_response_th = \(responseTH), responded_at = now(), responded_by = \(tenant.userID)
                WHERE district_id = \(district) AND id = \(id)
                """)
            return try tx.document(Self.byID, district: district, id: id)
        }
    }

    /// The evaluation beside two computations: from its recorded inputs (the same result, or
    /// the engine changed) and from the data as it is now (what a newer computation would give,
    /// with the indicators whose actual, target or rule has changed since).
    public func comparison(_ tenant: DistrictTenant, id: Int64) async throws -> String {
        let district = tenant.districtID
        return try await db.transaction(tenant) { tx in
            guard
                let row = try tx.query(
                    """
                    SELECT subject, subject_id, round_id, status, score, inputs::text AS inputs, result::text AS result
                    FROM evaluation WHERE district_id = \(district) AND id = \(id)
                    """
                ).first
            else { throw DomainError.notFound(.evaluation) }
            let decoder = JSONDecoder()
            let inputs = try decoder.decode(
                EvaluationInputs.self, from: Data(try row.decode("inputs", as: String.self).utf8))
            let recorded = try decoder.decode(
                EvaluationResult.self, from: Data(try row.decode("result", as: String.self).utf8))
            let again = EvaluationComputation.compute(inputs)
            let round = try Self.scope(tx, district: district, .id(try row.decode("round_id")))
            let subject = EvaluationSubject(rawValue: try row.decode("subject"))!
            let now = try Self.gather(
                tx, district: district, subject: subject, id: try row.decode("subject_id"), round: round)
            let current = EvaluationComputation.compute(now.inputs)
            let comparison = EvaluationComparison(
                evaluationID: id, status: try row.decode("status"), recordedScore: recorded.score,
                recomputedScore: again.score, reproduced: again == recorded, currentScore: current.score,
                differs: current != recorded, changed: EvaluationComparison.changes(from: inputs, to: now.inputs))
            return try Self.encode(comparison)
        }
    }
}
