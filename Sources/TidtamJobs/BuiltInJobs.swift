import Foundation

/// Kinds every worker knows. Feature kinds (reminders, reports) register beside their features.
public enum BuiltInJobs {
    /// Does nothing: for benchmarks and smoke tests.
    public static let noop = ClosureJobHandler(kind: "noop") { _ in }

    /// Sleeps `{"seconds": n}`: for drills (kill a worker mid-job, stop under load).
    public static let sleep = ClosureJobHandler(kind: "sleep") { context in
        struct Args: Decodable { var seconds: Double? }
        let seconds = (try? context.job.args.decoded(as: Args.self))?.seconds ?? 1
        try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
    }

    public static var all: [any JobHandler] { [noop, sleep] }

    /// Every kind a production worker runs: the built-in ones and the features'.
    public static var production: [any JobHandler] { productionHandlers(channels: DeliveryChannels()) }

    /// The same, delivering reminders on `channels` too (e-mail when SMTP is configured).
    public static func productionHandlers(channels: DeliveryChannels) -> [any JobHandler] {
        all + MonitoringJobs.all + EvaluationJobs.all + ReportingJobs.handlers(channels) + ReportJobs.all
            + NationalReportJobs.all
    }
}
