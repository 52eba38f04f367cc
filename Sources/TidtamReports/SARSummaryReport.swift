import Foundation
import TidtamDomain

/// The summary of the schools' self-assessment reports for the district education committee
/// (report 4 of seed 5.3), as `SARSummaryQuery` assembles it: schools per level and standard,
/// this academic year beside the last, the points to improve several schools share, and each
/// school's levels.
public struct SARSummaryReport: Codable, Sendable, Equatable {
    public struct Unit: Codable, Sendable, Equatable {
        public var obecCode: String
        public var nameTH: String
        public var statusTH: String
        enum CodingKeys: String, CodingKey { case obecCode = "obec_code", nameTH = "name_th", statusTH = "status_th" }
    }

    public struct Standard: Codable, Sendable, Equatable {
        public var standard: Int
        public var nameTH: String
        /// Schools at levels 1 to 5.
        public var levels: [Int]
        public var levelsLastYear: [Int]
        public var mean: Decimal?
        public var meanLastYear: Decimal?
        enum CodingKeys: String, CodingKey {
            case standard, levels, mean
            case nameTH = "name_th", levelsLastYear = "levels_last_year", meanLastYear = "mean_last_year"
        }
    }

    public struct CommonPoint: Codable, Sendable, Equatable {
        public var standard: Int
        public var standardTH: String
        public var textTH: String
        public var schools: Int
        enum CodingKeys: String, CodingKey { case standard, schools, standardTH = "standard_th", textTH = "text_th" }
    }

    public struct SchoolLevels: Codable, Sendable, Equatable {
        public var obecCode: String
        public var nameTH: String
        public var levels: [Int]
        public var levelsTH: [String]
        public var levelsLastYear: [Int?]?
        enum CodingKeys: String, CodingKey {
            case levels
            case obecCode = "obec_code", nameTH = "name_th", levelsTH = "levels_th", levelsLastYear = "levels_last_year"
        }
    }

    public var district: ConsolidatedReport.District
    public var academicYear: Int
    public var assembledOnTH: String
    public var schools: Int
    public var submitted: Int
    public var submittedLastYear: Int
    public var notSubmitted: [Unit]
    public var standards: [Standard]
    public var commonImprovements: [CommonPoint]
    public var commonStrengths: [CommonPoint]
    public var schoolLevels: [SchoolLevels]

    enum CodingKeys: String, CodingKey {
        case district, schools, submitted, standards
        case academicYear = "academic_year", assembledOnTH = "assembled_on_th"
        case submittedLastYear = "submitted_last_year", notSubmitted = "not_submitted"
        case commonImprovements = "common_improvements", commonStrengths = "common_strengths"
        case schoolLevels = "school_levels"
    }

    public var titleTH: String { "\(ReportKind.sarSummary.thaiName) ปีการศึกษา \(academicYear)" }

    static let levelNames = SARLevel.allCases.map(\.thaiName)

    static func change(_ now: Int, _ before: Int) -> String {
        now == before ? "0" : now > before ? "+\(now - before)" : "\(now - before)"
    }

    /// One row per standard and level: schools this year, last year, and the change.
    public var csv: CSVFile {
        var rows: [[CSVFile.Cell]] = []
        for s in standards {
            for (n, name) in Self.levelNames.enumerated() {
                let now = s.levels[n], before = s.levelsLastYear[n]
                rows.append([
                    .text(s.nameTH), .text(name), .number(String(now)), .number(String(before)),
                    .number(String(now - before)),
                ])
            }
        }
        return CSVFile(
            header: [
                "มาตรฐาน", "ระดับคุณภาพ", "จำนวนสถานศึกษา ปีการศึกษา \(academicYear)",
                "จำนวนสถานศึกษา ปีการศึกษา \(academicYear - 1)", "เปลี่ยนแปลง",
            ], rows: rows)
    }

