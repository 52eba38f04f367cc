import Foundation
import Hummingbird
import TidtamDomain
import TidtamStore

/// `/webhook-endpoints`: a district's webhooks (its administrators), their signing secrets
/// (shown once, when made or rotated), their delivery log, and redelivery.
struct WebhookRoutes {
    let webhooks: WebhookStore

    func register(_ routes: AuthenticatedRoutes) {
        routes.add(.get, "/webhook-endpoints") { request, context in
            let tenant = try context.districtTenant(for: .manageWebhooks)
            var query = QueryParameters(request)
            let page = query.page()
            try query.finish()
            return try await JSONResponse.page(webhooks.list(tenant, page: page))
        }
        routes.add(.post, "/webhook-endpoints") { request, context in
            let tenant = try context.districtTenant(for: .manageWebhooks)
            let input = try await JSONBody.decode(request, context: context) { body in Self.input(&body, partial: false)
            }
            let (endpoint, secret) = try await webhooks.create(tenant, input.0)
            return Self.withSecret(endpoint, secret, status: .created)
        }
        routes.add(.get, "/webhook-endpoints/{endpointId}") { _, context in
            let tenant = try context.districtTenant(for: .manageWebhooks)
            guard let found = try await webhooks.get(tenant, id: context.id("endpointId", .webhookEndpoint)) else {
                throw DomainError.notFound(.webhookEndpoint)
            }
            return JSONResponse.document(found)
        }
        routes.add(.put, "/webhook-endpoints/{endpointId}") { request, context in
            let tenant = try context.districtTenant(for: .manageWebhooks)
            let id = try context.id("endpointId", .webhookEndpoint)
            let version = try ETag.expectedVersion(request)
            let (input, reactivate) = try await JSONBody.decode(request, context: context) { body in
                Self.input(&body, partial: true)
            }
            return try await JSONResponse.document(
                webhooks.update(tenant, id: id, expectedVersion: version, input, reactivate: reactivate))
        }
        routes.add(.post, "/webhook-endpoints/{endpointId}/rotate-secret") { request, context in
            let tenant = try context.districtTenant(for: .manageWebhooks)
            let id = try context.id("endpointId", .webhookEndpoint)
            var query = QueryParameters(request)
            let overlap = query.integer("overlap_hours", in: 0...168) ?? 24
            try query.finish()
            let version = try ETag.expectedVersion(request)
            let (endpoint, secret) = try await webhooks.rotate(
                tenant, id: id, expectedVersion: version, overlapHours: Int(overlap))
            return Self.withSecret(endpoint, secret, status: .ok)
        }
        routes.add(.get, "/webhook-endpoints/{endpointId}/deliveries") { request, context in
            let tenant = try context.districtTenant(for: .manageWebhooks)
            let id = try context.id("endpointId", .webhookEndpoint)
            var query = QueryParameters(request)
            let page = query.page()
            try query.finish()
            return try await JSONResponse.page(webhooks.deliveries(tenant, endpointID: id, page: page))
        }
        routes.add(.post, "/webhook-deliveries/{deliveryId}/redeliver") { _, context in
            let tenant = try context.districtTenant(for: .manageWebhooks)
            let job = try await webhooks.redeliver(tenant, deliveryID: context.id("deliveryId", .webhookDelivery))
            return JSONResponse.raw(
                "{\"job_id\":\(job),\"status\":\"queued\",\"status_th\":\"รอส่งใหม่\"}", status: .accepted,
                location: "/api/v1/jobs/\(job)")
        }
    }

    /// The endpoint with its new secret beside it: `{"endpoint": {...}, "secret": "whsec_…"}`.
    static func withSecret(_ endpoint: JSONDocument, _ secret: String, status: HTTPResponse.Status) -> Response {
        JSONResponse.raw(
            "{\"endpoint\":\(endpoint.json),\"secret\":\"\(secret)\",\"secret_note_th\":\"แสดงครั้งเดียว โปรดเก็บไว้ให้ปลอดภัย\"}",
            status: status, version: endpoint.version, location: "/api/v1/webhook-endpoints/\(endpoint.id)")
    }

    static func input(_ body: inout JSONBody, partial: Bool) -> (WebhookEndpointInput, Bool)? {
        let url = body.required("url") { $0.text("url", max: 2000, min: 1) }
        let types = body.required("event_types") { $0.strings("event_types", max: 20, each: 40) }
        let description = body.text("description_th", max: 500) ?? nil
        let status = partial ? (body.choice("status", EndpointStatus.self) ?? nil) : nil
        var eventTypes: [WebhookEventType] = []
        for (index, name) in (types ?? []).enumerated() {
            if let type = WebhookEventType(rawValue: name) {
                eventTypes.append(type)
            } else {
                let names = WebhookEventType.allCases.map(\.rawValue).joined(separator: ", ")
                body.errors.append(
                    FieldError(
                        body.path["event_types"][index], code: "invalid_value", detail: "Must be one of: \(names).",
                        th: "ต้องเป็นชนิดเหตุการณ์ที่ระบบส่งได้: \(names)"))
            }
        }
        if let url, let problem = WebhookStore.urlProblem(url) { body.errors.append(problem) }
        guard let url, types != nil, body.errors.isEmpty else { return nil }
        return (WebhookEndpointInput(url: url, eventTypes: eventTypes, descriptionTH: description), status == .active)
    }

    enum EndpointStatus: String, CaseIterable { case active }
}
