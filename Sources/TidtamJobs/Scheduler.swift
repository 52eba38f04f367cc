import Foundation
import Postgres
import TidtamDomain

/// A recurring job: at each slot of `cron` (in the deployment's time zone) one job of `kind` is
/// enqueued for every district.
public struct Schedule: Sendable {
    public let name: String
    public let cron: CronExpression
    public let kind: String
    public let args: PostgresJSON
    public let queue: String

    public init(name: String, cron: CronExpression, kind: String, args: PostgresJSON = PostgresJSON("{}"), queue: String = "default") {
        self.name = name; self.cron = cron; self.kind = kind; self.args = args; self.queue = queue
    }
}

/// Turns schedule slots into jobs. Every worker runs it; each slot's job is created once per
/// district however many workers run, because its unique key (`cron:<name>:<slot>`) is reserved
/// with it in `job_key`.
public struct Scheduler: Sendable {
    let queue: JobQueue
    public let schedules: [Schedule]
    public let timeZone: TimeZone

    public init(queue: JobQueue, schedules: [Schedule], timeZone: TimeZone = TimeZone(identifier: "Asia/Bangkok")!) {
        self.queue = queue
        self.schedules = schedules
        self.timeZone = timeZone
    }

    static let enqueueSlot = """
        WITH keys AS (
            INSERT INTO job_key (district_id, unique_key, job_id)
            SELECT d, $2, nextval(pg_get_serial_sequence('job', 'id')) FROM unnest($1::bigint[]) AS d
            ON CONFLICT DO NOTHING
            RETURNING district_id, job_id
        )
        INSERT INTO job (district_id, id, queue, kind, args, run_at, unique_key)
        SELECT district_id, job_id, $3, $4, $5, $6, $2 FROM keys
        """

    /// Enqueues the slots in `(after, now]` of every schedule; returns the jobs created here.
    @discardableResult
    public func enqueueDueSlots(after: Date, now: Date) async throws -> Int {
        let due = schedules.flatMap { schedule in
            schedule.cron.slots(after: after, upTo: now, in: timeZone, limit: 60).map { (schedule, $0) }
        }
        guard !due.isEmpty else { return 0 }
        let districts = try await queue.pool.read(settings: [try TransactionSetting("tidtam.role", "national")],
                                                  "SELECT id FROM district ORDER BY id", [])
            .rows.map { try $0.decode("id", as: Int64.self) }
        var created = 0
        for (schedule, slot) in due {
            let key = "cron:\(schedule.name):\(Int(slot.timeIntervalSince1970))"
            created += try await queue.workerTransaction { connection in
                try connection.query(Self.enqueueSlot, [districts, key, schedule.queue, schedule.kind, schedule.args, slot]).affectedRows
            }
        }
        return created
    }
}
