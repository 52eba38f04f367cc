import Foundation
import TestSupport
import TidtamDomain
import TidtamReports
import TidtamStore
import XCTest

/// The district's annual report, tried as a new user would on the demo's data: asked for and
/// published in one request, its five parts in Thai with the budget by source, the schools,
/// indicators, evaluations, visits and findings; its files (CSV, workbook, PDF); read by the
/// public with no token, an earlier publication kept and linked, ETag and Last-Modified; nothing
/// unpublished reachable there; and another district finding none of it.
final class AnnualReportAPITests: APITestCase {
    func testTheAnnualReportIsAssembledPublishedAndReadWithoutAToken() async throws {
        let issued = try await DemoData(db).load()
        let admin = issued.first { $0.district == "KKN1" && $0.role == .districtAdmin }!.token
        let staff = issued.first { $0.district == "KKN1" && $0.role == .districtStaff }!.token
        let otherDistrict = token(b)
        let db = self.db!, testDB = self.testDB!
        // Hostile cells: a school and a project whose names Excel would run as formulas.
        let hostile = "=HYPERLINK(\"http://x.test\",\"คลิก\")"
        try testDB.superuserConnection().execute(
            script: """
                UPDATE school SET name_th = '\(hostile)' WHERE id = (SELECT max(s.id) FROM school s JOIN district d ON d.id = s.district_id WHERE d.code = 'KKN1');
                UPDATE project SET name_th = '\(hostile)' WHERE id = (
                    SELECT max(p.id) FROM project p JOIN district d ON d.id = p.district_id
                    JOIN action_plan a ON a.district_id = p.district_id AND a.id = p.plan_id
                    WHERE d.code = 'KKN1' AND a.status = 'approved' AND a.superseded_at IS NULL);
                """)
        try await withAPI { api in
            // Publishing is the admin's: staff may ask for the report, not for it to be published.
            let byStaff = try await api.send(
                .post, "/api/v1/report-requests", token: staff,
                json: json(["kind": "annual", "fiscal_year": 2569, "publish": true]))
            XCTAssertEqual(byStaff.status, 403, byStaff.text)
            let wrongKind = try await api.send(
                .post, "/api/v1/report-requests", token: admin,
                json: json(["kind": "agreement_evaluation", "fiscal_year": 2569, "publish": true]))
            XCTAssertEqual(wrongKind.status, 422, wrongKind.text)
            XCTAssertEqual(wrongKind.errorPointers, ["/publish"], wrongKind.text)

            let asked = try await api.send(
                .post, "/api/v1/report-requests", token: admin,
                json: json(["kind": "annual", "fiscal_year": 2569, "publish": true]))
            XCTAssertEqual(asked.status, 202, asked.text)
            try await MonitoringAPITests.runJobs(db)
            let done = try await api.send(.get, "/api/v1/report-requests/\(asked.json["id"] as! Int)", token: admin)
            XCTAssertEqual(done.json["status"] as? String, "done", done.text)
            let versionID = done.json["version_id"] as! Int
            let version = try await api.send(.get, "/api/v1/reports/\(versionID)", token: staff)
            XCTAssertEqual(version.json["title_th"] as? String, "รายงานผลการดำเนินงานประจำปี ปีงบประมาณ พ.ศ. 2569")
            let publication = version.json["publication"] as! [String: Any]
            XCTAssertEqual(publication["number"] as? Int, 1)
            XCTAssertEqual(publication["href"] as? String, "/public/districts/KKN1/annual-reports/2569/versions/1")

            // The data, as the parts of the report read it.
            let data = try await api.send(.get, "/api/v1/reports/\(versionID)/files/json", token: staff)
            let report = try JSONDecoder().decode(AnnualReport.self, from: Data(data.bytes))
            XCTAssertEqual(report.periodTH, "1 ตุลาคม 2568 ถึง 30 กันยายน 2569")
            XCTAssertEqual(report.overview.schools, report.schools.count)
            XCTAssertGreaterThan(report.overview.projects, 0)
            XCTAssertNotNil(report.strategicPlan, "the office's strategic plan in force")
            XCTAssertFalse(report.strategicPlan!.strategies.isEmpty)
            XCTAssertGreaterThan(report.budget.allocated, 0)
            XCTAssertEqual(report.budget.bySource.map(\.allocated).reduce(0, +), report.budget.allocated)
            XCTAssertEqual(report.budget.bySource.map(\.disbursed).reduce(0, +), report.budget.disbursed)
            XCTAssertTrue(report.budget.bySource.allSatisfy { $0.disbursed <= $0.allocated || $0.allocated == 0 })
            XCTAssertEqual(report.schools.map(\.allocated).reduce(0, +), report.budget.allocated)
            XCTAssertGreaterThan(report.progressReports.due, 0)
            XCTAssertEqual(
                report.indicators.reported + report.indicators.notReported, report.indicators.withTarget,
                "every indicator with a target reported or counted as not reported")
            XCTAssertEqual(report.evaluationRound?.kind, "year_end")
            XCTAssertTrue(report.evaluations.contains { $0.subject == "agreement" && $0.notReported >= 1 })
            XCTAssertFalse(report.visits.isEmpty)
            XCTAssertEqual(
                report.findings.total, report.findings.open + report.findings.inProgress + report.findings.closed)
            XCTAssertGreaterThan(report.findings.total, 0)

            // The printed report, its parts in order, and the PDF read by poppler.
            let html = try await api.send(.get, "/api/v1/reports/\(versionID)/files/html", token: staff)
            let parts = [
                "ส่วนที่ 1 ข้อมูลพื้นฐาน", "ส่วนที่ 2 ทิศทางการดำเนินงาน", "ส่วนที่ 3 ผลการดำเนินงาน",
                "ส่วนที่ 4 การติดตาม กำกับ นิเทศ และตรวจราชการ", "ส่วนที่ 5 ปัญหา อุปสรรค บทเรียนที่ได้รับ และข้อเสนอแนะ",
            ]
            let positions = parts.map { html.text.range(of: $0)?.lowerBound }
            XCTAssertTrue(positions.allSatisfy { $0 != nil }, html.text)
            XCTAssertEqual(positions.compactMap { $0 }, positions.compactMap { $0 }.sorted(), "in the report's order")
            let pdf = try await api.send(.get, "/api/v1/reports/\(versionID)/files/pdf", token: staff)
            XCTAssertEqual(pdf.status, 200)
            let read = try RenderedFile.pdf(pdf.bytes)
            let pdfText = PDFText.comparable(read["text"] as! String)
            for thai in parts + ["ปีงบประมาณ พ.ศ. 2569", "งบประมาณจาก สพฐ.", "หน้า 1 จาก"] {
                XCTAssertTrue(pdfText.contains(PDFText.comparable(thai)), "\(thai) in the PDF")
            }
            XCTAssertTrue((read["fonts"] as! [[String: Any]]).allSatisfy { $0["embedded"] as? Bool == true })
            XCTAssertGreaterThan(read["ink_pixels"] as! Int, 500)

            // The CSV and workbook, as a spreadsheet opens them.
            let csv = try await api.send(.get, "/api/v1/reports/\(versionID)/files/csv", token: staff)
            XCTAssertTrue(String(csv.text.dropFirst()).hasPrefix("รหัสสถานศึกษา,สถานศึกษา,จำนวนโครงการ"), csv.text)
            let xlsx = try await api.send(.get, "/api/v1/reports/\(versionID)/files/xlsx", token: staff)
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("annual-\(UUID()).xlsx")
            try Data(xlsx.bytes).write(to: path)
            defer { try? FileManager.default.removeItem(at: path) }
            let book = try PythonScript.json("Tests/reports/read_xlsx.py", path.path)
            let sheets = book["sheets"] as! [String: [[[String: Any]]]]
            XCTAssertEqual(
                Set(sheets.keys),
                ["สรุป", "รายสถานศึกษา", "โครงการของสำนักงาน", "โครงการทั้งหมด", "ตัวชี้วัด", "การประเมิน", "การติดตามและนิเทศ"])
            XCTAssertEqual(sheets["รายสถานศึกษา"]!.count, report.schools.count + 1)
            XCTAssertEqual(sheets["โครงการทั้งหมด"]!.count, report.projects.count + 1)
            // The hostile names inert in every file: quoted in the CSV, strings in the workbook, escaped in HTML.
            XCTAssertTrue(csv.text.contains("\"'=HYPERLINK(\"\"http://x.test\"\",\"\"คลิก\"\")\""), csv.text)
            for (sheet, column) in [("รายสถานศึกษา", 1), ("โครงการทั้งหมด", 2)] {
                let cell = sheets[sheet]!.first { ($0[column]["v"] as? String)?.hasPrefix("=HYPERLINK") == true }
                XCTAssertEqual(cell?[column]["t"] as? String, "s", "\(sheet): a string, never a formula")
                XCTAssertEqual(cell?[column]["q"] as? Bool, true, "\(sheet): quote-prefixed")
            }
            XCTAssertFalse(html.text.contains(hostile))
            XCTAssertTrue(html.text.contains("=HYPERLINK(&quot;http://x.test&quot;"), "escaped in the HTML")

            // The public reads it with no token, from its snapshot.
            let base = "/public/districts/KKN1/annual-reports/2569"
            let page = try await api.send(.get, base)
            XCTAssertEqual(page.status, 200, page.text)
            XCTAssertEqual(page.headers[.contentType], "text/html; charset=utf-8")
            XCTAssertTrue(page.text.contains("ฉบับเผยแพร่ครั้งที่ 1") && page.text.contains("ส่วนที่ 5"), page.text)
            XCTAssertTrue(page.text.contains("\(base)/versions/1/pdf"), "its PDF linked")
            let etag = try XCTUnwrap(page.headers[.eTag])
            XCTAssertNotNil(page.headers[.lastModified])
            let cached = try await api.send(.get, base, headers: [.ifNoneMatch: etag])
            XCTAssertEqual(cached.status, 304)
            let publicPDF = try await api.send(.get, "\(base)/pdf")
            XCTAssertEqual(publicPDF.status, 200)
            XCTAssertEqual(publicPDF.bytes, pdf.bytes, "the published PDF is the version's")

            // Data change, assembled and published again: version 2 beside 1, both public and linked.
            let changedName = "โรงเรียนบ้านแม่ริม (เปลี่ยนชื่อ)"
            let district: Int64 = try testDB.superuserConnection().query(
                "SELECT id FROM district WHERE code = 'KKN1'"
            ).first!.decode("id")
            try testDB.ownerConnection().execute(
                script: """
                    SELECT set_config('tidtam.district_id', '\(district)', false);
                    UPDATE school SET name_th = '\(changedName)' WHERE id = (SELECT min(id) FROM school WHERE district_id = \(district));
                    """)
            let again = try await api.send(
                .post, "/api/v1/report-requests", token: admin, json: json(["kind": "annual", "fiscal_year": 2569]))
            try await MonitoringAPITests.runJobs(db)
            let second = try await api.send(.get, "/api/v1/report-requests/\(again.json["id"] as! Int)", token: admin)
            let secondID = second.json["version_id"] as! Int
            let unpublished = try await api.send(.get, "/api/v1/reports/\(secondID)", token: admin)
            XCTAssertTrue(unpublished.json["publication"] is NSNull, "asked without publish: not public")
            let stillFirst = try await api.send(.get, base)
            XCTAssertFalse(stillFirst.text.contains(changedName), "nothing unpublished reaches the public")
            let published = try await api.send(.post, "/api/v1/reports/\(secondID)/publish", token: admin)
            XCTAssertEqual(published.status, 200, published.text)
            XCTAssertEqual((published.json["publication"] as? [String: Any])?["number"] as? Int, 2)
            let twice = try await api.send(.post, "/api/v1/reports/\(secondID)/publish", token: admin)
            XCTAssertEqual((twice.json["publication"] as? [String: Any])?["number"] as? Int, 2, "published once")
            let latest = try await api.send(.get, base)
            XCTAssertTrue(latest.text.contains(changedName) && latest.text.contains("ฉบับเผยแพร่ครั้งที่ 2"))
            XCTAssertTrue(latest.text.contains("\(base)/versions/1\""), "the earlier publication linked")
            XCTAssertNotEqual(latest.headers[.eTag], etag)
            let earlier = try await api.send(.get, "\(base)/versions/1")
            XCTAssertEqual(earlier.status, 200)
            XCTAssertFalse(earlier.text.contains(changedName), "the earlier publication as it was")
            XCTAssertTrue(earlier.text.contains("มีฉบับที่ใหม่กว่า"), "and it says a newer one exists")
            let years = try await api.send(.get, "/public/districts/KKN1/annual-reports")
            XCTAssertTrue(years.text.contains("\(base)\""), years.text)

            // Only what was published: another report, an unknown year or district, a staff-only file.
            let agreements = try await api.send(
                .post, "/api/v1/report-requests", token: admin,
                json: json(["kind": "agreement_evaluation", "fiscal_year": 2569]))
            XCTAssertEqual(agreements.status, 202)
            try await MonitoringAPITests.runJobs(db)
            for path in [
                "\(base)/versions/3", "/public/districts/KKN1/annual-reports/2568",
                "/public/districts/BKK-M1/annual-reports/2569",
                "/public/districts/NOPE/annual-reports/2569", "/public/districts/kkn1/annual-reports/2569",
                "/api/v1/reports/\(versionID)",
            ] {
                let none = try await api.send(.get, path)
                XCTAssertTrue([401, 404].contains(none.status), "\(path): \(none.status)")
            }
            let notAnnual = try await api.send(
                .get, "/api/v1/reports?kind=agreement_evaluation", token: admin)
            let agreementVersion = notAnnual.items.first!["id"] as! Int
            let refused = try await api.send(.post, "/api/v1/reports/\(agreementVersion)/publish", token: admin)
            XCTAssertEqual(refused.status, 422, refused.text)
            let byStaffPublish = try await api.send(.post, "/api/v1/reports/\(secondID)/publish", token: staff)
            XCTAssertEqual(byStaffPublish.status, 403)

            // Another district finds none of it, and cannot publish it.
            for path in ["/api/v1/reports/\(versionID)", "/api/v1/reports/\(versionID)/files/pdf"] {
                let other = try await api.send(.get, path, token: otherDistrict)
                XCTAssertEqual(other.status, 404, path)
            }
            let theirs = try await api.send(.post, "/api/v1/reports/\(versionID)/publish", token: otherDistrict)
            XCTAssertEqual(theirs.status, 404)
            let audit = try await api.send(.get, "/api/v1/audit?entity=report_publication", token: admin)
            XCTAssertEqual(audit.items.count, 2, audit.text)
        }
    }
}
