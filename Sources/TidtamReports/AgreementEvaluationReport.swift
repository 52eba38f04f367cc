import Foundation
import TidtamDomain

/// The evaluation of output targets under the schools' performance agreements (report 2 of seed
/// 5.3): each school's weighted score in the fiscal year's year-end round, item by item, and the
/// district's distribution. A school whose indicators were not reported has no score (never
/// zero); the weight of what was missing is shown beside it.
public struct AgreementEvaluationReport: Codable, Sendable, Equatable {
    public struct Round: Codable, Sendable, Equatable {
        public var id: Int64
        public var nameTH: String
        public var kind: String
        enum CodingKeys: String, CodingKey { case id, kind, nameTH = "name_th" }
    }

    public struct Distribution: Codable, Sendable, Equatable {
        public var evaluated: Int
        public var scored: Int
        public var notReported: Int
        /// Schools at levels 0 to 5.
        public var levels: [Int]
        public var mean: Decimal?
        public var median: Decimal?
        public var final: Int
        enum CodingKeys: String, CodingKey {
            case evaluated, scored, levels, mean, median, final
            case notReported = "not_reported"
        }
    }

    public struct Item: Codable, Sendable, Equatable {
        public var nameTH: String
        public var weight: Decimal
        public var target: Decimal?
        public var actual: Decimal?
        /// "scored", "missing" (not reported) or "not_due".
        public var standing: String?
        public var score: Decimal?
        public var met: Bool?
        enum CodingKeys: String, CodingKey { case weight, target, actual, standing, score, met, nameTH = "name_th" }
    }

    public struct School: Codable, Sendable, Equatable {
        public var schoolID: Int64?
        public var obecCode: String?
        public var nameTH: String
        public var evaluationID: Int64
        public var status: String
        public var statusTH: String
        public var score: Decimal?
        public var level: Int?
        public var reportedWeight: Decimal
        public var missingWeight: Decimal
        public var items: [Item]
        enum CodingKeys: String, CodingKey {
            case status, score, level, items
            case schoolID = "school_id", obecCode = "obec_code", nameTH = "name_th", evaluationID = "evaluation_id"
            case statusTH = "status_th", reportedWeight = "reported_weight", missingWeight = "missing_weight"
        }
    }

    public var district: ConsolidatedReport.District
    public var fiscalYear: Int
    public var round: Round?
    public var distribution: Distribution
    public var schools: [School]
    public var assembledOnTH: String

    enum CodingKeys: String, CodingKey {
        case district, round, distribution, schools
        case fiscalYear = "fiscal_year", assembledOnTH = "assembled_on_th"
    }

    public var titleTH: String { "\(ReportKind.agreementEvaluation.thaiName) ปีงบประมาณ พ.ศ. \(fiscalYear)" }

    static func text(_ value: Decimal?) -> String { value.map { "\($0)" } ?? "" }

    static func standingTH(_ item: Item) -> String {
        switch item.standing {
        case "scored": item.met == true ? "บรรลุเป้าหมาย" : item.met == false ? "ไม่บรรลุเป้าหมาย" : "ประเมินแล้ว"
        case "missing": "ไม่ได้รายงานผล"
        case "not_due": "ยังไม่ถึงกำหนด"
        default: ""
        }
    }

    /// One row per school and item, Thai headers; a score not reported is left empty, never 0.
    public var csv: CSVFile {
        var rows: [[CSVFile.Cell]] = []
        for school in schools {
            for item in school.items {
                rows.append([
                    school.obecCode.map(CSVFile.Cell.text) ?? .empty, .text(school.nameTH),
                    school.score.map { .number("\($0)") } ?? .empty, school.level.map { .number(String($0)) } ?? .empty,
                    .text(school.statusTH), .text(item.nameTH), .number("\(item.weight)"),
                    item.target.map { .number("\($0)") } ?? .empty, item.actual.map { .number("\($0)") } ?? .empty,
                    item.score.map { .number("\($0)") } ?? .empty, .text(Self.standingTH(item)),
                ])
            }
        }
        return CSVFile(
            header: [
                "รหัสสถานศึกษา", "สถานศึกษา", "คะแนนรวม", "ระดับ", "สถานะการประเมิน", "ตัวชี้วัด", "น้ำหนัก", "ค่าเป้าหมาย",
                "ผลการดำเนินงาน", "คะแนน", "ผล",
            ], rows: rows)
    }

