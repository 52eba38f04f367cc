import Foundation
import TidtamDomain

/// Renders an assembled report's data into its files. Pure: the same data gives the same bytes,
/// so a version's files can be rendered again from its data and compared.
public enum ReportRenderer {
    public struct File: Sendable, Equatable {
        public var format: String
        public var contentType: String
        public var bytes: [UInt8]
    }

    public struct Rendered: Sendable {
        public var titleTH: String
        public var files: [File]
    }

    static let xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    public static func render(_ kind: ReportKind, data: String) throws -> Rendered {
        switch kind {
        case .requirementConsolidated: return try render(ConsolidatedReport.self, data: data)
        case .agreementEvaluation: return try render(AgreementEvaluationReport.self, data: data)
        case .annual: return try render(AnnualReport.self, data: data)
        case .sarSummary: return try render(SARSummaryReport.self, data: data)
        }
    }

    /// A national report's files, from the data its parts made (`NationalReport`).
    public static func renderNational(data: String) throws -> Rendered {
        try render(NationalReport.self, data: data)
    }

    /// Every report's files: its data as JSON, then the CSV, the workbook and the print HTML
    /// it renders (the PDF is made from that HTML by the worker, after).
    static func render<Report: RenderableReport>(_ type: Report.Type, data: String) throws -> Rendered {
        let report = try JSONDecoder().decode(type, from: Data(data.utf8))
        return Rendered(
            titleTH: report.titleTH,
            files: [
                File(format: "json", contentType: "application/json; charset=utf-8", bytes: Array(data.utf8)),
                File(format: "csv", contentType: "text/csv; charset=utf-8", bytes: report.csv.bytes),
                File(format: "xlsx", contentType: xlsxType, bytes: try report.xlsx.bytes()),
                File(format: "html", contentType: "text/html; charset=utf-8", bytes: Array(report.html.utf8)),
            ])
    }
}

/// A report's data that renders itself into each file a version keeps.
protocol RenderableReport: Decodable {
    var titleTH: String { get }
    var csv: CSVFile { get }
    var xlsx: XLSXWorkbook { get }
    var html: String { get }
}

extension ConsolidatedReport: RenderableReport {}
extension AgreementEvaluationReport: RenderableReport {}
extension AnnualReport: RenderableReport {}
extension SARSummaryReport: RenderableReport {}
extension NationalReport: RenderableReport {}
