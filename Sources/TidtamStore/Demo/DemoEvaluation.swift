import Foundation
import Postgres
import TidtamDomain

/// A year of evaluation for a demo district (fiscal year 2569): the schools' agreements approved
/// and scored at year-end — one school meeting every target, one some, one with indicators not
/// reported (missing, not zero), one with nothing reported —, two of them final with the
/// evaluator's comments and a school's response; the district's strategic plan and some
/// projects evaluated; an indicator proposed by a school and one accepted; the roll-ups
/// computed. Loaded once per district (skipped when it has an evaluation round).
struct DemoEvaluation {
    let db: Database

    func load(_ tenant: DistrictTenant) async throws {
        let district = tenant.districtID
        let done = try await db.read(tenant, "SELECT 1 FROM evaluation_round WHERE district_id = \(district)").rowCount
        guard done == 0 else { return }
        let agreements = AgreementStore(db), evaluations = EvaluationStore(db)
        let drafts = try await db.read(
            tenant,
            """
            SELECT id, version, school_id FROM performance_agreement
            WHERE district_id = \(district) AND fiscal_year = 2569 AND status = 'draft' ORDER BY school_id
            """
        ).rows.map { (id: try $0.decode("id", as: Int64.self), version: try $0.decode("version", as: Int.self)) }
        var approved: [Int64] = []
        for draft in drafts {
            let submitted = try await agreements.apply(.submit, tenant, id: draft.id, expectedVersion: draft.version)
            approved.append(
                try await agreements.apply(.approve, tenant, id: draft.id, expectedVersion: submitted.version).id)
        }
        // The schools' actuals of their agreements' indicators (adopted district-wide ones), and
        // the district's own for its strategic plan's goals.
        try await db.transaction(tenant) { tx in
            try tx.query(
                """
                INSERT INTO indicator_adoption (district_id, indicator_id, school_id)
                SELECT DISTINCT it.district_id, it.indicator_id, it.school_id FROM agreement_item it
                WHERE it.district_id = \(district) ON CONFLICT DO NOTHING
                """)
            try tx.query(
                """
                WITH items AS (
                    SELECT it.*, dense_rank() OVER (ORDER BY it.school_id) AS rank FROM agreement_item it
                    JOIN performance_agreement a ON a.district_id = it.district_id AND a.id = it.agreement_id
                    WHERE it.district_id = \(district) AND a.status = 'approved'
                )
                INSERT INTO indicator_actual (district_id, indicator_id, school_id, fiscal_year, period, value, note_th, reported_at)
                SELECT district_id, indicator_id, school_id, 2569, 0,
                       CASE rank WHEN 1 THEN 88 + position * 3 WHEN 2 THEN 72 + position * 9 ELSE 66 + position * 12 END,
                       'ผลการดำเนินงานทั้งปีงบประมาณ', timestamptz '2026-09-25 10:00+07'
                FROM items
                WHERE rank <= 2 OR (rank = 3 AND position = 0)
                """)
            try tx.query(
                """
                INSERT INTO indicator_actual (district_id, indicator_id, school_id, fiscal_year, period, value, note_th, reported_at)
                SELECT i.district_id, i.id, NULL, 2569, 0, 78 + (row_number() OVER (ORDER BY i.id))::int * 3,
                       'ผลระดับเขตพื้นที่', timestamptz '2026-09-28 10:00+07'
                FROM indicator i WHERE i.district_id = \(district) AND i.goal_id IS NOT NULL
                ON CONFLICT DO NOTHING
                """)
        }
        var evaluated: [JSONDocument] = []
        for agreement in approved {
            evaluated.append(
                try await evaluations.evaluate(
                    tenant, subject: .agreement, subjectID: agreement, round: .standard(FiscalYear(2569), .yearEnd)
                ).document)
        }
        for (index, evaluation) in evaluated.prefix(2).enumerated() {
            let commented = try await evaluations.comment(
                tenant, id: evaluation.id, expectedVersion: evaluation.version,
                commentTH: index == 0
                    ? "บรรลุเป้าหมายทุกตัวชี้วัด ควรถอดบทเรียนเผยแพร่ให้สถานศึกษาอื่น"
                    : "ผลสัมฤทธิ์ด้านการอ่านยังต่ำกว่าเป้าหมาย ควรจัดกิจกรรมซ่อมเสริม")
            let final = try await evaluations.finalize(tenant, id: commented.id, expectedVersion: commented.version)
            if index == 1 {
                _ = try await evaluations.respond(
                    tenant, id: final.id, expectedVersion: final.version,
                    responseTH: "โรงเรียนจะจัดกิจกรรมรักการอ่านทุกเช้าและติดตามผลรายเดือน")
            }
        }
        if let plan = try await db.read(
            tenant,
            "SELECT id FROM strategic_plan WHERE district_id = \(district) AND school_id IS NULL ORDER BY id LIMIT 1"
        ).first?.decode("id", as: Int64.self) {
            _ = try await evaluations.evaluate(
                tenant, subject: .strategicPlan, subjectID: plan, round: .standard(FiscalYear(2569), .yearEnd))
        }
        let projects = try await db.read(
            tenant,
            """
            SELECT p.id FROM project p JOIN action_plan a ON a.district_id = p.district_id AND a.id = p.plan_id
            WHERE p.district_id = \(district) AND a.status = 'approved' AND a.superseded_at IS NULL AND a.fiscal_year = 2569
            ORDER BY p.id LIMIT 6
            """
        ).rows.map { try $0.decode("id", as: Int64.self) }
        for project in projects {
            _ = try await evaluations.evaluate(
                tenant, subject: .project, subjectID: project, round: .standard(FiscalYear(2569), .midYear))
        }

        // A school's proposal waiting for the district, and one the district accepted for all.
        let proposals = IndicatorProposalStore(db)
        let school = try await db.read(
            tenant, "SELECT id FROM school WHERE district_id = \(district) ORDER BY id LIMIT 1"
        ).first!.decode("id", as: Int64.self)
        let swimming = IndicatorDefinition(
            nameTH: "ร้อยละของนักเรียนที่ว่ายน้ำเป็น", unit: "ร้อยละ", kind: .outcome, direction: .higherIsBetter,
            scoring: .fiveLevels([50, 60, 70, 80, 90]), weight: 0)
        _ = try await proposals.propose(
            tenant,
            IndicatorInput(
                schoolID: school, definition: swimming, targets: [TargetInput(fiscalYear: FiscalYear(2570), target: 70)]
            ),
            rationaleTH: "โรงเรียนตั้งอยู่ริมแม่น้ำ นักเรียนควรว่ายน้ำเป็นทุกคน")
        let reading = IndicatorDefinition(
            nameTH: "จำนวนหนังสือที่นักเรียนอ่านต่อคนต่อปี", unit: "เล่ม", kind: .output, direction: .higherIsBetter,
            scoring: .linear(scoreOne: 5, scoreFive: 25), weight: 0, isCSF: true)
        let proposed = try await proposals.propose(
            tenant,
            IndicatorInput(
                schoolID: school, definition: reading, targets: [TargetInput(fiscalYear: FiscalYear(2570), target: 20)]),
            rationaleTH: "ส่งเสริมนิสัยรักการอ่านตามนโยบายเขตพื้นที่")
        _ = try await proposals.accept(tenant, id: proposed.id, expectedVersion: proposed.version, scope: .district)

        // The roll-ups, as their job would compute them (the job the changes enqueued finds the
        // mark already cleared and computes the same again).
        try await db.transaction(tenant) { tx in
            _ = try RollupStore.compute(tx, district: district, fiscalYear: 2569)
        }
    }
}
