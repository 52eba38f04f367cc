import Foundation
import HTTPTypes
import TestSupport
import TidtamDomain
import Postgres
import TidtamJobs
import TidtamStore
import XCTest

func json(_ object: [String: Any]) -> String {
    String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
}

func matching(_ reply: APIClient.Reply) -> HTTPFields { [.ifMatch: reply.headers[.eTag] ?? ""] }

/// The monitoring plan over HTTP, tried as a new user would: approve a plan and find its
/// monitoring plan; report on time, late and not at all; revise the plan and find every report
/// still there; and as another school and another district, see none of it.
final class MonitoringAPITests: APITestCase {
    /// Runs every job waiting (the monitoring plan's generation) as a worker would.
    static func runJobs(_ db: Database, handlers: [any JobHandler] = BuiltInJobs.production) async throws {
        let queue = JobQueue(db: db)
        while true {
            let jobs = try await queue.claim(queue: "default", limit: 50, leaseSeconds: 30, workerID: "test")
            if jobs.isEmpty { return }
            for job in jobs {
                guard let handler = handlers.first(where: { $0.kind == job.kind }) else {
                    XCTFail("no handler for \(job.kind)")
                    continue
                }
                try await handler.run(JobContext(job: job, db: db))
            }
        }
    }

    /// An approved action plan of `school` for `year`, made and approved over the API.
    static func approvedPlan(
        _ api: APIClient, staff: String, school: Int64, year: Int, projects: [[String: Any]]
    ) async throws -> (plan: Int, projects: [[String: Any]]) {
        let plan = try await api.send(
            .post, "/api/v1/action-plans", token: staff,
            json: json(["school_id": school, "fiscal_year": year, "title_th": "แผนปฏิบัติการ \(year)"]))
        XCTAssertEqual(plan.status, 201, plan.text)
        let planID = plan.json["id"] as! Int
        var made: [[String: Any]] = []
        for project in projects {
            let reply = try await api.send(
                .post, "/api/v1/action-plans/\(planID)/projects", token: staff, json: json(project))
            XCTAssertEqual(reply.status, 201, reply.text)
            made.append(reply.json)
        }
        var current = try await api.send(.get, "/api/v1/action-plans/\(planID)", token: staff)
        current = try await api.send(
            .post, "/api/v1/action-plans/\(planID)/submit", token: staff, headers: matching(current))
        XCTAssertEqual(current.status, 200, current.text)
        current = try await api.send(
            .post, "/api/v1/action-plans/\(planID)/approve", token: staff, headers: matching(current))
        XCTAssertEqual(current.status, 200, current.text)
        return (planID, made)
    }

