import Foundation
import XCTest

@testable import TidtamDomain

final class MonitoringDomainTests: XCTestCase {
    func testReportingPeriodsFollowTheThaiFiscalYear() {
        let year = FiscalYear(2569)
        let quarters = year.reportingPeriods(.quarterly)
        XCTAssertEqual(quarters.map(\.start.iso), ["2025-10-01", "2026-01-01", "2026-04-01", "2026-07-01"])
        XCTAssertEqual(quarters.map(\.end.iso), ["2025-12-31", "2026-03-31", "2026-06-30", "2026-09-30"])
        XCTAssertEqual(quarters[0].thaiName, "ไตรมาสที่ 1 ปีงบประมาณ พ.ศ. 2569")
        let months = year.reportingPeriods(.monthly)
        XCTAssertEqual(months.count, 12)
        XCTAssertEqual(months[0].thaiName, "เดือนตุลาคม 2568")
        XCTAssertEqual(months[4].end.iso, "2026-02-28")
        XCTAssertEqual(FiscalYear(2571).reportingPeriods(.monthly)[4].end.iso, "2028-02-29", "a leap February")
        XCTAssertEqual(year.halves.map(\.end.iso), ["2026-03-31", "2026-09-30"])
    }

    func testFoldingKeepsLinesWithin75OctetsAndNeverSplitsACharacter() {
        for length in [0, 1, 74, 75, 76, 200] {
            let line = "SUMMARY:" + String(repeating: "นิเทศ", count: length)
            let folded = Array(ICalendar.fold(line).utf8)
            XCTAssertEqual(Array(folded.suffix(2)), [0x0D, 0x0A])
            // Physical lines, as bytes (a Thai mark after a continuation's space would join it
            // into one Swift Character).
            var physical: [[UInt8]] = [[]]
            var index = 0
            let body = Array(folded.dropLast(2))
            while index < body.count {
                if body[index] == 0x0D, index + 1 < body.count, body[index + 1] == 0x0A {
                    physical.append([])
                    index += 2
                } else {
                    physical[physical.count - 1].append(body[index])
                    index += 1
                }
            }
            XCTAssertTrue(physical.allSatisfy { $0.count <= 75 }, "\(length)")
            XCTAssertTrue(physical.dropFirst().allSatisfy { $0.first == 0x20 })
            XCTAssertTrue(physical.allSatisfy { String(validating: $0, as: UTF8.self) != nil }, "no character split")
            // Unfolding (RFC 5545 3.1) gives the line back.
            let unfolded = physical.enumerated().flatMap { $0.offset == 0 ? $0.element : Array($0.element.dropFirst()) }
            XCTAssertEqual(unfolded, Array(line.utf8))
        }
    }

    func testTextIsEscapedAndTimesAreWrittenInBangkokAndUTC() {
        XCTAssertEqual(ICalendar.escape("ก, ข; ค\\ง\nจ"), "ก\\, ข\\; ค\\\\ง\\nจ")
        let noonUTC = Date(timeIntervalSince1970: 1_764_676_800)  // 2025-12-02 12:00:00 UTC
        XCTAssertEqual(ICalendar.utc(noonUTC), "20251202T120000Z")
        XCTAssertEqual(ICalendar.bangkok(noonUTC), "20251202T190000")
    }

    func testAReportIsReviewedOnlyAfterSubmissionAndReturnedWithAReason() throws {
        XCTAssertEqual(try ReportLifecycle.apply(.submit, to: .draft, by: .schoolStaff), .submitted)
        XCTAssertThrowsError(try ReportLifecycle.apply(.acknowledge, to: .submitted, by: .schoolStaff))
        XCTAssertEqual(try ReportLifecycle.apply(.acknowledge, to: .submitted, by: .districtStaff), .acknowledged)
        XCTAssertThrowsError(
            try ReportLifecycle.apply(.returnForChanges(reason: " "), to: .submitted, by: .districtStaff))
        XCTAssertThrowsError(try ReportLifecycle.apply(.submit, to: .submitted, by: .schoolStaff))
        XCTAssertThrowsError(try ReportLifecycle.apply(.submit, to: .draft, by: .committee))
    }

    func testEvidenceTypesAreCheckedAgainstTheirContent() {
        XCTAssertTrue(EvidenceType.pdf.matches(Array("%PDF-1.7".utf8)))
        XCTAssertFalse(EvidenceType.pdf.matches(Array("MZ".utf8)))
        XCTAssertEqual(EvidenceType(header: "text/plain; charset=utf-8"), .text)
        XCTAssertFalse(EvidenceType.text.matches([0xFF, 0xFE, 0x00]))
        XCTAssertNil(EvidenceType(header: "application/x-msdownload"))
    }
}
