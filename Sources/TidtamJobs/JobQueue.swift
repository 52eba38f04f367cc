import Foundation
import Postgres

/// The queue's SQL. Every statement that crosses districts acts as `tidtam.role = 'worker'`;
/// enqueueing acts in the job's own district, inside the caller's transaction when it has one.
public struct JobQueue: Sendable {
    public let pool: ConnectionPool
    public init(pool: ConnectionPool) { self.pool = pool }

    static let workerSettings = [try! TransactionSetting("tidtam.role", "worker")]

    /// A transaction acting for the worker across districts (the `job_worker` policies).
    /// Its statements find rows by id (`id = ANY($ids)`), never by joining a batch to the table.
    func workerTransaction<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await pool.transaction(settings: Self.workerSettings, body)
    }

    /// The columns a job keeps when it moves to `job_archive` (done, dead or cancelled).
    static let archiveColumns = "district_id, id, queue, kind, args, attempts, state, last_error, unique_key, created_at"

    // MARK: enqueue

    static let insert = """
        INSERT INTO job (district_id, queue, kind, args, priority, run_at, max_attempts, unique_key)
        VALUES ($1, $2, $3, $4, $5, coalesce($6::timestamptz, now()), $7, $8)
        RETURNING id
        """
    static let claimKey = """
        INSERT INTO job_key (district_id, unique_key, job_id)
        VALUES ($1, $2, nextval(pg_get_serial_sequence('job', 'id')))
        ON CONFLICT DO NOTHING
        RETURNING job_id
        """
    static let insertWithID = """
        INSERT INTO job (district_id, id, queue, kind, args, priority, run_at, max_attempts, unique_key)
        VALUES ($1, $9, $2, $3, $4, $5, coalesce($6::timestamptz, now()), $7, $8)
        RETURNING id
        """

    /// Enqueues on `connection`, inside whatever transaction it is in: the job exists exactly
    /// when that transaction commits. Returns nil when the unique key was already used.
    @discardableResult
    public static func enqueue(_ job: NewJob, on connection: Connection) throws -> Int64? {
        let values: [any PostgresEncodable] = [job.districtID, job.queue, job.kind, job.args, job.priority, job.runAt,
                                               job.maxAttempts, job.uniqueKey]
        guard let key = job.uniqueKey else {
            return try connection.query(insert, values).first!.decode("id")
        }
        guard let reserved = try connection.query(claimKey, [job.districtID, key]).first else { return nil }
        let id: Int64 = try reserved.decode("job_id")
        return try connection.query(insertWithID, values + [id]).first!.decode("id")
    }

    /// Enqueues in a transaction of its own, acting for the job's district.
    @discardableResult
    public func enqueue(_ job: NewJob) async throws -> Int64? {
        let settings = [try TransactionSetting("tidtam.district_id", String(job.districtID))]
        return try await pool.transaction(settings: settings) { try Self.enqueue(job, on: $0) }
    }

    static let bulkInsert = """
        INSERT INTO job (district_id, queue, kind, args, priority, max_attempts)
        SELECT d, $2, $3, a::jsonb, $4, $5 FROM unnest($1::bigint[], $6::text[]) AS t(d, a)
        """

    /// Many jobs of one kind in one statement (one NOTIFY), for bursts such as a report per school.
    @discardableResult
    public func enqueueMany(kind: String, queue: String = "default", priority: Int = 0, maxAttempts: Int = 5,
                            jobs: [(districtID: Int64, args: String)]) async throws -> Int {
        try await workerTransaction { connection in
            try connection.query(Self.bulkInsert, [jobs.map(\.districtID), queue, kind, priority, maxAttempts,
                                                   jobs.map(\.args)]).affectedRows
        }
    }

    // MARK: claim

    /// (`ORDER BY queue, district_id` makes the walk use the small `job_ready` index: ordered by
    /// district alone, the planner walks the primary key through every running and dead row.)
    ///
    /// Claims up to `limit` ready jobs, taking districts in turn (round robin over the districts
    /// that have ready work), so one district's burst cannot starve another's few jobs; a lone
    /// district still fills the batch. A kind listed in `limits` runs at most that many at once
    /// per district. `FOR UPDATE SKIP LOCKED` lets any number of workers claim side by side.
    static let claim = """
        WITH RECURSIVE districts AS (
            (SELECT district_id FROM job
             WHERE queue = $1 AND state = 'ready' AND run_at <= now()
             ORDER BY queue, district_id LIMIT 1)
            UNION ALL
            SELECT (SELECT j.district_id FROM job j
                    WHERE j.queue = $1 AND j.state = 'ready' AND j.run_at <= now() AND j.district_id > d.district_id
                    ORDER BY j.queue, j.district_id LIMIT 1)
            FROM districts d WHERE d.district_id IS NOT NULL
        ),
        limits AS (
            SELECT kind, max_running FROM unnest($5::text[], $6::int[]) AS l(kind, max_running)
        ),
        candidates AS (
            SELECT c.district_id, c.id, c.kind, c.priority, c.run_at,
                   row_number() OVER (PARTITION BY c.district_id ORDER BY c.priority DESC, c.run_at, c.id) AS turn,
                   row_number() OVER (PARTITION BY c.district_id, c.kind ORDER BY c.priority DESC, c.run_at, c.id) AS kind_turn
            FROM districts d
            CROSS JOIN LATERAL (
                SELECT j.district_id, j.id, j.kind, j.priority, j.run_at FROM job j
                WHERE j.queue = $1 AND j.state = 'ready' AND j.run_at <= now() AND j.district_id = d.district_id
                ORDER BY j.priority DESC, j.run_at, j.id
                LIMIT $2
            ) c
            WHERE d.district_id IS NOT NULL
        ),
        running AS (
            SELECT r.district_id, r.kind, count(*) AS n
            FROM job r JOIN limits l ON l.kind = r.kind
            WHERE r.state = 'running'
            GROUP BY r.district_id, r.kind
        ),
        allowed AS (
            SELECT c.* FROM candidates c
            LEFT JOIN limits l ON l.kind = c.kind
            LEFT JOIN running n ON n.district_id = c.district_id AND n.kind = c.kind
            WHERE l.kind IS NULL OR c.kind_turn + coalesce(n.n, 0) <= l.max_running
        ),
        chosen AS (
            SELECT district_id, id FROM allowed ORDER BY turn, priority DESC, run_at, id LIMIT $2
        ),
        locked AS (
            SELECT j.district_id, j.id FROM job j
            WHERE j.id = ANY (ARRAY(SELECT id FROM chosen)) AND j.state = 'ready'
            FOR UPDATE SKIP LOCKED
        )
        UPDATE job j
        SET state = 'running', attempts = j.attempts + 1, lease_until = now() + make_interval(secs => $3), worker_id = $4
        WHERE j.id = ANY (ARRAY(SELECT id FROM locked))
        RETURNING j.district_id, j.id, j.queue, j.kind, j.args, j.attempts, j.max_attempts, j.run_at, j.created_at
        """

    public func claim(queue: String, limit: Int, leaseSeconds: Double, workerID: String,
                      limits: [String: Int] = [:]) async throws -> [ClaimedJob] {
        let kinds = Array(limits.keys)
        return try await workerTransaction { connection in
            try connection.query(Self.claim, [queue, limit, leaseSeconds, workerID, kinds, kinds.map { limits[$0]! }])
                .rows.map(ClaimedJob.init(row:))
        }
    }

    // MARK: finish

    /// Moves finished jobs to the archive in one statement (ids are unique, so `id = ANY` finds
    /// them through one index; the attempt is checked per id). Only the attempt this worker holds
    /// is completed: a job whose lease expired and was taken again is left to its new holder.
    static let complete = """
        WITH finished AS (
            DELETE FROM job j
            WHERE j.id = ANY ($2::bigint[]) AND j.district_id = ANY ($1::bigint[]) AND j.state = 'running'
              AND j.attempts = ($3::int[])[array_position($2::bigint[], j.id)]
            RETURNING j.district_id, j.id, j.queue, j.kind, j.args, j.attempts, j.last_error, j.unique_key, j.created_at
        )
        INSERT INTO job_archive (\(archiveColumns))
        SELECT district_id, id, queue, kind, args, attempts, 'done', last_error, unique_key, created_at FROM finished
        """

    public static func complete(_ jobs: [ClaimedJob], on connection: Connection) throws -> Int {
        try connection.query(complete, [jobs.map(\.districtID), jobs.map(\.id), jobs.map(\.attempt)]).affectedRows
    }

    @discardableResult
    public func complete(_ jobs: [ClaimedJob]) async throws -> Int {
        guard !jobs.isEmpty else { return 0 }
        return try await workerTransaction { try Self.complete(jobs, on: $0) }
    }

    static let retryLater = """
        UPDATE job SET state = 'ready', run_at = now() + make_interval(secs => $4), last_error = $5,
                       lease_until = NULL, worker_id = NULL
        WHERE district_id = $1 AND id = $2 AND attempts = $3 AND state = 'running'
          AND attempts < least(max_attempts, coalesce($6::int, max_attempts))
        """
    static let bury = """
        WITH dead AS (
            DELETE FROM job WHERE district_id = $1 AND id = $2 AND attempts = $3 AND state = 'running'
            RETURNING *
        )
        INSERT INTO job_archive (\(archiveColumns))
        SELECT district_id, id, queue, kind, args, attempts, 'dead', $4, unique_key, created_at FROM dead
        """

    /// Records a failed attempt: again after `retryIn` seconds, or dead once attempts run out
    /// (the job's own limit, or the kind's `maxAttempts` if lower). Returns true when it is dead.
    @discardableResult
    public func fail(_ job: ClaimedJob, error: String, retryIn: Double, maxAttempts: Int? = nil) async throws -> Bool {
        let message = String(error.prefix(2000))
        return try await workerTransaction { connection in
            if try connection.query(Self.retryLater, [job.districtID, job.id, job.attempt, retryIn, message, maxAttempts]).affectedRows == 1 {
                return false
            }
            return try connection.query(Self.bury, [job.districtID, job.id, job.attempt, message]).affectedRows == 1
        }
    }

    // MARK: leases

    static let heartbeat = """
        UPDATE job SET lease_until = now() + make_interval(secs => $4)
        WHERE id = ANY ($2::bigint[]) AND district_id = ANY ($1::bigint[]) AND state = 'running'
          AND attempts = ($3::int[])[array_position($2::bigint[], id)]
        """

    /// Extends the leases of jobs a live worker still holds.
    public func heartbeat(_ jobs: [ClaimedJob], leaseSeconds: Double) async throws {
        guard !jobs.isEmpty else { return }
        _ = try await workerTransaction { connection in
            try connection.query(Self.heartbeat, [jobs.map(\.districtID), jobs.map(\.id), jobs.map(\.attempt), leaseSeconds])
        }
    }

    static let reapRetry = """
        UPDATE job SET state = 'ready', lease_until = NULL, worker_id = NULL,
                       last_error = 'the worker stopped answering (lease expired)'
        WHERE state = 'running' AND lease_until < now() AND attempts < max_attempts
        """
    static let reapDead = """
        WITH dead AS (
            DELETE FROM job WHERE state = 'running' AND lease_until < now() AND attempts >= max_attempts RETURNING *
        )
        INSERT INTO job_archive (\(archiveColumns))
        SELECT district_id, id, queue, kind, args, attempts, 'dead', 'the worker stopped answering (lease expired)',
               unique_key, created_at FROM dead
        """

    /// Returns jobs whose worker died (lease expired) to the queue, or buries them if they
    /// have used all their attempts. Returns how many were recovered.
    @discardableResult
    public func reapExpiredLeases() async throws -> Int {
        try await workerTransaction { connection in
            try connection.query(Self.reapRetry).affectedRows + connection.query(Self.reapDead).affectedRows
        }
    }

    /// Gives back what a stopping worker holds but did not start or finish (the attempt is not counted).
    public func release(workerID: String) async throws -> Int {
        try await workerTransaction { connection in
            try connection.query("""
                UPDATE job SET state = 'ready', attempts = attempts - 1, lease_until = NULL, worker_id = NULL
                WHERE state = 'running' AND worker_id = $1
                """, [workerID]).affectedRows
        }
    }

    // MARK: operations

    /// Puts a dead or cancelled job back in the queue with fresh attempts.
    public func retry(districtID: Int64, id: Int64) async throws -> Bool {
        let settings = [try TransactionSetting("tidtam.district_id", String(districtID))]
        return try await pool.transaction(settings: settings) { connection in
            try connection.query("""
                WITH revived AS (
                    DELETE FROM job_archive WHERE district_id = $1 AND id = $2 AND state IN ('dead', 'cancelled') RETURNING *
                )
                INSERT INTO job (district_id, id, queue, kind, args, unique_key, created_at)
                SELECT district_id, id, queue, kind, args, unique_key, created_at FROM revived
                """, [districtID, id]).affectedRows == 1
        }
    }

    /// Cancels a job that has not started.
    public func cancel(districtID: Int64, id: Int64) async throws -> Bool {
        let settings = [try TransactionSetting("tidtam.district_id", String(districtID))]
        return try await pool.transaction(settings: settings) { connection in
            try connection.query("""
                WITH cancelled AS (DELETE FROM job WHERE district_id = $1 AND id = $2 AND state = 'ready' RETURNING *)
                INSERT INTO job_archive (\(Self.archiveColumns))
                SELECT district_id, id, queue, kind, args, attempts, 'cancelled', last_error, unique_key, created_at FROM cancelled
                """, [districtID, id]).affectedRows == 1
        }
    }

    /// Deletes archived jobs finished more than `days` ago, in batches so it never holds long locks.
    public func prune(olderThanDays days: Int, batch: Int = 10_000) async throws -> Int {
        var total = 0
        while true {
            let removed = try await workerTransaction { connection in
                try connection.query("""
                    DELETE FROM job_archive WHERE (district_id, id) IN (
                        SELECT district_id, id FROM job_archive
                        WHERE finished_at < now() - make_interval(days => $1) LIMIT $2)
                    """, [days, batch]).affectedRows
            }
            total += removed
            if removed < batch { return total }
        }
    }
}
