import Foundation
@testable import Postgres
import TestSupport
import TidtamDomain
import TidtamJobs
import TidtamStore
import XCTest

final class SchedulerTests: XCTestCase {
    func testEachSlotRunsOncePerDistrictWithThreeWorkers() async throws {
        let testDB = try TestDatabase.create()
        defer { testDB.drop() }
        let db = testDB.database(poolSize: 6)
        let fixture = try await Fixture.make(db)
        let queue = JobQueue(db: db)
        let schedule = Schedule(name: "deadline-scan", cron: CronExpression("*/15 * * * *")!, kind: "reminder.scan")
        let after = try Date("2026-11-25T01:00:00Z", strategy: .iso8601)
        let now = try Date("2026-11-25T02:00:00Z", strategy: .iso8601)  // four slots: :15 :30 :45 :00
        // Three workers find the same slots due at the same moment, and again a little later.
        let created = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<3 {
                group.addTask {
                    try await Scheduler(queue: queue, schedules: [schedule]).enqueueDueSlots(after: after, now: now)
                }
                group.addTask {
                    try await Scheduler(queue: queue, schedules: [schedule]).enqueueDueSlots(after: after, now: now)
                }
            }
            return try await group.reduce(0, +)
        }
        XCTAssertEqual(created, 4 * 2)
        let rows = try testDB.superuserConnection().query(
            "SELECT district_id, count(*) AS n FROM job GROUP BY district_id ORDER BY district_id"
        ).rows
        XCTAssertEqual(
            try rows.map { try $0.decode("district_id", as: Int64.self) }, [fixture.districtA, fixture.districtB])
        XCTAssertEqual(try rows.map { try $0.decode("n", as: Int.self) }, [4, 4])
        await db.shutdown()
    }
}
