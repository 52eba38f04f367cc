import Foundation
import HTTPTypes
import Postgres
import TestSupport
import TidtamDomain
import TidtamJobs
import TidtamStore
import XCTest

/// Evaluation over HTTP, tried as a new user would: score an agreement with a five-level and a
/// linear indicator, one not reported (missing, never zero); finalise it, correct an actual
/// afterwards and see the final one unchanged with the difference shown; propose a KPI as a
/// school and accept it as the district; adopt it in two schools with different targets; import
/// 10,000 actuals and count the roll-up's recomputations.
final class EvaluationAPITests: APITestCase {
    /// Makes the roll-up jobs due now (they wait a few seconds for a burst to end), then runs
    /// every job waiting.
    static func runJobsNow(_ testDB: TestDatabase, _ db: Database) async throws {
        let owner = try testDB.ownerConnection()
        // The queue's tables hold the owner to their policies too: as the worker sees them.
        try owner.execute(
            script:
                "SELECT set_config('tidtam.role', 'worker', false); UPDATE job SET run_at = now() WHERE state = 'ready'"
        )
        try await MonitoringAPITests.runJobs(db)
    }

    /// The jobs of `kind` a district ever had: waiting, running and finished.
    static func jobCount(_ testDB: TestDatabase, district: Int64, kind: String) throws -> Int {
        let owner = try testDB.ownerConnection()
        try owner.execute(script: "SELECT set_config('tidtam.role', 'worker', false)")
        return try owner.query(
            """
            SELECT (SELECT count(*) FROM job WHERE district_id = \(district) AND kind = \(kind))
                 + (SELECT count(*) FROM job_archive WHERE district_id = \(district) AND kind = \(kind)) AS n
            """
        ).first!.decode("n")
    }

    /// Two district-wide indicators (five levels, higher is better; linear, lower is better,
    /// three places), adopted by school A0, in an approved agreement of A0 for FY 2569.
    static func makeAgreement(_ api: APIClient, staff: String, school: String) async throws -> (
        agreement: Int, reading: Int, dropout: Int, items: [Int]
    ) {
        let reading = try await api.send(
            .post, "/api/v1/indicators", token: staff,
            json: json([
                "code": "K1", "name_th": "ร้อยละของนักเรียนที่อ่านคล่อง", "unit_th": "ร้อยละ", "kind": "outcome",
                "direction": "higher_is_better", "scoring": ["method": "five_levels", "levels": [60, 70, 80, 90, 95]],
                "is_csf": true,
            ]))
        XCTAssertEqual(reading.status, 201, reading.text)
        let dropout = try await api.send(
            .post, "/api/v1/indicators", token: staff,
            json: json([
                "code": "K2", "name_th": "ร้อยละของนักเรียนที่ออกกลางคัน", "unit_th": "ร้อยละ", "kind": "outcome",
                "direction": "lower_is_better", "scoring": ["method": "linear", "score_one": 20, "score_five": 4],
                "score_places": 3,
            ]))
        XCTAssertEqual(dropout.status, 201, dropout.text)
        XCTAssertEqual((dropout.json["scoring"] as? [String: Any])?["places"] as? Int, 3)
        let ids = [reading.json["id"] as! Int, dropout.json["id"] as! Int]
        for id in ids {
            let adopted = try await api.send(
                .post, "/api/v1/indicators/\(id)/adoptions", token: school,
                json: json(["targets": [["fiscal_year": 2569, "target": id == ids[0] ? 80 : 10]]]))
            XCTAssertEqual(adopted.status, 200, adopted.text)
        }
        var agreement = try await api.send(
            .post, "/api/v1/agreements", token: school,
            json: json([
                "fiscal_year": 2569, "title_th": "ข้อตกลงผลการปฏิบัติงาน ปีงบประมาณ 2569",
                "items": [
                    ["indicator_id": ids[0], "weight": 60, "target": 80],
                    ["indicator_id": ids[1], "weight": 40, "target": 10],
                ],
            ]))
        XCTAssertEqual(agreement.status, 201, agreement.text)
        let id = agreement.json["id"] as! Int
        let items = (agreement.json["items"] as! [[String: Any]]).map { $0["id"] as! Int }
        agreement = try await api.send(
            .post, "/api/v1/agreements/\(id)/submit", token: school, headers: matching(agreement))
        agreement = try await api.send(
            .post, "/api/v1/agreements/\(id)/approve", token: staff, headers: matching(agreement))
        XCTAssertEqual(agreement.status, 200, agreement.text)
        return (id, ids[0], ids[1], items)
    }

