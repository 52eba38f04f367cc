import ArgumentParser
import AsyncHTTPClient
import Foundation
import Postgres
import TidtamDelivery
import TidtamDomain
import TidtamStore

/// `tidtam bench drill-load`: the data of the delivery drill (`deploy/bench/drill`): the reminder
/// benchmark's districts, schools and OBEC's monthly requirements, one webhook endpoint per
/// district taking `reminder.due` (its secret written where the receiver reads it), and every
/// district's reporting scan run once, so that every school's reminder and its delivery job wait
/// for the workers the drill starts.
struct DrillLoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "drill-load")

    @Option var districts = 250
    @Option var schools = 100
    @Option var requirements = 4
    @Option(help: "The receiver's base URL; each district posts to <url>/drill-d<id>.") var webhookURL: String
    @Option(help: "The receiver's directory (deploy/dev/webhook_receiver.py --dir).") var webhookDir: String

    func run() async throws {
        let (app, owner) = try ReminderBench.databases()
        let today = CalendarDate.today()
        let ids = try await ReminderBench.load(
            app: app, owner: owner, today: today, districts: districts, schools: schools, requirements: requirements)
        let webhooks = WebhookStore(app)
        let secrets = URL(fileURLWithPath: webhookDir).appendingPathComponent("secrets")
        try FileManager.default.createDirectory(at: secrets, withIntermediateDirectories: true)
        var made = 0
        for district in ids {
            let tenant = DistrictTenant.background(district)
            let (_, secret) = try await webhooks.create(
                tenant,
                WebhookEndpointInput(
                    url: "\(webhookURL)/drill-d\(district)", eventTypes: [.reminderDue],
                    descriptionTH: "ผู้รับทดสอบการส่งแจ้งเตือน"))
            try (secret + "\n").write(
                to: secrets.appendingPathComponent("drill-d\(district)"), atomically: true, encoding: .utf8)
            made += try await app.transaction(tenant) { tx in
                try ReportingScan.run(tx, district: district, today: today).reminders
            }
        }
        print("drill: \(made) reminders waiting in \(ids.count) districts, each with a webhook endpoint")
        await app.shutdown()
        await owner.shutdown()
    }
}

/// `tidtam bench receivers`: the receivers' own maximum rate, the drill's baseline: messages
/// sent straight to the SMTP server and webhooks posted straight to the receiver, by the clients
/// the workers use, `--concurrency` at a time (the drill's three workers of 16 each: 48).
struct ReceiversBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "receivers")

    @Option var emails = 5000
    @Option var webhooks = 5000
    @Option var concurrency = 48
    @Option(help: "Clients sharing the concurrency (one per worker).") var clients = 3
    @Option(help: "The receiver's base URL.") var webhookURL: String
    @Option(help: "The receiver's directory, for the secret of the posts.") var webhookDir: String

    func run() async throws {
        guard let smtp = try Settings().smtp else { throw ValidationFailure("TIDTAM_SMTP_HOST is not set") }
        let mailer = try SMTPMailer(smtp)
        let domain = String(smtp.from.address.split(separator: "@").last ?? "")
        let mailRate = try await Self.rate(emails, concurrency) { n in
            try await mailer.send(
                MailMessage(
                    from: smtp.from, to: [MailAddress("staff\(n)@bench.tidtam.test")],
                    subject: "แจ้งเตือน: รายงานรายเดือน", text: "ครบกำหนดส่งวันนี้", html: "<p>ครบกำหนดส่งวันนี้</p>",
                    messageID: "max-\(n)-\(UUID().uuidString)@\(domain)"))
        }
        print(String(format: "SMTP server: %d messages straight, %d at a time: %.0f/s", emails, concurrency, mailRate))

        let secret = "whsec_" + Data((0..<24).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        let secrets = URL(fileURLWithPath: webhookDir).appendingPathComponent("secrets")
        try FileManager.default.createDirectory(at: secrets, withIntermediateDirectories: true)
        try (secret + "\n").write(to: secrets.appendingPathComponent("max"), atomically: true, encoding: .utf8)
        let httpClients = (0..<clients).map { _ in WebhookPoster.makeClient() }
        let posters = httpClients.map { WebhookPoster(client: $0, policy: DestinationPolicy(allowPrivate: true)) }
        let body = Array(#"{"type":"reminder.due","data":{"text_th":"ครบกำหนดส่งวันนี้"}}"#.utf8)
        let hookRate = try await Self.rate(webhooks, concurrency) { n in
            let answer = try await posters[n % posters.count].post(
                url: "\(webhookURL)/max", id: "max_\(n)", body: body, secrets: [secret])
            guard answer.status == 200 else { throw ValidationFailure("the receiver answered \(answer.status)") }
        }
        print(
            String(format: "webhook receiver: %d posts straight, %d at a time: %.0f/s", webhooks, concurrency, hookRate)
        )
        for client in httpClients { try await client.shutdown() }
    }

    /// `count` calls of `send`, `concurrency` at a time; per second.
    static func rate(_ count: Int, _ concurrency: Int, _ send: @escaping @Sendable (Int) async throws -> Void)
        async throws -> Double
    {
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<concurrency {
                group.addTask {
                    for n in stride(from: lane, to: count, by: concurrency) { try await send(n) }
                }
            }
            try await group.waitForAll()
        }
        return Double(count) / (ContinuousClock.now - started).seconds
    }
}
