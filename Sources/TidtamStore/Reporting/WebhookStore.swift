import Foundation
import Postgres
import TidtamDomain

public struct WebhookEndpointInput: Sendable {
    public var url: String
    public var eventTypes: [WebhookEventType]
    public var descriptionTH: String?
    public init(url: String, eventTypes: [WebhookEventType], descriptionTH: String? = nil) {
        self.url = url; self.eventTypes = eventTypes; self.descriptionTH = descriptionTH
    }
}

/// A district's webhook endpoints (its administrators keep them): the URL and the event types,
/// the signing secret shown once when made or rotated, the delivery log, redelivery.
public struct WebhookStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    static let document: SQL = """
        json_build_object(
            'id', w.id, 'district_id', w.district_id, 'url', w.url, 'description_th', w.description_th,
            'event_types', w.event_types, 'status', w.status,
            'status_th', CASE w.status WHEN 'active' THEN 'ใช้งาน' ELSE 'หยุดส่งแล้ว' END,
            'disabled_reason', w.disabled_reason, 'disabled_at', \(SQLJSON.time("w.disabled_at")),
            'secrets', (SELECT coalesce(json_agg(json_build_object('id', s.id, 'created_at', \(SQLJSON.time("s.created_at")),
                                                               'expires_at', \(SQLJSON.time("s.expires_at"))) ORDER BY s.id), '[]')
                        FROM webhook_secret s WHERE s.district_id = w.district_id AND s.endpoint_id = w.id
                          AND (s.expires_at IS NULL OR s.expires_at > now())),
            'version', w.version, 'created_at', \(SQLJSON.time("w.created_at")), 'updated_at', \(SQLJSON.time("w.updated_at")))
        """
    static let byID = DocumentQuery("webhook_endpoint", "w", document: document)

    /// An endpoint's URL: http or https, with a host.
    public static func urlProblem(_ text: String) -> FieldError? {
        let url = URL(string: text)
        guard url?.host?.isEmpty ?? true || !["http", "https"].contains(url?.scheme?.lowercased() ?? "") else {
            return nil
        }
        return FieldError(
            .input["url"], code: "format", detail: "Must be an http or https URL with a host.",
            th: "ต้องเป็น URL แบบ http หรือ https ที่มีชื่อเครื่องปลายทาง")
    }

    static func validate(_ input: WebhookEndpointInput) throws {
        var errors: [FieldError] = []
        if let problem = urlProblem(input.url) { errors.append(problem) }
        if input.eventTypes.isEmpty {
            errors.append(
                FieldError(
                    .input["event_types"], code: "required", detail: "Name at least one event type.",
                    th: "ต้องระบุชนิดเหตุการณ์อย่างน้อยหนึ่งชนิด"))
        }
        if !errors.isEmpty { throw DomainError.invalid(errors) }
    }

    public func get(_ tenant: some TenantReading, id: Int64) async throws -> JSONDocument? {
        try await db.document(tenant, Self.byID, id: id)
    }

    public func list(_ tenant: DistrictTenant, page: PageRequest) async throws -> JSONPage {
        let after = try Cursor.decodeID(page.cursor)
        let rows = try await db.read(
            tenant,
            """
            SELECT w.id, \(Self.document) AS doc FROM webhook_endpoint w
            WHERE w.district_id = \(tenant.districtID) AND (\(after)::bigint IS NULL OR w.id > \(after))
            ORDER BY w.id LIMIT \(page.limit + 1)
            """)
        return try JSONPage(rows: rows.rows, limit: page.limit) { [String(try $0.decode("id", as: Int64.self))] }
    }

    /// Makes an endpoint and its first secret; the secret is returned this once.
    public func create(_ tenant: DistrictTenant, _ input: WebhookEndpointInput) async throws -> (
        JSONDocument, secret: String
    ) {
        try Self.validate(input)
        let district = tenant.districtID, secret = WebhookSignatureSecret.make()
        return try await db.transaction(tenant) { tx in
            let id: Int64 = try tx.query(
                """
                INSERT INTO webhook_endpoint (district_id, url, description_th, event_types, created_by)
                VALUES (\(district), \(input.url), \(input.descriptionTH), \(input.eventTypes.map(\.rawValue))::text[], \(tenant.userID))
                RETURNING id
                """
            ).first!.decode("id")
            try tx.query(
                "INSERT INTO webhook_secret (district_id, endpoint_id, secret) VALUES (\(district), \(id), \(secret))")
            return (try tx.document(Self.byID, district: district, id: id), secret)
        }
    }

    /// Changes the URL, the event types or the description; `active` again after it was disabled.
    public func update(
        _ tenant: DistrictTenant, id: Int64, expectedVersion: Int, _ input: WebhookEndpointInput, reactivate: Bool
    ) async throws -> JSONDocument {
        try Self.validate(input)
        let district = tenant.districtID
        return try await db.transaction(tenant) { tx in
            _ = try tx.lockVersioned(
                "SELECT version FROM webhook_endpoint WHERE district_id = \(district) AND id = \(id) FOR UPDATE",
                expectedVersion: expectedVersion, entity: .webhookEndpoint)
            try tx.query(
                """
                UPDATE webhook_endpoint SET url = \(input.url), description_th = \(input.descriptionTH),
                       event_types = \(input.eventTypes.map(\.rawValue))::text[],
                       status = CASE WHEN \(reactivate) THEN 'active' ELSE status END,
                       disabled_at = CASE WHEN \(reactivate) THEN NULL ELSE disabled_at END,
                       disabled_reason = CASE WHEN \(reactivate) THEN NULL ELSE disabled_reason END
                WHERE district_id = \(district) AND id = \(id)
                """)
            return try tx.document(Self.byID, district: district, id: id)
        }
    }

    /// A new secret; the ones before it keep signing for `overlapHours` (both signatures are
    /// sent meanwhile), then expire. The new secret is returned this once.
    public func rotate(_ tenant: DistrictTenant, id: Int64, expectedVersion: Int, overlapHours: Int) async throws -> (
        JSONDocument, secret: String
    ) {
        let district = tenant.districtID, secret = WebhookSignatureSecret.make()
        return try await db.transaction(tenant) { tx in
            _ = try tx.lockVersioned(
                "SELECT version FROM webhook_endpoint WHERE district_id = \(district) AND id = \(id) FOR UPDATE",
                expectedVersion: expectedVersion, entity: .webhookEndpoint)
            try tx.query(
                """
                UPDATE webhook_secret SET expires_at = least(coalesce(expires_at, 'infinity'), now() + make_interval(hours => \(overlapHours)::int))
                WHERE district_id = \(district) AND endpoint_id = \(id)
                """)
            try tx.query(
                "INSERT INTO webhook_secret (district_id, endpoint_id, secret) VALUES (\(district), \(id), \(secret))")
            // The endpoint's version moves (and its audit row says a rotation happened, without the secret).
            try tx.query(
                "UPDATE webhook_endpoint SET updated_at = now() WHERE district_id = \(district) AND id = \(id)")
            return (try tx.document(Self.byID, district: district, id: id), secret)
        }
    }

    /// The endpoint's deliveries, newest first, each with its attempts.
    public func deliveries(_ tenant: DistrictTenant, endpointID: Int64, page: PageRequest) async throws -> JSONPage {
        let district = tenant.districtID
        let before = try Cursor.decodeID(page.cursor)
        let rows = try await db.read(
            tenant,
            """
            SELECT d.id, json_build_object(
                'id', d.id, 'event_id', d.event_id, 'event_type', e.type, 'webhook_id', d.message_id, 'status', d.status,
                'attempts', d.attempts, 'response_status', d.response_status, 'last_error', d.last_error,
                'created_at', \(SQLJSON.time("d.created_at")), 'sent_at', \(SQLJSON.time("d.sent_at")),
                'log', (SELECT coalesce(json_agg(json_build_object('at', \(SQLJSON.time("a.attempted_at")),
                                                                   'response_status', a.response_status, 'error', a.error,
                                                                   'duration_ms', a.duration_ms) ORDER BY a.id), '[]')
                        FROM delivery_attempt a WHERE a.district_id = d.district_id AND a.delivery_id = d.id)) AS doc
            FROM delivery d JOIN webhook_event e ON e.district_id = d.district_id AND e.id = d.event_id
            WHERE d.district_id = \(district) AND d.endpoint_id = \(endpointID)
              AND (\(before)::bigint IS NULL OR d.id < \(before))
            ORDER BY d.id DESC LIMIT \(page.limit + 1)
            """)
        let page = try JSONPage(rows: rows.rows, limit: page.limit) { [String(try $0.decode("id", as: Int64.self))] }
        try await db.requireParent(
            tenant, of: page, "webhook_endpoint", district: district, id: endpointID, .webhookEndpoint)
        return page
    }

    /// Posts a delivery again now (the same webhook-id: the receiver knows it for the same message).
    public func redeliver(_ tenant: DistrictTenant, deliveryID: Int64) async throws -> Int64 {
        let district = tenant.districtID
        return try await db.transaction(tenant) { tx in
            guard
                try tx.query(
                    """
                    UPDATE delivery SET status = 'pending', updated_at = now()
                    WHERE district_id = \(district) AND id = \(deliveryID) AND channel = 'webhook'
                    RETURNING id
                    """
                ).first != nil
            else { throw DomainError.notFound(.webhookDelivery) }
            return try tx.enqueue(
                NewJob(
                    districtID: district, kind: WebhookEvents.deliverKind,
                    args: PostgresJSON("{\"delivery_id\":\(deliveryID)}"),
                    maxAttempts: WebhookEvents.retrySchedule.count + 1))!
        }
    }
}

/// Secrets as Standard Webhooks writes them: `whsec_` and 32 random bytes in base64.
enum WebhookSignatureSecret {
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return "whsec_" + Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }).base64EncodedString()
    }
}
