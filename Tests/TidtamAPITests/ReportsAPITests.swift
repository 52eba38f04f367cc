import Foundation
import Postgres
import TestSupport
import TidtamDomain
import TidtamJobs
import TidtamStore
import XCTest

/// Reports assembled across schools, tried as a new user would: the office asks for a
/// requirement's consolidated report, follows the request while the job runs, downloads its
/// JSON and CSV; one school on time, one late, one missing; a school whose name is a formula comes
/// out inert; asking again makes a second version beside the first; a job that runs twice makes
/// one version; another district finds none of it, and school staff cannot read it.
final class ReportsAPITests: APITestCase {
    func testConsolidatedReportVersionsAndFiles() async throws {
        let staff = token(a), staffB = token(b, .districtStaff), school = token(a, .schoolStaff)
        let (a0, a1, a2) = (fixture.schoolsA[0], fixture.schoolsA[1], fixture.schoolsA[2])
        let db = self.db!, testDB = self.testDB!, district = a, schools = fixture.schoolsA.count
        // A hostile name: Excel would run it as a formula.
        let owner = try testDB.ownerConnection()
        try owner.execute(
            script:
                "SELECT set_config('tidtam.district_id', '\(district)', false); UPDATE school SET name_th = '=HYPERLINK(\"http://x.test\",\"คลิก\")' WHERE id = \(a2)"
        )
        try await withAPI { api in
            var office = ReportingAPITests.quarterly
            office["sections"] = [["key": "summary", "kind": "text", "title_th": "สรุปผลการดำเนินงาน"]]
            let requirement = try await api.send(.post, "/api/v1/requirements", token: staff, json: json(office))
            XCTAssertEqual(requirement.status, 201, requirement.text)
            let rid = requirement.json["id"] as! Int
            // A0 sends in time (backdated to 5 January), A1 now (late), A2 never.
            for unit in [a0, a1] {
                let draft = try await api.send(
                    .post, "/api/v1/submissions", token: staff,
                    json: json(["requirement_id": rid, "period": 1, "school_id": unit]))
                XCTAssertEqual(draft.status, 201, draft.text)
                let written = try await api.send(
                    .patch, "/api/v1/submissions/\(draft.json["id"] as! Int)", token: staff,
                    json: json(["sections": ["summary": "ดำเนินการครบทุกโครงการ"]]), headers: matching(draft))
                let sent = try await api.send(
                    .post, "/api/v1/submissions/\(draft.json["id"] as! Int)/submit", token: staff,
                    headers: matching(written))
                XCTAssertEqual(sent.status, 200, sent.text)
                if unit == a0 {
                    try ReportingAPITests.backdate(
                        testDB, district: district, draft.json["id"] as! Int, to: "2026-01-05 10:00+07")
                }
            }

            // Every problem at once; then the request, accepted for the job.
            let bad = try await api.send(
                .post, "/api/v1/report-requests", token: staff, json: json(["kind": "requirement_consolidated"]))
            XCTAssertEqual(bad.status, 422, bad.text)
            XCTAssertEqual(Set(bad.errorPointers), ["/requirement_id", "/period"], bad.text)
            let noPeriod = try await api.send(
                .post, "/api/v1/report-requests", token: staff,
                json: json(["kind": "requirement_consolidated", "requirement_id": rid, "period": 7]))
            XCTAssertEqual(noPeriod.status, 422, "a quarterly requirement has four periods: \(noPeriod.text)")
            let bySchool = try await api.send(
                .post, "/api/v1/report-requests", token: school,
                json: json(["kind": "requirement_consolidated", "requirement_id": rid, "period": 1]))
            XCTAssertEqual(bySchool.status, 403, bySchool.text)
            let asked = try await api.send(
                .post, "/api/v1/report-requests", token: staff,
                json: json(["kind": "requirement_consolidated", "requirement_id": rid, "period": 1]))
            XCTAssertEqual(asked.status, 202, asked.text)
            XCTAssertEqual(asked.json["status"] as? String, "queued")
            let requestID = asked.json["id"] as! Int
            try await MonitoringAPITests.runJobs(db)
            let done = try await api.send(.get, "/api/v1/report-requests/\(requestID)", token: staff)
            XCTAssertEqual(done.json["status"] as? String, "done", done.text)
            XCTAssertEqual(done.json["status_th"] as? String, "จัดทำเสร็จแล้ว")
            let versionID = done.json["version_id"] as! Int

            let version = try await api.send(.get, "/api/v1/reports/\(versionID)", token: staff)
            XCTAssertEqual(version.status, 200, version.text)
            XCTAssertEqual(version.json["number"] as? Int, 1)
            XCTAssertEqual(
                version.json["title_th"] as? String,
                "รายงานสรุปการส่งรายงาน รายงานผลการดำเนินงานรายไตรมาส ไตรมาสที่ 1 ปีงบประมาณ พ.ศ. 2569")
            let files = version.json["files"] as! [[String: Any]]
            XCTAssertEqual(files.map { $0["format"] as? String }, ["csv", "html", "json", "pdf", "xlsx"])

            // The data: three schools expected, one on time, one late, one missing.
            let data = try await api.send(.get, "/api/v1/reports/\(versionID)/files/json", token: staff)
            XCTAssertEqual(data.status, 200, data.text)
            let summary = data.json["summary"] as! [String: Any]
            XCTAssertEqual(summary["expected"] as? Int, schools, data.text)
            XCTAssertEqual(summary["on_time"] as? Int, 1)
            XCTAssertEqual(summary["late"] as? Int, 1)
            XCTAssertEqual(summary["missing"] as? Int, schools - 2)
            let units = data.json["units"] as! [[String: Any]]
            let byID = Dictionary(uniqueKeysWithValues: units.map { ($0["school_id"] as! Int, $0) })
            XCTAssertEqual(byID[Int(a0)]?["standing"] as? String, "on_time")
            XCTAssertEqual(byID[Int(a0)]?["first_submitted_on_th"] as? String, "5 มกราคม 2569")
            XCTAssertEqual(byID[Int(a1)]?["standing"] as? String, "late")
            XCTAssertEqual(byID[Int(a2)]?["standing"] as? String, "missing")
            XCTAssertEqual(
                ((byID[Int(a0)]?["sections"] as? [String: Any])?["summary"] as? [String: Any])?["value"] as? String,
                "ดำเนินการครบทุกโครงการ")

            // The CSV as Excel opens it: BOM, CRLF, Thai headers, the formula inert.
            let csv = try await api.send(.get, "/api/v1/reports/\(versionID)/files/csv", token: staff)
            XCTAssertEqual(csv.status, 200)
            XCTAssertEqual(csv.headers[.contentType], "text/csv; charset=utf-8")
            XCTAssertEqual(Array(csv.text.utf8.prefix(3)), [0xEF, 0xBB, 0xBF], "UTF-8 byte-order mark")
            let text = String(csv.text.dropFirst())
            XCTAssertTrue(text.hasPrefix("ลำดับ,รหัสสถานศึกษา,หน่วยงาน,สถานะการส่ง"), text)
            XCTAssertTrue(text.contains("\r\n"))
            XCTAssertFalse(text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "CRLF only")
            XCTAssertTrue(text.contains("\"'=HYPERLINK(\"\"http://x.test\"\",\"\"คลิก\"\")\""), text)
            XCTAssertTrue(text.contains("ส่งตรงเวลา") && text.contains("ส่งล่าช้า") && text.contains("ยังไม่ส่ง"))
            let etag = csv.headers[.eTag]!
            XCTAssertEqual(etag, "\"\((files.first { $0["format"] as? String == "csv" })!["sha256"] as! String)\"")
            let cached = try await api.send(
                .get, "/api/v1/reports/\(versionID)/files/csv", token: staff, headers: [.ifNoneMatch: etag])
            XCTAssertEqual(cached.status, 304)

            // The workbook, read by openpyxl: Thai sheets and headers, counts as numbers, the formula a string.
            let xlsx = try await api.send(.get, "/api/v1/reports/\(versionID)/files/xlsx", token: staff)
            XCTAssertEqual(xlsx.status, 200)
            XCTAssertEqual(Array(xlsx.bytes.prefix(2)), [0x50, 0x4B], "a zip archive")
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID()).xlsx")
            try Data(xlsx.bytes).write(to: path)
            defer { try? FileManager.default.removeItem(at: path) }
            let book = try PythonScript.json("Tests/reports/read_xlsx.py", path.path)
            let sheets = book["sheets"] as! [String: [[[String: Any]]]]
            XCTAssertEqual(Set(sheets.keys), ["สรุป", "รายหน่วยงาน"])
            let overview = sheets["สรุป"]!
            XCTAssertEqual(overview[6][0]["v"] as? String, "หน่วยงานที่ต้องส่ง")
            XCTAssertEqual(overview[6][1]["t"] as? String, "n", "a count is a number")
            XCTAssertEqual(overview[6][1]["v"] as? Int, schools)
            let table = sheets["รายหน่วยงาน"]!
            XCTAssertEqual(table[0].map { $0["v"] as? String }.prefix(3), ["ลำดับ", "รหัสสถานศึกษา", "หน่วยงาน"])
            XCTAssertEqual(table[0][0]["b"] as? Bool, true, "the header is bold")
            let hostile = table.first { ($0[2]["v"] as? String)?.hasPrefix("=HYPERLINK") == true }
            XCTAssertEqual(hostile?[2]["t"] as? String, "s", "a string, never a formula")
            XCTAssertEqual(hostile?[2]["q"] as? Bool, true, "quote-prefixed")

            // The printed report: Thai HTML, and its PDF read by poppler — the Thai text, fonts embedded, ink on page 1.
            let html = try await api.send(.get, "/api/v1/reports/\(versionID)/files/html", token: staff)
            XCTAssertTrue(html.text.contains("<html lang=\"th\">") && html.text.contains("Laksaman"), html.text)
            XCTAssertTrue(html.text.contains("=HYPERLINK(&quot;http://x.test&quot;"), "escaped, inert")
            let pdf = try await api.send(.get, "/api/v1/reports/\(versionID)/files/pdf", token: staff)
            XCTAssertEqual(pdf.status, 200)
            XCTAssertEqual(pdf.headers[.contentType], "application/pdf")
            let pdfPath = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID()).pdf")
            try Data(pdf.bytes).write(to: pdfPath)
            defer { try? FileManager.default.removeItem(at: pdfPath) }
            let read = try PythonScript.json("Tests/reports/check_pdf.py", pdfPath.path)
            let pdfText = PDFText.comparable(read["text"] as! String)
            for thai in [
                "รายงานสรุปการส่งรายงาน", "รายงานผลการดำเนินงานรายไตรมาส", "ไตรมาสที่ 1 ปีงบประมาณ พ.ศ. 2569", "ส่งตรงเวลา",
                "ยังไม่ส่ง", "หน้า 1 จาก",
            ] {
                XCTAssertTrue(pdfText.contains(PDFText.comparable(thai)), "\(thai) in: \(pdfText)")
            }
            let fonts = read["fonts"] as! [[String: Any]]
            XCTAssertFalse(fonts.isEmpty)
            XCTAssertTrue(fonts.allSatisfy { $0["embedded"] as? Bool == true }, "\(fonts)")
            XCTAssertTrue(fonts.contains { ($0["name"] as? String)?.contains("Laksaman") == true }, "\(fonts)")
            XCTAssertGreaterThan(read["ink_pixels"] as! Int, 500, "page 1 is not blank")

