import Foundation
import HTTPTypes
import Hummingbird
import TidtamDomain
import TidtamStore

/// `/agreements`: performance agreements, their weighted items and their lifecycle.
struct AgreementRoutes {
    let agreements: AgreementStore

    func register(_ routes: AuthenticatedRoutes) {
        routes.add(.get, "/agreements") { request, context in
            let tenant = try context.tenant(for: .readPlans)
            var query = QueryParameters(request)
            let filter = query.planFilter()
            let page = query.page()
            try query.finish()
            return try await JSONResponse.page(agreements.list(tenant, filter: filter, page: page))
        }
        routes.add(.post, "/agreements") { request, context in
            let tenant = try context.districtTenant(for: .managePlans)
            let input = try await JSONBody.decode(request, context: context) { body in Self.input(&body) }
            let agreement = try await agreements.create(tenant, input)
            return JSONResponse.document(agreement, status: .created, location: "/api/v1/agreements/\(agreement.id)")
        }
        routes.add(.get, "/agreements/{agreementId}") { _, context in
            let tenant = try context.tenant(for: .readPlans)
            guard let agreement = try await agreements.get(tenant, id: context.id("agreementId", .agreement)) else {
                throw DomainError.notFound(.agreement)
            }
            return JSONResponse.document(agreement)
        }
        routes.add(.put, "/agreements/{agreementId}") { request, context in
            let tenant = try context.districtTenant(for: .managePlans)
            let id = try context.id("agreementId", .agreement)
            let version = try ETag.expectedVersion(request)
            let input = try await JSONBody.decode(request, context: context) { body in
                Self.input(&body, replacing: true)
            }
            return try await JSONResponse.document(agreements.replace(tenant, id: id, expectedVersion: version, input))
        }
        routes.add(.delete, "/agreements/{agreementId}") { request, context in
            let tenant = try context.districtTenant(for: .managePlans)
            try await agreements.delete(
                tenant, id: context.id("agreementId", .agreement), expectedVersion: ETag.expectedVersion(request))
            return JSONResponse.noContent()
        }
        registerLifecycle(routes, base: "/agreements/{agreementId}", parameter: "agreementId", entity: .agreement) {
            transition, tenant, id, version in
            try await agreements.apply(transition, tenant, id: id, expectedVersion: version)
        }
    }

    /// `replacing`: a PUT keeps the unit and year, so they are not read again.
    static func input(_ body: inout JSONBody, replacing: Bool = false) -> AgreementInput? {
        var school: Int64?, year: FiscalYear?
        if !replacing {
            school = body.integer("school_id", in: 1...Int64.max) ?? nil
            year = body.required("fiscal_year") { $0.fiscalYear("fiscal_year") }
        }
        let title = body.required("title_th") { $0.text("title_th", max: 300, min: 1) }
        let signedBy = body.text("signed_by_th", max: 200) ?? nil
        let signerRole = body.text("signer_role_th", max: 200) ?? nil
        let signedOn = body.date("signed_on") ?? nil
        let items =
            body.objects("items", max: 100) { item -> AgreementInput.Item? in
                let id = item.integer("id", in: 1...Int64.max) ?? nil
                let indicator = item.required("indicator_id") { $0.integer("indicator_id", in: 1...Int64.max) }
                let weight = item.required("weight") { $0.decimal("weight", in: 0...100) }
                let target = item.required("target") { $0.decimal("target") }
                guard let indicator, let weight, let target else { return nil }
                return .init(id: id, indicatorID: indicator, weight: weight, target: target)
            } ?? nil
        guard let title, replacing || year != nil else { return nil }
        let input = AgreementInput(
            schoolID: school, fiscalYear: year ?? FiscalYear(2500), titleTH: title, signedByTH: signedBy,
            signerRoleTH: signerRole, signedOn: signedOn, items: items ?? [])
        body.add(input.validate())
        return input
    }
}
