import Foundation
import Postgres
import TestSupport
import TidtamDomain
import TidtamJobs
import TidtamStore
import XCTest

/// OBEC's reports assembled across districts, tried as OBEC's staff would: a report of OBEC's
/// requirement shows each district's units sent, late and missing and whether its consolidated
/// report reached OBEC, with the country's totals; the annual figures add up across districts;
/// a part job run twice makes no second row or version; asking again makes version 2 beside 1;
/// the files open (CSV, workbook, PDF with its Thai text); a district cannot ask or read.
final class NationalAssemblyAPITests: APITestCase {
    func testOBECAssemblesAReportAcrossEveryDistrict() async throws {
        let staff = token(a, .districtStaff), staffB = token(b, .districtStaff)
        let national = try await TokenStore(db).createNational(email: "obec@test", displayName: "สพฐ.", name: "test")
        let db = self.db!, district = a, districtB = b, firstSchool = fixture.schoolsA[0],
            schoolsA = fixture.schoolsA.count, schoolsB = fixture.schoolsB.count
        try await withAPI { api in
            // OBEC's quarterly requirement reaches both districts; district A sends one school's
            // report and its consolidated report to OBEC; district B does nothing.
            let issued = try await api.send(
                .post, "/api/v1/national-requirements", token: national, json: json(ReportingAPITests.quarterly))
            XCTAssertEqual(issued.status, 201, issued.text)
            let nationalID = issued.json["id"] as! Int
            try await MonitoringAPITests.runJobs(db)
            let copy = try await api.send(.get, "/api/v1/requirements?issuer=obec", token: staff).items[0]
            let draft = try await api.send(
                .post, "/api/v1/submissions", token: staff,
                json: json(["requirement_id": copy["id"] as! Int, "period": 1, "school_id": firstSchool]))
            XCTAssertEqual(draft.status, 201, draft.text)
            let written = try await api.send(
                .patch, "/api/v1/submissions/\(draft.json["id"] as! Int)", token: staff,
                json: json(["sections": ["summary": "ดำเนินการครบทุกโครงการ"]]), headers: matching(draft))
            let sent = try await api.send(
                .post, "/api/v1/submissions/\(draft.json["id"] as! Int)/submit", token: staff,
                headers: matching(written))
            XCTAssertEqual(sent.status, 200, sent.text)
            let consolidated = try await api.send(
                .post, "/api/v1/report-requests", token: staff,
                json: json(["kind": "requirement_consolidated", "requirement_id": copy["id"] as! Int, "period": 1]))
            XCTAssertEqual(consolidated.status, 202, consolidated.text)
            try await MonitoringAPITests.runJobs(db)

            // Every problem at once; a district may not ask; OBEC's request is accepted for the jobs.
            let bad = try await api.send(
                .post, "/api/v1/national-report-requests", token: national,
                json: json(["kind": "requirement_consolidated"]))
            XCTAssertEqual(bad.status, 422, bad.text)
            XCTAssertEqual(Set(bad.errorPointers), ["/national_requirement_id", "/period"], bad.text)
            let noPeriod = try await api.send(
                .post, "/api/v1/national-report-requests", token: national,
                json: json(["kind": "requirement_consolidated", "national_requirement_id": nationalID, "period": 9]))
            XCTAssertEqual(noPeriod.status, 422, noPeriod.text)
            let unknown = try await api.send(
                .post, "/api/v1/national-report-requests", token: national,
                json: json(["kind": "requirement_consolidated", "national_requirement_id": 999_999, "period": 1]))
            XCTAssertEqual(unknown.status, 404, unknown.text)
            let body = json(["kind": "requirement_consolidated", "national_requirement_id": nationalID, "period": 1])
            let byDistrict = try await api.send(.post, "/api/v1/national-report-requests", token: staff, json: body)
            XCTAssertEqual(byDistrict.status, 403, byDistrict.text)
            let asked = try await api.send(.post, "/api/v1/national-report-requests", token: national, json: body)
            XCTAssertEqual(asked.status, 202, asked.text)
            XCTAssertEqual(asked.json["status"] as? String, "queued")
            let progress = asked.json["progress"] as! [String: Any]
            XCTAssertEqual(progress["districts"] as? Int, 2, asked.text)
            XCTAssertEqual(progress["assembled"] as? Int, 0)
            let requestID = asked.json["id"] as! Int

            try await MonitoringAPITests.runJobs(db)
            let done = try await api.send(.get, "/api/v1/national-report-requests/\(requestID)", token: national)
            XCTAssertEqual(done.json["status"] as? String, "done", done.text)
            XCTAssertEqual((done.json["progress"] as? [String: Any])?["assembled"] as? Int, 2, done.text)
            let versionID = done.json["version_id"] as! Int
            let version = try await api.send(.get, "/api/v1/national-reports/\(versionID)", token: national)
            XCTAssertEqual(version.status, 200, version.text)
            XCTAssertEqual(version.json["number"] as? Int, 1)
            XCTAssertEqual(
                version.json["title_th"] as? String, "รายงานสรุปการส่งรายงาน ระดับประเทศ งวดที่ 1")
            let files = version.json["files"] as! [[String: Any]]
            XCTAssertEqual(files.map { $0["format"] as? String }, ["csv", "html", "json", "pdf", "xlsx"])

            // One row per district, from its own data; the country's totals add them up.
            let data = try await api.send(.get, "/api/v1/national-reports/\(versionID)/files/json", token: national)
            let rows = data.json["districts"] as! [[String: Any]]
            XCTAssertEqual(rows.count, 2, data.text)
            let byDistrict2 = Dictionary(
                uniqueKeysWithValues: rows.map { (($0["district"] as! [String: Any])["id"] as! Int, $0) })
            let rowA = byDistrict2[Int(district)]!["values"] as! [String: Any]
            let rowB = byDistrict2[Int(districtB)]!["values"] as! [String: Any]
            XCTAssertEqual(rowA["expected"] as? Int, schoolsA, data.text)
            XCTAssertEqual(rowA["submitted"] as? Int, 1)
            XCTAssertEqual(rowA["consolidated_versions"] as? Int, 1)
            XCTAssertEqual(rowB["submitted"] as? Int, 0)
            XCTAssertEqual((byDistrict2[Int(district)]!["texts"] as? [String: String])?["reached_obec"], "ส่งแล้ว")
            XCTAssertEqual((byDistrict2[Int(districtB)]!["texts"] as? [String: String])?["reached_obec"], "ยังไม่ส่ง")
            let totals = data.json["totals"] as! [String: Any]
            XCTAssertEqual(totals["expected"] as? Int, schoolsA + schoolsB)
            XCTAssertEqual(totals["submitted"] as? Int, 1)
            XCTAssertEqual(totals["consolidated_versions"] as? Int, 1)

            // The CSV as Excel opens it, the workbook as openpyxl reads it, the PDF's Thai text.
            let csv = try await api.send(.get, "/api/v1/national-reports/\(versionID)/files/csv", token: national)
            XCTAssertEqual(Array(csv.text.utf8.prefix(3)), [0xEF, 0xBB, 0xBF])
            XCTAssertTrue(csv.text.dropFirst().hasPrefix("รหัสเขตพื้นที่,สำนักงานเขตพื้นที่การศึกษา,หน่วยงานที่ต้องส่ง"), csv.text)
            XCTAssertTrue(csv.text.contains(",รวมทั้งประเทศ,\(schoolsA + schoolsB),1,"), csv.text)
            let xlsx = try await api.send(.get, "/api/v1/national-reports/\(versionID)/files/xlsx", token: national)
            let sheets = try RenderedFile.workbookSheets(xlsx.bytes)
            let table = sheets["รายเขตพื้นที่"]!
            XCTAssertEqual(table.count, 4, "a heading, two districts and the total")
            XCTAssertEqual(table[3][2]["t"] as? String, "n", "a total is a number")
            let pdf = try await api.send(.get, "/api/v1/national-reports/\(versionID)/files/pdf", token: national)
            XCTAssertEqual(pdf.headers[.contentType], "application/pdf")
            let read = try RenderedFile.pdf(pdf.bytes)
            let text = PDFText.comparable(read["text"] as! String)
            for thai in ["ระดับประเทศ", "รวมทั้งประเทศ", "สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน", "หน้า 1 จาก"] {
                XCTAssertTrue(text.contains(PDFText.comparable(thai)), "\(thai) in: \(text)")
            }
            XCTAssertTrue((read["fonts"] as! [[String: Any]]).allSatisfy { $0["embedded"] as? Bool == true })
            XCTAssertGreaterThan(read["ink_pixels"] as! Int, 500, "page 1 is not blank")

            // A part job run again (a retry after a kill): no second row, no second version.
            try await db.transaction(DistrictTenant.background(district)) { tx in
                try tx.enqueue(
                    NewJob(
                        districtID: district, kind: NationalReportAssembly.partKind,
                        args: PostgresJSON("{\"request_id\":\(requestID)}")))
            }
            try await MonitoringAPITests.runJobs(db)
            let once = try await api.send(
                .get, "/api/v1/national-reports?kind=requirement_consolidated", token: national)
            XCTAssertEqual(once.items.count, 1, once.text)

            // Asked again: version 2 beside version 1.
            let again = try await api.send(.post, "/api/v1/national-report-requests", token: national, json: body)
            XCTAssertEqual(again.status, 202)
            try await MonitoringAPITests.runJobs(db)
            let versions = try await api.send(
                .get, "/api/v1/national-reports?report_key=requirement_consolidated:\(nationalID):1", token: national)
            XCTAssertEqual(versions.items.map { $0["number"] as? Int }, [2, 1], versions.text)
            XCTAssertEqual((versions.items[0]["earlier_versions"] as? [[String: Any]])?.first?["id"] as? Int, versionID)

            // The annual figures of both districts, added up.
            let annual = try await api.send(
                .post, "/api/v1/national-report-requests", token: national,
                json: json(["kind": "annual", "fiscal_year": 2569]))
            XCTAssertEqual(annual.status, 202, annual.text)
            try await MonitoringAPITests.runJobs(db)
            let annualDone = try await api.send(
                .get, "/api/v1/national-report-requests/\(annual.json["id"] as! Int)", token: national)
            let annualData = try await api.send(
                .get, "/api/v1/national-reports/\(annualDone.json["version_id"] as! Int)/files/json", token: national)
            XCTAssertEqual((annualData.json["totals"] as? [String: Any])?["schools"] as? Int, schoolsA + schoolsB)
            XCTAssertEqual(
                annualData.json["title_th"] as? String, "รายงานผลการดำเนินงานประจำปี ระดับประเทศ ปีงบประมาณ พ.ศ. 2569")

            // A district reads none of it; OBEC's requests are in its own audit log.
            for path in [
                "/api/v1/national-report-requests/\(requestID)", "/api/v1/national-reports/\(versionID)",
                "/api/v1/national-reports/\(versionID)/files/csv", "/api/v1/national-reports",
            ] {
                let other = try await api.send(.get, path, token: staffB)
                XCTAssertEqual(other.status, 403, "\(path): \(other.text)")
            }
            let audit = try await api.send(
                .get, "/api/v1/national-audit?entity=national_report_request", token: national)
            XCTAssertEqual(audit.items.filter { $0["action"] as? String == "insert" }.count, 3, audit.text)
        }
    }
}
