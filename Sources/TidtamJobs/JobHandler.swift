import Postgres
import TidtamStore

/// Code that performs one kind of job. Handlers must be idempotent: an attempt may run again if
/// its worker dies before recording it. `JobContext` gives what that takes: the stable job id,
/// the attempt number, and `finish`, which commits the effect and "done" together.
public protocol JobHandler: Sendable {
    var kind: String { get }
    /// The most attempts a job of this kind gets, whatever it was enqueued with (nil: the job's own).
    var maxAttempts: Int? { get }
    func run(_ context: JobContext) async throws
}

extension JobHandler {
    public var maxAttempts: Int? { nil }
}

public struct JobContext: Sendable {
    public let job: ClaimedJob
    public let db: Database

    public init(job: ClaimedJob, db: Database) {
        self.job = job
        self.db = db
    }

    /// The job's district, as the tenant its work acts for.
    public var tenant: DistrictTenant { .background(job.districtID) }

    /// Runs `body` in a transaction acting for the job's district and completes the job in the
    /// same transaction: either both the effect and the completion commit, or neither does.
    public func finish<T: Sendable>(_ body: @escaping @Sendable (Transaction) throws -> T) async throws -> T {
        let job = self.job
        return try await db.transaction(tenant) { tx in
            let value = try body(tx)
            // The district's own row may be completed by the district (no worker role needed).
            _ = try JobQueue.complete([job], in: tx)
            return value
        }
    }
}

/// A handler from a closure, for small kinds and tests.
public struct ClosureJobHandler: JobHandler {
    public let kind: String
    public let maxAttempts: Int?
    let body: @Sendable (JobContext) async throws -> Void
    public init(kind: String, maxAttempts: Int? = nil, _ body: @escaping @Sendable (JobContext) async throws -> Void) {
        self.kind = kind
        self.maxAttempts = maxAttempts
        self.body = body
    }
    public func run(_ context: JobContext) async throws { try await body(context) }
}

/// Thrown by a handler that wants its next attempt after `seconds` rather than the worker's
/// backoff (Standard Webhooks' retry schedule); `reason` is what the attempt met.
public struct RetryLater: Error, CustomStringConvertible {
    public let seconds: Double
    public let reason: String
    public init(seconds: Double, reason: String) {
        self.seconds = seconds
        self.reason = reason
    }
    public var description: String { "\(reason) (next attempt in \(Int(seconds)) s)" }
}