    func testApprovalGeneratesTheMonitoringPlanAndReportsAreCountedFromTheData() async throws {
        let staff = token(a, .districtStaff), school = token(a, .schoolStaff)
        let schoolID = fixture.schoolsA[0]
        let db = self.db!, districtA = a, tokenB = token(b)
        let schoolA0 = fixture.schoolsA[0], schoolA1 = fixture.schoolsA[1]
        try await withAPI { api in
            // FY 2568 (Oct 2024 – Sep 2025) is over: every due date has passed.
            let (planID, projects) = try await Self.approvedPlan(
                api, staff: staff, school: schoolID, year: 2568,
                projects: [
                    [
                        "code": "P1", "name_th": "โครงการส่งเสริมการอ่าน",
                        "activities": [["name_th": "สรุปผล", "end_date": "2025-03-15", "is_milestone": true]],
                        "budget_lines": [["source": "obec", "amount": 10000]],
                    ],
                    ["code": "P2", "name_th": "โครงการคณิตศาสตร์", "start_date": "2024-10-01", "end_date": "2025-03-31"],
                ])
            // The approval enqueued the generation in its own transaction; nothing exists before it runs.
            let before = try await api.send(.get, "/api/v1/monitoring-items?action_plan_id=\(planID)", token: staff)
            XCTAssertEqual(before.items.count, 0)
            try await Self.runJobs(db)
            let items = try await api.send(
                .get, "/api/v1/monitoring-items?action_plan_id=\(planID)&limit=200", token: staff)
            XCTAssertEqual(items.status, 200, items.text)
            // P1: four quarters and one checkpoint; P2 runs October–March: quarters 1 and 2.
            let kinds = items.items.map { "\($0["project_id"]!)-\($0["kind"]!)-\($0["period"]!)" }
            XCTAssertEqual(items.items.count, 7, "\(kinds)")
            let p1 = projects[0]["id"] as! Int
            let q1 = items.items.first { $0["project_id"] as? Int == p1 && $0["period"] as? Int == 1 }!
            XCTAssertEqual(q1["due_on"] as? String, "2025-01-15", "15 days after the quarter ends on 31 December")
            XCTAssertEqual(q1["period_th"] as? String, "ไตรมาสที่ 1 ปีงบประมาณ พ.ศ. 2568")
            XCTAssertEqual(q1["due_on_th"] as? String, "15 มกราคม 2568")
            XCTAssertEqual(q1["standing"] as? String, "missing")
            XCTAssertEqual(q1["standing_th"] as? String, "ยังไม่ส่ง (เลยกำหนด)")
            // Running the job again (a retry) changes nothing.
            _ = try await JobQueue(db: db).enqueue(
                NewJob(
                    districtID: districtA, kind: MonitoringPlanJob.kind, args: .init("{\"action_plan_id\":\(planID)}")))
            try await Self.runJobs(db)
            let again = try await api.send(
                .get, "/api/v1/monitoring-items?action_plan_id=\(planID)&limit=200", token: staff)
            XCTAssertEqual(again.items.count, 7)

            // On time: the district moves Q2's due date into the future (with a reason), the school reports.
            let q2 = items.items.first { $0["project_id"] as? Int == p1 && $0["period"] as? Int == 2 }!
            let noReason = try await api.send(
                .post, "/api/v1/monitoring-items/\(q2["id"]!)/due-date", token: staff,
                json: json(["due_on": "2099-01-01"]), headers: [.ifMatch: "\"\(q2["version"]!)\""])
            XCTAssertEqual(noReason.status, 422)
            XCTAssertEqual(noReason.errorPointers, ["/reason"])
            let moved = try await api.send(
                .post, "/api/v1/monitoring-items/\(q2["id"]!)/due-date", token: staff,
                json: json(["due_on": "2099-01-01", "reason": "โรงเรียนปิดซ่อมอาคาร"]),
                headers: [.ifMatch: "\"\(q2["version"]!)\""])
            XCTAssertEqual(moved.status, 200, moved.text)
            XCTAssertEqual(moved.json["standing"] as? String, "upcoming")
            let forbidden = try await api.send(
                .post, "/api/v1/monitoring-items/\(q2["id"]!)/due-date", token: school,
                json: json(["due_on": "2099-02-01", "reason": "ขอเลื่อน"]), headers: matching(moved))
            XCTAssertEqual(forbidden.status, 403)

            let lineID = ((projects[0]["budget_lines"] as! [[String: Any]])[0]["id"]) as! Int
            // More than allocated needs a reason; a line of another project is refused; every problem at once.
            let bad = try await api.send(
                .post, "/api/v1/monitoring-items/\(q2["id"]!)/reports", token: school,
                json: json([
                    "percent_complete": 120, "progress_status": "late",
                    "disbursements": [["budget_line_id": lineID, "amount": 15000]],
                ]))
            XCTAssertEqual(bad.status, 422)
            XCTAssertEqual(Set(bad.errorPointers), ["/percent_complete", "/progress_status"], bad.text)
            let over = try await api.send(
                .post, "/api/v1/monitoring-items/\(q2["id"]!)/reports", token: school,
                json: json([
                    "percent_complete": 40, "progress_status": "on_track",
                    "disbursements": [
                        ["budget_line_id": lineID, "amount": 15000], ["budget_line_id": 999999, "amount": 1],
                    ],
                ]))
            XCTAssertEqual(over.status, 422)
            XCTAssertEqual(
                Set(over.errorPointers), ["/disbursements/0/over_reason_th", "/disbursements/1/budget_line_id"],
                over.text)
            let draft = try await api.send(
                .post, "/api/v1/monitoring-items/\(q2["id"]!)/reports", token: school,
                json: json([
                    "percent_complete": 40, "progress_status": "on_track", "done_th": "จัดกิจกรรมยอดนักอ่านแล้ว",
                    "disbursements": [["budget_line_id": lineID, "amount": 4000.50]],
                ]))
            XCTAssertEqual(draft.status, 201, draft.text)
            XCTAssertEqual(draft.json["progress_status_th"] as? String, "เป็นไปตามแผน")
            let submitted = try await api.send(
                .post, "/api/v1/progress-reports/\(draft.json["id"]!)/submit", token: school, headers: matching(draft))
            XCTAssertEqual(submitted.status, 200, submitted.text)
            // A submitted report is not edited; a new version keeps it.
            let edit = try await api.send(
                .put, "/api/v1/progress-reports/\(draft.json["id"]!)", token: school,
                json: json(["percent_complete": 50, "progress_status": "on_track"]), headers: matching(submitted))
            XCTAssertEqual(edit.status, 409)

            // Late: Q1's due date passed long ago.
            let lateDraft = try await api.send(
                .post, "/api/v1/monitoring-items/\(q1["id"]!)/reports", token: school,
                json: json(["percent_complete": 20, "progress_status": "delayed", "problems_th": "ครูย้าย"]))
            XCTAssertEqual(lateDraft.status, 201, lateDraft.text)
            let late = try await api.send(
                .post, "/api/v1/progress-reports/\(lateDraft.json["id"]!)/submit", token: school,
                headers: matching(lateDraft))
            XCTAssertEqual(late.status, 200)
            // The district returns it; the school's new version keeps the first.
            let returned = try await api.send(
                .post, "/api/v1/progress-reports/\(lateDraft.json["id"]!)/return", token: staff,
                json: json(["reason": "โปรดระบุแนวทางแก้ไข"]), headers: matching(late))
            XCTAssertEqual(returned.status, 200, returned.text)
            let second = try await api.send(
                .post, "/api/v1/monitoring-items/\(q1["id"]!)/reports", token: school,
                json: json([
                    "percent_complete": 20, "progress_status": "delayed", "problems_th": "ครูย้าย",
                    "next_steps_th": "จัดครูอื่นรับผิดชอบแทน",
                ]))
            XCTAssertEqual(second.status, 201, second.text)
            XCTAssertEqual(second.json["report_version"] as? Int, 2)
            XCTAssertEqual(second.json["previous_id"] as? Int, lateDraft.json["id"] as? Int)
            let versions = try await api.send(.get, "/api/v1/monitoring-items/\(q1["id"]!)/reports", token: staff)
            XCTAssertEqual(versions.items.map { $0["report_version"] as? Int }, [2, 1])

            // The counts, read from the data: one on time, one late, five missing.
            let summary = try await api.send(
                .get, "/api/v1/monitoring/summary?fiscal_year=2568&school_id=\(schoolID)", token: staff)
            XCTAssertEqual(summary.status, 200, summary.text)
            XCTAssertEqual(summary.json["on_time"] as? Int, 1, summary.text)
            XCTAssertEqual(summary.json["late"] as? Int, 1, summary.text)
            XCTAssertEqual(summary.json["missing"] as? Int, 5, summary.text)
            let onTime = try await api.send(
                .get, "/api/v1/monitoring-items?fiscal_year=2568&standing=on_time", token: staff)
            XCTAssertEqual(onTime.items.map { $0["id"] as? Int }, [q2["id"] as? Int])
            let overdue = try await api.send(.get, "/api/v1/monitoring/overdue?fiscal_year=2568", token: staff)
            XCTAssertEqual(overdue.items.count, 6, overdue.text)
            XCTAssertTrue(overdue.items.allSatisfy { ["late", "missing"].contains($0["standing"] as? String) })

            // Another school's staff and another district see none of it.
            let otherSchool = try await UserStore(db).create(
                .background(districtA),
                UserInput(
                    email: "other@a.test", displayName: "ครูโรงเรียนอื่น", role: .schoolStaff,
                    schoolID: schoolA1))
            let otherToken = try await TokenStore(db).create(
                .background(districtA), userID: otherSchool.id, name: "t", expiresAt: nil
            ).1
            for (who, t) in [("another school", otherToken), ("another district", tokenB)] {
                let list = try await api.send(.get, "/api/v1/monitoring-items?fiscal_year=2568", token: t)
                XCTAssertEqual(list.items.count, 0, who)
                let one = try await api.send(.get, "/api/v1/monitoring-items/\(q1["id"]!)", token: t)
                XCTAssertEqual(one.status, 404, who)
                let report = try await api.send(.get, "/api/v1/progress-reports/\(draft.json["id"]!)", token: t)
                XCTAssertEqual(report.status, 404, who)
                let write = try await api.send(
                    .post, "/api/v1/monitoring-items/\(q1["id"]!)/reports", token: t,
                    json: json(["percent_complete": 1, "progress_status": "on_track"]))
                XCTAssertEqual(write.status, 404, who)
            }
        }
    }

