import Foundation
import TidtamDomain
import XCTest

@testable import TidtamReports

/// The national report's arithmetic and files: counts and amounts add up, a share is recomputed
/// from the sums (not the mean of the districts' shares), a mean is weighted by what it is the
/// mean of, a district without figures counts in no total, and a hostile district name is inert.
final class NationalReportTests: XCTestCase {
    typealias Column = NationalReport.Column

    static let columns = [
        Column("expected", "หน่วยงานที่ต้องส่ง", .count), Column("submitted", "ส่งแล้ว", .count),
        Column("rate", "ร้อยละที่ส่ง", .percent, ratio: ["submitted", "expected"]),
        Column("allocated", "งบประมาณ (บาท)", .amount), Column("scored", "มีคะแนน", .count),
        Column("mean", "คะแนนเฉลี่ย", .mean, weight: "scored"), Column("sent", "ส่งถึง สพฐ.", .text),
    ]

    func part(_ id: Int64, _ code: String, _ name: String, _ values: [String: Decimal], sent: String = "ส่งแล้ว")
        -> NationalReport.Part
    {
        NationalReport.Part(
            district: .init(id: id, code: code, nameTH: name), columns: Self.columns, values: values,
            texts: ["sent": sent])
    }

    func testTotalsAddCountsRecomputeSharesAndWeighMeans() throws {
        let report = NationalReport(
            kind: .requirementConsolidated, subjectTH: "งวดที่ 1", assembledOnTH: "2 ธันวาคม 2569",
            parts: [
                part(
                    2, "B02", "เขต ข",
                    ["expected": 30, "submitted": 3, "rate": 10, "allocated": 1000.5, "scored": 1, "mean": 2]),
                part(
                    1, "A01", "เขต ก",
                    ["expected": 10, "submitted": 9, "rate": 90, "allocated": 0.25, "scored": 3, "mean": 4]),
                NationalReport.Part(
                    district: .init(id: 3, code: "C03", nameTH: "=HYPERLINK(\"http://x.test\")"), columns: [],
                    values: [:], errorTH: "รวบรวมข้อมูลของเขตพื้นที่ไม่สำเร็จ"),
            ])
        XCTAssertEqual(report.districts.map(\.district.code), ["A01", "B02", "C03"], "in the districts' order")
        XCTAssertEqual(report.totals["expected"], 40)
        XCTAssertEqual(report.totals["submitted"], 12)
        XCTAssertEqual(report.totals["rate"], 30, "12 of 40, not the mean of 90 and 10")
        XCTAssertEqual(report.totals["allocated"], Decimal(string: "1000.75"))
        XCTAssertEqual(report.totals["mean"], Decimal(string: "3.5"), "(4 × 3 + 2 × 1) / 4")
        XCTAssertNil(report.totals["sent"], "words have no total")
        XCTAssertEqual(report.titleTH, "รายงานสรุปการส่งรายงาน ระดับประเทศ งวดที่ 1")

        let csv = String(decoding: report.csv.bytes, as: UTF8.self)
        let lines = csv.dropFirst().components(separatedBy: "\r\n")
        XCTAssertEqual(
            lines[0],
            "รหัสเขตพื้นที่,สำนักงานเขตพื้นที่การศึกษา,หน่วยงานที่ต้องส่ง,ส่งแล้ว,ร้อยละที่ส่ง,งบประมาณ (บาท),มีคะแนน,คะแนนเฉลี่ย,ส่งถึง สพฐ.,หมายเหตุ"
        )
        XCTAssertEqual(lines[1], "A01,เขต ก,10,9,90,0.25,3,4,ส่งแล้ว,")
        XCTAssertEqual(lines[3], "C03,\"'=HYPERLINK(\"\"http://x.test\"\")\",,,,,,,,รวบรวมข้อมูลของเขตพื้นที่ไม่สำเร็จ")
        XCTAssertEqual(lines[4], ",รวมทั้งประเทศ,40,12,30,1000.75,4,3.5,,")

        let html = report.html
        XCTAssertTrue(html.contains("1,000.75"), "amounts grouped in print")
        XCTAssertTrue(html.contains("<td class=\"n\">1,000.50</td>"), "satang in two places: \(html)")
        XCTAssertTrue(html.contains("=HYPERLINK(&quot;"), "escaped")
        XCTAssertTrue(html.contains("รวมทั้งประเทศ"))
        // The data round-trips: what the version keeps renders the same files again.
        let data = try JSONEncoder().encode(report)
        XCTAssertEqual(try JSONDecoder().decode(NationalReport.self, from: data), report)
    }

    func testWideReportsPrintInGroupsOfColumns() {
        let columns = (1...15).map { Column("c\($0)", "คอลัมน์ \($0)", .count) }
        let report = NationalReport(
            kind: .sarSummary, subjectTH: "ปีการศึกษา 2568", assembledOnTH: "2 ธันวาคม 2569",
            parts: [
                NationalReport.Part(
                    district: .init(id: 1, code: "A01", nameTH: "เขต ก"), columns: columns,
                    values: Dictionary(uniqueKeysWithValues: columns.map { ($0.key, Decimal(1)) }))
            ])
        XCTAssertTrue(report.html.contains("รายเขตพื้นที่ (ตอนที่ 3 จาก 3)"), "15 columns in tables of 7")
        XCTAssertEqual(report.totals["c15"], 1)
    }
}
