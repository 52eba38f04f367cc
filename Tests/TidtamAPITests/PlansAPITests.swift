import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TidtamDomain
import TidtamImport
import TidtamStore
import XCTest

/// A district office's planning cycle over HTTP, tried as a new user would: a strategic plan,
/// an action plan with projects and indicators, an agreement; submit, return, resubmit,
/// approve; editing the approved plan; reading as a school and as another district.
final class PlansAPITests: APITestCase {
    func testPlanningCycleFromStrategyToApprovedRevision() async throws {
        let admin = token(a), staff = token(a, .districtStaff), school = token(a, .schoolStaff)
        let schoolID = fixture.schoolsA[0]
        let nationalToken = try await TokenStore(db).createNational(
            email: "obec@test", displayName: "สพฐ.", name: "test")
        try await withAPI { api in
            // OBEC keeps the national policy list; a district cannot add to it.
            let policy = try await api.send(
                .post, "/api/v1/national-policies", token: nationalToken,
                json: #"{"code":"OBEC-2569-1","kind":"obec_policy","name_th":"ความปลอดภัยของผู้เรียน"}"#)
            XCTAssertEqual(policy.status, 201, policy.text)
            let refused = try await api.send(
                .post, "/api/v1/national-policies", token: admin,
                json: #"{"code":"X-1","kind":"obec_policy","name_th":"ทดสอบ"}"#)
            XCTAssertEqual(refused.status, 403, refused.text)

            // The district's strategic plan: strategies, goals, a link to the national policy.
            let strategic = try await api.send(
                .post, "/api/v1/strategic-plans", token: staff,
                json: jsonText([
                    "title_th": "แผนพัฒนาการศึกษา พ.ศ. 2569–2572", "first_year_be": 2569, "last_year_be": 2572,
                    "vision_th": "ผู้เรียนมีคุณภาพ",
                    "strategies": [
                        [
                            "code": "1", "name_th": "พัฒนาคุณภาพผู้เรียน", "policy_codes": ["OBEC-2569-1"],
                            "goals": [["code": "1.1", "name_th": "ผู้เรียนอ่านออกเขียนได้"]],
                        ]
                    ],
                ]))
            XCTAssertEqual(strategic.status, 201, strategic.text)
            let strategy = (strategic.json["strategies"] as! [[String: Any]])[0]
            XCTAssertEqual(strategy["policy_codes"] as? [String], ["OBEC-2569-1"])
            let strategyID = strategy["id"] as! Int
            let goalID = (strategy["goals"] as! [[String: Any]])[0]["id"] as! Int

            // A goal indicator with a target per year; a bad scoring table lists every problem.
            let badIndicator = try await api.send(
                .post, "/api/v1/indicators", token: staff,
                json: jsonText([
                    "goal_id": goalID, "name_th": "", "unit_th": "ร้อยละ", "kind": "outcome",
                    "direction": "higher_is_better",
                    "scoring": ["method": "five_levels", "levels": [50, 40, 60, 70, 80]],
                    "targets": [["fiscal_year": 2569, "period": 3, "target": 80]],
                ]))
            XCTAssertEqual(badIndicator.status, 422)
            XCTAssertEqual(
                Set(badIndicator.errorPointers), ["/name_th", "/scoring/levels", "/targets/0/period"], badIndicator.text
            )
            let goalIndicator = try await api.send(
                .post, "/api/v1/indicators", token: staff,
                json: jsonText([
                    "goal_id": goalID, "name_th": "ร้อยละผู้เรียนชั้น ป.1 อ่านออก", "unit_th": "ร้อยละ", "kind": "outcome",
                    "direction": "higher_is_better",
                    "scoring": ["method": "five_levels", "levels": [60, 70, 80, 90, 95]], "weight": 20,
                    "is_csf": true,
                    "targets": [["fiscal_year": 2569, "target": 85], ["fiscal_year": 2570, "target": 90]],
                ]))
            XCTAssertEqual(goalIndicator.status, 201, goalIndicator.text)
            XCTAssertEqual((goalIndicator.json["targets"] as? [Any])?.count, 2)

            // The school's action plan for fiscal year 2569, with a project (activities, budget).
            let plan = try await api.send(
                .post, "/api/v1/action-plans", token: school,
                json: #"{"fiscal_year":2569,"title_th":"แผนปฏิบัติการประจำปีงบประมาณ 2569"}"#)
            XCTAssertEqual(plan.status, 201, plan.text)
            XCTAssertEqual(plan.json["school_id"] as? Int, Int(schoolID))
            XCTAssertEqual(plan.json["status_th"] as? String, "ร่าง")
            let planID = plan.json["id"] as! Int
            let emptySubmit = try await api.send(
                .post, "/api/v1/action-plans/\(planID)/submit", token: school, headers: ifMatch(plan))
            XCTAssertEqual(emptySubmit.errorPointers, ["/projects"], emptySubmit.text)

            let badProject = try await api.send(
                .post, "/api/v1/action-plans/\(planID)/projects", token: school,
                json: jsonText([
                    "code": "P 1", "name_th": "โครงการ", "start_date": "2026-03-01", "end_date": "2025-10-01",
                    "budget_lines": [["source": "lottery", "amount": "5"]],
                    "activities": [["name_th": "x", "start_date": "2569-01-01x"]],
                ]))
            XCTAssertEqual(badProject.status, 422)
            XCTAssertEqual(
                Set(badProject.errorPointers),
                ["/code", "/end_date", "/budget_lines/0/source", "/budget_lines/0/amount", "/activities/0/start_date"],
                badProject.text)
            let project = try await api.send(
                .post, "/api/v1/action-plans/\(planID)/projects", token: school,
                json: jsonText([
                    "code": "P01", "name_th": "โครงการส่งเสริมการอ่าน", "strategy_id": strategyID,
                    "responsible_th": "ครูสมศรี ใจดี",
                    "start_date": "2025-11-01", "end_date": "2026-09-30",
                    "activities": [
                        [
                            "name_th": "จัดซื้อหนังสือ", "start_date": "2025-11-01", "end_date": "2025-12-15",
                            "is_milestone": true,
                        ],
                        ["name_th": "สัปดาห์ห้องสมุด", "start_date": "2026-06-01", "end_date": "2026-06-07"],
                    ],
                    "budget_lines": [
                        ["source": "obec", "amount": 45000.50],
                        ["source": "donation", "description_th": "สมาคมผู้ปกครอง", "amount": 5000],
                    ],
                ]))
            XCTAssertEqual(project.status, 201, project.text)
            XCTAssertEqual(project.json["budget_total"] as? Double, 50000.50)
            let projectID = project.json["id"] as! Int
            let activities = project.json["activities"] as! [[String: Any]]

            // Editing the project keeps the named activity and drops the other.
            var edited = project.json
            for key in [
                "id", "district_id", "plan_id", "school_id", "version", "created_at", "updated_at", "budget_total",
                "indicators",
            ] {
                edited.removeValue(forKey: key)
            }
            edited["activities"] = [
                [
                    "id": activities[0]["id"]!, "name_th": "จัดซื้อหนังสือใหม่", "start_date": "2025-11-01",
                    "is_milestone": true,
                ]
            ]
            edited["budget_lines"] = [["source": "obec", "amount": 40000]]
            let put = try await api.send(
                .put, "/api/v1/projects/\(projectID)", token: school, json: jsonText(edited), headers: ifMatch(project))
            XCTAssertEqual(put.status, 200, put.text)
            XCTAssertEqual(
                (put.json["activities"] as! [[String: Any]]).map { $0["id"] as! Int }, [activities[0]["id"] as! Int])
            let stale = try await api.send(
                .put, "/api/v1/projects/\(projectID)", token: school, json: jsonText(edited), headers: ifMatch(project))
            XCTAssertEqual(stale.status, 412)

            let projectIndicator = try await api.send(
                .post, "/api/v1/indicators", token: school,
                json: jsonText([
                    "project_id": projectID, "name_th": "จำนวนหนังสือที่นักเรียนยืม", "unit_th": "เล่ม", "kind": "output",
                    "direction": "higher_is_better", "period": "quarter",
                    "scoring": ["method": "linear", "score_one": 100, "score_five": 500],
                    "targets": [
                        ["fiscal_year": 2569, "period": 1, "target": 100],
                        ["fiscal_year": 2569, "period": 0, "target": 400],
                    ],
                ]))
            XCTAssertEqual(projectIndicator.status, 201, projectIndicator.text)

            // The school's agreement: weights must sum to 100 before it can be submitted.
            let agreement = try await api.send(
                .post, "/api/v1/agreements", token: school,
                json: jsonText([
                    "fiscal_year": 2569, "title_th": "ข้อตกลงผลการปฏิบัติงาน ปีงบประมาณ 2569",
                    "signed_by_th": "นายสมชาย ผู้อำนวยการ",
                    "items": [
                        ["indicator_id": goalIndicator.json["id"]!, "weight": 60, "target": 85],
                        ["indicator_id": projectIndicator.json["id"]!, "weight": 30, "target": 400],
                    ],
                ]))
            XCTAssertEqual(agreement.status, 201, agreement.text)
            let short = try await api.send(
                .post, "/api/v1/agreements/\(agreement.json["id"]!)/submit", token: school, headers: ifMatch(agreement))
            XCTAssertEqual(short.status, 422)
            XCTAssertEqual(short.errorPointers, ["/items"])
            let agreementItems = (agreement.json["items"] as! [[String: Any]]).map {
                ["id": $0["id"]!, "indicator_id": $0["indicator_id"]!, "target": $0["target"]!]
            }
            let fixed = try await api.send(
                .put, "/api/v1/agreements/\(agreement.json["id"]!)", token: school,
                json: jsonText([
                    "title_th": "ข้อตกลงผลการปฏิบัติงาน ปีงบประมาณ 2569", "signed_by_th": "นายสมชาย ผู้อำนวยการ",
                    "signed_on": "2025-10-15",
                    "items": [
                        agreementItems[0].merging(["weight": 70]) { $1 },
                        agreementItems[1].merging(["weight": 30]) { $1 },
                    ],
                ]), headers: ifMatch(agreement))
            XCTAssertEqual(fixed.json["weight_total"] as? Int, 100, fixed.text)
            let submitted = try await api.send(
                .post, "/api/v1/agreements/\(agreement.json["id"]!)/submit", token: school, headers: ifMatch(fixed))
            let signed = try await api.send(
                .post, "/api/v1/agreements/\(agreement.json["id"]!)/approve", token: staff, headers: ifMatch(submitted))
            XCTAssertEqual(signed.json["status"] as? String, "approved", signed.text)
            let agreements = try await api.send(
                .get, "/api/v1/agreements?fiscal_year=2569&status=approved", token: school)
            XCTAssertEqual(agreements.items.map { $0["signed_on"] as? String }, ["2025-10-15"])

            // Submit, return with a reason, resubmit, approve.
            var current = try await api.send(.get, "/api/v1/action-plans/\(planID)", token: school)
            XCTAssertEqual(current.json["project_count"] as? Int, 1)
            current = try await api.send(
                .post, "/api/v1/action-plans/\(planID)/submit", token: school, headers: ifMatch(current))
            XCTAssertEqual(current.json["status"] as? String, "submitted", current.text)
            let selfApprove = try await api.send(
                .post, "/api/v1/action-plans/\(planID)/approve", token: school, headers: ifMatch(current))
            XCTAssertEqual(selfApprove.status, 403)
            let noReason = try await api.send(
                .post, "/api/v1/action-plans/\(planID)/return", token: staff, json: "{}", headers: ifMatch(current))
            XCTAssertEqual(noReason.errorPointers, ["/reason"])
            current = try await api.send(
                .post, "/api/v1/action-plans/\(planID)/return", token: staff,
                json: #"{"reason":"โปรดระบุตัวชี้วัดของกิจกรรมให้ครบ"}"#, headers: ifMatch(current))
            XCTAssertEqual(current.json["status"] as? String, "returned", current.text)
            current = try await api.send(
                .post, "/api/v1/action-plans/\(planID)/submit", token: school, headers: ifMatch(current))
            current = try await api.send(
                .post, "/api/v1/action-plans/\(planID)/approve", token: staff, headers: ifMatch(current))
            XCTAssertEqual(current.json["status"] as? String, "approved", current.text)

            // The approved plan is frozen; a change is a new revision that keeps the approved one.
            let frozenProject = try await api.send(.get, "/api/v1/projects/\(projectID)", token: school)
            let frozen = try await api.send(
                .put, "/api/v1/projects/\(projectID)", token: school, json: jsonText(edited),
                headers: ifMatch(frozenProject))
            XCTAssertEqual(frozen.status, 409, frozen.text)
            let frozenAdd = try await api.send(
                .post, "/api/v1/action-plans/\(planID)/projects", token: school,
                json: #"{"code":"P02","name_th":"ใหม่"}"#)
            XCTAssertEqual(frozenAdd.status, 409)
            let revision = try await api.send(
                .post, "/api/v1/action-plans/\(planID)/revisions", token: school, headers: ifMatch(current))
            XCTAssertEqual(revision.status, 201, revision.text)
            XCTAssertEqual(revision.json["revision"] as? Int, 2)
            XCTAssertEqual(revision.json["previous_id"] as? Int, planID)
            XCTAssertEqual(revision.json["project_count"] as? Int, 1)
            XCTAssertEqual(revision.json["budget_total"] as? Double, 40000)
            let secondOpen = try await api.send(
                .post, "/api/v1/action-plans/\(planID)/revisions", token: school, headers: ifMatch(current))
            XCTAssertEqual(secondOpen.status, 409)

            let revisedProjects = try await api.send(
                .get, "/api/v1/action-plans/\(revision.json["id"]!)/projects", token: school)
            XCTAssertEqual(revisedProjects.items.count, 1)
            XCTAssertEqual(revisedProjects.items[0]["indicator_count"] as? Int, 1)
            XCTAssertNotEqual(revisedProjects.items[0]["id"] as? Int, projectID)
            let original = try await api.send(.get, "/api/v1/action-plans/\(planID)", token: school)
            XCTAssertEqual(original.json["status"] as? String, "approved")

            // Approving the revision retires the approved one before it, which stays readable.
            var second = try await api.send(
                .post, "/api/v1/action-plans/\(revision.json["id"]!)/submit", token: school, headers: ifMatch(revision))
            second = try await api.send(
                .post, "/api/v1/action-plans/\(revision.json["id"]!)/approve", token: staff, headers: ifMatch(second))
            XCTAssertEqual(second.json["status"] as? String, "approved", second.text)
            let retired = try await api.send(.get, "/api/v1/action-plans/\(planID)", token: school)
            XCTAssertNotNil(retired.json["superseded_at"] as? String, retired.text)
            XCTAssertNil(second.json["superseded_at"] as? String)

            // Lists: the latest revision by default, both with revisions=all.
            let latest = try await api.send(.get, "/api/v1/action-plans?fiscal_year=2569", token: staff)
            XCTAssertEqual(latest.items.map { $0["revision"] as? Int }, [2])
            let all = try await api.send(.get, "/api/v1/action-plans?fiscal_year=2569&revisions=all", token: staff)
            XCTAssertEqual(all.items.count, 2)
            let schoolProjects = try await api.send(
                .get, "/api/v1/projects?school_id=\(schoolID)&fiscal_year=2569", token: staff)
            XCTAssertEqual(schoolProjects.items.count, 1, schoolProjects.text)
            XCTAssertEqual(
                schoolProjects.items.first?["plan_status_th"] as? String,
                schoolProjects.items.first.flatMap {
                    ($0["plan_status"] as? String).flatMap(PlanStatus.init(rawValue:))?.thaiName
                }, "the plan's status in Thai beside its code")
            // A page at a time: the cursor continues where the page ended, and the last page says so.
            _ = try await api.send(
                .post, "/api/v1/action-plans/\(revision.json["id"]!)/revisions", token: school, headers: ifMatch(second)
            )
            let third = try await api.send(
                .get, "/api/v1/action-plans?fiscal_year=2569&revisions=all&limit=2", token: staff)
            XCTAssertEqual(third.items.map { $0["revision"] as? Int }, [3, 2])
            let cursor = try XCTUnwrap(third.json["next_cursor"] as? String)
            let rest = try await api.send(
                .get, "/api/v1/action-plans?fiscal_year=2569&revisions=all&limit=2&cursor=\(cursor)", token: staff)
            XCTAssertEqual(rest.items.map { $0["revision"] as? Int }, [1])
            XCTAssertTrue(rest.json["next_cursor"] is NSNull, rest.text)
            XCTAssertEqual((schoolProjects.items[0]["budget_by_source"] as? [String: Any])?["obec"] as? Double, 40000)

            // Every change is in the audit log, with the actor.
            let audit = try await api.send(.get, "/api/v1/audit?entity=project", token: admin)
            XCTAssertGreaterThanOrEqual(audit.items.count, 3, audit.text)
        }
    }

    func testSchoolSeesItsOwnPlansAndAnotherDistrictNothing() async throws {
        let (adminToken, schoolToken, committeeToken, otherDistrictToken) = (
            token(a), token(a, .schoolStaff), token(a, .committee), token(b)
        )
        let (schoolsA, schoolB) = (fixture.schoolsA, fixture.schoolsB[0])
        try await withAPI { api in
            let own = try await api.send(
                .post, "/api/v1/action-plans", token: adminToken,
                json: jsonText([
                    "school_id": schoolsA[0], "fiscal_year": 2569, "title_th": "แผนของโรงเรียนแรก",
                ]))
            let other = try await api.send(
                .post, "/api/v1/action-plans", token: adminToken,
                json: jsonText([
                    "school_id": schoolsA[1], "fiscal_year": 2569, "title_th": "แผนของโรงเรียนที่สอง",
                ]))
            let office = try await api.send(
                .post, "/api/v1/action-plans", token: adminToken,
                json: #"{"fiscal_year":2569,"title_th":"แผนของสำนักงานเขต"}"#)
            XCTAssertEqual([own.status, other.status, office.status], [201, 201, 201])

            // School staff: their own school's plan and the district office's, never another school's.
            let seen = try await api.send(.get, "/api/v1/action-plans", token: schoolToken)
            XCTAssertEqual(
                Set(seen.items.map { $0["id"] as! Int }), [own.json["id"] as! Int, office.json["id"] as! Int])
            let peek = try await api.send(.get, "/api/v1/action-plans/\(other.json["id"]!)", token: schoolToken)
            XCTAssertEqual(peek.status, 404)
            // Another district's school is named as not found, not as a broken rule.
            let noSuchSchool = try await api.send(
                .post, "/api/v1/action-plans", token: adminToken,
                json: jsonText([
                    "school_id": schoolB, "fiscal_year": 2570, "title_th": "แผน",
                ]))
            XCTAssertEqual(noSuchSchool.status, 422, noSuchSchool.text)
            XCTAssertEqual(noSuchSchool.errorPointers, ["/school_id"])
            XCTAssertEqual((noSuchSchool.json["errors"] as? [[String: Any]])?.first?["code"] as? String, "not_found")
            let forOther = try await api.send(
                .post, "/api/v1/action-plans", token: schoolToken,
                json: jsonText([
                    "school_id": schoolsA[1], "fiscal_year": 2570, "title_th": "แอบสร้าง",
                ]))
            XCTAssertEqual(forOther.status, 403)
            let officeEdit = try await api.send(
                .patch, "/api/v1/action-plans/\(office.json["id"]!)", token: schoolToken,
                json: #"{"title_th":"แก้"}"#, headers: ifMatch(office))
            XCTAssertEqual(officeEdit.status, 404, "a school may read the office's plan but not lock it for writing")

            // Another district sees nothing, by list or by id.
            let b = try await api.send(.get, "/api/v1/action-plans", token: otherDistrictToken)
            XCTAssertEqual(b.items.count, 0)
            let byID = try await api.send(.get, "/api/v1/action-plans/\(own.json["id"]!)", token: otherDistrictToken)
            XCTAssertEqual(byID.status, 404)
            let projects = try await api.send(.get, "/api/v1/projects", token: otherDistrictToken)
            XCTAssertEqual(projects.items.count, 0)

            // The committee reads but never writes.
            let committee = try await api.send(
                .post, "/api/v1/action-plans", token: committeeToken,
                json: #"{"fiscal_year":2570,"title_th":"x"}"#)
            XCTAssertEqual(committee.status, 403)
            let duplicate = try await api.send(
                .post, "/api/v1/action-plans", token: adminToken,
                json: jsonText([
                    "school_id": schoolsA[0], "fiscal_year": 2569, "title_th": "ซ้ำ",
                ]))
            XCTAssertEqual(duplicate.status, 409)
            XCTAssertEqual(duplicate.errorPointers, ["/fiscal_year"])
        }
    }

    func testDistrictIndicatorAdoptedBySchoolsWithTheirOwnTargets() async throws {
        let (adminToken, schoolToken, staffToken) = (token(a), token(a, .schoolStaff), token(a, .districtStaff))
        let schoolsA = fixture.schoolsA
        try await withAPI { api in
            let indicator = try await api.send(
                .post, "/api/v1/indicators", token: staffToken,
                json: jsonText([
                    "code": "KPI-1", "name_th": "ร้อยละนักเรียนที่มีผลสัมฤทธิ์ระดับดีขึ้นไป", "unit_th": "ร้อยละ", "kind": "outcome",
                    "direction": "within_band", "band": ["low": 70, "high": 100],
                    "scoring": ["method": "linear", "score_one": 50, "score_five": 90],
                    "targets": [["fiscal_year": 2569, "target": 75]],
                ]))
            XCTAssertEqual(indicator.status, 201, indicator.text)
            let id = indicator.json["id"]!
            let adopted = try await api.send(
                .post, "/api/v1/indicators/\(id)/adoptions", token: schoolToken,
                json: #"{"targets":[{"fiscal_year":2569,"target":80}]}"#)
            XCTAssertEqual(adopted.status, 200, adopted.text)
            let byOffice = try await api.send(
                .post, "/api/v1/indicators/\(id)/adoptions", token: adminToken,
                json: jsonText([
                    "school_id": schoolsA[1], "targets": [["fiscal_year": 2569, "target": 72]],
                ]))
            let adoptions = byOffice.json["adoptions"] as! [[String: Any]]
            XCTAssertEqual(adoptions.count, 2)
            // The school sees its own adoption only, and the district's own target.
            let asSchool = try await api.send(.get, "/api/v1/indicators/\(id)", token: schoolToken)
            XCTAssertEqual(
                (asSchool.json["adoptions"] as! [[String: Any]]).map { $0["school_id"] as! Int }, [Int(schoolsA[0])])
            XCTAssertEqual((asSchool.json["targets"] as! [[String: Any]]).first?["target"] as? Int, 75)
        }
    }

    func testAFormUploadIsTurnedAwayWithHowToSendTheFile() async throws {
        let staff = token(a, .districtStaff)
        try await withAPI { api in
            let form =
                "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.csv\"\r\n\r\nรหัสโครงการ\r\n--b--\r\n"
            let reply = try await api.send(
                .post, "/api/v1/imports/projects", token: staff, bytes: Array(form.utf8),
                headers: [.contentType: "multipart/form-data; boundary=b"])
            XCTAssertEqual(reply.status, 415, reply.text)
            XCTAssertTrue(reply.contentType.hasPrefix("application/problem+json"))
            XCTAssertTrue((reply.json["detail"] as? String ?? "").contains("--data-binary"), reply.text)
            let history = try await api.send(.get, "/api/v1/import-runs", token: staff)
            XCTAssertEqual(history.items.count, 0, "nothing was read, so nothing to keep")
        }
    }

    func testUploadingACSVImportsAllOrNothing() async throws {
        let (staff, school) = (token(a, .districtStaff), token(a, .schoolStaff))
        let header = "รหัสโรงเรียน,ปีงบประมาณ,รหัสโครงการ,ชื่อโครงการ,งบประมาณ สพฐ."
        try await withAPI { api in
            let csv: HTTPFields = [.contentType: "text/csv; charset=utf-8"]
            let bad = try await api.send(
                .post, "/api/v1/imports/projects", token: staff,
                bytes: Array("\u{FEFF}\(header)\r\n5200000001,2569,P01,อ่าน,100\r\n9999999999,2569,P02,ผิด,abc\r\n".utf8),
                headers: csv)
            XCTAssertEqual(bad.status, 422, bad.text)
            XCTAssertTrue(bad.contentType.hasPrefix("application/problem+json"))
            let rows = bad.json["row_errors"] as? [[String: Any]] ?? []
            XCTAssertEqual(rows.map { $0["line"] as? Int }, [3, 3], bad.text)
            let none = try await api.send(.get, "/api/v1/projects", token: staff)
            XCTAssertEqual(none.items.count, 0, "nothing half-loaded")

            let good = try await api.send(
                .post, "/api/v1/imports/projects", token: staff,
                bytes: Array("\(header)\n5200000001,2569,P01,อ่าน,100\n".utf8), headers: csv)
            XCTAssertEqual(good.status, 200, good.text)
            XCTAssertEqual((good.json["inserted"] as? [String: Int])?["projects"], 1)
            // Schools are the district admin's to import.
            let schools = try await api.send(
                .post, "/api/v1/imports/schools", token: school, bytes: Array("รหัสโรงเรียน,ชื่อโรงเรียน\n".utf8))
            XCTAssertEqual(schools.status, 403)
            let unknown = try await api.send(.post, "/api/v1/imports/budgets", token: staff, bytes: Array("a\n".utf8))
            XCTAssertEqual(unknown.status, 404)

            // The template is the file to fill in: filled with a row, it imports as it is.
            let template = try await api.send(.get, "/api/v1/imports/projects/template", token: staff)
            XCTAssertEqual(template.status, 200)
            XCTAssertTrue(template.contentType.hasPrefix("text/csv"))
            XCTAssertTrue(template.text.hasPrefix("\u{FEFF}รหัสโรงเรียน,ปีงบประมาณ*,รหัสโครงการ*"), template.text)
            let columns = template.text.split(separator: ",").count
            let row =
                ["5200000001", "2569", "P02", "โครงการ", "โครงการห้องสมุด", "ครูสมศรี", "1 ต.ค. 68", "30 ก.ย. 69"]
                + Array(repeating: "", count: columns - 9) + ["500"]
            let filled = template.text + row.joined(separator: ",") + "\r\n"
            // A dry run checks and loads it, says what it would add, and keeps nothing.
            let dry = try await api.send(
                .post, "/api/v1/imports/projects?dry_run=true", token: staff, bytes: Array(filled.utf8), headers: csv)
            XCTAssertEqual(dry.status, 200, dry.text)
            XCTAssertEqual(dry.json["dry_run"] as? Bool, true)
            XCTAssertEqual(
                dry.json["inserted"] as? [String: Int], ["action_plans": 0, "projects": 1, "budget_lines": 1])
            let stillOne = try await api.send(.get, "/api/v1/projects", token: staff)
            XCTAssertEqual(stillOne.items.count, 1)
            let badFlag = try await api.send(
                .post, "/api/v1/imports/projects?dry_run=maybe", token: staff, bytes: Array(filled.utf8), headers: csv)
            XCTAssertEqual(badFlag.errorPointers, ["?dry_run"], badFlag.text)
            let real = try await api.send(
                .post, "/api/v1/imports/projects", token: staff, bytes: Array(filled.utf8), headers: csv)
            XCTAssertEqual(real.json["dry_run"] as? Bool, false, real.text)
            let nowTwo = try await api.send(.get, "/api/v1/projects", token: staff)
            XCTAssertEqual(nowTwo.items.count, 2)
        }
    }
}

extension PlansAPITests {
    /// With one import allowed at a time, an upload that arrives while another runs is turned
    /// away at once with 503 and `Retry-After`, and its body is never read.
    func testUploadsBeyondTheLimitAreTurnedAway() async throws {
        let staff = token(a, .districtStaff)
        let district = a
        // Holding the district's import lock from outside keeps the first upload inside its import.
        // If this test fails half way, the server ends the idle holder after 10 s and frees the lock,
        // so nothing is left waiting for ever.
        let holder = try testDB.superuserConnection()
        try holder.query("SET idle_in_transaction_session_timeout = '10s'")
        try holder.query("BEGIN")
        try holder.query(Importer.districtLock(district))
        try await withAPI(maxConcurrentImports: 1) { api in
            let file = Array("รหัสโรงเรียน,ปีงบประมาณ,รหัสโครงการ,ชื่อโครงการ\n5200000001,2569,P01,อ่าน\n".utf8)
            async let first = api.send(.post, "/api/v1/imports/projects", token: staff, bytes: file)
            var waiting = 0
            for _ in 0..<100 where waiting == 0 {
                try await Task.sleep(for: .milliseconds(50))
                waiting = try holder.query(
                    """
                    SELECT count(*) AS n FROM pg_locks
                    WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                    """
                ).first!.decode("n")
            }
            XCTAssertEqual(waiting, 1, "the first upload should be waiting for the district's import lock")
            // The test client queues requests on its one connection; the second upload needs its own.
            let second = try await TestClient.withClient(host: "127.0.0.1", port: api.client.port!) { other in
                try await other.execute(
                    .init(
                        "/api/v1/imports/projects", method: .post, authority: "localhost",
                        headers: [.authorization: "Bearer \(staff)"], body: ByteBuffer(bytes: file)))
            }
            try holder.query("COMMIT")
            XCTAssertEqual(second.head.status.code, 503, String(buffer: second.body ?? ByteBuffer()))
            XCTAssertEqual(second.head.headerFields[.retryAfter], "1")
            let done = try await first
            XCTAssertEqual(done.status, 200, done.text)
            let again = try await api.send(.post, "/api/v1/imports/projects?dry_run=true", token: staff, bytes: file)
            XCTAssertEqual(again.status, 422, "the slot is free again; the rows are there now")
        }
    }
}

private func jsonText(_ object: [String: Any]) -> String {
    String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
}

private func ifMatch(_ reply: APIClient.Reply) -> HTTPFields { [.ifMatch: reply.headers[.eTag] ?? ""] }
