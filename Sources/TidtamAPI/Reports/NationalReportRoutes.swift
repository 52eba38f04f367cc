import Foundation
import HTTPTypes
import Hummingbird
import TidtamDomain
import TidtamStore

/// `/national-report-requests` and `/national-reports`: OBEC asks for a report across every
/// district (202: one part job per district assembles it), follows it district by district, and
/// reads its versions and their files. OBEC's only: a district's token is refused (403).
struct NationalReportRoutes {
    let reports: NationalReportStore

    func register(_ routes: AuthenticatedRoutes) {
        routes.add(.post, "/national-report-requests") { request, context in
            let tenant = try context.tenant(for: .nationalReports)
            let input = try await JSONBody.decode(request, context: context) { body in
                ReportRoutes.input(&body, national: true)
            }
            let made = try await reports.request(tenant, input)
            return JSONResponse.document(
                made, status: .accepted, location: "/api/v1/national-report-requests/\(made.id)")
        }
        routes.add(.get, "/national-report-requests") { request, context in
            var query = QueryParameters(request)
            let kind = query.choice("kind", ReportKind.self)
            let page = query.page()
            try query.finish()
            // After the parameters (a typo is 422 whoever asks), as the national audit log.
            let tenant = try context.tenant(for: .nationalReports)
            return try await JSONResponse.page(reports.requests(tenant, kind: kind, page: page))
        }
        routes.add(.get, "/national-report-requests/{requestId}") { _, context in
            let tenant = try context.tenant(for: .nationalReports)
            let id = try context.id("requestId", .nationalReportRequest)
            guard let found = try await reports.request(tenant, id: id) else {
                throw DomainError.notFound(.nationalReportRequest)
            }
            return JSONResponse.document(found)
        }
        routes.add(.get, "/national-reports") { request, context in
            var query = QueryParameters(request)
            let kind = query.choice("kind", ReportKind.self)
            let key = query.text("report_key")
            let page = query.page()
            try query.finish()
            let tenant = try context.tenant(for: .nationalReports)
            return try await JSONResponse.page(reports.versions(tenant, kind: kind, key: key, page: page))
        }
        routes.add(.get, "/national-reports/{versionId}") { _, context in
            let tenant = try context.tenant(for: .nationalReports)
            guard let found = try await reports.version(tenant, id: context.id("versionId", .nationalReport)) else {
                throw DomainError.notFound(.nationalReport)
            }
            return JSONResponse.document(found)
        }
        routes.add(.get, "/national-reports/{versionId}/files/{format}") { request, context in
            let tenant = try context.tenant(for: .nationalReports)
            let id = try context.id("versionId", .nationalReport)
            let format = context.parameters.get("format") ?? ""
            return try StoredFileResponse.report(
                await reports.file(tenant, versionID: id, format: format), request: request)
        }
    }
}
