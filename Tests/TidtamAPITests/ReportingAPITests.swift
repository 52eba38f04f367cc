import Foundation
import HTTPTypes
import Postgres
import TestSupport
import TidtamDomain
import TidtamJobs
import TidtamStore
import XCTest

/// Reporting deadlines over HTTP, tried as a new user would: OBEC issues a quarterly requirement
/// with a 15-day timeliness window; every district gets its copy from its reporting scan; schools
/// submit on time, late and never, one is returned and sent again; a school that opened mid-year
/// is expected only for the quarters it was open; the rates are compared with a hand count, for
/// one district and for every district side by side.
final class ReportingAPITests: APITestCase {
    static var quarterly: [String: Any] {
        [
            "title_th": "รายงานผลการดำเนินงานรายไตรมาส", "title_en": "Quarterly results", "fiscal_year": 2569,
            "frequency": "quarter", "due_days": 10, "on_time_days": 15, "audience": "schools",
            "sections": [
                ["key": "progress", "kind": "progress", "title_th": "ความก้าวหน้าของโครงการ"],
                ["key": "summary", "kind": "text", "title_th": "สรุปผลการดำเนินงาน"],
            ],
        ]
    }

    /// Sets when a submission was first sent, as if it had been sent then (the rates read it).
    static func backdate(_ testDB: TestDatabase, district: Int64, _ submission: Int, to moment: String) throws {
        let owner = try testDB.ownerConnection()
        // Row-level security is forced on the owner too: it acts for the district.
        try owner.execute(
            script:
                "SELECT set_config('tidtam.district_id', '\(district)', false); UPDATE report_submission SET first_submitted_at = '\(moment)', submitted_at = '\(moment)' WHERE id = \(submission)"
        )
    }

