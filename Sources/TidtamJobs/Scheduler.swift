import Foundation
import Postgres
import TidtamStore
import TidtamDomain

/// A recurring job: at each slot of `cron` (in the deployment's time zone) one job of `kind` is
/// enqueued for every district.
public struct Schedule: Sendable {
    public let name: String
    public let cron: CronExpression
    public let kind: String
    public let args: PostgresJSON
    public let queue: String

    public init(
        name: String, cron: CronExpression, kind: String, args: PostgresJSON = PostgresJSON("{}"),
        queue: String = "default"
    ) {
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

    static func enqueueSlot(districts: [Int64], key: String, _ schedule: Schedule, slot: Date) -> SQL {
        DistrictFanOut.enqueue(
            districts: districts, key: key, kind: schedule.kind, args: schedule.args, queue: schedule.queue, runAt: slot
        )
    }

    /// Enqueues the slots in `(after, now]` of every schedule; returns the jobs created here.
    @discardableResult
    public func enqueueDueSlots(after: Date, now: Date) async throws -> Int {
        let due = schedules.flatMap { schedule in
            schedule.cron.slots(after: after, upTo: now, in: timeZone, limit: 60).map { (schedule, $0) }
        }
        guard !due.isEmpty else { return 0 }
        let districts = try await queue.db.read(Tenant.nationalService, "SELECT id FROM district ORDER BY id")
            .rows.map { try $0.decode("id", as: Int64.self) }
        var created = 0
        for (schedule, slot) in due {
            let key = "cron:\(schedule.name):\(Int(slot.timeIntervalSince1970))"
            let enqueue = Self.enqueueSlot(districts: districts, key: key, schedule, slot: slot)
            created += try await queue.workerTransaction { tx in try tx.query(enqueue).affectedRows }
        }
        return created
    }
}