    func testAnAgreementIsScoredMissingIsNotZeroAndAFinalEvaluationNeverChanges() async throws {
        let staff = token(a, .districtStaff), school = token(a, .schoolStaff), other = token(b, .districtStaff)
        let db = self.db!, districtA = a
        try await withAPI { api in
            let (agreement, reading, dropout, items) = try await Self.makeAgreement(api, staff: staff, school: school)
            let first = try await api.send(
                .post, "/api/v1/indicators/\(reading)/actuals", token: school,
                json: json(["fiscal_year": 2569, "period": 0, "value": 85]))
            XCTAssertEqual(first.status, 201, first.text)

            // Asked without a round: every problem at once; a school may not evaluate.
            let noRound = try await api.send(
                .post, "/api/v1/evaluations", token: staff, json: json(["subject": "plan", "subject_id": agreement]))
            XCTAssertEqual(noRound.status, 422)
            XCTAssertEqual(Set(noRound.errorPointers), ["/subject", "/round_id"], noRound.text)
            let bySchool = try await api.send(
                .post, "/api/v1/evaluations", token: school,
                json: json(["subject": "agreement", "subject_id": agreement, "fiscal_year": 2569, "round": "year_end"]))
            XCTAssertEqual(bySchool.status, 403)

            var evaluation = try await api.send(
                .post, "/api/v1/evaluations", token: staff,
                json: json(["subject": "agreement", "subject_id": agreement, "fiscal_year": 2569, "round": "year_end"]))
            XCTAssertEqual(evaluation.status, 201, evaluation.text)
            // Only what was reported is scored: 85 reaches level 3; the dropout rate is missing, with its weight.
            XCTAssertEqual(evaluation.json["score"] as? Double, 3)
            XCTAssertEqual(evaluation.json["missing_weight"] as? Double, 40)
            XCTAssertEqual(evaluation.json["indicators_missing"] as? Int, 1)
            XCTAssertEqual(evaluation.json["status_th"] as? String, "ฉบับร่าง")
            let result = (evaluation.json["result"] as! [String: Any])["root"] as! [String: Any]
            let parts = result["indicators"] as! [[String: Any]]
            XCTAssertEqual(parts.map { $0["standing"] as? String }, ["scored", "missing"])
            XCTAssertEqual(parts[0]["met"] as? Bool, true)
            XCTAssertNil(parts[1]["score"] as? Double, "not reported is never zero")
            let evaluationID = evaluation.json["id"] as! Int

            // The dropout rate: 7 % on the line from 20 % (1) to 4 % (5) is 4.250, and meets the target of 10 %.
            let second = try await api.send(
                .post, "/api/v1/indicators/\(dropout)/actuals", token: school,
                json: json(["fiscal_year": 2569, "period": 0, "value": 7]))
            XCTAssertEqual(second.status, 201, second.text)
            evaluation = try await api.send(
                .post, "/api/v1/evaluations/\(evaluationID)/recompute", token: staff, headers: matching(evaluation))
            XCTAssertEqual(evaluation.status, 200, evaluation.text)
            XCTAssertEqual(evaluation.json["score"] as? Double, 3.5, "(60 × 3 + 40 × 4.25) / 100")
            XCTAssertEqual(evaluation.json["missing_weight"] as? Double, 0)
            let recomputed =
                ((evaluation.json["result"] as! [String: Any])["root"] as! [String: Any])["indicators"]
                as! [[String: Any]]
            XCTAssertEqual(recomputed[1]["score"] as? Double, 4.25)
            let inputs =
                ((evaluation.json["inputs"] as! [String: Any])["root"] as! [String: Any])["indicators"]
                as! [[String: Any]]
            XCTAssertEqual(inputs.map { $0["key"] as? String }, items.map { "item:\($0)" })
            XCTAssertEqual((inputs[0]["actual"] as? [String: Any])?["seq"] as? Int, 1)

            evaluation = try await api.send(
                .patch, "/api/v1/evaluations/\(evaluationID)", token: staff,
                json: json(["evaluator_comment_th": "บรรลุเป้าหมายทั้งสองตัวชี้วัด"]), headers: matching(evaluation))
            XCTAssertEqual(evaluation.status, 200, evaluation.text)
            evaluation = try await api.send(
                .post, "/api/v1/evaluations/\(evaluationID)/finalize", token: staff, headers: matching(evaluation))
            XCTAssertEqual(evaluation.status, 200, evaluation.text)
            XCTAssertEqual(evaluation.json["status"] as? String, "final")
            let again = try await api.send(
                .post, "/api/v1/evaluations/\(evaluationID)/recompute", token: staff, headers: matching(evaluation))
            XCTAssertEqual(again.status, 409, again.text)
            let asNew = try await api.send(
                .post, "/api/v1/evaluations", token: staff,
                json: json(["subject": "agreement", "subject_id": agreement, "fiscal_year": 2569, "round": "year_end"]))
            XCTAssertEqual(asNew.status, 409, "a final evaluation is not computed again")

            // A correction afterwards: the final evaluation keeps its score, the comparison shows the difference.
            let correction = try await api.send(
                .post, "/api/v1/indicators/\(reading)/actuals", token: school,
                json: json(["fiscal_year": 2569, "period": 0, "value": 92, "correction_reason": "แก้ไขจากผลสอบจริง"]))
            XCTAssertEqual(correction.status, 201, correction.text)
            let kept = try await api.send(.get, "/api/v1/evaluations/\(evaluationID)", token: school)
            XCTAssertEqual(kept.json["score"] as? Double, 3.5)
            let comparison = try await api.send(
                .get, "/api/v1/evaluations/\(evaluationID)/comparison", token: staff)
            XCTAssertEqual(comparison.status, 200, comparison.text)
            XCTAssertEqual(comparison.json["reproduced"] as? Bool, true, "the recorded inputs give the recorded result")
            XCTAssertEqual(comparison.json["recorded_score"] as? Double, 3.5)
            XCTAssertEqual(comparison.json["differs"] as? Bool, true)
            XCTAssertEqual(comparison.json["current_score"] as? Double, 4.1, "(60 × 4 + 40 × 4.25) / 100")
            let changed = comparison.json["changed"] as! [[String: Any]]
            XCTAssertEqual(changed.map { $0["key"] as? String }, ["item:\(items[0])"])
            XCTAssertEqual(changed.first?["recorded_seq"] as? Int, 1)
            XCTAssertEqual(changed.first?["current_seq"] as? Int, 2)

            // The school answers; the response is kept with the final evaluation.
            let responded = try await api.send(
                .put, "/api/v1/evaluations/\(evaluationID)/response", token: school,
                json: json(["school_response_th": "โรงเรียนจะรักษาระดับผลการอ่านในปีต่อไป"]), headers: matching(kept))
            XCTAssertEqual(responded.status, 200, responded.text)
            XCTAssertEqual(responded.json["score"] as? Double, 3.5)
            XCTAssertEqual(responded.json["evaluator_comment_th"] as? String, "บรรลุเป้าหมายทั้งสองตัวชี้วัด")

            // The database itself refuses to change a final evaluation, whoever asks.
            do {
                try await db.transaction(DistrictTenant.background(districtA)) { tx in
                    try tx.query("UPDATE evaluation SET score = 0 WHERE id = \(evaluationID)")
                }
                XCTFail("a final evaluation changed")
            } catch let error as PostgresError {
                XCTAssertEqual(error.constraint, "evaluation_final")
            }

            // Another district finds nothing, not even the comparison.
            for path in ["/api/v1/evaluations/\(evaluationID)", "/api/v1/evaluations/\(evaluationID)/comparison"] {
                let hidden = try await api.send(.get, path, token: other)
                XCTAssertEqual(hidden.status, 404, path)
            }
            let list = try await api.send(.get, "/api/v1/evaluations?subject=agreement&fiscal_year=2569", token: school)
            XCTAssertEqual(list.items.count, 1)
        }
    }

