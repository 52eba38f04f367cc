import Foundation
import Hummingbird
import TidtamDomain
import TidtamStore

/// `/notifications`: a user's in-app inbox (its own notices only), and `/reminders`: every
/// reminder step made, what became of it and its deliveries, for the district's operators.
struct NotificationRoutes {
    let notifications: NotificationStore
    let reminders: ReminderStore

    enum ReminderStatus: String, CaseIterable { case pending, sent, cancelled }

    func register(_ routes: AuthenticatedRoutes) {
        routes.add(.get, "/notifications") { request, context in
            let tenant = try context.districtTenant(for: .readReporting)
            var query = QueryParameters(request)
            let unread = query.boolean("unread") ?? false
            let page = query.page()
            try query.finish()
            return try await JSONResponse.page(notifications.list(tenant, unreadOnly: unread, page: page))
        }
        routes.add(.get, "/notifications/unread-count") { _, context in
            let tenant = try context.districtTenant(for: .readReporting)
            return JSONResponse.raw("{\"unread\":\(try await notifications.unreadCount(tenant))}")
        }
        routes.add(.post, "/notifications/{notificationId}/read") { _, context in
            let tenant = try context.districtTenant(for: .readReporting)
            return try await JSONResponse.raw(
                notifications.markRead(tenant, id: context.id("notificationId", .notification)))
        }
        routes.add(.post, "/notifications/read-all") { _, context in
            let tenant = try context.districtTenant(for: .readReporting)
            return JSONResponse.raw("{\"marked\":\(try await notifications.markAllRead(tenant))}")
        }
        routes.add(.get, "/reminders") { request, context in
            let tenant = try context.tenant(for: .readReporting)
            var query = QueryParameters(request)
            let filter = ReminderFilter(
                districtID: query.integer("district_id", in: 1...Int64.max),
                requirementID: query.integer("requirement_id", in: 1...Int64.max),
                schoolID: query.integer("school_id", in: 1...Int64.max),
                status: query.choice("status", ReminderStatus.self)?.rawValue)
            let page = query.page()
            try query.finish()
            return try await JSONResponse.page(reminders.list(tenant, filter: filter, page: page))
        }
    }
}
