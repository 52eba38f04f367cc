import HTTPTypes
import Hummingbird
import TidtamDomain
import TidtamStore

/// `/districts`: a district user sees their own office; a national user sees all of them.
struct DistrictRoutes {
    let districts: DistrictStore

    func register(_ routes: AuthenticatedRoutes) {
        routes.add(.get, "/districts") { request, context in
            let tenant = try context.tenant(for: .readDistrict)
            var query = QueryParameters(request)
            let kind = query.choice("kind", District.Kind.self)
            let page = query.page()
            try query.finish()
            return try JSONResponse.make(await districts.list(tenant, kind: kind, page: page))
        }
        routes.add(.get, "/districts/{districtId}") { _, context in
            let tenant = try context.tenant(for: .readDistrict)
            guard let district = try await districts.get(tenant, id: context.id("districtId", .district)) else {
                throw DomainError.notFound(.district)
            }
            return try JSONResponse.make(district, version: district.version)
        }
        routes.add(.patch, "/districts/{districtId}") { request, context in
            let tenant = try context.districtTenant(for: .updateDistrict)
            let id = try context.id("districtId", .district)
            let version = try ETag.expectedVersion(request)
            var body = try await JSONBody.read(request, context: context)
            var patch = DistrictPatch()
            patch.nameTH = body.notNull("name_th") { $0.text("name_th", max: 200, min: 1) }
            patch.nameEN = body.text("name_en", max: 200)
            patch.provinceTH = body.text("province_th", max: 100)
            try body.finish()
            let district = try await districts.update(tenant, id: id, expectedVersion: version, patch)
            return try JSONResponse.make(district, version: district.version)
        }
    }
}

/// `/me`: who the token belongs to.
struct MeRoutes {
    func register(_ routes: AuthenticatedRoutes) {
        routes.add(.get, "/me") { _, context in
            let principal = context.principal
            struct Me: Encodable {
                let userID: Int64, districtID: Int64?, role: Role, roleTH: String, schoolID: Int64?, tokenID: Int64
            }
            return try JSONResponse.make(
                Me(
                    userID: principal.userID, districtID: principal.districtID, role: principal.role,
                    roleTH: principal.role.thaiName, schoolID: principal.schoolID, tokenID: principal.tokenID))
        }
    }
}
