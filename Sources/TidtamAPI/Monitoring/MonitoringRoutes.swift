import Foundation
import HTTPTypes
import Hummingbird
import TidtamDomain
import TidtamStore

/// `/monitoring-settings`, `/monitoring-items`, `/monitoring/overdue`, `/monitoring/summary`:
/// the monitoring plan generated from approved plans and agreements, where each item stands,
/// and the district moving a due date.
struct MonitoringRoutes {
    let monitoring: MonitoringStore
    let reports: ProgressReportStore

    func register(_ routes: AuthenticatedRoutes) {
        routes.add(.get, "/monitoring-settings") { _, context in
            let tenant = try context.districtTenant(for: .readMonitoring)
            return try await JSONResponse.document(monitoring.settings(tenant))
        }
        routes.add(.put, "/monitoring-settings") { request, context in
            let tenant = try context.districtTenant(for: .manageMonitoring)
            let version = try ETag.expectedVersion(request)
            let settings = try await JSONBody.decode(request, context: context) { body -> MonitoringSettings? in
                let frequency = body.required("report_frequency") {
                    $0.choice("report_frequency", ReportFrequency.self)
                }
                let due = body.required("report_due_days") { $0.integer("report_due_days", in: 0...90) }
                let joint = body.required("joint_visit_days") { $0.integer("joint_visit_days", in: 0...30) }
                guard let frequency, let due, let joint else { return nil }
                return MonitoringSettings(
                    reportFrequency: frequency, reportDueDays: Int(due), jointVisitDays: Int(joint))
            }
            return try await JSONResponse.document(
                monitoring.updateSettings(tenant, expectedVersion: version, settings))
        }
        routes.add(.get, "/monitoring-items") { request, context in
            let tenant = try context.tenant(for: .readMonitoring)
            var query = QueryParameters(request)
            let filter = query.monitoringFilter()
            let page = query.page()
            try query.finish()
            return try await JSONResponse.page(monitoring.list(tenant, filter: filter, page: page))
        }
        routes.add(.get, "/monitoring/overdue") { request, context in
            let tenant = try context.tenant(for: .readMonitoring)
            var query = QueryParameters(request)
            let filter = query.monitoringFilter(standing: false)
            let page = query.page()
            try query.finish()
            return try await JSONResponse.page(monitoring.overdue(tenant, filter: filter, page: page))
        }
        routes.add(.get, "/monitoring/summary") { request, context in
            let tenant = try context.tenant(for: .readMonitoring)
            var query = QueryParameters(request)
            let filter = query.monitoringFilter(standing: false)
            try query.finish()
            return try await JSONResponse.raw(monitoring.summary(tenant, filter: filter))
        }
        routes.add(.get, "/monitoring-items/{itemId}") { _, context in
            let tenant = try context.tenant(for: .readMonitoring)
            guard let item = try await monitoring.get(tenant, id: context.id("itemId", .monitoringItem)) else {
                throw DomainError.notFound(.monitoringItem)
            }
            return JSONResponse.document(item)
        }
        routes.add(.post, "/monitoring-items/{itemId}/due-date") { request, context in
            let tenant = try context.districtTenant(for: .manageMonitoring)
            let id = try context.id("itemId", .monitoringItem)
            let version = try ETag.expectedVersion(request)
            let (day, reason) = try await JSONBody.decode(request, context: context) {
                body -> (CalendarDate, String)? in
                let day = body.required("due_on") { $0.date("due_on") }
                let reason = body.required("reason") { $0.text("reason", max: 2000, min: 1) }
                guard let day, let reason else { return nil }
                return (day, reason)
            }
            return try await JSONResponse.document(
                monitoring.moveDueDate(tenant, id: id, expectedVersion: version, to: day, reason: reason))
        }
        routes.add(.get, "/monitoring-items/{itemId}/reports") { request, context in
            let tenant = try context.tenant(for: .readMonitoring)
            let item = try context.id("itemId", .monitoringItem)
            var query = QueryParameters(request)
            let filter = ProgressReportFilter(districtID: query.integer("district_id", in: 1...Int64.max), itemID: item)
            let page = query.page()
            try query.finish()
            return try await JSONResponse.page(reports.list(tenant, filter: filter, page: page))
        }
        routes.add(.post, "/monitoring-items/{itemId}/reports") { request, context in
            let tenant = try context.districtTenant(for: .writeReports)
            let item = try context.id("itemId", .monitoringItem)
            let input = try await JSONBody.decode(request, context: context) { body in
                ProgressReportRoutes.input(&body)
            }
            let report = try await reports.create(tenant, itemID: item, input)
            return JSONResponse.document(report, status: .created, location: "/api/v1/progress-reports/\(report.id)")
        }
    }
}

extension QueryParameters {
    /// The filters of the monitoring plan's lists: fiscal year, period, school, kind, standing.
    mutating func monitoringFilter(standing: Bool = true) -> MonitoringItemFilter {
        var filter = MonitoringItemFilter(
            districtID: integer("district_id", in: 1...Int64.max), schoolID: integer("school_id", in: 1...Int64.max),
            fiscalYear: integer("fiscal_year", in: 2500...2700).map(Int.init),
            periodKind: choice("period_kind", PeriodKind.self), period: integer("period", in: 0...12).map(Int.init),
            kind: choice("kind", MonitoringItemKind.self))
        if standing {
            filter.standing = choice("standing", ItemStanding.self)
            filter.overdue = boolean("overdue") ?? false
            filter.actionPlanID = integer("action_plan_id", in: 1...Int64.max)
            filter.projectID = integer("project_id", in: 1...Int64.max)
            filter.agreementID = integer("agreement_id", in: 1...Int64.max)
        }
        return filter
    }
}
