import Foundation
import Metrics
import Postgres
import TidtamDelivery
import TidtamStore

/// The channels a worker delivers on beyond the in-app inbox, from its configuration.
public struct DeliveryChannels: Sendable {
    public var mail: SMTPMailer?
    /// Posts webhooks (nil: a worker that does not).
    public var webhooks: WebhookPoster?
    /// Where the links in e-mail point (the API's public address).
    public var publicURL: String

    public init(mail: SMTPMailer? = nil, webhooks: WebhookPoster? = nil, publicURL: String = "http://127.0.0.1:8080") {
        self.mail = mail
        self.webhooks = webhooks
        self.publicURL = publicURL
    }

    /// The sender's domain, for the Message-IDs of the e-mail this worker queues.
    var emailDomain: String? {
        mail.map { String($0.configuration.from.address.split(separator: "@").last ?? "tidtam") }
    }
}

/// Delivers a reminder or a digest in three steps, so that nothing is lost and nothing doubled:
/// (1) in a transaction of its own, the notice and its outbox rows, each once by its unique key
/// (an e-mail row pending); (2) each pending e-mail, its attempt counted first, sent with its
/// stable Message-ID; (3) the e-mails the server took marked sent with the job's completion. A
/// worker killed after (1) finds the notice there and the e-mail pending; killed during (2), it
/// sends the same message again, which the receiver recognises by its Message-ID.
enum ReminderSender {
    static func deliver(_ context: JobContext, _ source: ReminderOutbox.Source, channels: DeliveryChannels) async throws
    {
        let district = context.job.districtID, domain = channels.emailDomain
        let (outcome, emails) = try await context.db.transaction(context.tenant) { tx in
            let outcome: ReminderDelivery.Outcome =
                switch source {
                case .reminder(let id):
                    try ReminderDelivery.deliver(tx, district: district, reminderID: id, emailDomain: domain)
                case .digest(let id):
                    try ReminderDelivery.deliverDigest(tx, district: district, digestID: id, emailDomain: domain)
                }
            return (outcome, try ReminderOutbox.pending(tx, district: district, source))
        }
        if outcome == .sent { Self.count("in_app", "sent") }
        var sent: [Int64] = []
        if let mailer = channels.mail {
            for email in emails {
                try await context.db.transaction(context.tenant) { tx in
                    try ReminderOutbox.attempting(tx, district: district, deliveryID: email.deliveryID)
                }
                do {
                    try await mailer.send(
                        Self.message(email, from: mailer.configuration.from, publicURL: channels.publicURL))
                    sent.append(email.deliveryID)
                    Self.count("email", email.attempts > 0 ? "sent_after_retry" : "sent")
                } catch {
                    let permanent = (error as? SMTPError)?.isPermanent ?? false
                    let final = permanent || context.job.attempt >= context.job.maxAttempts
                    let sentSoFar = sent
                    try await context.db.transaction(context.tenant) { tx in
                        try ReminderOutbox.sent(tx, district: district, deliveryIDs: sentSoFar)
                        try ReminderOutbox.failed(
                            tx, district: district, deliveryID: email.deliveryID, error: "\(error)", final: final)
                    }
                    Self.count("email", final ? "failed" : "retried")
                    // A permanent refusal is recorded and given up; anything else is tried again later.
                    if !permanent { throw error }
                }
            }
        }
        let delivered = sent
        try await context.finish { tx in try ReminderOutbox.sent(tx, district: district, deliveryIDs: delivered) }
    }

    static func count(_ channel: String, _ outcome: String) {
        Counter(label: "tidtam_deliveries_total", dimensions: [("channel", channel), ("outcome", outcome)]).increment()
    }

    /// The notice as e-mail: the same Thai text, plain and as a small HTML page, with the link.
    static func message(_ email: OutboxEmail, from: MailAddress, publicURL: String) -> MailMessage {
        let link = email.link.map { publicURL + $0 }
        let footer = "— ระบบติดตาม Tidtam (ข้อความนี้ส่งโดยอัตโนมัติ กรุณาอย่าตอบกลับ)"
        var text = email.text + "\n\n"
        if let link { text += "ดูรายละเอียด: \(link)\n\n" }
        text += footer
        let paragraphs = email.text.split(separator: "\n").map { "<p>\(escape(String($0)))</p>" }.joined()
        let anchor = link.map { "<p><a href=\"\(escape($0))\">ดูรายละเอียด</a></p>" } ?? ""
        let html = """
            <!DOCTYPE html><html lang="th"><head><meta charset="utf-8"><title>\(escape(email.subject))</title></head>\
            <body style="font-family: 'TH Sarabun New', Sarabun, Laksaman, sans-serif; font-size: 16pt">\
            \(paragraphs)\(anchor)<p style="color:#555">\(escape(footer))</p></body></html>
            """
        return MailMessage(
            from: from, to: [MailAddress(email.address, name: email.name)], subject: email.subject, text: text,
            html: html, messageID: email.messageID)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
