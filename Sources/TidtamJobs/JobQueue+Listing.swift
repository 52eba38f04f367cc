import Foundation
import Postgres

/// A job as operators see it, whether still queued or finished.
public struct JobSummary: Sendable, Codable, Equatable {
    public let districtID: Int64
    public let id: Int64
    public let queue: String
    public let kind: String
    public let state: String
    public let attempts: Int
    public let lastError: String?
    public let args: String
    public let createdAt: Date
    /// When it may run (queued) or when it finished (archived).
    public let at: Date

    init(row: Row) throws {
        districtID = try row.decode("district_id")
        id = try row.decode("id")
        queue = try row.decode("queue")
        kind = try row.decode("kind")
        state = try row.decode("state")
        attempts = try row.decode("attempts")
        lastError = try row.decode("last_error")
        args = try row.decode("args", as: PostgresJSON.self).text
        createdAt = try row.decode("created_at")
        at = try row.decode("at")
    }
}

extension JobQueue {
    static let list = """
        SELECT * FROM (
            SELECT district_id, id, queue, kind, state, attempts, last_error, args, created_at, run_at AS at FROM job
            WHERE ($1::bigint IS NULL OR district_id = $1) AND ($2::text IS NULL OR state = $2)
              AND ($3::bigint IS NULL OR id = $3) AND ($4::text IS NULL OR kind = $4)
            UNION ALL
            SELECT district_id, id, queue, kind, state, attempts, last_error, args, created_at, finished_at FROM job_archive
            WHERE ($1::bigint IS NULL OR district_id = $1) AND ($2::text IS NULL OR state = $2)
              AND ($3::bigint IS NULL OR id = $3) AND ($4::text IS NULL OR kind = $4)
        ) jobs
        WHERE ($5::bigint IS NULL OR id < $5)
        ORDER BY id DESC LIMIT $6
        """

    /// Jobs newest first, queued and finished. With a district, it runs as that district (its
    /// own rows only); without one, as the worker across districts (operators' command line).
    public func list(districtID: Int64?, state: String? = nil, id: Int64? = nil, kind: String? = nil,
                     before: Int64? = nil, limit: Int = 50) async throws -> [JobSummary] {
        let settings = try districtID.map { [try TransactionSetting("tidtam.district_id", String($0))] } ?? Self.workerSettings
        return try await pool.read(settings: settings, Self.list, [districtID, state, id, kind, before, limit])
            .rows.map(JobSummary.init(row:))
    }

    /// Jobs by kind and state, for the queue-depth gauges.
    public func depth() async throws -> [(kind: String, state: String, count: Int)] {
        try await pool.read(settings: Self.workerSettings, "SELECT kind, state, count(*) AS n FROM job GROUP BY kind, state", [])
            .rows.map { (try $0.decode("kind"), try $0.decode("state"), try $0.decode("n")) }
    }
}
