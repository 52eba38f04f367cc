import Foundation
import Logging
import Postgres
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

    /// A whole round of a district (every agreement and project), then its roll-ups marked due.
    public static let round = ClosureJobHandler(kind: EvaluationRun.kind) { context in
        let args = try context.job.args.decoded(as: EvaluationRun.Args.self)
        let district = context.job.districtID
        let outcome = try await context.finish { tx in
            // A district's year is one transaction of many rows: past the requests' timeout, and
            // (as the monitoring plan's) committed with its completion, so no flush to wait for.
            try tx.query("SET LOCAL statement_timeout = '10min'")
            try tx.query("SET LOCAL synchronous_commit = off")
            let outcome = try EvaluationRun.run(tx, district: district, roundID: args.roundID)
            let year: Int = try tx.query(
                "SELECT fiscal_year FROM evaluation_round WHERE district_id = \(district) AND id = \(args.roundID)"
            ).first!.decode("fiscal_year")
            try RollupRequests.mark(tx, district: district, fiscalYear: year, delay: 0)
            return outcome
        }
        Logger(label: "tidtam.jobs.evaluation").debug(
            "round evaluated",
            metadata: [
                "district": "\(district)", "round": "\(args.roundID)", "agreements": "\(outcome.agreements)",
                "projects": "\(outcome.projects)", "indicators": "\(outcome.indicators)",
            ])
    }

    public static var all: [any JobHandler] { [rollup, round] }
}
