import Foundation
import Hummingbird
import TidtamDomain
import TidtamStore

/// `/indicators/{indicatorId}/actuals`: actual values per period, corrected by new rows with a
/// reason; the current values, and the whole history.
struct ActualRoutes {
    let actuals: IndicatorActualStore

    func register(_ routes: AuthenticatedRoutes) {
        routes.add(.post, "/indicators/{indicatorId}/actuals") { request, context in
            let tenant = try context.districtTenant(for: .writeReports)
            let indicator = try context.id("indicatorId", .indicator)
            let input = try await JSONBody.decode(request, context: context) { body -> ActualInput? in
                let year = body.required("fiscal_year") { $0.fiscalYear("fiscal_year") }
                let period = body.required("period") { $0.integer("period", in: 0...12) }
                let value = body.required("value") { $0.decimal("value") }
                let note = body.text("note_th", max: 2000) ?? nil
                let school = body.integer("school_id", in: 1...Int64.max) ?? nil
                let reason = body.text("correction_reason", max: 2000, min: 1) ?? nil
                guard let year, let period, let value else { return nil }
                return ActualInput(
                    fiscalYear: year, period: Int(period), value: value, noteTH: note, schoolID: school,
                    correctionReason: reason)
            }
            let actual = try await actuals.record(tenant, indicatorID: indicator, input)
            return JSONResponse.raw(actual.json, status: .created)
        }
        for (path, history) in [
            ("/indicators/{indicatorId}/actuals", false), ("/indicators/{indicatorId}/actuals/history", true),
        ] {
            routes.add(.get, path) { request, context in
                let tenant = try context.tenant(for: .readMonitoring)
                let indicator = try context.id("indicatorId", .indicator)
                var query = QueryParameters(request)
                let filter = ActualFilter(
                    districtID: query.integer("district_id", in: 1...Int64.max),
                    schoolID: query.integer("school_id", in: 1...Int64.max),
                    fiscalYear: query.integer("fiscal_year", in: 2500...2700).map(Int.init),
                    period: query.integer("period", in: 0...12).map(Int.init))
                let page = query.page()
                try query.finish()
                return try await JSONResponse.page(
                    actuals.list(tenant, indicatorID: indicator, filter: filter, history: history, page: page))
            }
        }
    }
}