    func testOBECRequirementSubmissionsAndRatesAgainstAHandCount() async throws {
        let staff = token(a, .districtStaff), school = token(a, .schoolStaff), staffB = token(b, .districtStaff)
        let national = try await TokenStore(db).createNational(email: "obec@test", displayName: "สพฐ.", name: "test")
        let (a0, a1, a2) = (fixture.schoolsA[0], fixture.schoolsA[1], fixture.schoolsA[2])
        let db = self.db!, testDB = self.testDB!, district = a, admin = token(a)
        try await withAPI { api in
            // Every invalid field at once, in Thai and English; a district cannot issue for the nation.
            let bad = try await api.send(
                .post, "/api/v1/national-requirements", token: national,
                json: json([
                    "title_th": "", "fiscal_year": 2569, "frequency": "weekly", "due_days": -1, "audience": "schools",
                    "sections": [["key": "A B", "kind": "text", "title_th": "x"]],
                ]))
            XCTAssertEqual(bad.status, 422, bad.text)
            XCTAssertEqual(
                Set(bad.errorPointers), ["/title_th", "/frequency", "/due_days", "/sections/0/key"], bad.text)
            XCTAssertTrue(bad.text.contains("ต้อง"), "Thai detail")
            let refused = try await api.send(
                .post, "/api/v1/national-requirements", token: staff, json: json(Self.quarterly))
            XCTAssertEqual(refused.status, 403, refused.text)

            let issued = try await api.send(
                .post, "/api/v1/national-requirements", token: national, json: json(Self.quarterly))
            XCTAssertEqual(issued.status, 201, issued.text)
            let nationalID = issued.json["id"] as! Int
            let periods = issued.json["periods"] as! [[String: Any]]
            XCTAssertEqual(periods.count, 4)
            XCTAssertEqual(periods[0]["name_th"] as? String, "ไตรมาสที่ 1 ปีงบประมาณ พ.ศ. 2569")
            XCTAssertEqual(periods[0]["due_on"] as? String, "2026-01-10")
            XCTAssertEqual(periods[0]["due_on_th"] as? String, "10 มกราคม 2569")
            XCTAssertEqual(periods[0]["on_time_until"] as? String, "2026-01-25")

            // Each district's scan (enqueued at once for every district) makes its copy; a rescan adds none.
            try await MonitoringAPITests.runJobs(db)
            let copies = try await api.send(.get, "/api/v1/requirements?issuer=obec", token: staff)
            XCTAssertEqual(copies.items.count, 1, copies.text)
            let requirement = copies.items[0]["id"] as! Int
            XCTAssertEqual(copies.items[0]["issuer_th"] as? String, "สพฐ.")
            let copiesB = try await api.send(.get, "/api/v1/requirements?issuer=obec", token: staffB)
            XCTAssertEqual(copiesB.items.count, 1)
            let requirementB = copiesB.items[0]["id"] as! Int
            let rescan = try await db.transaction(DistrictTenant.background(district)) { tx in
                try ReportingScan.run(tx, district: district)
            }
            XCTAssertEqual(rescan.requirementsCopied, 0)
            let rescanned = try await api.send(.get, "/api/v1/requirements?issuer=obec", token: staff)
            XCTAssertEqual(rescanned.items.count, 1)

            // A fourth school opened on 1 April 2026: expected for quarters 3 and 4 only.
            let opened = try await api.send(
                .post, "/api/v1/schools", token: admin,
                json: json(["obec_code": "5200000041", "name_th": "โรงเรียนบ้านใหม่"]))
            XCTAssertEqual(opened.status, 201, opened.text)
            let a3 = opened.json["id"] as! Int
            let dated = try await api.send(
                .patch, "/api/v1/schools/\(a3)", token: admin, json: json(["opened_on": "2026-04-01"]),
                headers: matching(opened))
            XCTAssertEqual(dated.status, 200, dated.text)
            XCTAssertEqual(dated.json["opened_on"] as? String, "2026-04-01")
            let notOpen = try await api.send(
                .post, "/api/v1/submissions", token: staff,
                json: json(["requirement_id": requirement, "period": 1, "school_id": a3]))
            XCTAssertEqual(notOpen.status, 422, notOpen.text)
            XCTAssertEqual(notOpen.errorPointers, ["/school_id"])

            // School A0 writes its report; one submission per requirement, period and unit.
            let draft = try await api.send(
                .post, "/api/v1/submissions", token: school, json: json(["requirement_id": requirement, "period": 1]))
            XCTAssertEqual(draft.status, 201, draft.text)
            let again = try await api.send(
                .post, "/api/v1/submissions", token: school, json: json(["requirement_id": requirement, "period": 1]))
            XCTAssertEqual(again.status, 200)
            XCTAssertEqual(again.json["id"] as? Int, draft.json["id"] as? Int)
            let elsewhere = try await api.send(
                .post, "/api/v1/submissions", token: school,
                json: json(["requirement_id": requirement, "period": 1, "school_id": a1]))
            XCTAssertEqual(elsewhere.status, 403, elsewhere.text)
            let id = draft.json["id"] as! Int
            let empty = try await api.send(
                .post, "/api/v1/submissions/\(id)/submit", token: school, headers: matching(draft))
            XCTAssertEqual(empty.status, 422, empty.text)
            XCTAssertEqual(empty.errorPointers, ["/sections/summary"])
            let dataSection = try await api.send(
                .patch, "/api/v1/submissions/\(id)", token: school, json: json(["sections": ["progress": "x"]]),
                headers: matching(draft))
            XCTAssertEqual(dataSection.status, 422, dataSection.text)
            let written = try await api.send(
                .patch, "/api/v1/submissions/\(id)", token: school,
                json: json(["sections": ["summary": "ดำเนินการครบทุกโครงการ"]]), headers: matching(draft))
            XCTAssertEqual(written.status, 200, written.text)
            let sent = try await api.send(
                .post, "/api/v1/submissions/\(id)/submit", token: school, headers: matching(written))
            XCTAssertEqual(sent.status, 200, sent.text)
            XCTAssertEqual(sent.json["status"] as? String, "submitted")
            XCTAssertEqual(sent.json["versions"] as? Int, 1)
            let firstSent = sent.json["first_submitted_at"] as! String

            // Returned with a reason, changed and sent again: both versions kept, the first time kept.
            let returned = try await api.send(
                .post, "/api/v1/submissions/\(id)/return", token: staff, json: json(["reason": "ขอรายละเอียดงบประมาณ"]),
                headers: matching(sent))
            XCTAssertEqual(returned.status, 200, returned.text)
            XCTAssertEqual(returned.json["status_th"] as? String, "ส่งกลับให้แก้ไข")
            let revised = try await api.send(
                .patch, "/api/v1/submissions/\(id)", token: school,
                json: json(["sections": ["summary": "ดำเนินการครบทุกโครงการ เบิกจ่ายร้อยละ 80"]]),
                headers: matching(returned))
            let resent = try await api.send(
                .post, "/api/v1/submissions/\(id)/submit", token: school, headers: matching(revised))
            XCTAssertEqual(resent.json["versions"] as? Int, 2, resent.text)
            XCTAssertEqual(resent.json["first_submitted_at"] as? String, firstSent)
            let accepted = try await api.send(
                .post, "/api/v1/submissions/\(id)/accept", token: staff, headers: matching(resent))
            XCTAssertEqual(accepted.json["status"] as? String, "accepted", accepted.text)
            let versions = try await api.send(.get, "/api/v1/submissions/\(id)/versions", token: staff)
            XCTAssertEqual(versions.items.count, 2)
            let frozen = (versions.items[0]["content"] as? [String: Any])?["sections"] as? [String: Any]
            XCTAssertEqual((frozen?["summary"] as? [String: Any])?["value"] as? String, "ดำเนินการครบทุกโครงการ")
            XCTAssertNotNil((frozen?["progress"] as? [String: Any])?["value"] as? [Any], "a data section is filled")

            // A1's report is sent by the district office for it, late; A2 never sends.
            let a1Draft = try await api.send(
                .post, "/api/v1/submissions", token: staff,
                json: json(["requirement_id": requirement, "period": 1, "school_id": a1]))
            let a1Written = try await api.send(
                .patch, "/api/v1/submissions/\(a1Draft.json["id"] as! Int)", token: staff,
                json: json(["sections": ["summary": "ส่งช้า"]]), headers: matching(a1Draft))
            let a1Sent = try await api.send(
                .post, "/api/v1/submissions/\(a1Draft.json["id"] as! Int)/submit", token: staff,
                headers: matching(a1Written))
            XCTAssertEqual(a1Sent.status, 200, a1Sent.text)
            // A0's on the last day that counts, A1's a day late.
            try Self.backdate(testDB, district: district, id, to: "2026-01-25 16:00+07")
            try Self.backdate(testDB, district: district, a1Draft.json["id"] as! Int, to: "2026-01-26 08:00+07")

            // The hand count, fiscal year 2569: A0, A1, A2 × 4 quarters + A3 × 2 = 14 expected;
            // 2 sent (A0's accepted, A1's submitted); 1 on time.
            let range = "from=2025-10-01&to=2026-09-30"
            let rates = try await api.send(.get, "/api/v1/reporting-rates?\(range)", token: staff)
            XCTAssertEqual(rates.status, 200, rates.text)
            let total = rates.json["total"] as! [String: Any]
            XCTAssertEqual(total["expected"] as? Int, 14, rates.text)
            XCTAssertEqual(total["actual"] as? Int, 2)
            XCTAssertEqual(total["on_time"] as? Int, 1)
            XCTAssertEqual(total["reporting_rate"] as? Double, 14.29)
            XCTAssertEqual(total["on_time_rate"] as? Double, 7.14)
            let bySchool = try await api.send(
                .get, "/api/v1/reporting-rates?\(range)&group_by=school", token: staff)
            let rows = Dictionary(
                uniqueKeysWithValues: (bySchool.json["groups"] as! [[String: Any]]).map {
                    ($0["school_id"] as! Int, $0)
                })
            XCTAssertEqual(rows[Int(a0)]?["on_time"] as? Int, 1)
            XCTAssertEqual(rows[Int(a1)]?["actual"] as? Int, 1)
            XCTAssertEqual(rows[Int(a1)]?["on_time"] as? Int, 0)
            XCTAssertEqual(rows[Int(a2)]?["actual"] as? Int, 0)
            XCTAssertEqual(rows[a3]?["expected"] as? Int, 2)
            let byPeriod = try await api.send(
                .get, "/api/v1/reporting-rates?\(range)&group_by=period", token: staff)
            let firstQuarter = (byPeriod.json["groups"] as! [[String: Any]])[0]
            XCTAssertEqual(firstQuarter["expected"] as? Int, 3)
            XCTAssertEqual(firstQuarter["reporting_rate"] as? Double, 66.67)
            // The first quarter alone (periods that end in the range).
            let q1 = try await api.send(.get, "/api/v1/reporting-rates?from=2025-10-01&to=2025-12-31", token: staff)
            XCTAssertEqual((q1.json["total"] as? [String: Any])?["expected"] as? Int, 3)
            let badRange = try await api.send(
                .get, "/api/v1/reporting-rates?from=2026-01-01&to=2025-01-01", token: staff)
            XCTAssertEqual(badRange.status, 422)

            // OBEC sees every district side by side; school staff see their own school only.
            let sideBySide = try await api.send(
                .get, "/api/v1/reporting-rates?\(range)&national_requirement_id=\(nationalID)&group_by=district",
                token: national)
            XCTAssertEqual(sideBySide.status, 200, sideBySide.text)
            let districts = sideBySide.json["groups"] as! [[String: Any]]
            XCTAssertEqual(districts.map { $0["expected"] as? Int }, [14, 12])
            XCTAssertEqual(districts.map { $0["actual"] as? Int }, [2, 0])
            let own = try await api.send(.get, "/api/v1/reporting-rates?\(range)", token: school)
            XCTAssertEqual((own.json["total"] as? [String: Any])?["expected"] as? Int, 4)

            // Another district's submission, and another school's, are not there.
            let foreign = try await api.send(.get, "/api/v1/submissions/\(id)", token: staffB)
            XCTAssertEqual(foreign.status, 404)
            let other = try await api.send(
                .get, "/api/v1/submissions/\(a1Draft.json["id"] as! Int)", token: school)
            XCTAssertEqual(other.status, 404)
            let foreignOpen = try await api.send(
                .post, "/api/v1/submissions", token: staffB, json: json(["requirement_id": requirement, "period": 1]))
            XCTAssertEqual(foreignOpen.status, 404, foreignOpen.text)

            // A district may tighten OBEC's reminders, never loosen them.
            let copy = try await api.send(.get, "/api/v1/requirements/\(requirement)", token: staff)
            let looser = try await api.send(
                .put, "/api/v1/requirements/\(requirement)/reminder-policy", token: staff,
                json: json(["before_days": [7], "on_due_day": true, "overdue_every_days": 3, "escalate": true]),
                headers: matching(copy))
            XCTAssertEqual(looser.status, 422, looser.text)
            XCTAssertTrue(looser.text.contains("looser_than_obec"))
            let stricter = try await api.send(
                .put, "/api/v1/requirements/\(requirement)/reminder-policy", token: staff,
                json: json([
                    "before_days": [14, 7, 3, 1], "on_due_day": true, "overdue_every_days": 3, "overdue_times": 3,
                    "escalate": true,
                ]), headers: matching(copy))
            XCTAssertEqual(stricter.status, 200, stricter.text)
            // Stricter means every one of OBEC's days is kept: every 2 days does not include day 3.
            XCTAssertEqual(
                ReminderPolicy(
                    beforeDays: [14, 7, 3, 1], onDueDay: true, overdueEveryDays: 2, overdueTimes: 5, escalate: true
                )
                .isAtLeastAsStrict(as: .standard), false)
            let staleWithdraw = try await api.send(
                .post, "/api/v1/requirements/\(requirement)/withdraw", token: staff, headers: matching(stricter))
            XCTAssertEqual(staleWithdraw.status, 403, "only OBEC withdraws its requirement")

            // OBEC withdraws it: every district's copy follows at its scan.
            let withdrawn = try await api.send(
                .post, "/api/v1/national-requirements/\(nationalID)/withdraw", token: national,
                headers: matching(issued))
            XCTAssertEqual(withdrawn.status, 200, withdrawn.text)
            try await MonitoringAPITests.runJobs(db)
            let gone = try await api.send(.get, "/api/v1/requirements/\(requirementB)", token: staffB)
            XCTAssertEqual(gone.json["status"] as? String, "withdrawn", gone.text)
        }
    }

