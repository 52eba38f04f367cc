import Foundation
import Postgres
import TidtamDomain

/// An e-mail waiting in the outbox: what to send, and the row that records it.
public struct OutboxEmail: Sendable, Equatable {
    public var deliveryID: Int64
    /// Stable across attempts (`reminder-<district>-<id>@<domain>`): a resend is the same message.
    public var messageID: String
    public var address: String
    public var name: String
    public var subject: String
    public var text: String
    public var link: String?
    public var attempts: Int
}

/// The e-mail channel's rows of the outbox (`delivery`). A notice's e-mail row is made with the
/// notice (its unique key: one per reminder or digest, channel and endpoint), pending; the sender
/// records each attempt before it sends and `sent` (with the job's completion) after the server
/// accepted it, so a crash in between repeats the attempt with the same Message-ID, never a new
/// message.
public enum ReminderOutbox {
    public enum Source: Sendable {
        case reminder(Int64)
        case digest(Int64)

        var column: SQL { if case .reminder = self { "reminder_id" } else { "digest_id" } }
        var id: Int64 {
            switch self {
            case .reminder(let id), .digest(let id): id
            }
        }
        var prefix: String { if case .reminder = self { "reminder" } else { "digest" } }
    }

    /// Queues the e-mail of `source`'s notice to its recipient, if they have an address.
    static func queue(_ tx: Transaction, district: Int64, _ source: Source, domain: String) throws {
        try tx.query(
            """
            INSERT INTO delivery (district_id, school_id, \(source.column), channel, address, message_id, status)
            SELECT n.district_id, n.school_id, n.\(source.column), 'email', u.email,
                   \(source.prefix) || '-' || n.district_id || '-' || n.\(source.column) || '@' || \(domain)::text, 'pending'
            FROM notification n JOIN app_user u ON u.district_id = n.district_id AND u.id = n.user_id
            WHERE n.district_id = \(district) AND n.\(source.column) = \(source.id) AND u.disabled_at IS NULL
            ON CONFLICT DO NOTHING
            """)
    }

    /// The e-mails of `source` not yet sent (after a crash: the ones an earlier attempt left).
    public static func pending(_ tx: Transaction, district: Int64, _ source: Source) throws -> [OutboxEmail] {
        try tx.query(
            """
            SELECT d.id, d.message_id, d.address, d.attempts, u.display_name, n.title_th, n.body_th, n.link
            FROM delivery d
            JOIN notification n ON n.district_id = d.district_id AND n.\(source.column) = d.\(source.column)
            JOIN app_user u ON u.district_id = n.district_id AND u.id = n.user_id
            WHERE d.district_id = \(district) AND d.\(source.column) = \(source.id) AND d.channel = 'email'
              AND d.status = 'pending'
            ORDER BY d.id
            """
        ).rows.map { row in
            OutboxEmail(
                deliveryID: try row.decode("id"), messageID: try row.decode("message_id"),
                address: try row.decode("address"), name: try row.decode("display_name"),
                subject: try row.decode("title_th"), text: try row.decode("body_th"), link: try row.decode("link"),
                attempts: try row.decode("attempts"))
        }
    }

    /// Counts an attempt before it is made (its own transaction: operators see it even if the
    /// attempt never returns).
    public static func attempting(_ tx: Transaction, district: Int64, deliveryID: Int64) throws {
        try tx.query(
            "UPDATE delivery SET attempts = attempts + 1, updated_at = now() WHERE district_id = \(district) AND id = \(deliveryID)"
        )
    }

    /// The server took them: recorded with the job's completion.
    public static func sent(_ tx: Transaction, district: Int64, deliveryIDs: [Int64]) throws {
        guard !deliveryIDs.isEmpty else { return }
        try tx.query(
            """
            UPDATE delivery SET status = 'sent', sent_at = now(), last_error = NULL, updated_at = now()
            WHERE district_id = \(district) AND id = ANY (\(deliveryIDs)::bigint[]) AND status = 'pending'
            """)
    }

    /// An attempt failed: the reason kept; `final` (a permanent refusal, or the last attempt)
    /// gives the delivery up.
    public static func failed(_ tx: Transaction, district: Int64, deliveryID: Int64, error: String, final: Bool) throws
    {
        try tx.query(
            """
            UPDATE delivery SET last_error = left(\(error), 2000), updated_at = now(),
                   status = CASE WHEN \(final) THEN 'failed' ELSE status END
            WHERE district_id = \(district) AND id = \(deliveryID)
            """)
    }
}
