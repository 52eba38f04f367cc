import Foundation
import HTTPTypes
import Hummingbird
import TidtamDomain
import TidtamImport
import TidtamStore

/// A refused import, answered as problem+json with every bad row.
struct ImportRejected: ProblemReporting {
    let report: ImportReport

    /// Every bad row with its line (an RFC 9457 extension member), the refusal in the import
    /// history, and the earlier import that loaded the very same file, if one did.
    var problem: Problem {
        let lines = Set(report.errors.map(\.line)).count
        let earlier =
            report.loadedBefore.map { " This very file was loaded by import \($0.importID) at \($0.finishedAt)." } ?? ""
        let earlierTH = report.loadedBefore.map { " ไฟล์นี้ทั้งไฟล์เคยนำเข้าแล้วในรายการนำเข้าที่ \($0.importID)" } ?? ""
        return Problem(
            type: "urn:tidtam:problem:import-rejected", title: "Import rejected", titleTH: Self.titleTH, status: 422,
            detail:
                "Nothing was imported: \(report.errors.count) problem(s) in \(lines) row(s); see `row_errors`.\(earlier)",
            detailTH:
                "ไม่มีข้อมูลใดถูกบันทึก: พบปัญหา \(report.errors.count) รายการใน \(lines) แถว ดูรายละเอียดใน `row_errors`\(earlierTH)",
            rowErrors: report.errors, importID: report.importID, loadedBefore: report.loadedBefore)
    }

    static let titleTH = "นำเข้าข้อมูลไม่สำเร็จ ไม่มีข้อมูลใดถูกบันทึก"
}

/// A file that cannot be read at all is refused as a whole.
extension ImportFailure: ProblemReporting {
    var problem: Problem {
        switch self {
        case .file(let why):
            return Problem(
                type: "urn:tidtam:problem:import-rejected", title: "Import rejected", titleTH: ImportRejected.titleTH,
                status: 422, detail: "Nothing was imported: \(why.english)", detailTH: "ไม่มีข้อมูลใดถูกบันทึก: \(why.thai)")
        }
    }
}

/// `POST /imports/{kind}`: a CSV file as the body (`text/csv`), imported all or nothing into
/// the caller's district. The same importer as `tidtam import`.
struct ImportRoutes {
    let importer: Importer
    let gate: ImportGate

    /// Larger than JSON bodies: a district's project list is several megabytes.
    static let maxFileSize = 64 << 20

    func register(_ routes: AuthenticatedRoutes) {
        routes.add(.post, "/imports/{kind}") { request, context in
            let kind = try Self.kind(context)
            let tenant = try context.districtTenant(for: kind.action)
            try Self.refuseWrappedFile(request)
            // `?dry_run=true`: check and load everything, report what would be added, keep nothing.
            var query = QueryParameters(request)
            let dryRun = query.boolean("dry_run") ?? false
            // The file's name on the sender's side, for the import history.
            let fileName = query.text("file_name")
            try query.finish()
            guard gate.enter() else {
                throw DomainError.unavailable(
                    Explanation(
                        "\(gate.limit) files are being imported just now; send this one again in a few seconds.",
                        th: "ขณะนี้มีการนำเข้าไฟล์อยู่ \(gate.limit) ไฟล์ โปรดส่งไฟล์นี้อีกครั้งในอีกสักครู่"))
            }
            defer { gate.leave() }
            let buffer = try await collectBody(request, upTo: Self.maxFileSize)
            let report = try await importer.run(
                kind, data: Data(buffer.readableBytesView), fileName: fileName, tenant: tenant, dryRun: dryRun)
            guard report.succeeded else { throw ImportRejected(report: report) }
            return try JSONResponse.make(report)
        }
        // The file to fill in: Thai headings, a byte-order mark for Excel.
        routes.add(.get, "/imports/{kind}/template") { _, context in
            let kind = try Self.kind(context)
            _ = try context.tenant(for: kind.action)
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/csv; charset=utf-8",
                    .contentDisposition: "attachment; filename=\"tidtam-\(kind.rawValue).csv\"",
                ],
                body: .init(byteBuffer: ByteBuffer(string: kind.template)))
        }
    }

    /// The file must be the body itself. A browser form or `curl -F` wraps it in multipart/form-data,
    /// whose boundaries would read as a broken header row: say how to send it instead. (Any other
    /// type is taken as the file, as sent: curl's default form type, `application/vnd.ms-excel`
    /// that Windows gives .csv files, or a mislabelled one.)
    static func refuseWrappedFile(_ request: Request) throws {
        guard request.headers[.contentType]?.lowercased().hasPrefix("multipart/") == true else { return }
        throw APIError.unsupportedMediaType(
            Explanation(
                "Send the CSV file itself as the request body with Content-Type: text/csv (curl --data-binary @file.csv), not as a form upload.",
                th: "ส่งไฟล์ CSV เป็นเนื้อหาของคำขอโดยตรง (Content-Type: text/csv) ไม่ใช่แนบในแบบฟอร์ม"))
    }

    static func kind(_ context: AuthenticatedContext) throws -> Importer.Kind {
        guard let kind = context.parameters.get("kind").flatMap(Importer.Kind.init(rawValue:)) else {
            throw DomainError.notFound(.importKind)
        }
        return kind
    }
}

extension Importer.Kind {
    /// Schools are the district admin's to import; plans, any role that manages plans.
    var action: Action { self == .schools ? .manageSchools : .managePlans }
}