    func testAProjectIsScoredFromItsIndicatorsAndItsProgress() async throws {
        let staff = token(a, .districtStaff), school = token(a, .schoolStaff)
        let db = self.db!, testDB = self.testDB!, schoolID = fixture.schoolsA[0]
        try await withAPI { api in
            var plan = try await api.send(
                .post, "/api/v1/action-plans", token: staff,
                json: json(["school_id": schoolID, "fiscal_year": 2568, "title_th": "แผนปฏิบัติการ 2568"]))
            let planID = plan.json["id"] as! Int
            let made = try await api.send(
                .post, "/api/v1/action-plans/\(planID)/projects", token: staff,
                json: json(["code": "P1", "name_th": "โครงการส่งเสริมการอ่าน"]))
            XCTAssertEqual(made.status, 201, made.text)
            let project = made.json["id"] as! Int
            let books = try await api.send(
                .post, "/api/v1/indicators", token: staff,
                json: json([
                    "project_id": project, "name_th": "จำนวนหนังสือที่ยืม", "unit_th": "เล่ม", "kind": "output",
                    "direction": "higher_is_better",
                    "scoring": ["method": "linear", "score_one": 100, "score_five": 500],
                    "targets": [["fiscal_year": 2568, "target": 400]],
                ]))
            XCTAssertEqual(books.status, 201, books.text)
            let indicator = books.json["id"] as! Int
            plan = try await api.send(.get, "/api/v1/action-plans/\(planID)", token: staff)
            plan = try await api.send(
                .post, "/api/v1/action-plans/\(planID)/submit", token: staff, headers: matching(plan))
            plan = try await api.send(
                .post, "/api/v1/action-plans/\(planID)/approve", token: staff, headers: matching(plan))
            XCTAssertEqual(plan.status, 200, plan.text)
            try await Self.runJobsNow(testDB, db)
            let items = try await api.send(
                .get, "/api/v1/monitoring-items?project_id=\(project)&limit=50", token: school)
            let q4 = items.items.first { $0["period"] as? Int == 4 }!
            var report = try await api.send(
                .post, "/api/v1/monitoring-items/\(q4["id"]!)/reports", token: school,
                json: json(["percent_complete": 80, "progress_status": "on_track"]))
            XCTAssertEqual(report.status, 201, report.text)
            report = try await api.send(
                .post, "/api/v1/progress-reports/\(report.json["id"]!)/submit", token: school, headers: matching(report)
            )
            XCTAssertEqual(report.status, 200, report.text)
            let actual = try await api.send(
                .post, "/api/v1/indicators/\(indicator)/actuals", token: school,
                json: json(["fiscal_year": 2568, "period": 0, "value": 300]))
            XCTAssertEqual(actual.status, 201, actual.text)
            let evaluation = try await api.send(
                .post, "/api/v1/evaluations", token: staff,
                json: json(["subject": "project", "subject_id": project, "fiscal_year": 2568, "round": "year_end"]))
            XCTAssertEqual(evaluation.status, 201, evaluation.text)
            // 300 books: 3 on the line from 100 (1) to 500 (5); 80 % complete: 4; weighed 80 : 20.
            XCTAssertEqual(evaluation.json["score"] as? Double, 3.2, evaluation.text)
            let root = (evaluation.json["result"] as! [String: Any])["root"] as! [String: Any]
            XCTAssertEqual(root["progress_score"] as? Double, 4)
            let round = evaluation.json["round"] as! [String: Any]
            XCTAssertEqual(round["name_th"] as? String, "รอบสิ้นปี ปีงบประมาณ พ.ศ. 2568")
            // A round of another year is refused, naming the field.
            let mid = try await api.send(
                .post, "/api/v1/evaluations", token: staff,
                json: json(["subject": "project", "subject_id": project, "fiscal_year": 2569, "round": "mid_year"]))
            XCTAssertEqual(mid.status, 422, mid.text)
            XCTAssertEqual(mid.errorPointers, ["/round_id"])
            // The district adds a round of its own.
            let extra = try await api.send(
                .post, "/api/v1/evaluation-rounds", token: staff,
                json: json(["fiscal_year": 2568, "name_th": "รอบไตรมาสที่ 3", "through_month": 9, "progress_weight": 50]))
            XCTAssertEqual(extra.status, 201, extra.text)
            let rounds = try await api.send(.get, "/api/v1/evaluation-rounds?fiscal_year=2568", token: school)
            XCTAssertEqual(rounds.items.count, 2)
        }
    }

