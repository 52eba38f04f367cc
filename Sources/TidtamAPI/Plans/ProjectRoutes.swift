import Foundation
import HTTPTypes
import Hummingbird
import TidtamDomain
import TidtamStore

/// `/projects`: projects and work items across plans, and each one as a document with its
/// activities and budget lines (PUT replaces the whole document under If-Match).
struct ProjectRoutes {
    let projects: ProjectStore

    func register(_ routes: AuthenticatedRoutes) {
        routes.add(.get, "/projects") { request, context in
            let tenant = try context.tenant(for: .readPlans)
            var query = QueryParameters(request)
            let filter = ProjectFilter(
                districtID: query.integer("district_id", in: 1...Int64.max),
                schoolID: query.integer("school_id", in: 1...Int64.max),
                fiscalYear: query.integer("fiscal_year", in: 2500...2700).map(Int.init),
                strategyID: query.integer("strategy_id", in: 1...Int64.max),
                kind: query.choice("kind", ProjectKind.self))
            let page = query.page()
            try query.finish()
            return try await JSONResponse.page(projects.list(tenant, filter: filter, page: page))
        }
        routes.add(.get, "/projects/{projectId}") { _, context in
            let tenant = try context.tenant(for: .readPlans)
            guard let project = try await projects.get(tenant, id: context.id("projectId", .project)) else {
                throw DomainError.notFound(.project)
            }
            return JSONResponse.document(project)
        }
        routes.add(.put, "/projects/{projectId}") { request, context in
            let tenant = try context.districtTenant(for: .managePlans)
            let id = try context.id("projectId", .project)
            let version = try ETag.expectedVersion(request)
            let input = try await JSONBody.decode(request, context: context) { body in Self.input(&body) }
            return try await JSONResponse.document(projects.replace(tenant, id: id, expectedVersion: version, input))
        }
        routes.add(.delete, "/projects/{projectId}") { request, context in
            let tenant = try context.districtTenant(for: .managePlans)
            try await projects.delete(
                tenant, id: context.id("projectId", .project), expectedVersion: ETag.expectedVersion(request))
            return JSONResponse.noContent()
        }
    }

    /// numeric(14, 2). From text: a floating-point literal would not be exactly .99.
    static let amounts: ClosedRange<Decimal> = 0...Decimal(string: "999999999999.99")!

    /// Reads a project document; nil when a required field is missing (the errors say which).
    static func input(_ body: inout JSONBody) -> ProjectInput? {
        let code = body.required("code") {
            $0.text(
                "code", max: 30, min: 1, valid: { !$0.contains(where: \.isWhitespace) }, format: "a code without spaces"
            )
        }
        let kind = body.choice("kind", ProjectKind.self) ?? nil
        let name = body.required("name_th") { $0.text("name_th", max: 500, min: 1) }
        let nameEN = body.text("name_en", max: 500) ?? nil
        let strategy = body.integer("strategy_id", in: 1...Int64.max) ?? nil
        let responsible = body.text("responsible_th", max: 200) ?? nil
        let start = body.date("start_date") ?? nil
        let end = body.date("end_date") ?? nil
        let objectives = body.text("objectives_th", max: 4000) ?? nil
        let outputs = body.text("expected_outputs_th", max: 4000) ?? nil
        let outcomes = body.text("expected_outcomes_th", max: 4000) ?? nil
        let activities =
            body.objects("activities", max: 200) { item -> ActivityInput? in
                let id = item.integer("id", in: 1...Int64.max) ?? nil
                let name = item.required("name_th") { $0.text("name_th", max: 500, min: 1) }
                let start = item.date("start_date") ?? nil
                let end = item.date("end_date") ?? nil
                let milestone = item.boolean("is_milestone") ?? nil
                guard let name else { return nil }
                return ActivityInput(
                    id: id, nameTH: name, startDate: start, endDate: end, isMilestone: milestone ?? false)
            } ?? nil
        let budget =
            body.objects("budget_lines", max: 100) { item -> BudgetLineInput? in
                let id = item.integer("id", in: 1...Int64.max) ?? nil
                let source = item.required("source") { $0.choice("source", BudgetSource.self) }
                let description = item.text("description_th", max: 500) ?? nil
                let amount = item.required("amount") { $0.decimal("amount", in: amounts) }
                guard let source, let amount else { return nil }
                if amount.exponent < -2 {
                    item.reject(
                        "amount", "precision", "Amounts are in baht and satang (two decimals at most).",
                        "จำนวนเงินมีทศนิยมได้ไม่เกิน 2 ตำแหน่ง")
                    return nil
                }
                return BudgetLineInput(id: id, source: source, descriptionTH: description, amount: amount)
            } ?? nil
        let input = ProjectInput(
            code: code ?? "-", kind: kind ?? .project, nameTH: name ?? "-", nameEN: nameEN, strategyID: strategy,
            responsibleTH: responsible, startDate: start, endDate: end, objectivesTH: objectives,
            expectedOutputsTH: outputs, expectedOutcomesTH: outcomes, activities: activities ?? [],
            budgetLines: budget ?? [])
        body.add(input.validate())
        return code != nil && name != nil ? input : nil
    }
}