            // The same job once more (a retry after a kill): no second version.
            try await db.transaction(DistrictTenant.background(district)) { tx in
                try tx.enqueue(
                    NewJob(
                        districtID: district, kind: ReportAssembly.kind,
                        args: PostgresJSON("{\"request_id\":\(requestID)}")))
            }
            try await MonitoringAPITests.runJobs(db)
            let once = try await api.send(.get, "/api/v1/reports?kind=requirement_consolidated", token: staff)
            XCTAssertEqual(once.items.count, 1, once.text)

            // Asked again after a change: a second version beside the first.
            try await api.send(
                .post, "/api/v1/submissions", token: staff,
                json: json(["requirement_id": rid, "period": 1, "school_id": a2]))
            let again = try await api.send(
                .post, "/api/v1/report-requests", token: staff,
                json: json(["kind": "requirement_consolidated", "requirement_id": rid, "period": 1]))
            XCTAssertEqual(again.status, 202)
            try await MonitoringAPITests.runJobs(db)
            let versions = try await api.send(
                .get, "/api/v1/reports?report_key=requirement_consolidated:\(rid):1", token: staff)
            XCTAssertEqual(versions.items.map { $0["number"] as? Int }, [2, 1], versions.text)
            let second = versions.items[0]
            XCTAssertEqual((second["earlier_versions"] as? [[String: Any]])?.first?["id"] as? Int, versionID)

