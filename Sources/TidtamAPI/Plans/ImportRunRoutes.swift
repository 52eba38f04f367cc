import Hummingbird
import TidtamDomain
import TidtamImport
import TidtamStore

/// `/import-runs`: the import history, newest first — every file loaded, refused or tried as a
/// dry run. School staff see their own school's imports (row-level security).
struct ImportRunRoutes {
    let runs: ImportRunStore

    func register(_ routes: AuthenticatedRoutes) {
        routes.add(.get, "/import-runs") { request, context in
            let tenant = try context.tenant(for: .readPlans)
            var query = QueryParameters(request)
            let filter = ImportRunFilter(
                districtID: query.integer("district_id", in: 1...Int64.max),
                kind: query.choice("kind", Importer.Kind.self)?.rawValue,
                outcome: query.choice("outcome", ImportRunRecord.Outcome.self),
                schoolID: query.integer("school_id", in: 1...Int64.max))
            let page = query.page()
            try query.finish()
            return try await JSONResponse.page(runs.list(tenant, filter: filter, page: page))
        }
        routes.add(.get, "/import-runs/{runId}") { _, context in
            let tenant = try context.tenant(for: .readPlans)
            guard let run = try await runs.get(tenant, id: context.id("runId", .importRun)) else {
                throw DomainError.notFound(.importRun)
            }
            return JSONResponse.document(run)
        }
    }
}
