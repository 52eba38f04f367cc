import Foundation
import TestSupport
import TidtamDomain
import TidtamJobs
import TidtamReports
import TidtamStore
import XCTest

/// The report on output targets under the performance agreements, assembled from the demo's
/// year-end evaluations (one agreement meeting every target, one some, one with indicators not
/// reported, one with nothing reported): every school's score item by item, and the district's
/// distribution, where not reported is counted as such and never as zero.
final class AgreementReportTests: XCTestCase {
    func testTheAgreementsReportCountsNotReportedApartFromZero() async throws {
        let testDB = try TestDatabase.create()
        defer { testDB.drop() }
        let db = testDB.database()
        _ = try await DemoData(db).load()
        let district: Int64 = try testDB.superuserConnection().query("SELECT min(id) AS id FROM district").first!
            .decode("id")
        let tenant = DistrictTenant.background(district)
        let request = try await ReportStore(db).request(
            tenant, ReportRequestInput(kind: .agreementEvaluation, fiscalYear: FiscalYear(2569)))
        try await MonitoringAPITests.runJobs(db)
        let asked = try await ReportStore(db).request(tenant, id: request.id)!
        let status = try JSONSerialization.jsonObject(with: Data(asked.json.utf8)) as! [String: Any]
        XCTAssertEqual(status["status"] as? String, "done", asked.json)
        let version = status["version_id"] as! Int

        let file = try await ReportStore(db).file(tenant, versionID: Int64(version), format: "json")!
        let report = try JSONDecoder().decode(AgreementEvaluationReport.self, from: Data(file.bytes))
        XCTAssertEqual(report.titleTH, "รายงานผลการประเมินตัวชี้วัดตามข้อตกลงผลการปฏิบัติงาน ปีงบประมาณ พ.ศ. 2569")
        XCTAssertEqual(report.round?.kind, "year_end")
        let d = report.distribution
        XCTAssertEqual(d.evaluated, 4, "the demo's four agreements")
        XCTAssertEqual(d.notReported, 1, "nothing reported: no score")
        XCTAssertEqual(d.scored, 3)
        XCTAssertEqual(d.levels.reduce(0, +), d.scored, "every scored school at a level, the unreported at none")
        XCTAssertNotNil(d.mean)
        let unreported = report.schools.first { $0.score == nil }!
        XCTAssertTrue(unreported.items.allSatisfy { $0.standing == "missing" && $0.score == nil }, "\(unreported)")
        XCTAssertGreaterThan(unreported.missingWeight, 0)
        XCTAssertEqual(report.schools.last?.score, nil, "the unreported school comes last")
        XCTAssertTrue(report.schools.contains { $0.items.contains { $0.met == true } })

        // The CSV leaves a score not reported empty: never 0.
        let csv = try await ReportStore(db).file(tenant, versionID: Int64(version), format: "csv")!
        let lines = String(decoding: csv.bytes.dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n")
        XCTAssertTrue(lines[0].hasPrefix("รหัสสถานศึกษา,สถานศึกษา,คะแนนรวม,ระดับ"), lines[0])
        let unreportedRows = lines.filter { $0.contains(unreported.nameTH) }
        XCTAssertFalse(unreportedRows.isEmpty)
        for row in unreportedRows {
            XCTAssertTrue(row.contains("ไม่ได้รายงานผล"), row)
            XCTAssertFalse(row.split(separator: ",", omittingEmptySubsequences: false)[2].hasPrefix("0"), row)
        }
        let pdf = try await ReportStore(db).file(tenant, versionID: Int64(version), format: "pdf")
        XCTAssertEqual(Array(pdf?.bytes.prefix(4) ?? []), Array("%PDF".utf8), "its PDF made after it")
    }
}
