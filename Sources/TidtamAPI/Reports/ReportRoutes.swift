import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TidtamDomain
import TidtamStore

/// `/report-requests` and `/reports`: a report asked for (202: the job assembles it), followed
/// while it runs, and its versions and their files; each version kept, never changed.
struct ReportRoutes {
    let reports: ReportStore
    let publications: ReportPublicationStore

    func register(_ routes: AuthenticatedRoutes) {
        routes.add(.post, "/report-requests") { request, context in
            let tenant = try context.districtTenant(for: .requestReports)
            let input = try await JSONBody.decode(request, context: context) { body in Self.input(&body) }
            // Asking for it to be published is publishing it: the admin's to decide.
            if input.publish { _ = try context.districtTenant(for: .publishReports) }
            let made = try await reports.request(tenant, input)
            return JSONResponse.document(made, status: .accepted, location: "/api/v1/report-requests/\(made.id)")
        }
        routes.add(.get, "/report-requests") { request, context in
            let tenant = try context.tenant(for: .readReports)
            var query = QueryParameters(request)
            let kind = query.choice("kind", ReportKind.self)
            let page = query.page()
            try query.finish()
            return try await JSONResponse.page(reports.requests(tenant, kind: kind, page: page))
        }
        routes.add(.get, "/report-requests/{requestId}") { _, context in
            let tenant = try context.tenant(for: .readReports)
            guard let found = try await reports.request(tenant, id: context.id("requestId", .reportRequest)) else {
                throw DomainError.notFound(.reportRequest)
            }
            return JSONResponse.document(found)
        }
        routes.add(.get, "/reports") { request, context in
            let tenant = try context.tenant(for: .readReports)
            var query = QueryParameters(request)
            let kind = query.choice("kind", ReportKind.self)
            let key = query.text("report_key")
            let national = query.integer("national_requirement_id", in: 1...Int64.max)
            let page = query.page()
            try query.finish()
            return try await JSONResponse.page(
                reports.versions(tenant, kind: kind, key: key, nationalRequirementID: national, page: page))
        }
        routes.add(.get, "/reports/{versionId}") { _, context in
            let tenant = try context.tenant(for: .readReports)
            guard let found = try await reports.version(tenant, id: context.id("versionId", .reportVersion)) else {
                throw DomainError.notFound(.reportVersion)
            }
            return JSONResponse.document(found)
        }
        routes.add(.post, "/reports/{versionId}/publish") { _, context in
            let tenant = try context.districtTenant(for: .publishReports)
            return try await JSONResponse.document(
                publications.publish(tenant, versionID: context.id("versionId", .reportVersion)))
        }
        routes.add(.get, "/reports/{versionId}/files/{format}") { request, context in
            let tenant = try context.tenant(for: .readReports)
            let id = try context.id("versionId", .reportVersion)
            let format = context.parameters.get("format") ?? ""
            return try StoredFileResponse.report(
                await reports.file(tenant, versionID: id, format: format), request: request)
        }
    }

    /// A request's body; a national one names OBEC's requirement and is never published.
    static func input(_ body: inout JSONBody, national: Bool = false) -> ReportRequestInput? {
        let kind = body.required("kind") { $0.choice("kind", ReportKind.self) }
        let requirement =
            body.integer(ReportRequestInput.requirementField(national: national), in: 1...Int64.max) ?? nil
        let period = body.integer("period", in: 1...12) ?? nil
        let year = body.fiscalYear("fiscal_year") ?? nil
        let academicYear = body.integer("academic_year", in: 2500...2700) ?? nil
        let publish = national ? nil : body.boolean("publish") ?? nil
        guard let kind else { return nil }
        let input = ReportRequestInput(
            kind: kind, requirementID: requirement, period: period.map(Int.init), fiscalYear: year,
            academicYear: academicYear.map(Int.init), publish: publish ?? false, national: national)
        body.add(input.problems)
        return body.errors.isEmpty ? input : nil
    }
}
