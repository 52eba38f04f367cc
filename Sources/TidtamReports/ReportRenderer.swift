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

    public enum Failure: Error, Equatable {
        case notRenderable(ReportKind)
    }

    public static func render(_ kind: ReportKind, data: String) throws -> Rendered {
        let json = File(format: "json", contentType: "application/json; charset=utf-8", bytes: Array(data.utf8))
        switch kind {
        case .requirementConsolidated:
            let report = try JSONDecoder().decode(ConsolidatedReport.self, from: Data(data.utf8))
            return Rendered(
                titleTH: report.titleTH,
                files: [
                    json, File(format: "csv", contentType: "text/csv; charset=utf-8", bytes: report.csv.bytes),
                    File(format: "xlsx", contentType: xlsxType, bytes: try report.xlsx.bytes()),
                    File(format: "html", contentType: "text/html; charset=utf-8", bytes: Array(report.html.utf8)),
                ])
        case .agreementEvaluation:
            let report = try JSONDecoder().decode(AgreementEvaluationReport.self, from: Data(data.utf8))
            return Rendered(
                titleTH: report.titleTH,
                files: [
                    json, File(format: "csv", contentType: "text/csv; charset=utf-8", bytes: report.csv.bytes),
                    File(format: "xlsx", contentType: xlsxType, bytes: try report.xlsx.bytes()),
                    File(format: "html", contentType: "text/html; charset=utf-8", bytes: Array(report.html.utf8)),
                ])
        case .annual, .sarSummary:
            throw Failure.notRenderable(kind)
        }
    }
}
