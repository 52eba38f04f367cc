import Foundation
import Logging
import TidtamStore

/// The monitoring plan's job: generate (or regenerate, after a revision) the due items of an
/// approved action plan or agreement. Enqueued by the approval itself (MonitoringPlanJob).
public enum MonitoringJobs {
    public static let generate = ClosureJobHandler(kind: MonitoringPlanJob.kind) { context in
        let source = try context.job.args.decoded(as: MonitoringSource.self)
        let district = context.job.districtID
        let outcome = try await context.finish { tx in
            // The items and the job's completion commit together, so a commit lost in a crash
            // loses the completion too and the job runs again: no need to wait for the flush.
            // Its statements are the same for every plan and their plans do not depend on the
            // values (index lookups by district and plan), so the generic plan of the first
            // execution serves: PostgreSQL's own choice planned the items' insert again at every
            // execution, 0.8 ms a job (EXPLAIN ANALYZE), as long as the insert itself.
            try tx.query(
                "SELECT set_config('synchronous_commit', 'off', true), set_config('plan_cache_mode', 'force_generic_plan', true)"
            )
            return try MonitoringPlanGenerator.generate(tx, district: district, source)
        }
        Logger(label: "tidtam.jobs.monitoring").debug(
            "monitoring plan generated",
            metadata: [
                "district": "\(district)", "source": "\(source)", "created": "\(outcome.created)",
                "moved": "\(outcome.moved)", "withdrawn": "\(outcome.withdrawn)", "skipped": "\(outcome.skipped)",
            ])
    }

    public static var all: [any JobHandler] { [generate] }
}
