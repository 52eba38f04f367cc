import Foundation
import HTTPTypes
import Hummingbird
import TidtamDomain
import TidtamStore

/// `/action-plans`: annual action plans, their lifecycle (submit, approve, return, revise) and
/// their projects. School staff work on their own school's plans; the district decides.
struct ActionPlanRoutes {
    let plans: ActionPlanStore
    let projects: ProjectStore

    func register(_ routes: AuthenticatedRoutes) {
        routes.add(.get, "/action-plans") { request, context in
            let tenant = try context.tenant(for: .readPlans)
            var query = QueryParameters(request)
            let filter = query.planFilter()
            let page = query.page()
            try query.finish()
            return try await JSONResponse.page(plans.list(tenant, filter: filter, page: page))
        }
        routes.add(.post, "/action-plans") { request, context in
            let tenant = try context.districtTenant(for: .managePlans)
            let input = try await JSONBody.decode(request, context: context) { body -> ActionPlanInput? in
                let school = body.integer("school_id", in: 1...Int64.max) ?? nil
                let year = body.required("fiscal_year") { $0.fiscalYear("fiscal_year") }
                let title = body.required("title_th") { $0.text("title_th", max: 300, min: 1) }
                let titleEN = body.text("title_en", max: 300) ?? nil
                let strategic = body.integer("strategic_plan_id", in: 1...Int64.max) ?? nil
                guard let year, let title else { return nil }
                return ActionPlanInput(
                    schoolID: school, fiscalYear: year, titleTH: title, titleEN: titleEN, strategicPlanID: strategic)
            }
            let plan = try await plans.create(tenant, input)
            return JSONResponse.document(plan, status: .created, location: "/api/v1/action-plans/\(plan.id)")
        }
        routes.add(.get, "/action-plans/{planId}") { _, context in
            let tenant = try context.tenant(for: .readPlans)
            guard let plan = try await plans.get(tenant, id: context.id("planId", .actionPlan)) else {
                throw DomainError.notFound(.actionPlan)
            }
            return JSONResponse.document(plan)
        }
        routes.add(.patch, "/action-plans/{planId}") { request, context in
            let tenant = try context.districtTenant(for: .managePlans)
            let id = try context.id("planId", .actionPlan)
            let version = try ETag.expectedVersion(request)
            var body = try await JSONBody.read(request, context: context)
            let title = body.notNull("title_th") { $0.text("title_th", max: 300, min: 1) }
            let titleEN = body.text("title_en", max: 300)
            let strategic = body.integer("strategic_plan_id", in: 1...Int64.max)
            try body.finish()
            return try await JSONResponse.document(
                plans.update(
                    tenant, id: id, expectedVersion: version, titleTH: title, titleEN: titleEN,
                    strategicPlanID: strategic))
        }
        routes.add(.delete, "/action-plans/{planId}") { request, context in
            let tenant = try context.districtTenant(for: .managePlans)
            try await plans.delete(
                tenant, id: context.id("planId", .actionPlan), expectedVersion: ETag.expectedVersion(request))
            return JSONResponse.noContent()
        }
        registerLifecycle(routes, base: "/action-plans/{planId}", parameter: "planId", entity: .actionPlan) {
            transition, tenant, id, version in
            try await plans.apply(transition, tenant, id: id, expectedVersion: version)
        }
        routes.add(.get, "/action-plans/{planId}/projects") { request, context in
            let tenant = try context.tenant(for: .readPlans)
            var query = QueryParameters(request)
            var filter = ProjectFilter(
                districtID: query.integer("district_id", in: 1...Int64.max),
                planID: try context.id("planId", .actionPlan))
            filter.kind = query.choice("kind", ProjectKind.self)
            let page = query.page()
            try query.finish()
            return try await JSONResponse.page(projects.list(tenant, filter: filter, page: page))
        }
        routes.add(.post, "/action-plans/{planId}/projects") { request, context in
            let tenant = try context.districtTenant(for: .managePlans)
            let planID = try context.id("planId", .actionPlan)
            let input = try await JSONBody.decode(request, context: context) { body in ProjectRoutes.input(&body) }
            let project = try await projects.create(tenant, planID: planID, input)
            return JSONResponse.document(project, status: .created, location: "/api/v1/projects/\(project.id)")
        }
    }
}

/// The lifecycle actions that action plans and agreements share: `submit`, `approve`,
/// `return` (with a reason) and `revisions` (a new draft revision of an approved one).
func registerLifecycle(
    _ routes: AuthenticatedRoutes, base: String, parameter: String, entity: RecordKind,
    _ apply: @escaping @Sendable (PlanTransition, DistrictTenant, Int64, Int) async throws -> JSONDocument
) {
    let location = "/api/v1" + base.replacingOccurrences(of: "{\(parameter)}", with: "")
    for (action, transition) in [("submit", PlanTransition.submit), ("approve", .approve)] {
        routes.add(.post, "\(base)/\(action)") { request, context in
            let tenant = try context.districtTenant(for: .managePlans)
            let id = try context.id(parameter, entity)
            return try await JSONResponse.document(apply(transition, tenant, id, ETag.expectedVersion(request)))
        }
    }
    routes.add(.post, "\(base)/return") { request, context in
        let tenant = try context.districtTenant(for: .managePlans)
        let id = try context.id(parameter, entity)
        let version = try ETag.expectedVersion(request)
        let reason = try await JSONBody.decode(request, context: context) { body in
            body.required("reason") { $0.text("reason", max: 2000, min: 1) }
        }
        return try await JSONResponse.document(apply(.returnForChanges(reason: reason), tenant, id, version))
    }
    routes.add(.post, "\(base)/revisions") { request, context in
        let tenant = try context.districtTenant(for: .managePlans)
        let id = try context.id(parameter, entity)
        let revision = try await apply(.revise, tenant, id, ETag.expectedVersion(request))
        return JSONResponse.document(revision, status: .created, location: location + String(revision.id))
    }
}

extension JSONBody {
    /// A Thai fiscal year, named by the Buddhist Era year it ends in (2569 = Oct 2025 – Sep 2026).
    mutating func fiscalYear(_ key: String) -> FiscalYear?? {
        integer(key, in: 2500...2700).map { $0.map { FiscalYear(Int($0)) } }
    }
}

extension QueryParameters {
    /// The filters that plan and agreement lists share.
    mutating func planFilter() -> PlanFilter {
        PlanFilter(
            districtID: integer("district_id", in: 1...Int64.max), schoolID: integer("school_id", in: 1...Int64.max),
            districtOnly: choice("unit", UnitFilter.self) == .district,
            fiscalYear: integer("fiscal_year", in: 2500...2700).map(Int.init),
            status: choice("status", PlanStatus.self), allRevisions: choice("revisions", RevisionFilter.self) == .all)
    }
}

enum UnitFilter: String, CaseIterable { case district }
enum RevisionFilter: String, CaseIterable { case latest, all }