    func testADistrictsOwnRequirementsForAListAndForItsOffice() async throws {
        let staff = token(a, .districtStaff), school = token(a, .schoolStaff)
        let (a0, a1) = (fixture.schoolsA[0], fixture.schoolsA[1])
        try await withAPI { api in
            var listed = Self.quarterly
            listed["frequency"] = "month"
            listed["audience"] = "listed_schools"
            let unlisted = try await api.send(.post, "/api/v1/requirements", token: staff, json: json(listed))
            XCTAssertEqual(unlisted.status, 422)
            XCTAssertEqual(unlisted.errorPointers, ["/school_ids"])
            listed["school_ids"] = [a1]
            let made = try await api.send(.post, "/api/v1/requirements", token: staff, json: json(listed))
            XCTAssertEqual(made.status, 201, made.text)
            XCTAssertEqual((made.json["periods"] as? [Any])?.count, 12)
            XCTAssertEqual(
                ((made.json["periods"] as? [[String: Any]])?[0])?["name_th"] as? String, "เดือนตุลาคม 2568")
            let id = made.json["id"] as! Int
            // A0 is not on the list.
            let notListed = try await api.send(
                .post, "/api/v1/submissions", token: school, json: json(["requirement_id": id, "period": 1]))
            XCTAssertEqual(notListed.status, 422, notListed.text)
            let rates = try await api.send(
                .get, "/api/v1/reporting-rates?from=2025-10-01&to=2026-09-30&requirement_id=\(id)&group_by=school",
                token: staff)
            XCTAssertEqual((rates.json["total"] as? [String: Any])?["expected"] as? Int, 12, rates.text)
            XCTAssertEqual((rates.json["groups"] as? [[String: Any]])?.map { $0["school_id"] as? Int }, [Int(a1)])
            _ = a0

            // The office's own report: no school.
            var office = Self.quarterly
            office["audience"] = "district_office"
            office["frequency"] = "year"
            let officeReq = try await api.send(.post, "/api/v1/requirements", token: staff, json: json(office))
            XCTAssertEqual(officeReq.status, 201, officeReq.text)
            let officeID = officeReq.json["id"] as! Int
            let bySchool = try await api.send(
                .post, "/api/v1/submissions", token: staff,
                json: json(["requirement_id": officeID, "period": 1, "school_id": a0]))
            XCTAssertEqual(bySchool.status, 422)
            let own = try await api.send(
                .post, "/api/v1/submissions", token: staff, json: json(["requirement_id": officeID, "period": 1]))
            XCTAssertEqual(own.status, 201, own.text)
            XCTAssertEqual(own.json["unit_th"] as? String, "สำนักงานเขตพื้นที่การศึกษา")
            XCTAssertEqual(own.json["period_th"] as? String, "ปีงบประมาณ พ.ศ. 2569")
            let period2 = try await api.send(
                .post, "/api/v1/submissions", token: staff, json: json(["requirement_id": officeID, "period": 2]))
            XCTAssertEqual(period2.status, 422, "a yearly requirement has one period")
            // School staff do not see the office's submission.
            let hidden = try await api.send(.get, "/api/v1/submissions/\(own.json["id"] as! Int)", token: school)
            XCTAssertEqual(hidden.status, 404)
        }
    }
}
