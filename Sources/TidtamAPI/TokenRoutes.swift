import Foundation
import HTTPTypes
import Hummingbird
import TidtamDomain
import TidtamStore

/// `/tokens`: the district admin makes and revokes tokens; a token's secret is shown once.
struct TokenRoutes {
    let tokens: TokenStore
    let cache: TokenCache

    func register(_ routes: AuthenticatedRoutes) {
        routes.add(.get, "/tokens") { request, context in
            let tenant = try context.districtTenant(for: .manageTokens)
            var query = QueryParameters(request)
            let user = query.integer("user_id", in: 1...Int64.max)
            let page = query.page()
            try query.finish()
            return try JSONResponse.make(await tokens.list(tenant, userID: user, page: page))
        }
        routes.add(.post, "/tokens") { request, context in
            let tenant = try context.districtTenant(for: .manageTokens)
            let (user, name, days) = try await JSONBody.decode(request, context: context) {
                body -> (Int64, String, Int64?)? in
                let user = body.required("user_id") { $0.integer("user_id", in: 1...Int64.max) }
                let name = body.required("name") { $0.text("name", max: 100, min: 1) }
                let days = body.integer("expires_in_days", in: 1...3650) ?? nil
                guard let user, let name else { return nil }
                return (user, name, days)
            }
            let expires = days.map { Date().addingTimeInterval(Double($0) * 86400) }
            let (token, secret) = try await tokens.create(tenant, userID: user, name: name, expiresAt: expires)
            struct Created: Encodable { let token: APIToken; let secret: String; let noteTH: String; let note: String }
            return try JSONResponse.make(
                Created(
                    token: token, secret: secret,
                    noteTH: "โทเคนนี้จะแสดงเพียงครั้งเดียว โปรดเก็บไว้ในที่ปลอดภัย",
                    note: "This secret is shown once; store it safely."),
                status: .created, location: "/api/v1/tokens/\(token.id)")
        }
        routes.add(.delete, "/tokens/{tokenId}") { _, context in
            let tenant = try context.districtTenant(for: .manageTokens)
            let id = try context.id("tokenId", .token)
            try await tokens.revoke(tenant, id: id)
            cache.evict(districtID: tenant.districtID, tokenID: id)
            return JSONResponse.noContent()
        }
    }
}

/// `/audit`: the district's append-only change log, newest first.
struct AuditRoutes {
    let audit: AuditStore
    let nationalAudit: NationalAuditStore

    func register(_ routes: AuthenticatedRoutes) {
        routes.add(.get, "/audit") { request, context in
            let tenant = try context.tenant(for: .readAudit)
            var query = QueryParameters(request)
            let filter = Self.filter(&query)
            let page = query.page()
            try query.finish()
            return try JSONResponse.make(await audit.list(tenant, filter: filter, page: page))
        }
        // OBEC's own changes: its requirements, staff and tokens (they belong to no district).
        routes.add(.get, "/national-audit") { request, context in
            var query = QueryParameters(request)
            let filter = Self.filter(&query)
            let page = query.page()
            try query.finish()
            // After the parameters (a typo is 422 whoever asks): the national role only.
            let tenant = try context.tenant(for: .readNationalAudit)
            return try await JSONResponse.page(nationalAudit.list(tenant, filter: filter, page: page))
        }
    }

    /// The filters both logs take: the table, the row, who, and a time range.
    static func filter(_ query: inout QueryParameters) -> AuditFilter {
        AuditFilter(
            entity: query.text("entity"), entityID: query.integer("entity_id", in: 1...Int64.max),
            actorID: query.integer("actor_id", in: 1...Int64.max),
            since: query.timestamp("since"), until: query.timestamp("until"))
    }
}
