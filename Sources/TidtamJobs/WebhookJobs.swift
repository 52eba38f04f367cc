import Foundation
import Metrics
import Postgres
import TidtamDelivery
import TidtamStore

/// Posts one webhook delivery: the attempt is logged, and a 2xx marks it sent, with the job's
/// completion; 410 disables the endpoint; anything else (or no answer in time) is tried again on
/// Standard Webhooks' schedule, about a day in all, then given up. The webhook-id is the same
/// every time, so a receiver that has it already knows the message.
public enum WebhookJobs {
    public static func deliver(_ poster: WebhookPoster?) -> ClosureJobHandler {
        ClosureJobHandler(kind: WebhookEvents.deliverKind) { context in
            let args = try context.job.args.decoded(as: WebhookEvents.Args.self)
            let district = context.job.districtID
            guard let poster else {
                throw RetryLater(seconds: 3600, reason: "this worker posts no webhooks")
            }
            guard
                let post = try await context.db.transaction(
                    context.tenant,
                    { tx in try WebhookEvents.post(tx, district: district, deliveryID: args.deliveryID) })
            else {
                // Nothing to post: sent already, given up, or the endpoint disabled (cancelled).
                try await context.finish { _ in }
                return
            }
            let started = ContinuousClock.now
            let result: WebhookEvents.Result
            do {
                let answer = try await poster.post(
                    url: post.url, id: post.messageID, body: post.body, secrets: post.secrets)
                switch answer.status {
                case 200..<300: result = .delivered(status: answer.status, ms: answer.durationMs)
                case 410: result = .gone(ms: answer.durationMs)
                default:
                    result = .failed(
                        status: answer.status, error: "the receiver answered \(answer.status)", ms: answer.durationMs,
                        final: context.job.attempt >= context.job.maxAttempts)
                }
            } catch {
                let elapsed = ContinuousClock.now - started
                // A destination the policy refuses will be refused again: given up at once.
                let refused = error is DestinationPolicy.Refusal
                result = .failed(
                    status: nil, error: "\(error)", ms: Int(elapsed.components.seconds * 1000),
                    final: refused || context.job.attempt >= context.job.maxAttempts)
            }
            switch result {
            case .delivered, .gone:
                try await context.finish { tx in try WebhookEvents.record(tx, district: district, post, result) }
                ReminderSender.count("webhook", { if case .gone = result { "gone" } else { "sent" } }())
            case .failed(_, let error, _, let final):
                if final {
                    try await context.finish { tx in try WebhookEvents.record(tx, district: district, post, result) }
                    ReminderSender.count("webhook", "failed")
                } else {
                    try await context.db.transaction(context.tenant) { tx in
                        try WebhookEvents.record(tx, district: district, post, result)
                    }
                    ReminderSender.count("webhook", "retried")
                    let schedule = WebhookEvents.retrySchedule
                    throw RetryLater(seconds: schedule[min(context.job.attempt - 1, schedule.count - 1)], reason: error)
                }
            }
        }
    }
}