    func testASchoolProposesAnIndicatorTheDistrictAcceptsAndTwoSchoolsAdoptItWithTheirOwnTargets() async throws {
        let staff = token(a, .districtStaff), school = token(a, .schoolStaff), other = token(b, .districtStaff)
        let (schoolA0, schoolA1) = (fixture.schoolsA[0], fixture.schoolsA[1])
        try await withAPI { api in
            let bad = try await api.send(
                .post, "/api/v1/indicator-proposals", token: school,
                json: json([
                    "name_th": "", "unit_th": "ร้อยละ", "kind": "outcome", "direction": "sideways",
                    "scoring": ["method": "five_levels", "levels": [1, 2, 3]],
                ]))
            XCTAssertEqual(bad.status, 422)
            XCTAssertEqual(Set(bad.errorPointers), ["/name_th", "/direction"], bad.text)
            var proposal = try await api.send(
                .post, "/api/v1/indicator-proposals", token: school,
                json: json([
                    "name_th": "ร้อยละของนักเรียนที่ว่ายน้ำเป็น", "unit_th": "ร้อยละ", "kind": "outcome",
                    "direction": "higher_is_better",
                    "scoring": ["method": "linear", "score_one": 50, "score_five": 90],
                    "rationale_th": "โรงเรียนอยู่ริมแม่น้ำ", "targets": [["fiscal_year": 2569, "target": 70]],
                ]))
            XCTAssertEqual(proposal.status, 201, proposal.text)
            XCTAssertEqual(
                proposal.json["school_id"] as? Int, Int(schoolA0), "school staff propose for their own school")
            XCTAssertEqual(proposal.json["status_th"] as? String, "เสนอแล้ว รอพิจารณา")
            let id = proposal.json["id"] as! Int
            let byItself = try await api.send(
                .post, "/api/v1/indicator-proposals/\(id)/accept", token: school, json: json(["scope": "school"]),
                headers: matching(proposal))
            XCTAssertEqual(byItself.status, 403)
            let noReason = try await api.send(
                .post, "/api/v1/indicator-proposals/\(id)/return", token: staff, json: json([:]),
                headers: matching(proposal))
            XCTAssertEqual(noReason.errorPointers, ["/reason"])
            proposal = try await api.send(
                .post, "/api/v1/indicator-proposals/\(id)/return", token: staff,
                json: json(["reason": "ขอให้ระบุเกณฑ์เป็น 5 ระดับ"]), headers: matching(proposal))
            XCTAssertEqual(proposal.json["status"] as? String, "returned", proposal.text)
            proposal = try await api.send(
                .put, "/api/v1/indicator-proposals/\(id)", token: school,
                json: json([
                    "name_th": "ร้อยละของนักเรียนที่ว่ายน้ำเป็น", "unit_th": "ร้อยละ", "kind": "outcome",
                    "direction": "higher_is_better",
                    "scoring": ["method": "five_levels", "levels": [50, 60, 70, 80, 90]],
                    "targets": [["fiscal_year": 2569, "target": 70]], "is_csf": true,
                ]), headers: matching(proposal))
            XCTAssertEqual(proposal.json["status"] as? String, "proposed", proposal.text)
            proposal = try await api.send(
                .post, "/api/v1/indicator-proposals/\(id)/accept", token: staff, json: json(["scope": "district"]),
                headers: matching(proposal))
            XCTAssertEqual(proposal.status, 200, proposal.text)
            XCTAssertEqual(proposal.json["scope_th"] as? String, "ตัวชี้วัดระดับเขตพื้นที่")
            let indicatorID = proposal.json["indicator_id"] as! Int
            // District-wide: the proposing school has adopted it with its target; a second school adopts it with another.
            let adopted = try await api.send(
                .post, "/api/v1/indicators/\(indicatorID)/adoptions", token: staff,
                json: json(["school_id": schoolA1, "targets": [["fiscal_year": 2569, "target": 60]]]))
            XCTAssertEqual(adopted.status, 200, adopted.text)
            let indicator = try await api.send(.get, "/api/v1/indicators/\(indicatorID)", token: staff)
            XCTAssertNil(indicator.json["school_id"] as? Int)
            XCTAssertEqual(indicator.json["is_csf"] as? Bool, true)
            let adoptions = indicator.json["adoptions"] as! [[String: Any]]
            XCTAssertEqual(adoptions.map { $0["school_id"] as? Int }, [Int(schoolA0), Int(schoolA1)])
            XCTAssertEqual(
                adoptions.map { (($0["targets"] as? [[String: Any]])?.first?["target"]) as? Double }, [70, 60])
            let twice = try await api.send(
                .post, "/api/v1/indicator-proposals/\(id)/accept", token: staff, json: json(["scope": "district"]),
                headers: matching(proposal))
            XCTAssertEqual(twice.status, 409)
            let hidden = try await api.send(.get, "/api/v1/indicator-proposals/\(id)", token: other)
            XCTAssertEqual(hidden.status, 404)
            // A school's agreement takes its outputs from these: the district-wide one, not another school's own.
            let ownOfA0 = try await api.send(
                .post, "/api/v1/indicators", token: staff,
                json: json([
                    "school_id": schoolA0, "name_th": "ร้อยละของห้องเรียนสะอาด", "unit_th": "ร้อยละ", "kind": "output",
                    "direction": "higher_is_better",
                    "scoring": ["method": "five_levels", "levels": [60, 70, 80, 90, 95]],
                ]))
            XCTAssertEqual(ownOfA0.status, 201, ownOfA0.text)
            let foreign = try await api.send(
                .post, "/api/v1/agreements", token: staff,
                json: json([
                    "school_id": schoolA1, "fiscal_year": 2569, "title_th": "ข้อตกลง 2569",
                    "items": [
                        ["indicator_id": indicatorID, "weight": 50, "target": 60],
                        ["indicator_id": ownOfA0.json["id"]!, "weight": 50, "target": 80],
                    ],
                ]))
            XCTAssertEqual(foreign.status, 422, foreign.text)
            XCTAssertEqual(foreign.errorPointers, ["/items/1/indicator_id"])
            let fromTheseOnly = try await api.send(
                .post, "/api/v1/agreements", token: staff,
                json: json([
                    "school_id": schoolA1, "fiscal_year": 2569, "title_th": "ข้อตกลง 2569",
                    "items": [["indicator_id": indicatorID, "weight": 100, "target": 60]],
                ]))
            XCTAssertEqual(fromTheseOnly.status, 201, fromTheseOnly.text)
        }
    }

