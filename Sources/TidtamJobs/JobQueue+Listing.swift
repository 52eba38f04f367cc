import Foundation
import Postgres
import TidtamStore

/// A job as operators see it, whether still queued or finished.
public struct JobSummary: Sendable, Codable, Equatable {
    public let districtID: Int64
    public let id: Int64
    public let queue: String
    public let kind: String
    public let state: JobState
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
        let state: String = try row.decode("state")
        guard let known = JobState(rawValue: state) else {
            throw PostgresError(.decoding, "unknown job state \(state)", column: "state")
        }
        self.state = known
        attempts = try row.decode("attempts")
        lastError = try row.decode("last_error")
        args = try row.decode("args", as: PostgresJSON.self).text
        createdAt = try row.decode("created_at")
        at = try row.decode("at")
    }
}

extension JobQueue {
    /// Who lists jobs: one district (its own rows only), or the operators' command line, which
    /// reads every district's as the worker across districts.
    public enum Lister: Sendable {
        case district(DistrictTenant)
        case operatorsAcrossDistricts
    }

    /// Jobs newest first, queued and finished.
    public func list(
        _ lister: Lister, state: JobState? = nil, id: Int64? = nil, kind: String? = nil,
        before: Int64? = nil, limit: Int = 50
    ) async throws -> [JobSummary] {
        let tenant: Tenant, district: Int64?
        switch lister {
        case .district(let own): (tenant, district) = (.district(own), own.districtID)
        case .operatorsAcrossDistricts: (tenant, district) = (.workerAcrossDistricts, nil)
        }
        let state = state?.rawValue
        let matches: SQL = """
            (\(district)::bigint IS NULL OR district_id = \(district)) AND (\(state)::text IS NULL OR state = \(state))
              AND (\(id)::bigint IS NULL OR id = \(id)) AND (\(kind)::text IS NULL OR kind = \(kind))
            """
        return try await db.read(
            tenant,
            """
            SELECT * FROM (
                SELECT district_id, id, queue, kind, state, attempts, last_error, args, created_at, run_at AS at FROM job
                WHERE \(matches)
                UNION ALL
                SELECT district_id, id, queue, kind, state, attempts, last_error, args, created_at, finished_at FROM job_archive
                WHERE \(matches)
            ) jobs
            WHERE (\(before)::bigint IS NULL OR id < \(before))
            ORDER BY id DESC LIMIT \(limit)
            """
        ).rows.map(JobSummary.init(row:))
    }

    /// Jobs by kind and state, for the queue-depth gauges.
    public func depth() async throws -> [(kind: String, state: String, count: Int)] {
        try await db.read(
            Tenant.workerAcrossDistricts, "SELECT kind, state, count(*) AS n FROM job GROUP BY kind, state"
        )
        .rows.map { (try $0.decode("kind"), try $0.decode("state"), try $0.decode("n")) }
    }
}

/// Where a job is in its life: queued or running in `job`, finished in `job_archive`.
public enum JobState: String, Sendable, Codable, CaseIterable {
    case ready, running, done, dead, cancelled

    public var thaiName: String {
        switch self {
        case .ready: return "รอทำงาน"
        case .running: return "กำลังทำงาน"
        case .done: return "เสร็จแล้ว"
        case .dead: return "ล้มเหลว"
        case .cancelled: return "ยกเลิกแล้ว"
        }
    }
}
