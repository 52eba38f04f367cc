import Foundation
import TestSupport
import TidtamDomain
import TidtamReports
import XCTest

/// Schools' self-assessment reports and their summary for the committee, tried as a new user
/// would: a school writes its SAR (a level on each of the three standards, strengths and points
/// to improve), attaches the document and submits it; the office returns one with a reason and
/// the school submits again; the district's summary counts schools per level and standard,
/// lists the points several schools share and compares with last year; another district and
/// another school find none of it.
final class SARAPITests: APITestCase {
    func testSchoolsSubmitTheirSARsAndTheOfficeSummarisesThem() async throws {
        let staff = token(a, .districtStaff), school = token(a, .schoolStaff), staffB = token(b, .districtStaff)
        let (a0, a1, a2) = (fixture.schoolsA[0], fixture.schoolsA[1], fixture.schoolsA[2])
        let db = self.db!
        try await withAPI { api in
            func sar(_ unit: Int64, _ year: Int, _ levels: [String: Int], improve: [String], by token: String)
                async throws
                -> APIClient.Reply
            {
                let points =
                    improve.map { ["standard": 1, "kind": "improvement", "text_th": $0] as [String: Any] }
                    + [["standard": 2, "kind": "strength", "text_th": "ผู้บริหารมีวิสัยทัศน์"]]
                return try await api.send(
                    .post, "/api/v1/sars", token: token,
                    json: json([
                        "school_id": unit, "academic_year": year, "levels": levels, "points": points,
                        "summary_th": "สรุปผลการประเมินตนเอง",
                    ]))
            }
            func submit(_ made: APIClient.Reply, by token: String) async throws -> APIClient.Reply {
                try await api.send(
                    .post, "/api/v1/sars/\(made.json["id"] as! Int)/submit", token: token, headers: matching(made))
            }
            // The school writes its own; another school's is not its to write.
            let mine = try await sar(
                a0, 2568, ["learners": 4, "management": 5], improve: ["การอ่านออกเขียนได้", "ทักษะการคิดวิเคราะห์"],
                by: school)
            XCTAssertEqual(mine.status, 201, mine.text)
            XCTAssertEqual((mine.json["levels_th"] as? [String: Any])?["learners"] as? String, "ดีเลิศ")
            let notMine = try await sar(a1, 2568, [:], improve: [], by: school)
            XCTAssertEqual(notMine.status, 404, notMine.text)
            let bad = try await api.send(
                .post, "/api/v1/sars", token: school,
                json: json([
                    "school_id": a0, "academic_year": 2400, "levels": ["learners": 6, "x": 1],
                    "points": [["standard": 4, "kind": "other", "text_th": ""]],
                ]))
            XCTAssertEqual(bad.status, 422)
            XCTAssertEqual(
                Set(bad.errorPointers),
                [
                    "/academic_year", "/levels/learners", "/levels/x", "/points/0/standard", "/points/0/kind",
                    "/points/0/text_th",
                ],
                bad.text)

            // Submitting needs every standard's level: all that are missing, at once.
            let early = try await submit(mine, by: school)
            XCTAssertEqual(early.status, 422, early.text)
            XCTAssertEqual(early.errorPointers, ["/levels/teaching"], early.text)
            let complete = try await api.send(
                .put, "/api/v1/sars/\(mine.json["id"] as! Int)", token: school,
                json: json([
                    "levels": ["learners": 4, "management": 5, "teaching": 3],
                    "points": [
                        ["standard": 1, "kind": "improvement", "text_th": "การอ่านออกเขียนได้"],
                        ["standard": 3, "kind": "improvement", "text_th": "การใช้สื่อเทคโนโลยี"],
                    ],
                ]), headers: matching(mine))
            XCTAssertEqual(complete.status, 200, complete.text)
            let pdf = Array("%PDF-1.4\n% รายงานการประเมินตนเอง\n".utf8) + Array(repeating: UInt8(ascii: "x"), count: 500)
            let name = "SAR-2568.pdf"
            let document = try await api.send(
                .post, "/api/v1/sars/\(mine.json["id"] as! Int)/documents?file_name=\(name)", token: school, bytes: pdf,
                headers: [.contentType: "application/pdf"])
            XCTAssertEqual(document.status, 201, document.text)
            let content = try await api.send(
                .get, "/api/v1/evidence-files/\(document.json["id"] as! Int)/content", token: staff)
            XCTAssertEqual(content.bytes, pdf)
            let current = try await api.send(.get, "/api/v1/sars/\(mine.json["id"] as! Int)", token: school)
            XCTAssertEqual((current.json["documents"] as? [[String: Any]])?.count, 1)
            let sent = try await submit(current, by: school)
            XCTAssertEqual(sent.status, 200, sent.text)
            XCTAssertEqual(sent.json["status_th"] as? String, "ส่งแล้ว")
            let changed = try await api.send(
                .put, "/api/v1/sars/\(mine.json["id"] as! Int)", token: school, json: json(["levels": [:]]),
                headers: matching(sent))
            XCTAssertEqual(changed.status, 409, "a submitted SAR is not changed: \(changed.text)")

            // The office returns it with a reason; the school changes it and submits again.
            let byTheSchool = try await api.send(
                .post, "/api/v1/sars/\(mine.json["id"] as! Int)/return", token: school, json: json(["reason": "x"]),
                headers: matching(sent))
            XCTAssertEqual(byTheSchool.status, 403)
            let returned = try await api.send(
                .post, "/api/v1/sars/\(mine.json["id"] as! Int)/return", token: staff,
                json: json(["reason": "โปรดแนบหลักฐานมาตรฐานที่ 3"]), headers: matching(sent))
            XCTAssertEqual(returned.json["status"] as? String, "returned", returned.text)
            let resent = try await submit(returned, by: school)
            XCTAssertEqual(resent.status, 200, resent.text)
            let twice = try await sar(a0, 2568, [:], improve: [], by: staff)
            XCTAssertEqual(twice.status, 409, "one SAR per school and year: \(twice.text)")

            // The office enters the others; last year's too.
            let all = ["learners": 3, "management": 3, "teaching": 2]
            for (unit, year, levels, improve) in [
                (a1, 2568, ["learners": 5, "management": 4, "teaching": 4], ["การอ่านออกเขียนได้ "]),
                (a0, 2567, all, ["การอ่านออกเขียนได้"]), (a1, 2567, all, ["ทักษะการคิดวิเคราะห์"]),
            ] {
                let made = try await sar(unit, year, levels, improve: improve, by: staff)
                XCTAssertEqual(made.status, 201, made.text)
                let done = try await submit(made, by: staff)
                XCTAssertEqual(done.status, 200, done.text)
            }
            _ = try await sar(a2, 2568, ["learners": 1], improve: [], by: staff)  // a draft: not counted

            // The summary for the committee.
            let asked = try await api.send(
                .post, "/api/v1/report-requests", token: staff,
                json: json(["kind": "sar_summary", "academic_year": 2568]))
            XCTAssertEqual(asked.status, 202, asked.text)
            let noYear = try await api.send(
                .post, "/api/v1/report-requests", token: staff,
                json: json(["kind": "sar_summary", "fiscal_year": 2569]))
            XCTAssertEqual(noYear.errorPointers, ["/academic_year"], noYear.text)
            try await MonitoringAPITests.runJobs(db)
            let done = try await api.send(.get, "/api/v1/report-requests/\(asked.json["id"] as! Int)", token: staff)
            XCTAssertEqual(done.json["status"] as? String, "done", done.text)
            let versionID = done.json["version_id"] as! Int
            let data = try await api.send(.get, "/api/v1/reports/\(versionID)/files/json", token: staff)
            let report = try JSONDecoder().decode(SARSummaryReport.self, from: Data(data.bytes))
            XCTAssertEqual(report.titleTH, "สรุปรายงานการประเมินตนเองของสถานศึกษา ปีการศึกษา 2568")
            XCTAssertEqual(report.submitted, 2)
            XCTAssertEqual(report.submittedLastYear, 2)
            XCTAssertEqual(report.notSubmitted.count, report.schools - 2)
            XCTAssertTrue(report.notSubmitted.contains { $0.statusTH == "ร่าง" }, "the draft named as one")
            let learners = report.standards[0]
            XCTAssertEqual(learners.levels, [0, 0, 0, 1, 1], "one ดีเลิศ, one ยอดเยี่ยม")
            XCTAssertEqual(learners.levelsLastYear, [0, 0, 2, 0, 0])
            XCTAssertEqual(learners.mean, 4.5)
            XCTAssertEqual(report.standards[2].levels, [0, 0, 1, 1, 0])
            let shared = report.commonImprovements.first!
            XCTAssertEqual(shared.textTH, "การอ่านออกเขียนได้")
            XCTAssertEqual(shared.schools, 2, "the same point with other spacing counted as one")
            XCTAssertEqual(report.commonStrengths.first?.schools, 1)
            XCTAssertEqual(report.schoolLevels.count, 2)

            let csv = try await api.send(.get, "/api/v1/reports/\(versionID)/files/csv", token: staff)
            XCTAssertTrue(String(csv.text.dropFirst()).hasPrefix("มาตรฐาน,ระดับคุณภาพ,จำนวนสถานศึกษา ปีการศึกษา 2568"))
            XCTAssertTrue(csv.text.contains("มาตรฐานที่ 1 คุณภาพของผู้เรียน,ยอดเยี่ยม,1,0,1"), csv.text)
            let pdfFile = try await api.send(.get, "/api/v1/reports/\(versionID)/files/pdf", token: staff)
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("sar-\(UUID()).pdf")
            try Data(pdfFile.bytes).write(to: path)
            defer { try? FileManager.default.removeItem(at: path) }
            let read = try PythonScript.json("Tests/reports/check_pdf.py", path.path)
            let text = PDFText.comparable(read["text"] as! String)
            for thai in [
                "สรุปรายงานการประเมินตนเองของสถานศึกษา", "จุดที่ควรพัฒนาร่วมกันของสถานศึกษา", "การอ่านออกเขียนได้", "ปีการศึกษา 2568",
            ] {
                XCTAssertTrue(text.contains(PDFText.comparable(thai)), "\(thai) in the PDF")
            }

            // Another district finds none of it.
            for path in ["/api/v1/sars/\(mine.json["id"] as! Int)", "/api/v1/reports/\(versionID)"] {
                let other = try await api.send(.get, path, token: staffB)
                XCTAssertEqual(other.status, 404, path)
            }
            let listB = try await api.send(.get, "/api/v1/sars?academic_year=2568", token: staffB)
            XCTAssertEqual(listB.items.count, 0)
            let listA = try await api.send(.get, "/api/v1/sars?academic_year=2568", token: school)
            XCTAssertEqual(listA.items.map { $0["school_id"] as? Int }, [Int(a0)], "school staff see their own")
        }
    }
}
