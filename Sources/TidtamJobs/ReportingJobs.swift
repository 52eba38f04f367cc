import Foundation
import Logging
import Postgres
import TidtamDomain
import TidtamStore

/// Reporting's jobs: each district's reporting scan (on the worker's schedule, and whenever
/// OBEC issues or withdraws a requirement), and the deliveries of the reminders and daily
/// summaries it makes.
public enum ReportingJobs {
    public static let scan = ClosureJobHandler(kind: ReportingScan.kind) { context in
        let district = context.job.districtID
        let outcome = try await context.finish { tx in try ReportingScan.run(tx, district: district) }
        Logger(label: "tidtam.jobs.reporting").debug(
            "reporting scan",
            metadata: [
                "district": "\(district)", "requirements_copied": "\(outcome.requirementsCopied)",
                "reminders": "\(outcome.reminders)", "digests": "\(outcome.digests)",
            ])
    }

    /// One reminder: its notice, its outbox rows and its e-mail (`ReminderSender`).
    public static func deliver(_ channels: DeliveryChannels) -> ClosureJobHandler {
        ClosureJobHandler(kind: ReminderDelivery.reminderKind) { context in
            let args = try context.job.args.decoded(as: ReminderDelivery.ReminderArgs.self)
            try await ReminderSender.deliver(context, .reminder(args.reminderID), channels: channels)
        }
    }

    /// One administrator's summary of the day.
    public static func digest(_ channels: DeliveryChannels) -> ClosureJobHandler {
        ClosureJobHandler(kind: ReminderDelivery.digestKind) { context in
            let args = try context.job.args.decoded(as: ReminderDelivery.DigestArgs.self)
            try await ReminderSender.deliver(context, .digest(args.digestID), channels: channels)
        }
    }

    /// The kinds, delivering in-app only.
    public static var all: [any JobHandler] { handlers(DeliveryChannels()) }

    public static func handlers(_ channels: DeliveryChannels) -> [any JobHandler] {
        [scan, deliver(channels), digest(channels), WebhookJobs.deliver(channels.webhooks)]
    }

    /// Every district's scan every 15 minutes (Asia/Bangkok): what a production worker runs.
    public static let schedules = [
        Schedule(name: "reporting-scan", cron: CronExpression("*/15 * * * *")!, kind: ReportingScan.kind)
    ]
}