            // Another district finds none of it; school staff may not read a district's report.
            for path in [
                "/api/v1/report-requests/\(requestID)", "/api/v1/reports/\(versionID)",
                "/api/v1/reports/\(versionID)/files/csv",
            ] {
                let other = try await api.send(.get, path, token: staffB)
                XCTAssertEqual(other.status, 404, "\(path): \(other.text)")
            }
            let listB = try await api.send(.get, "/api/v1/reports", token: staffB)
            XCTAssertEqual(listB.items.count, 0)
            let bySchoolRead = try await api.send(.get, "/api/v1/reports/\(versionID)", token: school)
            XCTAssertEqual(bySchoolRead.status, 403)
            let audit = try await api.send(.get, "/api/v1/audit?entity=report_request", token: staff)
            XCTAssertEqual(audit.items.filter { $0["action"] as? String == "insert" }.count, 2, audit.text)
        }
    }
}

/// OBEC sees each district's consolidated report of its requirement arrive; a district sees its own only.
final class NationalReportsAPITests: APITestCase {
    func testOBECSeesEachDistrictsConsolidatedReportArrive() async throws {
        let staff = token(a, .districtStaff), staffB = token(b, .districtStaff)
        let national = try await TokenStore(db).createNational(email: "obec@test", displayName: "สพฐ.", name: "test")
        let db = self.db!, district = a
        try await withAPI { api in
            let issued = try await api.send(
                .post, "/api/v1/national-requirements", token: national, json: json(ReportingAPITests.quarterly))
            let nationalID = issued.json["id"] as! Int
            try await MonitoringAPITests.runJobs(db)
            let copy = try await api.send(.get, "/api/v1/requirements?issuer=obec", token: staff).items[0]
            let asked = try await api.send(
                .post, "/api/v1/report-requests", token: staff,
                json: json(["kind": "requirement_consolidated", "requirement_id": copy["id"] as! Int, "period": 1]))
            XCTAssertEqual(asked.status, 202, asked.text)
            try await MonitoringAPITests.runJobs(db)
            let arrived = try await api.send(
                .get, "/api/v1/reports?national_requirement_id=\(nationalID)", token: national)
            XCTAssertEqual(arrived.status, 200, arrived.text)
            XCTAssertEqual(arrived.items.map { $0["district_id"] as? Int }, [Int(district)], arrived.text)
            let own = try await api.send(.get, "/api/v1/reports?national_requirement_id=\(nationalID)", token: staffB)
            XCTAssertEqual(own.items.count, 0, "district B has asked for none")
            let file = try await api.send(
                .get, "/api/v1/reports/\(arrived.items[0]["id"] as! Int)/files/csv", token: national)
            XCTAssertEqual(file.status, 200, "OBEC downloads it")
        }
    }
}

