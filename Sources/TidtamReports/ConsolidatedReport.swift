import Foundation
import TidtamDomain

/// A requirement's consolidated report (report 1 of seed 5.3): every unit that had to submit for
/// one period, with what it sent, when, and who is late or missing — ready to send to OBEC. The
/// data as the store assembles it (`ConsolidatedReportQuery`), kept in the report's version.
public struct ConsolidatedReport: Codable, Sendable, Equatable {
    public struct District: Codable, Sendable, Equatable {
        public var id: Int64
        public var code: String
        public var nameTH: String
        enum CodingKeys: String, CodingKey { case id, code, nameTH = "name_th" }

        public init(id: Int64, code: String, nameTH: String) {
            self.id = id
            self.code = code
            self.nameTH = nameTH
        }
    }

    public struct Requirement: Codable, Sendable, Equatable {
        public var id: Int64
        public var titleTH: String
        public var titleEN: String?
        public var issuerTH: String
        public var fiscalYear: Int
        public var period: Int
        public var periodTH: String
        public var dueOn: String
        public var dueOnTH: String
        public var onTimeUntil: String
        public var onTimeUntilTH: String
        enum CodingKeys: String, CodingKey {
            case id, period
            case titleTH = "title_th", titleEN = "title_en", issuerTH = "issuer_th", fiscalYear = "fiscal_year"
            case periodTH = "period_th", dueOn = "due_on", dueOnTH = "due_on_th", onTimeUntil = "on_time_until"
            case onTimeUntilTH = "on_time_until_th"
        }
    }

    public struct Summary: Codable, Sendable, Equatable {
        public var expected: Int
        public var submitted: Int
        public var onTime: Int
        public var late: Int
        public var missing: Int
        public var reportingRate: Decimal?
        public var onTimeRate: Decimal?
        enum CodingKeys: String, CodingKey {
            case expected, submitted, late, missing
            case onTime = "on_time", reportingRate = "reporting_rate", onTimeRate = "on_time_rate"
        }
    }

    /// A unit's standing: in on time, in late, or not in (no submission, a draft, or returned).
    public enum Standing: String, Codable, Sendable {
        case onTime = "on_time", late, missing
        public var thaiName: String {
            switch self {
            case .onTime: "ส่งตรงเวลา"
            case .late: "ส่งล่าช้า"
            case .missing: "ยังไม่ส่ง"
            }
        }
    }

    public struct Unit: Codable, Sendable, Equatable {
        public var schoolID: Int64?
        public var obecCode: String?
        public var nameTH: String
        public var standing: Standing
        public var submissionID: Int64?
        public var submissionStatus: String?
        public var submissionStatusTH: String?
        public var firstSubmittedAt: String?
        public var firstSubmittedOnTH: String?
        public var versions: Int
        /// The latest version sent, as it was frozen (nil when none was sent).
        public var sections: JSONValue?
        enum CodingKeys: String, CodingKey {
            case standing, versions, sections
            case schoolID = "school_id", obecCode = "obec_code", nameTH = "name_th", submissionID = "submission_id"
            case submissionStatus = "submission_status", submissionStatusTH = "submission_status_th"
            case firstSubmittedAt = "first_submitted_at", firstSubmittedOnTH = "first_submitted_on_th"
        }
    }

    public var district: District
    public var requirement: Requirement
    public var summary: Summary
    public var units: [Unit]
    public var assembledOnTH: String

    enum CodingKeys: String, CodingKey {
        case district, requirement, summary, units
        case assembledOnTH = "assembled_on_th"
    }

    public var titleTH: String {
        "\(ReportKind.requirementConsolidated.thaiName) \(requirement.titleTH) \(requirement.periodTH)"
    }

    /// One row per unit, Thai headers.
    public var csv: CSVFile {
        CSVFile(
            header: [
                "ลำดับ", "รหัสสถานศึกษา", "หน่วยงาน", "สถานะการส่ง", "วันที่ส่งครั้งแรก", "ผลการตรวจ", "จำนวนครั้งที่ส่ง",
            ],
            rows: units.enumerated().map { n, unit in
                [
                    .number(String(n + 1)), unit.obecCode.map(CSVFile.Cell.text) ?? .empty, .text(unit.nameTH),
                    .text(unit.standing.thaiName), unit.firstSubmittedOnTH.map(CSVFile.Cell.text) ?? .empty,
                    unit.submissionStatusTH.map(CSVFile.Cell.text) ?? .empty, .number(String(unit.versions)),
                ]
            })
    }

    /// The summary on a first sheet, every unit on a second.
    public var xlsx: XLSXWorkbook {
        let r = requirement, s = summary
        func rate(_ value: Decimal?) -> XLSXWorkbook.Cell { value.map { .number("\($0)") } ?? .empty }
        let overview: [[XLSXWorkbook.Cell]] = [
            [.text(titleTH)],
            [.text("สำนักงานเขตพื้นที่การศึกษา"), .text(district.nameTH)],
            [.text("ผู้กำหนด"), .text(r.issuerTH)],
            [.text("งวด"), .text(r.periodTH)],
            [.text("กำหนดส่ง"), .text(r.dueOnTH)],
            [.text("ส่งทันเวลาถึง"), .text(r.onTimeUntilTH)],
            [.text("หน่วยงานที่ต้องส่ง"), .number(String(s.expected))],
            [.text("ส่งแล้ว"), .number(String(s.submitted))],
            [.text("ส่งตรงเวลา"), .number(String(s.onTime))],
            [.text("ส่งล่าช้า"), .number(String(s.late))],
            [.text("ยังไม่ส่ง"), .number(String(s.missing))],
            [.text("ร้อยละที่ส่ง"), rate(s.reportingRate)],
            [.text("ร้อยละที่ส่งตรงเวลา"), rate(s.onTimeRate)],
            [.text("จัดทำเมื่อ"), .text(assembledOnTH)],
        ]
        let table = csv
        let units = [table.header.map(XLSXWorkbook.Cell.text)] + table.rows.map { $0.map(XLSXWorkbook.Cell.init) }
        return XLSXWorkbook(sheets: [
            .init(name: "สรุป", rows: overview, widths: [28, 60]),
            .init(name: "รายหน่วยงาน", rows: units, widths: [8, 14, 48, 16, 20, 20, 14]),
        ])
    }
}

extension XLSXWorkbook.Cell {
    init(_ cell: CSVFile.Cell) {
        switch cell {
        case .text(let text): self = .text(text)
        case .number(let digits): self = .number(digits)
        case .empty: self = .empty
        }
    }
}
