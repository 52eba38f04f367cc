import Foundation
import Logging
import TidtamStore

/// Evaluation's jobs: the roll-ups of a district's fiscal year, computed again after their
/// inputs changed (enqueued once per burst of changes by `RollupRequests.mark`).
public enum EvaluationJobs {
    public static let rollup = ClosureJobHandler(kind: RollupRequests.kind) { context in
        let args = try context.job.args.decoded(as: RollupRequests.Args.self)
        let district = context.job.districtID
        let outcome = try await context.finish { tx in
            try RollupStore.compute(tx, district: district, fiscalYear: args.fiscalYear)
        }
        Logger(label: "tidtam.jobs.evaluation").debug(
            "roll-ups computed",
            metadata: [
                "district": "\(district)", "fiscal_year": "\(args.fiscalYear)", "schools": "\(outcome.schools)",
                "indicators": "\(outcome.indicators)", "changes": "\(outcome.changes)",
            ])
    }

    public static var all: [any JobHandler] { [rollup] }
}
