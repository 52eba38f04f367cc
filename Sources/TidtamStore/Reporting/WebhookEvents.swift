import Foundation
import Postgres
import TidtamDomain

/// The event types an endpoint may take.
public enum WebhookEventType: String, Sendable, CaseIterable {
    /// A reminder was delivered to a person (one per reminder).
    case reminderDue = "reminder.due"
    /// An administrator's daily summary of what is overdue.
    case reminderEscalation = "reminder.escalation"
    /// An action plan or a performance agreement was approved.
    case planApproved = "plan.approved"

    public var th: String {
        switch self {
        case .reminderDue: "แจ้งเตือนกำหนดส่งรายงาน"
        case .reminderEscalation: "สรุปรายงานที่ค้างส่ง"
        case .planApproved: "อนุมัติแผน"
        }
    }
}

/// Events for the district's webhooks, written in the transaction of their cause: the event
/// once (`source_key`), a delivery per active endpoint that takes its type, and the job that
/// posts each — all or nothing with the cause.
public enum WebhookEvents {
    public static let deliverKind = "webhook.deliver"
    /// Standard Webhooks' retry schedule after the first attempt (seconds): 5 s, 5 min, 30 min,
    /// 2 h, 5 h, 10 h, 10 h — about a day and a quarter in all.
    public static let retrySchedule: [Double] = [5, 300, 1800, 7200, 18000, 36000, 36000]

    public struct Args: Codable, Sendable {
        public var deliveryID: Int64
        enum CodingKeys: String, CodingKey { case deliveryID = "delivery_id" }
    }

    /// `data` is a SQL expression giving the event's data (jsonb), evaluated in `tx`.
    @discardableResult
    static func emit(_ tx: Transaction, district: Int64, _ type: WebhookEventType, sourceKey: String, data: SQL) throws
        -> Int
    {
        try tx.query(
            """
            WITH e AS (
                INSERT INTO webhook_event (district_id, type, source_key, payload)
                SELECT \(district), \(type.rawValue), \(sourceKey),
                       jsonb_build_object('type', \(type.rawValue)::text, 'timestamp', \(SQLJSON.time("now()")),
                                          'data', (\(data)))
                ON CONFLICT DO NOTHING
                RETURNING district_id, id, type
            ), d AS (
                INSERT INTO delivery (district_id, event_id, channel, endpoint_id, address, message_id, status)
                SELECT e.district_id, e.id, 'webhook', w.id, w.url, 'msg_' || e.district_id || '_' || e.id, 'pending'
                FROM e JOIN webhook_endpoint w ON w.district_id = e.district_id AND w.status = 'active'
                                              AND e.type = ANY (w.event_types)
                ON CONFLICT DO NOTHING
                RETURNING district_id, id
            )
            INSERT INTO job (district_id, kind, args, max_attempts, unique_key)
            SELECT district_id, \(deliverKind), jsonb_build_object('delivery_id', id), \(retrySchedule.count + 1),
                   'webhook:' || id
            FROM d
            """
        ).affectedRows
    }

    /// What a webhook attempt needs: the post, and where.
    public struct Post: Sendable {
        public var deliveryID: Int64
        public var endpointID: Int64
        public var url: String
        public var messageID: String
        public var body: [UInt8]
        public var secrets: [String]
    }

    /// The delivery to post, or nil when there is nothing to do (sent already, given up, or its
    /// endpoint disabled: then the delivery is cancelled).
    public static func post(_ tx: Transaction, district: Int64, deliveryID: Int64) throws -> Post? {
        guard
            let row = try tx.query(
                """
                SELECT d.status, d.message_id, d.endpoint_id, w.url, w.status AS endpoint_status, e.payload::text AS body,
                       (SELECT coalesce(array_agg(s.secret ORDER BY s.id DESC), '{}') FROM webhook_secret s
                        WHERE s.district_id = w.district_id AND s.endpoint_id = w.id
                          AND (s.expires_at IS NULL OR s.expires_at > now())) AS secrets
                FROM delivery d
                JOIN webhook_endpoint w ON w.district_id = d.district_id AND w.id = d.endpoint_id
                JOIN webhook_event e ON e.district_id = d.district_id AND e.id = d.event_id
                WHERE d.district_id = \(district) AND d.id = \(deliveryID)
                """
            ).first
        else { return nil }
        guard try row.decode("status", as: String.self) == "pending" else { return nil }
        guard try row.decode("endpoint_status", as: String.self) == "active" else {
            try tx.query(
                "UPDATE delivery SET status = 'cancelled', updated_at = now() WHERE district_id = \(district) AND id = \(deliveryID)"
            )
            return nil
        }
        return Post(
            deliveryID: deliveryID, endpointID: try row.decode("endpoint_id"), url: try row.decode("url"),
            messageID: try row.decode("message_id"), body: Array(try row.decode("body", as: String.self).utf8),
            secrets: try row.decode("secrets"))
    }

    public enum Result: Sendable {
        case delivered(status: Int, ms: Int)
        /// 410 Gone: the endpoint is disabled, the delivery given up.
        case gone(ms: Int)
        case failed(status: Int?, error: String, ms: Int, final: Bool)
    }

    /// Records an attempt and what it means for the delivery and the endpoint.
    public static func record(_ tx: Transaction, district: Int64, _ post: Post, _ result: Result) throws {
        let (status, error, ms): (Int?, String?, Int) =
            switch result {
            case .delivered(let status, let ms): (status, nil, ms)
            case .gone(let ms): (410, "410 Gone: the endpoint is disabled", ms)
            case .failed(let status, let error, let ms, _): (status, error, ms)
            }
        try tx.query(
            """
            INSERT INTO delivery_attempt (district_id, delivery_id, response_status, error, duration_ms)
            VALUES (\(district), \(post.deliveryID), \(status), left(\(error)::text, 2000), \(ms))
            """)
        let outcome: String =
            switch result {
            case .delivered: "sent"
            case .gone: "failed"
            case .failed(_, _, _, let final): final ? "failed" : "pending"
            }
        try tx.query(
            """
            UPDATE delivery SET attempts = attempts + 1, status = \(outcome)::text, response_status = \(status),
                   last_error = left(\(error)::text, 2000), updated_at = now(),
                   sent_at = CASE WHEN \(outcome)::text = 'sent' THEN now() END
            WHERE district_id = \(district) AND id = \(post.deliveryID)
            """)
        if case .gone = result {
            try tx.query(
                """
                UPDATE webhook_endpoint SET status = 'disabled', disabled_at = now(),
                       disabled_reason = 'the receiver answered 410 Gone'
                WHERE district_id = \(district) AND id = \(post.endpointID) AND status = 'active'
                """)
        }
    }
}
