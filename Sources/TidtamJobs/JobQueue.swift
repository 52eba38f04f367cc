import Foundation
import Postgres
import TidtamStore

/// The queue's SQL. Every statement that crosses districts acts as the worker across districts
/// (`Tenant.workerAcrossDistricts`); enqueueing acts in the job's own district, inside the
/// caller's transaction when it has one.
public struct JobQueue: Sendable {
    public let db: Database
    public init(db: Database) { self.db = db }

    /// A transaction acting for the worker across districts (the `job_worker` policies).
    /// Its statements find rows by id (`id = ANY($ids)`), never by joining a batch to the table.
    func workerTransaction<T: Sendable>(_ body: @escaping @Sendable (Transaction) throws -> T) async throws -> T {
        try await db.transaction(Tenant.workerAcrossDistricts, body)
    }

    /// The columns a job keeps when it moves to `job_archive` (done, dead or cancelled).
    static let archiveColumns: SQL =
        "district_id, id, queue, kind, args, attempts, state, last_error, unique_key, created_at"

    // MARK: enqueue

    /// Enqueues in `tx`, inside whatever transaction it is (`Transaction.enqueue`, beside the
    /// stores that enqueue work as part of their own changes).
    @discardableResult
    public static func enqueue(_ job: NewJob, in tx: Transaction) throws -> Int64? {
        try tx.enqueue(job)
    }

    /// Enqueues in a transaction of its own, acting for the job's district.
    @discardableResult
    public func enqueue(_ job: NewJob) async throws -> Int64? {
        try await db.transaction(DistrictTenant.background(job.districtID)) { try Self.enqueue(job, in: $0) }
    }