    public var xlsx: XLSXWorkbook {
        typealias Cell = XLSXWorkbook.Cell
        let summary: [[Cell]] = [
            [.text(titleTH)], [.text("สำนักงานเขตพื้นที่การศึกษา"), .text(district.nameTH)],
            [.text("สถานศึกษาทั้งหมด"), .number(String(schools))], [.text("ส่งรายงานแล้ว"), .number(String(submitted))],
            [.text("ส่งรายงานปีการศึกษาก่อน"), .number(String(submittedLastYear))],
            [.text("ยังไม่ส่ง"), .number(String(notSubmitted.count))],
        ]
        let table = csv
        let points: [[Cell]] =
            [["ประเภท", "มาตรฐาน", "ประเด็น", "จำนวนสถานศึกษา"].map { .text($0) }]
            + commonImprovements.map {
                [.text("จุดที่ควรพัฒนา"), .text($0.standardTH), .text($0.textTH), .number(String($0.schools))]
            }
            + commonStrengths.map {
                [.text("จุดเด่น"), .text($0.standardTH), .text($0.textTH), .number(String($0.schools))]
            }
        let perSchool: [[Cell]] =
            [["รหัสสถานศึกษา", "สถานศึกษา", "มาตรฐานที่ 1", "มาตรฐานที่ 2", "มาตรฐานที่ 3"].map { .text($0) }]
            + schoolLevels.map { s in [.text(s.obecCode), .text(s.nameTH)] + s.levelsTH.map { .text($0) } }
        let missing: [[Cell]] =
            [["รหัสสถานศึกษา", "สถานศึกษา", "สถานะ"].map { .text($0) }]
            + notSubmitted.map { [.text($0.obecCode), .text($0.nameTH), .text($0.statusTH)] }
        return XLSXWorkbook(sheets: [
            .init(name: "สรุป", rows: summary, widths: [30, 50]),
            .init(
                name: "ระดับคุณภาพ", rows: [table.header.map(Cell.text)] + table.rows.map { $0.map(Cell.init) },
                widths: [50, 16, 22, 22, 14]),
            .init(name: "ประเด็นร่วม", rows: points, widths: [16, 40, 60, 16]),
            .init(name: "รายสถานศึกษา", rows: perSchool, widths: [14, 40, 16, 16, 16]),
            .init(name: "ยังไม่ส่ง", rows: missing, widths: [14, 40, 18]),
        ])
    }

    public var html: String {
        let e = PrintHTML.escape
        var body = """
            <h1>\(e(titleTH))</h1>
            <p class="meta">\(e(district.nameTH)) · จัดทำเมื่อ \(e(assembledOnTH))</p>
            <h2>1. การส่งรายงานการประเมินตนเอง</h2>
            \(PrintHTML.pairs([
                ("สถานศึกษาทั้งหมด", "\(schools) แห่ง"), ("ส่งรายงานแล้ว", "\(submitted) แห่ง"),
                ("ปีการศึกษา \(academicYear - 1)", "ส่ง \(submittedLastYear) แห่ง"), ("ยังไม่ส่ง", "\(notSubmitted.count) แห่ง"),
            ]))
            <h2>2. ระดับคุณภาพตามมาตรฐานการศึกษา เทียบกับปีการศึกษาก่อน</h2>
            """
        for s in standards {
            body += "<h3>\(e(s.nameTH))</h3>"
            body += PrintHTML.table(
                header: ["ระดับคุณภาพ", "ปีการศึกษา \(academicYear)", "ปีการศึกษา \(academicYear - 1)", "เปลี่ยนแปลง"],
                rows: Self.levelNames.enumerated().reversed().map { n, name in
                    [name, "\(s.levels[n])", "\(s.levelsLastYear[n])", Self.change(s.levels[n], s.levelsLastYear[n])]
                }, numeric: [1, 2, 3], widths: [34, 22, 22, 22])
        }
        func points(_ list: [CommonPoint], none: String) -> String {
            guard !list.isEmpty else { return "<p>\(e(none))</p>" }
            return PrintHTML.table(
                header: ["มาตรฐาน", "ประเด็น", "สถานศึกษา"],
                rows: list.map { ["มาตรฐานที่ \($0.standard)", $0.textTH, "\($0.schools)"] }, numeric: [2],
                widths: [16, 66, 18])
        }
        body += "<h2>3. จุดที่ควรพัฒนาร่วมกันของสถานศึกษา</h2>"
        body += points(commonImprovements, none: "ไม่มีจุดที่ควรพัฒนาที่รายงานไว้")
        body += "<h2>4. จุดเด่นของสถานศึกษา</h2>"
        body += points(commonStrengths, none: "ไม่มีจุดเด่นที่รายงานไว้")
        body += "<h2>5. ระดับคุณภาพรายสถานศึกษา</h2>"
        body += PrintHTML.table(
            header: ["ที่", "สถานศึกษา", "มาตรฐานที่ 1", "มาตรฐานที่ 2", "มาตรฐานที่ 3"],
            rows: schoolLevels.enumerated().map { n, s in ["\(n + 1)", s.nameTH] + s.levelsTH },
            numeric: [0], widths: [6, 40, 18, 18, 18])
        if !notSubmitted.isEmpty {
            body += "<h2>6. สถานศึกษาที่ยังไม่ส่งรายงาน</h2>"
            body += PrintHTML.table(
                header: ["ที่", "รหัสสถานศึกษา", "สถานศึกษา", "สถานะ"],
                rows: notSubmitted.enumerated().map { n, u in ["\(n + 1)", u.obecCode, u.nameTH, u.statusTH] },
                numeric: [0], widths: [6, 20, 50, 24])
        }
        return PrintHTML.document(titleTH: titleTH, body: body)
    }
}
