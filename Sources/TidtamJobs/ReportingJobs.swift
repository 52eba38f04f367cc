import Foundation
import Logging
import Postgres
import TidtamDomain
import TidtamStore

/// Reporting's jobs: each district's reporting scan, on the worker's schedule and whenever OBEC
/// issues or withdraws a requirement.
public enum ReportingJobs {
    public static let scan = ClosureJobHandler(kind: ReportingScan.kind) { context in
        let district = context.job.districtID
        let outcome = try await context.finish { tx in try ReportingScan.run(tx, district: district) }
        Logger(label: "tidtam.jobs.reporting").debug(
            "reporting scan",
            metadata: ["district": "\(district)", "requirements_copied": "\(outcome.requirementsCopied)"])
    }

    public static var all: [any JobHandler] { [scan] }

    /// Every district's scan every 15 minutes (Asia/Bangkok): what a production worker runs.
    public static let schedules = [
        Schedule(name: "reporting-scan", cron: CronExpression("*/15 * * * *")!, kind: ReportingScan.kind)
    ]
}