    func testARevisionKeepsEveryReportWithdrawsRemovedProjectsAndAddsNewOnes() async throws {
        let staff = token(a, .districtStaff), school = token(a, .schoolStaff)
        let schoolID = fixture.schoolsA[0]
        let testDB = self.testDB!
        let db = self.db!, districtA = a, tokenB = token(b)
        let schoolA0 = fixture.schoolsA[0], schoolA1 = fixture.schoolsA[1]
        try await withAPI { api in
            let (planID, projects) = try await Self.approvedPlan(
                api, staff: staff, school: schoolID, year: 2569,
                projects: [["code": "P1", "name_th": "โครงการอ่าน"], ["code": "P2", "name_th": "โครงการที่จะตัดออก"]])
            try await Self.runJobs(db)
            let p1 = projects[0]["id"] as! Int
            let firstItems = try await api.send(.get, "/api/v1/monitoring-items?project_id=\(p1)", token: staff)
            XCTAssertEqual(firstItems.items.count, 4)
            let item = firstItems.items[0]
            let report = try await api.send(
                .post, "/api/v1/monitoring-items/\(item["id"]!)/reports", token: school,
                json: json(["percent_complete": 25, "progress_status": "on_track"]))
            XCTAssertEqual(report.status, 201, report.text)
            _ = try await api.send(
                .post, "/api/v1/progress-reports/\(report.json["id"]!)/submit", token: school, headers: matching(report)
            )

            // Revise: drop P2, add P3; approve the revision.
            var plan = try await api.send(.get, "/api/v1/action-plans/\(planID)", token: staff)
            let revision = try await api.send(
                .post, "/api/v1/action-plans/\(planID)/revisions", token: staff, headers: matching(plan))
            XCTAssertEqual(revision.status, 201, revision.text)
            let revisionID = revision.json["id"] as! Int
            let copies = try await api.send(.get, "/api/v1/action-plans/\(revisionID)/projects", token: staff)
            let p2copy = copies.items.first { $0["code"] as? String == "P2" }!
            let p1copy = copies.items.first { $0["code"] as? String == "P1" }!
            let p2full = try await api.send(.get, "/api/v1/projects/\(p2copy["id"]!)", token: staff)
            let removed = try await api.send(
                .delete, "/api/v1/projects/\(p2copy["id"]!)", token: staff, headers: matching(p2full))
            XCTAssertEqual(removed.status, 204, removed.text)
            let p3 = try await api.send(
                .post, "/api/v1/action-plans/\(revisionID)/projects", token: staff,
                json: json(["code": "P3", "name_th": "โครงการใหม่"]))
            XCTAssertEqual(p3.status, 201)
            plan = try await api.send(.get, "/api/v1/action-plans/\(revisionID)", token: staff)
            plan = try await api.send(
                .post, "/api/v1/action-plans/\(revisionID)/submit", token: staff, headers: matching(plan))
            plan = try await api.send(
                .post, "/api/v1/action-plans/\(revisionID)/approve", token: staff, headers: matching(plan))
            XCTAssertEqual(plan.status, 200, plan.text)
            try await Self.runJobs(db)

            // P1's items (and the report) moved to its copy; P2's are withdrawn; P3 has its own.
            let moved = try await api.send(.get, "/api/v1/monitoring-items/\(item["id"]!)", token: staff)
            XCTAssertEqual(moved.json["project_id"] as? Int, p1copy["id"] as? Int)
            XCTAssertEqual(moved.json["action_plan_id"] as? Int, revisionID)
            XCTAssertEqual((moved.json["latest_report"] as? [String: Any])?["id"] as? Int, report.json["id"] as? Int)
            let kept = try await api.send(.get, "/api/v1/progress-reports/\(report.json["id"]!)", token: staff)
            XCTAssertEqual(kept.json["status"] as? String, "submitted")
            let withdrawn = try await api.send(
                .get, "/api/v1/monitoring-items?fiscal_year=2569&standing=withdrawn&limit=200", token: staff)
            XCTAssertEqual(withdrawn.items.count, 4, withdrawn.text)
            XCTAssertTrue(withdrawn.items.allSatisfy { $0["project_id"] as? Int == projects[1]["id"] as? Int })
            let fresh = try await api.send(.get, "/api/v1/monitoring-items?project_id=\(p3.json["id"]!)", token: staff)
            XCTAssertEqual(fresh.items.count, 4)
            let all = try await api.send(
                .get, "/api/v1/monitoring-items?action_plan_id=\(revisionID)&limit=200", token: staff)
            XCTAssertEqual(all.items.count, 8)
            // What the items follow cannot go away, whoever deletes (the schema owner here).
            let owner = try testDB.ownerConnection()
            try owner.execute(script: "SET tidtam.district_id = '\(districtA)'; SET tidtam.role = 'district_admin'")
            XCTAssertThrowsError(try owner.execute(script: "DELETE FROM project WHERE id = \(p1copy["id"]!)")) {
                error in
                XCTAssertTrue("\(error)".contains("still referenced"), "\(error)")
            }
            // A withdrawn item takes no report.
            let refused = try await api.send(
                .post, "/api/v1/monitoring-items/\(withdrawn.items[0]["id"]!)/reports", token: school,
                json: json(["percent_complete": 1, "progress_status": "on_track"]))
            XCTAssertEqual(refused.status, 409)
        }
    }

