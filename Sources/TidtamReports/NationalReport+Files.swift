import Foundation

/// The national report's files: one row per district and the country's total, as CSV and a
/// workbook; printed as the totals, then the districts' table in groups of columns that fit an
/// A4 page (a district's name repeated in each group).
extension NationalReport {
    static let totalTH = "รวมทั้งประเทศ"
    /// Figure columns per printed table (on a landscape A4), beside the district's number and name.
    static let printedColumns = 7
    /// A figure is never broken across lines; the figures' tables in a smaller size.
    static let printStyle =
        "table.figures { font-size: 12pt; } table.figures td.n { white-space: nowrap; } tr.total td { font-weight: bold; }"

    var header: [String] { ["รหัสเขตพื้นที่", "สำนักงานเขตพื้นที่การศึกษา"] + columns.map(\.th) + ["หมายเหตุ"] }

    func totalCell(_ column: Column) -> String? { totals[column.key].map { "\($0)" } }

    public var csv: CSVFile {
        var rows: [[CSVFile.Cell]] = districts.map { part in
            [.text(part.district.code), .text(part.district.nameTH)]
                + columns.map { column in
                    guard let text = cell(column, part) else { return .empty }
                    return column.format == .text ? .text(text) : .number(text)
                } + [part.errorTH.map(CSVFile.Cell.text) ?? .empty]
        }
        rows.append(
            [.empty, .text(Self.totalTH)] + columns.map { totalCell($0).map(CSVFile.Cell.number) ?? .empty } + [.empty])
        return CSVFile(header: header, rows: rows)
    }

    public var xlsx: XLSXWorkbook {
        let assembled = districts.filter { $0.errorTH == nil }.count
        var overview: [[XLSXWorkbook.Cell]] = [
            [.text(titleTH)], [.text("ผู้จัดทำ"), .text("สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน (สพฐ.)")],
            [.text("เรื่อง"), .text(subjectTH)], [.text("เขตพื้นที่การศึกษา"), .number(String(districts.count))],
            [.text("เขตพื้นที่ที่มีข้อมูล"), .number(String(assembled))], [.text("จัดทำเมื่อ"), .text(assembledOnTH)], [],
            [.text(Self.totalTH)],
        ]
        overview += columns.compactMap { column in
            totalCell(column).map { [.text(column.th), .number($0)] }
        }
        let table = csv
        return XLSXWorkbook(sheets: [
            .init(name: "สรุป", rows: overview, widths: [36, 50]),
            .init(
                name: "รายเขตพื้นที่",
                rows: [table.header.map(XLSXWorkbook.Cell.text)] + table.rows.map { $0.map(XLSXWorkbook.Cell.init) },
                widths: [14, 44] + columns.map { _ in 16 } + [40]),
        ])
    }

    func printed(_ text: String?, _ column: Column) -> String {
        guard let text else { return "–" }
        guard column.format == .amount, let value = Decimal(string: text) else { return text }
        // Baht with its satang in two places when it has any (46,549,023.50, not .5).
        let printed = PrintHTML.grouped(value)
        guard let point = printed.firstIndex(of: ".") else { return printed }
        return printed.distance(from: point, to: printed.endIndex) == 2 ? printed + "0" : printed
    }

    public var html: String {
        let assembled = districts.filter { $0.errorTH == nil }.count
        var body = """
            <h1>\(PrintHTML.escape(titleTH))</h1>
            <p class="meta">สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน · จัดทำเมื่อ \(PrintHTML.escape(assembledOnTH))</p>
            <h2>สรุประดับประเทศ</h2>
            \(PrintHTML.pairs(
                [("เขตพื้นที่การศึกษา", "\(districts.count)"), ("เขตพื้นที่ที่มีข้อมูล", "\(assembled)")]
                + columns.compactMap { c in totalCell(c).map { (c.th, printed($0, c)) } }))
            """
        let groups = stride(from: 0, to: columns.count, by: Self.printedColumns).map {
            Array(columns[$0..<min($0 + Self.printedColumns, columns.count)])
        }
        for (n, group) in groups.enumerated() {
            let heading = groups.count > 1 ? "รายเขตพื้นที่ (ตอนที่ \(n + 1) จาก \(groups.count))" : "รายเขตพื้นที่"
            var rows = districts.enumerated().map { i, part in
                ["\(i + 1)", "\(part.district.nameTH)\(part.errorTH.map { "\n(\($0))" } ?? "")"]
                    + group.map { printed(cell($0, part), $0) }
            }
            rows.append(["", Self.totalTH] + group.map { printed(totalCell($0), $0) })
            let figures = (100 - 5 - 25) / max(group.count, 1)
            body += """
                <h2>\(PrintHTML.escape(heading))</h2>
                \(PrintHTML.table(
                    header: ["ที่", "สำนักงานเขตพื้นที่การศึกษา"] + group.map(\.th), rows: rows,
                    numeric: Set([0] + group.indices.filter { group[$0].format != .text }.map { $0 + 2 }),
                    rowClasses: districts.map { $0.errorTH == nil ? nil : "missing" } + ["total"],
                    widths: [5, 25] + group.map { _ in figures }, tableClass: "figures"))
                """
        }
        return PrintHTML.document(titleTH: titleTH, body: body, landscape: true, style: Self.printStyle)
    }
}
