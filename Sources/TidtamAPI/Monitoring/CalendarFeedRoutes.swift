import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TidtamDomain
import TidtamStore

/// `/calendar-feeds`: iCalendar feeds of visits, and `/ical/{feedToken}`, the feed itself,
/// which a calendar app reads with the secret in its URL and no bearer token.
struct CalendarFeedRoutes {
    let feeds: CalendarFeedStore

    func register(_ routes: AuthenticatedRoutes) {
        routes.add(.get, "/calendar-feeds") { request, context in
            let tenant = try context.districtTenant(for: .readMonitoring)
            var query = QueryParameters(request)
            let page = query.page()
            try query.finish()
            return try await JSONResponse.page(feeds.list(tenant, page: page))
        }
        routes.add(.post, "/calendar-feeds") { request, context in
            let tenant = try context.districtTenant(for: .readMonitoring)
            let (target, name) = try await JSONBody.decode(request, context: context) { body -> (FeedTarget, String)? in
                let kind = body.required("kind") { $0.choice("kind", FeedKind.self) }
                let id = body.required("target_id") { $0.integer("target_id", in: 1...Int64.max) }
                let name = body.required("name") { $0.text("name", max: 100, min: 1) }
                guard let kind, let id, let name else { return nil }
                switch kind {
                case .user: return (.user(id), name)
                case .team: return (.team(id), name)
                case .school: return (.school(id), name)
                }
            }
            let (feed, token) = try await feeds.create(tenant, target, name: name)
            let body =
                "{\"feed\":\(feed.json),\"token\":\"\(token)\",\"url\":\"/api/v1/ical/\(token).ics\"}"
            return JSONResponse.raw(body, status: .created, location: "/api/v1/ical/\(token).ics")
        }
        routes.add(.post, "/calendar-feeds/{feedId}/revoke") { _, context in
            let tenant = try context.districtTenant(for: .readMonitoring)
            return try await JSONResponse.document(feeds.revoke(tenant, id: context.id("feedId", .calendarFeed)))
        }
    }

    enum FeedKind: String, CaseIterable { case user, team, school }

    /// The feed itself, outside the token check: the secret in the path is the credential.
    func registerOpen(_ routes: APIRoutes<TidtamRequestContext>) {
        routes.add(.get, "/ical/{feedToken}") { request, context in
            var token = context.parameters.get("feedToken") ?? ""
            if token.hasSuffix(".ics") { token.removeLast(4) }
            guard token.count <= 200, let calendar = try await feeds.calendar(token: token) else {
                throw DomainError.notFound(.calendarFeed)
            }
            let text = calendar.rendered()
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/calendar; charset=utf-8", .cacheControl: "private, max-age=300",
                    .contentDisposition: "inline; filename=\"tidtam.ics\"",
                ],
                body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }
}