/// Two requests for the same report assembled at the same moment by two workers: versions 1 and
/// 2, both requests done, nothing refused (the numbering waits on a lock per report).
final class ConcurrentReportsAPITests: APITestCase {
    func testTwoAssembliesAtOnceNumberTheirVersionsInTurn() async throws {
        let staff = token(a, .districtStaff)
        let db = self.db!
        try await withAPI { api in
            var office = ReportingAPITests.quarterly
            office["audience"] = "district_office"
            let requirement = try await api.send(.post, "/api/v1/requirements", token: staff, json: json(office))
            let body = json([
                "kind": "requirement_consolidated", "requirement_id": requirement.json["id"] as! Int, "period": 2,
            ])
            let first = try await api.send(.post, "/api/v1/report-requests", token: staff, json: body)
            let second = try await api.send(.post, "/api/v1/report-requests", token: staff, json: body)
            XCTAssertEqual([first.status, second.status], [202, 202])
            let jobs = try await JobQueue(db: db).claim(queue: "default", limit: 50, leaseSeconds: 30, workerID: "test")
                .filter { $0.kind == ReportAssembly.kind }
            XCTAssertEqual(jobs.count, 2)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for job in jobs { group.addTask { try await ReportJobs.assemble.run(JobContext(job: job, db: db)) } }
                try await group.waitForAll()
            }
            var numbers: [Int] = []
            for asked in [first, second] {
                let done = try await api.send(.get, "/api/v1/report-requests/\(asked.json["id"] as! Int)", token: staff)
                XCTAssertEqual(done.json["status"] as? String, "done", done.text)
                let version = try await api.send(
                    .get, "/api/v1/reports/\(done.json["version_id"] as! Int)", token: staff)
                numbers.append(version.json["number"] as! Int)
            }
            XCTAssertEqual(Set(numbers), [1, 2])
        }
    }
}
