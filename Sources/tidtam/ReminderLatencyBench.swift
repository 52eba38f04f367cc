import ArgumentParser
import Foundation
import Logging
import Postgres
import ServiceLifecycle
import TidtamDelivery
import TidtamDomain
import TidtamJobs
import TidtamStore

/// `tidtam bench reminder-latency`: with a worker idle (woken by LISTEN/NOTIFY), a reminder made
/// due now — its row and its delivery job committed, as the scan writes them — until its e-mail
/// is at the SMTP server (`TIDTAM_SMTP_*`; the server's index file is watched for its
/// Message-ID); against the same message sent straight to the same server by the same client.
struct ReminderLatencyBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reminder-latency")

    @Option var samples = 200
    @Option(help: "The SMTP server's index of received messages (deploy/dev/smtp_server.py).") var index: String

    func run() async throws {
        let settings = Settings()
        guard let smtp = try settings.smtp else { throw ValidationFailure("TIDTAM_SMTP_HOST is not set") }
        let mailer = try SMTPMailer(smtp)
        let url = try settings.databaseURL
        let db = Database(PoolConfiguration(conninfo: url, maxConnections: 6, applicationName: "tidtam-bench"))
        var configuration = Worker.Configuration(listenConninfo: url)
        configuration.pollInterval = .seconds(60)  // only NOTIFY wakes it
        var logger = Logger(label: "tidtam.bench")
        logger.logLevel = .warning
        let worker = Worker(
            configuration: configuration, db: db,
            handlers: BuiltInJobs.productionHandlers(channels: DeliveryChannels(mail: mailer)), logger: logger)
        let group = ServiceGroup(configuration: .init(services: [worker], logger: logger))
        let units = try await db.read(
            Tenant.nationalService,
            """
            SELECT r.district_id, r.id AS requirement_id, m.user_id, m.school_id
            FROM report_requirement r JOIN membership m ON m.district_id = r.district_id AND m.role = 'school_staff'
            WHERE r.district_id = (SELECT min(id) FROM district WHERE code LIKE 'RB%')
            ORDER BY r.id, m.user_id LIMIT \(samples)
            """
        ).rows.map {
            (
                district: try $0.decode("district_id", as: Int64.self),
                requirement: try $0.decode("requirement_id", as: Int64.self),
                user: try $0.decode("user_id", as: Int64.self), school: try $0.decode("school_id", as: Int64.self)
            )
        }
        let domain = String(smtp.from.address.split(separator: "@").last ?? "")
        var through: [Double] = [], direct: [Double] = []
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await Task.sleep(for: .seconds(1))
            for (n, unit) in units.enumerated() {
                // Through the service: the reminder and its job, committed; then the wait.
                let started = ContinuousClock.now
                let id: Int64 = try await db.transaction(DistrictTenant.background(unit.district)) { tx in
                    let id: Int64 = try tx.query(
                        """
                        INSERT INTO reminder (district_id, requirement_id, period_no, school_id, recipient_id, step, due_on, step_on)
                        VALUES (\(unit.district), \(unit.requirement), 12, \(unit.school), \(unit.user), 'due_day', current_date, current_date)
                        RETURNING id
                        """
                    ).first!.decode("id")
                    try tx.enqueue(
                        NewJob(
                            districtID: unit.district, kind: ReminderDelivery.reminderKind,
                            args: PostgresJSON("{\"reminder_id\":\(id)}"), maxAttempts: 25))
                    return id
                }
                try await Self.waitFor("<reminder-\(unit.district)-\(id)@\(domain)>", in: index)
                through.append((ContinuousClock.now - started).seconds * 1000)
                // Straight to the server.
                let messageID = "direct-\(n)-\(UUID().uuidString)@\(domain)"
                let sent = ContinuousClock.now
                try await mailer.send(
                    MailMessage(
                        from: smtp.from, to: [MailAddress("staff@bench.tidtam.test")],
                        subject: "แจ้งเตือน: รายงานรายเดือน", text: "ครบกำหนดส่งวันนี้", html: "<p>ครบกำหนดส่งวันนี้</p>",
                        messageID: messageID))
                try await Self.waitFor("<\(messageID)>", in: index)
                direct.append((ContinuousClock.now - sent).seconds * 1000)
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        func percentile(_ values: [Double], _ p: Double) -> Double {
            let sorted = values.sorted()
            return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
        }
        print(
            String(
                format:
                    "reminder made due → at the SMTP server: p50 %.1f ms, p99 %.1f ms   straight SMTP send: p50 %.1f ms, p99 %.1f ms   ratio (p50) %.2f   (%d samples)",
                percentile(through, 0.5), percentile(through, 0.99), percentile(direct, 0.5), percentile(direct, 0.99),
                percentile(through, 0.5) / percentile(direct, 0.5), through.count))
        await db.shutdown()
    }

    /// Polls the server's index every millisecond until `messageID` is in it (10 s at most).
    static func waitFor(_ messageID: String, in index: String) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOfFile: index, encoding: .utf8), text.contains(messageID + "\t") {
                return
            }
            try await Task.sleep(for: .milliseconds(1))
        }
        throw ValidationFailure("\(messageID) did not arrive in 10 s")
    }
}
