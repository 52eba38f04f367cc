import Foundation
import Postgres

/// A job as a worker holds it: the attempt number and a stable id let handlers be idempotent.
public struct ClaimedJob: Sendable, Equatable {
    public let districtID: Int64
    public let id: Int64
    public let queue: String
    public let kind: String
    public let args: PostgresJSON
    public let attempt: Int
    public let maxAttempts: Int
    public let runAt: Date
    public let createdAt: Date

    init(row: Row) throws {
        districtID = try row.decode("district_id")
        id = try row.decode("id")
        queue = try row.decode("queue")
        kind = try row.decode("kind")
        args = try row.decode("args")
        attempt = try row.decode("attempts")
        maxAttempts = try row.decode("max_attempts")
        runAt = try row.decode("run_at")
        createdAt = try row.decode("created_at")
    }
}

/// When a failed attempt runs again: exponential, with full jitter, capped.
public struct Backoff: Sendable {
    public var base: Double
    public var cap: Double
    public init(base: Double = 2, cap: Double = 3600) { self.base = base; self.cap = cap }

    public func delay(afterAttempt attempt: Int, random: Double = Double.random(in: 0.5...1)) -> Double {
        min(cap, base * pow(2, Double(max(0, attempt - 1)))) * random
    }
}
