import Foundation

/// The consolidated report as a printed page: the requirement and its dates, the counts, and
/// every unit in a table, late and missing ones marked.
extension ConsolidatedReport {
    public var html: String {
        let r = requirement, s = summary
        func percent(_ value: Decimal?) -> String { value.map { "\($0)" } ?? "–" }
        let summaryList = [
            ("ผู้กำหนด", r.issuerTH), ("งวด", r.periodTH), ("กำหนดส่ง", r.dueOnTH), ("ส่งทันเวลาถึง", r.onTimeUntilTH),
            ("หน่วยงานที่ต้องส่ง", "\(s.expected)"),
            ("ส่งแล้ว", "\(s.submitted) (ร้อยละ \(percent(s.reportingRate)))"),
            ("ส่งตรงเวลา", "\(s.onTime) (ร้อยละ \(percent(s.onTimeRate)))"), ("ส่งล่าช้า", "\(s.late)"),
            ("ยังไม่ส่ง", "\(s.missing)"),
        ]
        let rows = units.enumerated().map { n, unit in
            [
                "\(n + 1)", unit.obecCode ?? "", unit.nameTH, unit.standing.thaiName, unit.firstSubmittedOnTH ?? "–",
                unit.submissionStatusTH ?? "–", "\(unit.versions)",
            ]
        }
        let classes: [String?] = units.map {
            switch $0.standing {
            case .onTime: nil
            case .late: "late"
            case .missing: "missing"
            }
        }
        let body = """
            <h1>\(PrintHTML.escape(titleTH))</h1>
            <p class="meta">\(PrintHTML.escape(district.nameTH)) · จัดทำเมื่อ \(PrintHTML.escape(assembledOnTH))</p>
            <h2>สรุปการส่งรายงาน</h2>
            \(PrintHTML.pairs(summaryList))
            <h2>รายหน่วยงาน</h2>
            \(PrintHTML.table(
                header: ["ที่", "รหัสสถานศึกษา", "หน่วยงาน", "สถานะการส่ง", "วันที่ส่งครั้งแรก", "ผลการตรวจ", "ครั้งที่ส่ง"],
                rows: rows, numeric: [0, 6], rowClasses: classes, widths: [5, 19, 26, 13, 14, 14, 9]))
            """
        return PrintHTML.document(titleTH: titleTH, body: body)
    }
}