    func testEvidenceFilesAreCheckedStoredAndServedWithTheirChecksum() async throws {
        let school = token(a, .schoolStaff), staff = token(a, .districtStaff)
        let db = self.db!, districtA = a, tokenB = token(b)
        let schoolA0 = fixture.schoolsA[0], schoolA1 = fixture.schoolsA[1]
        try await withAPI { api in
            let (_, projects) = try await Self.approvedPlan(
                api, staff: staff, school: schoolA0, year: 2569, projects: [["code": "P1", "name_th": "โครงการอ่าน"]])
            try await Self.runJobs(db)
            let items = try await api.send(
                .get, "/api/v1/monitoring-items?project_id=\(projects[0]["id"]!)", token: school)
            let draft = try await api.send(
                .post, "/api/v1/monitoring-items/\(items.items[0]["id"]!)/reports", token: school,
                json: json(["percent_complete": 10, "progress_status": "on_track"]))
            let pdf = Array("%PDF-1.4\n% ภาพกิจกรรม\n".utf8) + Array(repeating: UInt8(ascii: "x"), count: 1000)
            let name = "ภาพกิจกรรม.pdf".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            // A "PDF" that is not one is refused; a type not allowed is 415.
            let fake = try await api.send(
                .post, "/api/v1/progress-reports/\(draft.json["id"]!)/evidence?file_name=\(name)", token: school,
                bytes: Array("MZ\u{90}".utf8), headers: [.contentType: "application/pdf"])
            XCTAssertEqual(fake.status, 422, fake.text)
            let exe = try await api.send(
                .post, "/api/v1/progress-reports/\(draft.json["id"]!)/evidence?file_name=a.exe", token: school,
                bytes: [1, 2, 3], headers: [.contentType: "application/x-msdownload"])
            XCTAssertEqual(exe.status, 415, exe.text)
            let big = try await api.send(
                .post, "/api/v1/progress-reports/\(draft.json["id"]!)/evidence?file_name=big.pdf", token: school,
                bytes: Array("%PDF-".utf8) + Array(repeating: 0, count: 11 << 20),
                headers: [.contentType: "application/pdf"])
            XCTAssertEqual(big.status, 413, big.text)
            let file = try await api.send(
                .post, "/api/v1/progress-reports/\(draft.json["id"]!)/evidence?file_name=\(name)", token: school,
                bytes: pdf, headers: [.contentType: "application/pdf"])
            XCTAssertEqual(file.status, 201, file.text)
            XCTAssertEqual(file.json["file_name"] as? String, "ภาพกิจกรรม.pdf")
            let sha = file.json["sha256"] as! String
            XCTAssertEqual(sha.count, 64)
            let content = try await api.send(.get, "/api/v1/evidence-files/\(file.json["id"]!)/content", token: school)
            XCTAssertEqual(content.status, 200)
            XCTAssertEqual(content.headers[.eTag], "\"\(sha)\"")
            XCTAssertEqual(content.headers[.contentType], "application/pdf")
            XCTAssertEqual(Array(content.text.utf8), pdf)
            let cached = try await api.send(
                .get, "/api/v1/evidence-files/\(file.json["id"]!)/content", token: school,
                headers: [.ifNoneMatch: "\"\(sha)\""])
            XCTAssertEqual(cached.status, 304)
            let elsewhere = try await api.send(
                .get, "/api/v1/evidence-files/\(file.json["id"]!)/content", token: tokenB)
            XCTAssertEqual(elsewhere.status, 404)
            // A new version after submission lists the same file; the old version keeps it too.
            var report = try await api.send(.get, "/api/v1/progress-reports/\(draft.json["id"]!)", token: school)
            XCTAssertEqual((report.json["evidence"] as? [[String: Any]])?.count, 1)
            report = try await api.send(
                .post, "/api/v1/progress-reports/\(draft.json["id"]!)/submit", token: school, headers: matching(report))
            let next = try await api.send(
                .post, "/api/v1/monitoring-items/\(items.items[0]["id"]!)/reports", token: school,
                json: json(["percent_complete": 15, "progress_status": "on_track"]))
            XCTAssertEqual((next.json["evidence"] as? [[String: Any]])?.first?["sha256"] as? String, sha)
            let frozen = try await api.send(.delete, "/api/v1/evidence-files/\(file.json["id"]!)", token: school)
            XCTAssertEqual(frozen.status, 409)
        }
    }