    /// The distribution, each school's score, and every item.
    public var xlsx: XLSXWorkbook {
        let d = distribution
        var overview: [[XLSXWorkbook.Cell]] = [
            [.text(titleTH)], [.text("สำนักงานเขตพื้นที่การศึกษา"), .text(district.nameTH)],
            [.text("รอบการประเมิน"), .text(round?.nameTH ?? "ยังไม่มีรอบการประเมิน")],
            [.text("สถานศึกษาที่ประเมิน"), .number(String(d.evaluated))],
            [.text("มีคะแนน"), .number(String(d.scored))], [.text("ไม่ได้รายงานผล"), .number(String(d.notReported))],
            [.text("คะแนนเฉลี่ย"), d.mean.map { .number("\($0)") } ?? .empty],
            [.text("มัธยฐาน"), d.median.map { .number("\($0)") } ?? .empty],
        ]
        for (level, count) in d.levels.enumerated() {
            overview.append([.text("ระดับ \(level)"), .number(String(count))])
        }
        let scores: [[XLSXWorkbook.Cell]] =
            [["ที่", "รหัสสถานศึกษา", "สถานศึกษา", "คะแนนรวม", "ระดับ", "น้ำหนักที่ไม่ได้รายงาน", "สถานะ"].map { .text($0) }]
            + schools.enumerated().map { n, s in
                [
                    .number(String(n + 1)), s.obecCode.map(XLSXWorkbook.Cell.text) ?? .empty, .text(s.nameTH),
                    s.score.map { .number("\($0)") } ?? .empty, s.level.map { .number(String($0)) } ?? .empty,
                    .number("\(s.missingWeight)"), .text(s.statusTH),
                ]
            }
        let table = csv
        return XLSXWorkbook(sheets: [
            .init(name: "สรุป", rows: overview, widths: [28, 50]),
            .init(name: "รายสถานศึกษา", rows: scores, widths: [6, 14, 40, 12, 8, 20, 16]),
            .init(
                name: "รายตัวชี้วัด",
                rows: [table.header.map(XLSXWorkbook.Cell.text)] + table.rows.map { $0.map(XLSXWorkbook.Cell.init) },
                widths: [14, 36, 10, 8, 16, 48, 10, 12, 14, 10, 18]),
        ])
    }

    public var html: String {
        let d = distribution
        func dec(_ value: Decimal?) -> String { value.map { "\($0)" } ?? "–" }
        let summary = PrintHTML.pairs(
            [
                ("รอบการประเมิน", round?.nameTH ?? "ยังไม่มีรอบการประเมิน"), ("สถานศึกษาที่ประเมิน", "\(d.evaluated)"),
                ("มีคะแนน", "\(d.scored)"), ("ไม่ได้รายงานผล", "\(d.notReported)"), ("คะแนนเฉลี่ย", dec(d.mean)),
                ("มัธยฐาน", dec(d.median)), ("ประเมินเสร็จสิ้นแล้ว", "\(d.final)"),
            ])
        let levels = PrintHTML.table(
            header: ["ระดับ"] + (0...5).map { "\($0)" }, rows: [["จำนวนสถานศึกษา"] + d.levels.map { "\($0)" }],
            numeric: Set(1...6))
        let scores = PrintHTML.table(
            header: ["ที่", "สถานศึกษา", "คะแนนรวม", "ระดับ", "น้ำหนักที่ไม่ได้รายงาน", "สถานะ"],
            rows: schools.enumerated().map { n, s in
                ["\(n + 1)", s.nameTH, dec(s.score), s.level.map { "\($0)" } ?? "–", "\(s.missingWeight)", s.statusTH]
            }, numeric: [0, 2, 3, 4], widths: [6, 40, 12, 9, 18, 15])
        var perSchool = ""
        for school in schools {
            perSchool += "<h2>\(PrintHTML.escape(school.nameTH)) — คะแนน \(PrintHTML.escape(dec(school.score)))</h2>"
            perSchool += PrintHTML.table(
                header: ["ตัวชี้วัด", "น้ำหนัก", "ค่าเป้าหมาย", "ผลการดำเนินงาน", "คะแนน", "ผล"],
                rows: school.items.map {
                    [$0.nameTH, "\($0.weight)", dec($0.target), dec($0.actual), dec($0.score), Self.standingTH($0)]
                }, numeric: [1, 2, 3, 4], widths: [38, 10, 13, 14, 10, 15])
        }
        let body = """
            <h1>\(PrintHTML.escape(titleTH))</h1>
            <p class="meta">\(PrintHTML.escape(district.nameTH)) · จัดทำเมื่อ \(PrintHTML.escape(assembledOnTH))</p>
            <h2>การกระจายของคะแนน</h2>
            \(summary)
            \(levels)
            <h2>คะแนนรายสถานศึกษา</h2>
            \(scores)
            \(perSchool)
            """
        return PrintHTML.document(titleTH: titleTH, body: body)
    }
}
