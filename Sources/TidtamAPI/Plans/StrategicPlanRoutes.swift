import Foundation
import HTTPTypes
import Hummingbird
import TidtamDomain
import TidtamStore

/// `/strategic-plans`: each plan with its strategies and goals as one document, and
/// `/national-policies`: OBEC's list of policy and strategy codes that strategies refer to.
struct StrategicPlanRoutes {
    let plans: StrategicPlanStore
    let policies: NationalPolicyStore

    func register(_ routes: AuthenticatedRoutes) {
        routes.add(.get, "/strategic-plans") { request, context in
            let tenant = try context.tenant(for: .readPlans)
            var query = QueryParameters(request)
            let district = query.integer("district_id", in: 1...Int64.max)
            let school = query.integer("school_id", in: 1...Int64.max)
            let districtOnly = query.choice("unit", UnitFilter.self) == .district
            let year = query.integer("year_be", in: 2500...2700).map(Int.init)
            let page = query.page()
            try query.finish()
            return try await JSONResponse.page(
                plans.list(
                    tenant, districtID: district, schoolID: school, districtOnly: districtOnly, year: year,
                    page: page))
        }
        routes.add(.post, "/strategic-plans") { request, context in
            let tenant = try context.districtTenant(for: .managePlans)
            let input = try await JSONBody.decode(request, context: context) { body in Self.input(&body) }
            let plan = try await plans.create(tenant, input)
            return JSONResponse.document(plan, status: .created, location: "/api/v1/strategic-plans/\(plan.id)")
        }
        routes.add(.get, "/strategic-plans/{planId}") { _, context in
            let tenant = try context.tenant(for: .readPlans)
            guard let plan = try await plans.get(tenant, id: context.id("planId", .strategicPlan)) else {
                throw DomainError.notFound(.strategicPlan)
            }
            return JSONResponse.document(plan)
        }
        routes.add(.put, "/strategic-plans/{planId}") { request, context in
            let tenant = try context.districtTenant(for: .managePlans)
            let id = try context.id("planId", .strategicPlan)
            let version = try ETag.expectedVersion(request)
            let input = try await JSONBody.decode(request, context: context) { body in Self.input(&body) }
            return try await JSONResponse.document(plans.replace(tenant, id: id, expectedVersion: version, input))
        }
        routes.add(.delete, "/strategic-plans/{planId}") { request, context in
            let tenant = try context.districtTenant(for: .managePlans)
            try await plans.delete(
                tenant, id: context.id("planId", .strategicPlan), expectedVersion: ETag.expectedVersion(request))
            return JSONResponse.noContent()
        }
        routes.add(.get, "/national-policies") { request, context in
            let tenant = try context.tenant(for: .readPlans)
            var query = QueryParameters(request)
            let kind = query.choice("kind", NationalPolicyKind.self)
            let retired = query.choice("retired", YesFilter.self) == .true
            let page = query.page()
            try query.finish()
            return try await JSONResponse.page(policies.list(tenant, kind: kind, includeRetired: retired, page: page))
        }
        routes.add(.post, "/national-policies") { request, context in
            let tenant = try context.tenant(for: .readPlans)
            let (code, kind, name, nameEN) = try await JSONBody.decode(request, context: context) {
                body -> (String, NationalPolicyKind, String, String?)? in
                let code = body.required("code") {
                    $0.text("code", max: 30, min: 1, valid: Self.isPolicyCode, format: "letters, digits, dots, dashes")
                }
                let kind = body.required("kind") { $0.choice("kind", NationalPolicyKind.self) }
                let name = body.required("name_th") { $0.text("name_th", max: 500, min: 1) }
                let nameEN = body.text("name_en", max: 500) ?? nil
                guard let code, let kind, let name else { return nil }
                return (code, kind, name, nameEN)
            }
            let policy = try await policies.create(tenant, code: code, kind: kind, nameTH: name, nameEN: nameEN)
            return JSONResponse.document(policy, status: .created)
        }
    }

    static func isPolicyCode(_ s: String) -> Bool {
        s.unicodeScalars.allSatisfy {
            $0.isASCII
                && ($0.properties.isAlphabetic || $0.properties.numericType != nil || "._-".unicodeScalars.contains($0))
        }
    }

    static func code(_ body: inout JSONBody) -> String? {
        body.required("code") {
            $0.text(
                "code", max: 20, min: 1, valid: { !$0.contains(where: \.isWhitespace) }, format: "a code without spaces"
            )
        }
    }

    static func input(_ body: inout JSONBody) -> StrategicPlanInput? {
        let school = body.integer("school_id", in: 1...Int64.max) ?? nil
        let title = body.required("title_th") { $0.text("title_th", max: 300, min: 1) }
        let titleEN = body.text("title_en", max: 300) ?? nil
        let first = body.required("first_year_be") { $0.integer("first_year_be", in: 2500...2700) }
        let last = body.required("last_year_be") { $0.integer("last_year_be", in: 2500...2700) }
        let vision = body.text("vision_th", max: 4000) ?? nil
        let mission = body.text("mission_th", max: 8000) ?? nil
        let strategies =
            body.objects("strategies", max: 50) { s -> StrategicPlanInput.Strategy? in
                let id = s.integer("id", in: 1...Int64.max) ?? nil
                let code = Self.code(&s)
                let name = s.required("name_th") { $0.text("name_th", max: 500, min: 1) }
                let nameEN = s.text("name_en", max: 500) ?? nil
                let policies = s.strings("policy_codes", max: 20, each: 30) ?? nil
                let goals =
                    s.objects("goals", max: 50) { g -> StrategicPlanInput.Goal? in
                        let id = g.integer("id", in: 1...Int64.max) ?? nil
                        let code = Self.code(&g)
                        let name = g.required("name_th") { $0.text("name_th", max: 500, min: 1) }
                        let nameEN = g.text("name_en", max: 500) ?? nil
                        guard let code, let name else { return nil }
                        return .init(id: id, code: code, nameTH: name, nameEN: nameEN)
                    } ?? nil
                guard let code, let name else { return nil }
                return .init(
                    id: id, code: code, nameTH: name, nameEN: nameEN, policyCodes: policies ?? [], goals: goals ?? [])
            } ?? nil
        guard let title, let first, let last else { return nil }
        let input = StrategicPlanInput(
            schoolID: school, titleTH: title, titleEN: titleEN, firstYearBE: Int(first), lastYearBE: Int(last),
            visionTH: vision, missionTH: mission, strategies: strategies ?? [])
        body.add(input.validate())
        return input
    }
}
