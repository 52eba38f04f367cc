import Foundation
import TidtamDomain

/// The annual report's files: the schools' results as CSV, a workbook of every table, and the
/// printed report in its five parts.
extension AnnualReport {
    static func number(_ value: Decimal?) -> CSVFile.Cell { value.map { .number("\($0)") } ?? .empty }

    /// One row per school: its projects, budget and reporting, as the district compares them.
    public var csv: CSVFile {
        CSVFile(
            header: [
                "รหัสสถานศึกษา", "สถานศึกษา", "จำนวนโครงการ", "งบประมาณที่ได้รับจัดสรร (บาท)", "เบิกจ่าย (บาท)",
                "ร้อยละการเบิกจ่าย", "ความก้าวหน้าเฉลี่ย (ร้อยละ)", "รายงานตรงเวลา", "รายงานล่าช้า", "ไม่ได้รายงาน",
            ],
            rows: schools.map { s in
                [
                    .text(s.obecCode), .text(s.nameTH), .number(String(s.projects)), .number("\(s.allocated)"),
                    .number("\(s.disbursed)"), Self.number(Self.percent(s.disbursed, of: s.allocated)),
                    Self.number(s.meanPercentComplete), .number(String(s.reportsOnTime)),
                    .number(String(s.reportsLate)), .number(String(s.reportsMissing)),
                ]
            })
    }

    public var xlsx: XLSXWorkbook {
        typealias Cell = XLSXWorkbook.Cell
        func n(_ value: Decimal?) -> Cell { value.map { .number("\($0)") } ?? .empty }
        func i(_ value: Int) -> Cell { .number(String(value)) }
        var summary: [[Cell]] = [
            [.text(titleTH)], [.text("สำนักงานเขตพื้นที่การศึกษา"), .text(district.nameTH)],
            [.text("ระยะเวลา"), .text(periodTH)], [.text("จำนวนสถานศึกษา"), i(overview.schools)],
            [.text("จำนวนนักเรียน"), i(overview.students)], [.text("โครงการ"), i(overview.projects)],
            [.text("งาน"), i(overview.works)], [.text("งบประมาณที่ได้รับจัดสรร (บาท)"), n(budget.allocated)],
            [.text("เบิกจ่าย (บาท)"), n(budget.disbursed)], [],
            [.text("แหล่งงบประมาณ"), .text("ได้รับจัดสรร (บาท)"), .text("เบิกจ่าย (บาท)"), .text("ร้อยละการเบิกจ่าย")],
        ]
        summary += budget.bySource.map {
            [.text($0.sourceTH), n($0.allocated), n($0.disbursed), n(Self.percent($0.disbursed, of: $0.allocated))]
        }
        summary += [
            [], [.text("รายงานความก้าวหน้าที่ถึงกำหนด"), i(progressReports.due)],
            [.text("ส่งตรงเวลา"), i(progressReports.onTime)], [.text("ส่งล่าช้า"), i(progressReports.late)],
            [.text("ไม่ได้ส่ง"), i(progressReports.missing)], [],
            [.text("ตัวชี้วัดที่มีค่าเป้าหมาย"), i(indicators.withTarget)], [.text("บรรลุ"), i(indicators.met)],
            [.text("ไม่บรรลุ"), i(indicators.notMet)], [.text("ไม่ได้รายงานผล"), i(indicators.notReported)],
        ]
        let table = csv
        let offices: [[Cell]] =
            [["รหัส", "โครงการ", "งบประมาณ (บาท)", "เบิกจ่าย (บาท)", "ความก้าวหน้า (ร้อยละ)", "สถานะ"].map { .text($0) }]
            + officeProjects.map {
                [
                    .text($0.code), .text($0.nameTH), n($0.allocated), n($0.disbursed), n($0.percentComplete),
                    .text($0.statusTH),
                ]
            }
        let everyProject: [[Cell]] =
            [
                ["หน่วยงาน", "รหัส", "โครงการ", "งบประมาณ (บาท)", "เบิกจ่าย (บาท)", "ความก้าวหน้า (ร้อยละ)", "สถานะ"].map {
                    .text($0)
                }
            ]
            + projects.map {
                [
                    .text($0.schoolTH), .text($0.code), .text($0.nameTH), n($0.allocated), n($0.disbursed),
                    n($0.percentComplete), .text($0.statusTH),
                ]
            }
        let measures: [[Cell]] =
            [["รหัส", "ตัวชี้วัด", "หน่วยนับ", "ค่าเป้าหมาย", "ผลการดำเนินงาน", "ผล"].map { .text($0) }]
            + officeIndicators.map {
                [
                    .text($0.code ?? ""), .text($0.nameTH), .text($0.unitTH), n($0.target), n($0.actual),
                    .text(Self.metTH($0.met)),
                ]
            }
        let evaluated: [[Cell]] =
            [
                (["ประเภท", "ประเมิน", "มีคะแนน", "ไม่ได้รายงานผล", "คะแนนเฉลี่ย"] + (0...5).map { "ระดับ \($0)" }).map {
                    .text($0)
                }
            ]
            + evaluations.map { e in
                [.text(e.subjectTH), i(e.evaluated), i(e.scored), i(e.notReported), n(e.mean)] + e.levels.map(i)
            }
        var visited: [[Cell]] =
            [["ประเภท", "วางแผน", "ดำเนินการแล้ว", "ยกเลิก", "สถานศึกษา"].map { .text($0) }]
            + visits.map { [.text($0.kindTH), i($0.planned), i($0.done), i($0.cancelled), i($0.schools)] }
        visited += [[], [.text("ข้อค้นพบ"), .text("สถานศึกษา"), .text("ข้อเสนอแนะ"), .text("กำหนด"), .text("สถานะ")]]
        visited += openFindings.map {
            [
                .text($0.findingTH), .text($0.schoolTH), .text($0.recommendationTH ?? ""), .text($0.dueOnTH ?? ""),
                .text($0.statusTH),
            ]
        }
        return XLSXWorkbook(sheets: [
            .init(name: "สรุป", rows: summary, widths: [34, 22, 18, 18]),
            .init(
                name: "รายสถานศึกษา",
                rows: [table.header.map(Cell.text)] + table.rows.map { $0.map(Cell.init) },
                widths: [14, 36, 12, 20, 16, 14, 16, 12, 12, 12]),
            .init(name: "โครงการของสำนักงาน", rows: offices, widths: [12, 48, 16, 16, 14, 20]),
            .init(name: "โครงการทั้งหมด", rows: everyProject, widths: [34, 12, 48, 16, 16, 14, 20]),
            .init(name: "ตัวชี้วัด", rows: measures, widths: [10, 50, 12, 12, 14, 14]),
            .init(name: "การประเมิน", rows: evaluated, widths: [30, 10, 10, 14, 12, 8, 8, 8, 8, 8, 8]),
            .init(name: "การติดตามและนิเทศ", rows: visited, widths: [40, 30, 40, 18, 14]),
        ])
    }
}