    /// Many jobs of one kind in one statement (one NOTIFY), for bursts such as a report per school.
    @discardableResult
    public func enqueueMany(
        kind: String, queue: String = "default", priority: Int = 0, maxAttempts: Int = 5,
        jobs: [(districtID: Int64, args: String)]
    ) async throws -> Int {
        let districts = jobs.map(\.districtID), args = jobs.map(\.args)
        return try await workerTransaction { tx in
            try tx.query(
                """
                INSERT INTO job (district_id, queue, kind, args, priority, max_attempts)
                SELECT d, \(queue), \(kind), a::jsonb, \(priority), \(maxAttempts) FROM unnest(\(districts)::bigint[], \(args)::text[]) AS t(d, a)
                """
            ).affectedRows
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
    static func claim(
        queue: String, limit: Int, leaseSeconds: Double, workerID: String, kinds: [String], maxRunning: [Int]
    ) -> SQL {
        """
        WITH RECURSIVE districts AS (
            (SELECT district_id FROM job
             WHERE queue = \(queue) AND state = 'ready' AND run_at <= now()
             ORDER BY queue, district_id LIMIT 1)
            UNION ALL
            SELECT (SELECT j.district_id FROM job j
                    WHERE j.queue = \(queue) AND j.state = 'ready' AND j.run_at <= now() AND j.district_id > d.district_id
                    ORDER BY j.queue, j.district_id LIMIT 1)
            FROM districts d WHERE d.district_id IS NOT NULL
        ),
        limits AS (
            SELECT kind, max_running FROM unnest(\(kinds)::text[], \(maxRunning)::int[]) AS l(kind, max_running)
        ),
        candidates AS (
            SELECT c.district_id, c.id, c.kind, c.priority, c.run_at,
                   row_number() OVER (PARTITION BY c.district_id ORDER BY c.priority DESC, c.run_at, c.id) AS turn,
                   row_number() OVER (PARTITION BY c.district_id, c.kind ORDER BY c.priority DESC, c.run_at, c.id) AS kind_turn
            FROM districts d
            CROSS JOIN LATERAL (
                SELECT j.district_id, j.id, j.kind, j.priority, j.run_at FROM job j
                WHERE j.queue = \(queue) AND j.state = 'ready' AND j.run_at <= now() AND j.district_id = d.district_id
                ORDER BY j.priority DESC, j.run_at, j.id
                LIMIT \(limit)
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
            SELECT district_id, id FROM allowed ORDER BY turn, priority DESC, run_at, id LIMIT \(limit)
        ),
        locked AS (
            SELECT j.district_id, j.id FROM job j
            WHERE j.id = ANY (ARRAY(SELECT id FROM chosen)) AND j.state = 'ready'
            FOR UPDATE SKIP LOCKED
        )
        UPDATE job j
        SET state = 'running', attempts = j.attempts + 1, lease_until = now() + make_interval(secs => \(leaseSeconds)), worker_id = \(workerID)
        WHERE j.id = ANY (ARRAY(SELECT id FROM locked))
        RETURNING j.district_id, j.id, j.queue, j.kind, j.args, j.attempts, j.max_attempts, j.run_at, j.created_at
        """
    }

    public func claim(
        queue: String, limit: Int, leaseSeconds: Double, workerID: String,
        limits: [String: Int] = [:]
    ) async throws -> [ClaimedJob] {
        let kinds = Array(limits.keys)
        let claim = Self.claim(
            queue: queue, limit: limit, leaseSeconds: leaseSeconds, workerID: workerID, kinds: kinds,
            maxRunning: kinds.map { limits[$0]! })
        return try await workerTransaction { tx in
            try tx.query(claim).rows.map(ClaimedJob.init(row:))
        }
    }

    // MARK: finish

    /// Moves finished jobs to the archive in one statement (ids are unique, so `id = ANY` finds
    /// them through one index; the attempt is checked per id). Only the attempt this worker holds
    /// is completed: a job whose lease expired and was taken again is left to its new holder.
    public static func complete(_ jobs: [ClaimedJob], in tx: Transaction) throws -> Int {
        let districts = jobs.map(\.districtID), ids = jobs.map(\.id), attempts = jobs.map(\.attempt)
        return try tx.query(
            """
            WITH finished AS (
                DELETE FROM job j
                WHERE j.id = ANY (\(ids)::bigint[]) AND j.district_id = ANY (\(districts)::bigint[]) AND j.state = 'running'
                  AND j.attempts = (\(attempts)::int[])[array_position(\(ids)::bigint[], j.id)]
                RETURNING j.district_id, j.id, j.queue, j.kind, j.args, j.attempts, j.last_error, j.unique_key, j.created_at
            )
            INSERT INTO job_archive (\(archiveColumns))
            SELECT district_id, id, queue, kind, args, attempts, 'done', last_error, unique_key, created_at FROM finished
            """
        ).affectedRows
    }

    @discardableResult
    public func complete(_ jobs: [ClaimedJob]) async throws -> Int {
        guard !jobs.isEmpty else { return 0 }
        return try await workerTransaction { try Self.complete(jobs, in: $0) }
    }

    /// Records a failed attempt: again after `retryIn` seconds, or dead once attempts run out
    /// (the job's own limit, or the kind's `maxAttempts` if lower). Returns true when it is dead.
    @discardableResult
    public func fail(_ job: ClaimedJob, error: String, retryIn: Double, maxAttempts: Int? = nil) async throws -> Bool {
        let message = String(error.prefix(2000))
        return try await workerTransaction { tx in
            let retried = try tx.query(
                """
                UPDATE job SET state = 'ready', run_at = now() + make_interval(secs => \(retryIn)), last_error = \(message),
                               lease_until = NULL, worker_id = NULL
                WHERE district_id = \(job.districtID) AND id = \(job.id) AND attempts = \(job.attempt) AND state = 'running'
                  AND attempts < least(max_attempts, coalesce(\(maxAttempts)::int, max_attempts))
                """)
            if retried.affectedRows == 1 { return false }
            return try tx.query(
                """
                WITH dead AS (
                    DELETE FROM job
                    WHERE district_id = \(job.districtID) AND id = \(job.id) AND attempts = \(job.attempt) AND state = 'running'
                    RETURNING *
                )
                INSERT INTO job_archive (\(Self.archiveColumns))
                SELECT district_id, id, queue, kind, args, attempts, 'dead', \(message), unique_key, created_at FROM dead
                """
            ).affectedRows == 1
        }
    }

    // MARK: leases

    /// Extends the leases of jobs a live worker still holds.
    public func heartbeat(_ jobs: [ClaimedJob], leaseSeconds: Double) async throws {
        guard !jobs.isEmpty else { return }
        let districts = jobs.map(\.districtID), ids = jobs.map(\.id), attempts = jobs.map(\.attempt)
        _ = try await workerTransaction { tx in
            try tx.query(
                """
                UPDATE job SET lease_until = now() + make_interval(secs => \(leaseSeconds))
                WHERE id = ANY (\(ids)::bigint[]) AND district_id = ANY (\(districts)::bigint[]) AND state = 'running'
                  AND attempts = (\(attempts)::int[])[array_position(\(ids)::bigint[], id)]
                """)
        }
    }

    static let reapRetry: SQL = """
        UPDATE job SET state = 'ready', lease_until = NULL, worker_id = NULL,
                       last_error = 'the worker stopped answering (lease expired)'
        WHERE state = 'running' AND lease_until < now() AND attempts < max_attempts
        """
    static let reapDead: SQL = """
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
        try await workerTransaction { tx in
            try tx.query(Self.reapRetry).affectedRows + tx.query(Self.reapDead).affectedRows
        }
    }

    /// Gives back what a stopping worker holds but did not start or finish (the attempt is not counted).
    public func release(workerID: String) async throws -> Int {
        try await workerTransaction { tx in
            try tx.query(
                """
                UPDATE job SET state = 'ready', attempts = attempts - 1, lease_until = NULL, worker_id = NULL
                WHERE state = 'running' AND worker_id = \(workerID)
                """
            ).affectedRows
        }
    }

    // MARK: operations

    /// Puts a dead or cancelled job back in the queue with fresh attempts.
    public func retry(districtID: Int64, id: Int64) async throws -> Bool {
        try await db.transaction(DistrictTenant.background(districtID)) { tx in
            try tx.query(
                """
                WITH revived AS (
                    DELETE FROM job_archive
                    WHERE district_id = \(districtID) AND id = \(id) AND state IN ('dead', 'cancelled') RETURNING *
                )
                INSERT INTO job (district_id, id, queue, kind, args, unique_key, created_at)
                SELECT district_id, id, queue, kind, args, unique_key, created_at FROM revived
                """
            ).affectedRows == 1
        }
    }

    /// Cancels a job that has not started.
    public func cancel(districtID: Int64, id: Int64) async throws -> Bool {
        try await db.transaction(DistrictTenant.background(districtID)) { tx in
            try tx.query(
                """
                WITH cancelled AS (
                    DELETE FROM job WHERE district_id = \(districtID) AND id = \(id) AND state = 'ready' RETURNING *
                )
                INSERT INTO job_archive (\(Self.archiveColumns))
                SELECT district_id, id, queue, kind, args, attempts, 'cancelled', last_error, unique_key, created_at FROM cancelled
                """
            ).affectedRows == 1
        }
    }

    /// Deletes archived jobs finished more than `days` ago, in batches so it never holds long locks.
    public func prune(olderThanDays days: Int, batch: Int = 10_000) async throws -> Int {
        var total = 0
        while true {
            let removed = try await workerTransaction { tx in
                try tx.query(
                    """
                    DELETE FROM job_archive WHERE (district_id, id) IN (
                        SELECT district_id, id FROM job_archive
                        WHERE finished_at < now() - make_interval(days => \(days)) LIMIT \(batch))
                    """
                ).affectedRows
            }
            total += removed
            if removed < batch { return total }
        }
    }
}