    func testTenThousandActualsInOneImportAreOneRecomputationOfTheRollUps() async throws {
        let staff = token(a, .districtStaff), admin = token(a), school = token(a, .schoolStaff)
        let db = self.db!, testDB = self.testDB!, districtA = a
        let (schoolA0, schoolA1) = (fixture.schoolsA[0], fixture.schoolsA[1])
        let nationalToken = try await TokenStore(db).createNational(
            email: "obec@test", displayName: "สพฐ.", name: "test")
        try await withAPI { api in
            let shared = try await api.send(
                .post, "/api/v1/indicators", token: staff,
                json: json([
                    "code": "K1", "name_th": "ร้อยละของนักเรียนที่อ่านคล่อง", "unit_th": "ร้อยละ", "kind": "outcome",
                    "direction": "higher_is_better", "period": "month",
                    "scoring": ["method": "five_levels", "levels": [60, 70, 80, 90, 95]],
                ]))
            let sharedID = shared.json["id"] as! Int
            for (school, target) in [(schoolA0, 80), (schoolA1, 70)] {
                let adopted = try await api.send(
                    .post, "/api/v1/indicators/\(sharedID)/adoptions", token: staff,
                    json: json(["school_id": school, "targets": [["fiscal_year": 2569, "target": target]]]))
                XCTAssertEqual(adopted.status, 200, adopted.text)
            }
            // 9,998 yearly indicators of school A0's own (one import), then 10,000 actuals in one file:
            // a value for each, and September's for the shared one in both schools.
            var indicatorFile = "รหัสโรงเรียน,ปีงบประมาณ,ตัวชี้วัด,หน่วยนับ,ระดับ1,ระดับ2,ระดับ3,ระดับ4,ระดับ5,ค่าเป้าหมาย\r\n"
            for n in 1...9_998 { indicatorFile += "5200000001,2569,ตัวชี้วัดที่ \(n),ร้อยละ,60,70,80,90,95,80\r\n" }
            let csv: HTTPFields = [.contentType: "text/csv; charset=utf-8"]
            let indicators = try await api.send(
                .post, "/api/v1/imports/indicators", token: staff, bytes: Array(indicatorFile.utf8), headers: csv)
            XCTAssertEqual(indicators.status, 200, indicators.text)
            let owned = try await db.read(
                DistrictTenant.background(districtA),
                "SELECT id FROM indicator WHERE school_id = \(schoolA0) ORDER BY id"
            ).rows.map { try $0.decode("id", as: Int64.self) }
            XCTAssertEqual(owned.count, 9_998)
            var file = "รหัสสถานศึกษา,เลขที่ตัวชี้วัด,ปีงบประมาณ,งวด,ผลการดำเนินงาน\r\n"
            for (n, id) in owned.enumerated() { file += ",\(id),2569,0,\(60 + n % 40)\r\n" }
            file += "5200000001,\(sharedID),2569,12,85\r\n5200000011,\(sharedID),2569,12,65\r\n"
            let loaded = try await api.send(
                .post, "/api/v1/imports/actuals", token: staff, bytes: Array(file.utf8), headers: csv)
            XCTAssertEqual(loaded.status, 200, loaded.text)
            XCTAssertEqual((loaded.json["inserted"] as? [String: Any])?["actuals"] as? Int, 10_000, loaded.text)
            XCTAssertEqual(
                try Self.jobCount(testDB, district: districtA, kind: RollupRequests.kind), 1,
                "one recomputation for the file, not one per actual")
            // Three more actuals before it runs (corrections, each with its reason): still the same job.
            for n in 1...3 {
                let more = try await api.send(
                    .post, "/api/v1/indicators/\(owned[n])/actuals", token: school,
                    json: json([
                        "fiscal_year": 2569, "period": 0, "value": 50 + n, "correction_reason": "แก้ไขครั้งที่ \(n)",
                    ]))
                XCTAssertEqual(more.status, 201, more.text)
            }
            XCTAssertEqual(try Self.jobCount(testDB, district: districtA, kind: RollupRequests.kind), 1)
            try await Self.runJobsNow(testDB, db)
            XCTAssertEqual(try Self.jobCount(testDB, district: districtA, kind: RollupRequests.kind), 1)

            let rollup = try await api.send(.get, "/api/v1/rollups?fiscal_year=2569", token: school)
            XCTAssertEqual(rollup.status, 200, rollup.text)
            XCTAssertNotNil(rollup.json["computed_at"] as? String)
            XCTAssertEqual(rollup.json["recomputation_due"] as? Bool, false)
            XCTAssertEqual(rollup.json["changes"] as? Int, 4, "the import and three actuals, in one computation")
            XCTAssertEqual(rollup.json["schools"] as? Int, 3)
            XCTAssertEqual(rollup.json["not_reported"] as? Int, 3, "no school has an approved agreement")
            let byIndicator = rollup.json["indicators"] as! [[String: Any]]
            XCTAssertEqual(byIndicator.count, 1, "the district-wide indicator; a school's own is its own")
            let k1 = byIndicator[0]
            // September's value is each school's latest: 85 (level 3, target 80 met) and 65 (level 1, target 70 not).
            XCTAssertEqual(k1["schools"] as? Int, 2)
            XCTAssertEqual(k1["level_counts"] as? [Int], [0, 1, 0, 1, 0, 0])
            XCTAssertEqual(k1["mean"] as? Double, 2)
            XCTAssertEqual(k1["median"] as? Double, 2)
            XCTAssertEqual(k1["met"] as? Int, 1)
            XCTAssertEqual(k1["met_share"] as? Double, 0.5)
            let below = k1["furthest_below"] as! [[String: Any]]
            XCTAssertEqual(below.map { $0["school_id"] as? Int }, [Int(schoolA1)])
            XCTAssertEqual(below.first?["name_th"] as? String, "โรงเรียนบ้านขุนยวม")

            // The national role sees every district side by side; a district's user may not.
            let national = try await api.send(.get, "/api/v1/rollups/national?fiscal_year=2569", token: nationalToken)
            XCTAssertEqual(national.status, 200, national.text)
            let districts = national.json["districts"] as! [[String: Any]]
            XCTAssertEqual(districts.map { $0["district_id"] as? Int }, [Int(districtA)])
            let refused = try await api.send(.get, "/api/v1/rollups/national?fiscal_year=2569", token: admin)
            XCTAssertEqual(refused.status, 403)
            let thisYear = try await api.send(.get, "/api/v1/rollups", token: admin)
            XCTAssertEqual(thisYear.json["fiscal_year"] as? Int, FiscalYear.current().buddhistYear, thisYear.text)
            // After it ran, the next change is a new recomputation.
            let later = try await api.send(
                .post, "/api/v1/indicators/\(owned[9])/actuals", token: school,
                json: json(["fiscal_year": 2569, "period": 0, "value": 99, "correction_reason": "ตรวจสอบใหม่"]))
            XCTAssertEqual(later.status, 201, later.text)
            XCTAssertEqual(try Self.jobCount(testDB, district: districtA, kind: RollupRequests.kind), 2)
        }
    }

