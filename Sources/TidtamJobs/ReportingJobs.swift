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

    /// One reminder: its notice and outbox rows commit with the job's completion.
    public static let deliver = ClosureJobHandler(kind: ReminderDelivery.reminderKind) { context in
        let args = try context.job.args.decoded(as: ReminderDelivery.ReminderArgs.self)
        let district = context.job.districtID
        _ = try await context.finish { tx in
            try ReminderDelivery.deliver(tx, district: district, reminderID: args.reminderID)
        }
    }

    /// One administrator's summary of the day.
    public static let digest = ClosureJobHandler(kind: ReminderDelivery.digestKind) { context in
        let args = try context.job.args.decoded(as: ReminderDelivery.DigestArgs.self)
        let district = context.job.districtID
        _ = try await context.finish { tx in
            try ReminderDelivery.deliverDigest(tx, district: district, digestID: args.digestID)
        }
    }

    public static var all: [any JobHandler] { [scan, deliver, digest] }

    /// Every district's scan every 15 minutes (Asia/Bangkok): what a production worker runs.
    public static let schedules = [
        Schedule(name: "reporting-scan", cron: CronExpression("*/15 * * * *")!, kind: ReportingScan.kind)
    ]
}