    func testAnActualIsCorrectedByANewRowAndItsHistoryKept() async throws {
        let staff = token(a, .districtStaff), school = token(a, .schoolStaff)
        let db = self.db!, districtA = a, tokenB = token(b)
        let schoolA0 = fixture.schoolsA[0], schoolA1 = fixture.schoolsA[1]
        try await withAPI { api in
            let indicator = try await api.send(
                .post, "/api/v1/indicators", token: school,
                json: json([
                    "school_id": schoolA0, "name_th": "ร้อยละนักเรียนอ่านคล่อง", "unit_th": "ร้อยละ",
                    "kind": "outcome", "direction": "higher_is_better", "period": "quarter",
                    "scoring": ["method": "five_levels", "levels": [60, 70, 80, 90, 95]],
                ]))
            XCTAssertEqual(indicator.status, 201, indicator.text)
            let id = indicator.json["id"]!
            let first = try await api.send(
                .post, "/api/v1/indicators/\(id)/actuals", token: school,
                json: json(["fiscal_year": 2569, "period": 1, "value": 72.5]))
            XCTAssertEqual(first.status, 201, first.text)
            let badPeriod = try await api.send(
                .post, "/api/v1/indicators/\(id)/actuals", token: school,
                json: json(["fiscal_year": 2569, "period": 7, "value": 1]))
            XCTAssertEqual(badPeriod.errorPointers, ["/period"])
            let noReason = try await api.send(
                .post, "/api/v1/indicators/\(id)/actuals", token: school,
                json: json(["fiscal_year": 2569, "period": 1, "value": 75]))
            XCTAssertEqual(noReason.status, 422)
            XCTAssertEqual(noReason.errorPointers, ["/correction_reason"])
            let corrected = try await api.send(
                .post, "/api/v1/indicators/\(id)/actuals", token: staff,
                json: json([
                    "fiscal_year": 2569, "period": 1, "value": 75, "correction_reason": "นับนักเรียนที่ย้ายเข้าตกหล่น",
                ]))
            XCTAssertEqual(corrected.status, 201, corrected.text)
            XCTAssertEqual(corrected.json["seq"] as? Int, 2)
            let current = try await api.send(.get, "/api/v1/indicators/\(id)/actuals", token: school)
            XCTAssertEqual(current.items.map { $0["value"] as? Double }, [75])
            let history = try await api.send(.get, "/api/v1/indicators/\(id)/actuals/history", token: school)
            XCTAssertEqual(history.items.map { $0["value"] as? Double }, [72.5, 75])
            XCTAssertEqual(history.items.map { $0["is_current"] as? Bool }, [false, true])
            let elsewhere = try await api.send(.get, "/api/v1/indicators/\(id)/actuals/history", token: tokenB)
            XCTAssertEqual(elsewhere.status, 404)
        }
    }
    func testAnApprovedAgreementIsFollowedUpAtMidYearAndYearEnd() async throws {
        let staff = token(a, .districtStaff), school = token(a, .schoolStaff)
        let db = self.db!
        try await withAPI { api in
            let indicator = try await api.send(
                .post, "/api/v1/indicators", token: staff,
                json: json([
                    "name_th": "ร้อยละของนักเรียนที่อ่านออกเขียนได้", "unit_th": "ร้อยละ", "kind": "outcome",
                    "direction": "higher_is_better",
                    "scoring": ["method": "five_levels", "levels": [60, 70, 80, 90, 95]],
                ]))
            XCTAssertEqual(indicator.status, 201, indicator.text)
            var agreement = try await api.send(
                .post, "/api/v1/agreements", token: school,
                json: json([
                    "fiscal_year": 2569, "title_th": "ข้อตกลงผลการปฏิบัติงาน ปีงบประมาณ 2569",
                    "items": [["indicator_id": indicator.json["id"]!, "weight": 100, "target": 85]],
                ]))
            XCTAssertEqual(agreement.status, 201, agreement.text)
            let id = agreement.json["id"]!
            agreement = try await api.send(
                .post, "/api/v1/agreements/\(id)/submit", token: school, headers: matching(agreement))
            agreement = try await api.send(
                .post, "/api/v1/agreements/\(id)/approve", token: staff, headers: matching(agreement))
            XCTAssertEqual(agreement.status, 200, agreement.text)
            try await Self.runJobs(db)
            let items = try await api.send(.get, "/api/v1/monitoring-items?agreement_id=\(id)", token: school)
            XCTAssertEqual(items.items.map { $0["kind"] as? String }, ["agreement_follow_up", "agreement_follow_up"])
            XCTAssertEqual(items.items.map { $0["due_on"] as? String }, ["2026-04-15", "2026-10-15"])
            XCTAssertEqual(
                items.items.map { $0["period_th"] as? String },
                [
                    "ครึ่งปีแรก ปีงบประมาณ พ.ศ. 2569", "ครึ่งปีหลัง ปีงบประมาณ พ.ศ. 2569",
                ])
            XCTAssertEqual(items.items.first?["indicator_name_th"] as? String, "ร้อยละของนักเรียนที่อ่านออกเขียนได้")
        }
    }
}
