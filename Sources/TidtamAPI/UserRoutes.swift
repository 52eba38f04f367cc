import HTTPTypes
import Hummingbird
import TidtamDomain
import TidtamStore

/// `/users`: the district's users with their role (and school, for school staff).
struct UserRoutes {
    let users: UserStore

    static let districtRoles: [Role] = [.districtAdmin, .districtStaff, .schoolStaff, .committee]

    func register(_ routes: AuthenticatedRoutes) {
        routes.add(.get, "/users") { request, context in
            let tenant = try context.districtTenant(for: .readUsers)
            var query = QueryParameters(request)
            let filter = UserFilter(
                role: query.choice("role", Role.self), schoolID: query.integer("school_id", in: 1...Int64.max),
                email: query.text("email"))
            let page = query.page()
            try query.finish()
            return try JSONResponse.make(await users.list(tenant, filter: filter, page: page))
        }
        routes.add(.post, "/users") { request, context in
            let tenant = try context.districtTenant(for: .manageUsers)
            let input = try await JSONBody.decode(request, context: context) { body -> UserInput? in
                let email = body.required("email") {
                    $0.text("email", max: 254, valid: Self.isEmail, format: "an e-mail address")
                }
                let name = body.required("display_name") { $0.text("display_name", max: 200, min: 1) }
                let locale = body.notNull("locale") {
                    $0.text("locale", max: 2, valid: { ["th", "en"].contains($0) }, format: "th or en")
                }
                let role = body.required("role") { $0.choice("role", Role.self) }
                let school = body.integer("school_id", in: 1...Int64.max) ?? nil
                Self.checkRoleAndSchool(&body, role: role, school: school, schoolGiven: school != nil)
                guard let email, let name, let role else { return nil }
                return UserInput(email: email, displayName: name, locale: locale ?? "th", role: role, schoolID: school)
            }
            let user = try await users.create(tenant, input)
            return try JSONResponse.make(
                user, status: .created, version: user.version, location: "/api/v1/users/\(user.id)")
        }
        routes.add(.get, "/users/{userId}") { _, context in
            let tenant = try context.districtTenant(for: .readUsers)
            guard let user = try await users.get(tenant, id: context.id("userId", .user)) else {
                throw DomainError.notFound(.user)
            }
            return try JSONResponse.make(user, version: user.version)
        }
        routes.add(.patch, "/users/{userId}") { request, context in
            let tenant = try context.districtTenant(for: .manageUsers)
            let id = try context.id("userId", .user)
            let version = try ETag.expectedVersion(request)
            var body = try await JSONBody.read(request, context: context)
            var patch = UserPatch()
            patch.displayName = body.notNull("display_name") { $0.text("display_name", max: 200, min: 1) }
            patch.locale = body.notNull("locale") {
                $0.text("locale", max: 2, valid: { ["th", "en"].contains($0) }, format: "th or en")
            }
            patch.disabled = body.notNull("disabled") { $0.boolean("disabled") }
            patch.role = body.notNull("role") { $0.choice("role", Role.self) }
            patch.schoolID = body.integer("school_id", in: 1...Int64.max)
            if let role = patch.role {
                Self.checkRoleAndSchool(
                    &body, role: role, school: patch.schoolID ?? nil, schoolGiven: patch.schoolID != nil)
            }
            try body.finish()
            let user = try await users.update(tenant, id: id, expectedVersion: version, patch)
            return try JSONResponse.make(user, version: user.version)
        }
    }

    static func isEmail(_ s: String) -> Bool {
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !s.contains(" ")
    }

    /// School staff belong to a school; other district roles must not name one.
    static func checkRoleAndSchool(_ body: inout JSONBody, role: Role?, school: Int64?, schoolGiven: Bool) {
        guard let role else { return }
        if role == .national {
            body.reject(
                "role", "invalid_value", "National users are not members of a district.", "ผู้ใช้ระดับ สพฐ. ไม่สังกัดเขตพื้นที่")
        } else if role.needsSchool, school == nil {
            body.reject(
                "school_id", "required", "School staff must belong to a school.", "เจ้าหน้าที่สถานศึกษาต้องระบุสถานศึกษา")
        } else if !role.needsSchool, school != nil {
            body.reject(
                "school_id", "not_allowed", "Only school staff belong to a school.", "เฉพาะเจ้าหน้าที่สถานศึกษาที่ระบุสถานศึกษา")
        }
    }
}