    func testAWholeRoundIsOneJobThatKeepsFinalEvaluations() async throws {
        let staff = token(a, .districtStaff), school = token(a, .schoolStaff)
        let db = self.db!, testDB = self.testDB!
        try await withAPI { api in
            let (agreement, reading, _, _) = try await Self.makeAgreement(api, staff: staff, school: school)
            let actual = try await api.send(
                .post, "/api/v1/indicators/\(reading)/actuals", token: school,
                json: json(["fiscal_year": 2569, "period": 0, "value": 91]))
            XCTAssertEqual(actual.status, 201, actual.text)
            let round = try await api.send(
                .post, "/api/v1/evaluation-rounds", token: staff,
                json: json(["fiscal_year": 2569, "name_th": "รอบประเมินสิ้นปีของเขต", "through_month": 12]))
            let roundID = round.json["id"] as! Int
            let run = try await api.send(.post, "/api/v1/evaluation-rounds/\(roundID)/run", token: staff)
            XCTAssertEqual(run.status, 202, run.text)
            try await Self.runJobsNow(testDB, db)
            var listed = try await api.send(.get, "/api/v1/evaluations?round_id=\(roundID)", token: staff)
            XCTAssertEqual(listed.items.count, 1, listed.text)
            let evaluation = listed.items[0]
            XCTAssertEqual(evaluation["subject_id"] as? Int, agreement)
            XCTAssertEqual(evaluation["score"] as? Double, 4, "91 reaches level 4; the other is missing")
            XCTAssertEqual(evaluation["missing_weight"] as? Double, 40)
            // The same as evaluating it alone.
            let alone = try await api.send(
                .post, "/api/v1/evaluations", token: staff,
                json: json(["subject": "agreement", "subject_id": agreement, "round_id": roundID]))
            XCTAssertEqual(alone.status, 200, alone.text)
            XCTAssertEqual(
                (alone.json["result"] as? [String: Any]).map { NSDictionary(dictionary: $0) },
                (evaluation["result"] as? [String: Any]).map { NSDictionary(dictionary: $0) })
            let final = try await api.send(
                .post, "/api/v1/evaluations/\(alone.json["id"]!)/finalize", token: staff, headers: matching(alone))
            XCTAssertEqual(final.status, 200, final.text)
            let correction = try await api.send(
                .post, "/api/v1/indicators/\(reading)/actuals", token: school,
                json: json(["fiscal_year": 2569, "period": 0, "value": 50, "correction_reason": "กรอกผิด"]))
            XCTAssertEqual(correction.status, 201, correction.text)
            _ = try await api.send(.post, "/api/v1/evaluation-rounds/\(roundID)/run", token: staff)
            try await Self.runJobsNow(testDB, db)
            listed = try await api.send(.get, "/api/v1/evaluations?round_id=\(roundID)", token: staff)
            XCTAssertEqual(listed.items.first?["score"] as? Double, 4, "a final evaluation is kept by the round")
            XCTAssertEqual(listed.items.first?["status"] as? String, "final")
        }
    }
}
