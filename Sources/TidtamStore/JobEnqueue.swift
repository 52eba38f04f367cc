import Foundation
import Postgres

/// Work to enqueue. `uniqueKey` makes the same logical work exist once per district, ever.
public struct NewJob: Sendable {
    public var districtID: Int64
    public var kind: String
    public var args: PostgresJSON
    public var queue: String
    public var priority: Int
    public var runAt: Date?
    public var maxAttempts: Int
    public var uniqueKey: String?

    public init(
        districtID: Int64, kind: String, args: PostgresJSON = PostgresJSON("{}"), queue: String = "default",
        priority: Int = 0, runAt: Date? = nil, maxAttempts: Int = 5, uniqueKey: String? = nil
    ) {
        self.districtID = districtID; self.kind = kind; self.args = args; self.queue = queue; self.priority = priority
        self.runAt = runAt; self.maxAttempts = maxAttempts; self.uniqueKey = uniqueKey
    }
}

extension Transaction {
    /// Enqueues in `tx`, inside whatever transaction it is: the job exists exactly when that
    /// transaction commits. Returns nil when the unique key was already used.
    @discardableResult
    public func enqueue(_ job: NewJob) throws -> Int64? {
        let id: SQL
        if let key = job.uniqueKey {
            let reserve: SQL = """
                INSERT INTO job_key (district_id, unique_key, job_id)
                VALUES (\(job.districtID), \(key), nextval(pg_get_serial_sequence('job', 'id')))
                ON CONFLICT DO NOTHING
                RETURNING job_id
                """
            guard let reserved = try query(reserve).first else { return nil }
            id = "\(try reserved.decode("job_id", as: Int64.self))"
        } else {
            id = "DEFAULT"
        }
        return try query(
            """
            INSERT INTO job (district_id, id, queue, kind, args, priority, run_at, max_attempts, unique_key)
            VALUES (\(job.districtID), \(id), \(job.queue), \(job.kind), \(job.args), \(job.priority),
                    coalesce(\(job.runAt)::timestamptz, now()), \(job.maxAttempts), \(job.uniqueKey))
            RETURNING id
            """
        ).first!.decode("id")
    }
}

/// The same work for many districts at once (a schedule's slot, OBEC's new requirement reaching
/// every district), each district's job created once ever for `key`.
public enum DistrictFanOut {
    /// Run by the worker role (the job tables' cross-district policy); `districts` read before.
    public static func enqueue(
        districts: [Int64], key: String, kind: String, args: PostgresJSON = PostgresJSON("{}"),
        queue: String = "default", runAt: Date? = nil
    ) -> SQL {
        """
        WITH keys AS (
            INSERT INTO job_key (district_id, unique_key, job_id)
            SELECT d, \(key), nextval(pg_get_serial_sequence('job', 'id')) FROM unnest(\(districts)::bigint[]) AS d
            ON CONFLICT DO NOTHING
            RETURNING district_id, job_id
        )
        INSERT INTO job (district_id, id, queue, kind, args, run_at, unique_key)
        SELECT district_id, job_id, \(queue), \(kind), \(args), coalesce(\(runAt)::timestamptz, now()), \(key) FROM keys
        """
    }
}
