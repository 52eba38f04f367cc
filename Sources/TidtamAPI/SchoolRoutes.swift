import HTTPTypes
import Hummingbird
import TidtamDomain
import TidtamStore

/// `/schools`: the district's schools. School staff see and edit only their own school (the
/// database enforces it); creating and deleting is the district admin's.
struct SchoolRoutes {
    let schools: SchoolStore

    func register(_ routes: AuthenticatedRoutes) {
        routes.add(.get, "/schools") { request, context in
            let tenant = try context.tenant(for: .readSchools)
            var query = QueryParameters(request)
            let filter = SchoolFilter(
                districtID: query.integer("district_id", in: 1...Int64.max), text: query.text("q"),
                size: query.choice("size", School.Size.self), provinceTH: query.text("province_th"))
            let page = query.page()
            try query.finish()
            return try JSONResponse.make(await schools.list(tenant, filter: filter, page: page))
        }
        routes.add(.post, "/schools") { request, context in
            let tenant = try context.districtTenant(for: .manageSchools)
            let input = try await JSONBody.decode(request, context: context) { body in Self.input(&body) }
            let school = try await schools.create(tenant, input)
            return try JSONResponse.make(
                school, status: .created, version: school.version, location: "/api/v1/schools/\(school.id)")
        }
        routes.add(.get, "/schools/{schoolId}") { _, context in
            let tenant = try context.tenant(for: .readSchools)
            guard let school = try await schools.document(tenant, id: context.id("schoolId", .school)) else {
                throw DomainError.notFound(.school)
            }
            return JSONResponse.document(school)
        }
        routes.add(.patch, "/schools/{schoolId}") { request, context in
            let tenant = try context.districtTenant(for: .updateOwnSchool)
            let id = try context.id("schoolId", .school)
            let version = try ETag.expectedVersion(request)
            let patch = try await JSONBody.decode(request, context: context) { body in Self.patch(&body) }
            let school = try await schools.update(tenant, id: id, expectedVersion: version, patch)
            return try JSONResponse.make(school, version: school.version)
        }
        routes.add(.delete, "/schools/{schoolId}") { request, context in
            let tenant = try context.districtTenant(for: .manageSchools)
            let id = try context.id("schoolId", .school)
            try await schools.delete(tenant, id: id, expectedVersion: ETag.expectedVersion(request))
            return JSONResponse.noContent()
        }
    }

    static func isOBECCode(_ s: String) -> Bool { (8...10).contains(s.count) && s.allSatisfy(\.isASCIIDigit) }

    static func input(_ body: inout JSONBody) -> SchoolInput? {
        let code = body.required("obec_code") {
            $0.text("obec_code", max: 10, valid: isOBECCode, format: "8 to 10 digits")
        }
        let nameTH = body.required("name_th") { $0.text("name_th", max: 200, min: 1) }
        let nameEN = body.text("name_en", max: 200) ?? nil
        let province = body.text("province_th", max: 100) ?? nil
        let address = body.text("address_th", max: 500) ?? nil
        let size = body.choice("size", School.Size.self) ?? nil
        let students = (body.integer("student_count", in: 0...100_000) ?? nil).map(Int.init)
        guard let code, let nameTH else { return nil }
        return SchoolInput(
            obecCode: code, nameTH: nameTH, nameEN: nameEN, provinceTH: province, addressTH: address,
            size: size, studentCount: students)
    }

    static func patch(_ body: inout JSONBody) -> SchoolPatch {
        var patch = SchoolPatch()
        patch.obecCode = body.notNull("obec_code") {
            $0.text("obec_code", max: 10, valid: isOBECCode, format: "8 to 10 digits")
        }
        patch.nameTH = body.notNull("name_th") { $0.text("name_th", max: 200, min: 1) }
        patch.nameEN = body.text("name_en", max: 200)
        patch.provinceTH = body.text("province_th", max: 100)
        patch.addressTH = body.text("address_th", max: 500)
        patch.size = body.choice("size", School.Size.self)
        patch.studentCount = body.integer("student_count", in: 0...100_000).map { $0.map(Int.init) }
        patch.openedOn = body.date("opened_on")
        patch.closedOn = body.date("closed_on")
        return patch
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
