import Foundation
import NIOConcurrencyHelpers
@testable import Postgres
import ServiceLifecycle
import TestSupport
import TidtamJobs
import TidtamStore
import XCTest

final class JobQueueTests: JobsTestCase {
    func testAJobEnqueuedInARolledBackTransactionNeverExists() async throws {
        let district = fixture.districtA
        struct Abort: Error {}
        do {
            try await db.transaction(DistrictTenant.background(district)) { connection in
                try JobQueue.enqueue(NewJob(districtID: district, kind: "noop"), in: connection)
                throw Abort()
            }
        } catch is Abort {}
        XCTAssertEqual(try count("SELECT count(*) FROM job"), 0)
        let claimed = try await queue.claim(queue: "default", limit: 10, leaseSeconds: 5, workerID: "w")
        XCTAssertEqual(claimed, [])
    }

    func testAUniqueKeyCreatesTheWorkOnceEvenAfterItFinished() async throws {
        let job = NewJob(
            districtID: fixture.districtA, kind: "noop", uniqueKey: "reminder:deadline-7:user-3:day-before")
        let first = try await queue.enqueue(job)
        XCTAssertNotNil(first)
        let again = try await queue.enqueue(job)
        XCTAssertNil(again)
        let claimed = try await queue.claim(queue: "default", limit: 10, leaseSeconds: 5, workerID: "w")
        try await queue.complete(claimed)
        let afterDone = try await queue.enqueue(job)
        XCTAssertNil(afterDone)
        // The same key in another district is other work.
        var other = job
        other.districtID = fixture.districtB
        let inB = try await queue.enqueue(other)
        XCTAssertNotNil(inB)
    }

    func testOneDistrictsBurstDoesNotStarveAnother() async throws {
        let (a, b) = (fixture.districtA, fixture.districtB)
        try await queue.enqueueMany(kind: "report", jobs: (0..<5000).map { (a, "{\"n\": \($0)}") })
        _ = try await queue.enqueue(NewJob(districtID: b, kind: "reminder"))
        _ = try await queue.enqueue(NewJob(districtID: b, kind: "reminder"))
        let first = try await queue.claim(queue: "default", limit: 10, leaseSeconds: 5, workerID: "w")
        XCTAssertEqual(first.count, 10)
        XCTAssertEqual(first.filter { $0.districtID == b }.count, 2, "B's reminders come in the first batch")
        // A lone district still fills the batch.
        let next = try await queue.claim(queue: "default", limit: 50, leaseSeconds: 5, workerID: "w")
        XCTAssertEqual(next.count, 50)
        XCTAssertTrue(next.allSatisfy { $0.districtID == a })
    }

    func testAKindCanBeLimitedPerDistrict() async throws {
        let (a, b) = (fixture.districtA, fixture.districtB)
        try await queue.enqueueMany(kind: "report", jobs: (0..<20).map { ($0 % 2 == 0 ? a : b, "{}") })
        try await queue.enqueueMany(kind: "noop", jobs: (0..<4).map { _ in (a, "{}") })
        let limits = ["report": 2]
        let first = try await queue.claim(queue: "default", limit: 100, leaseSeconds: 5, workerID: "w", limits: limits)
        XCTAssertEqual(first.filter { $0.kind == "report" && $0.districtID == a }.count, 2)
        XCTAssertEqual(first.filter { $0.kind == "report" && $0.districtID == b }.count, 2)
        XCTAssertEqual(first.filter { $0.kind == "noop" }.count, 4)
        // While those run, no more reports start in either district.
        let second = try await queue.claim(queue: "default", limit: 100, leaseSeconds: 5, workerID: "w", limits: limits)
        XCTAssertEqual(second, [])
        try await queue.complete(first.filter { $0.districtID == a && $0.kind == "report" })
        let third = try await queue.claim(queue: "default", limit: 100, leaseSeconds: 5, workerID: "w", limits: limits)
        XCTAssertEqual(third.count, 2)
        XCTAssertTrue(third.allSatisfy { $0.districtID == a })
    }

    func testFailuresBackOffAndEndDeadKeepingTheError() async throws {
        let id = try await queue.enqueue(NewJob(districtID: fixture.districtA, kind: "flaky", maxAttempts: 3))!
        for attempt in 1...3 {
            let claimed = try await queue.claim(queue: "default", limit: 1, leaseSeconds: 5, workerID: "w")
            XCTAssertEqual(claimed.map(\.attempt), [attempt])
            let dead = try await queue.fail(claimed[0], error: "ส่งอีเมลไม่สำเร็จ (attempt \(attempt))", retryIn: 0)
            XCTAssertEqual(dead, attempt == 3)
        }
        XCTAssertEqual(try count("SELECT count(*) FROM job"), 0)
        let archived = try testDB.superuserConnection().query(
            "SELECT state, attempts, last_error FROM job_archive WHERE id = $1", [id]
        ).first!
        XCTAssertEqual(try archived.decode("state", as: String.self), "dead")
        XCTAssertEqual(try archived.decode("attempts", as: Int.self), 3)
        XCTAssertEqual(try archived.decode("last_error", as: String.self), "ส่งอีเมลไม่สำเร็จ (attempt 3)")
        // A manual retry puts it back with fresh attempts.
        let retried = try await queue.retry(districtID: fixture.districtA, id: id)
        XCTAssertTrue(retried)
        do {
            let value = try await queue.claim(queue: "default", limit: 1, leaseSeconds: 5, workerID: "w").map(
                \.attempt);
            XCTAssertEqual(value, [1])
        }
    }

    func testBackoffGrowsExponentiallyWithJitterAndACap() {
        let backoff = Backoff(base: 2, cap: 60)
        XCTAssertEqual(backoff.delay(afterAttempt: 1, random: 1), 2)
        XCTAssertEqual(backoff.delay(afterAttempt: 4, random: 1), 16)
        XCTAssertEqual(backoff.delay(afterAttempt: 20, random: 1), 60)
        XCTAssertEqual(backoff.delay(afterAttempt: 4, random: 0.5), 8)
    }

    func testAJobOfADeadWorkerRunsAgainAfterItsLeaseAndTakesEffectOnce() async throws {
        let district = fixture.districtA
        _ = try await queue.enqueue(NewJob(districtID: district, kind: "effect"))
        // A worker claims with a one-second lease and dies without a word.
        let lost = try await queue.claim(queue: "default", limit: 1, leaseSeconds: 1, workerID: "dead-worker")
        XCTAssertEqual(lost.count, 1)
        do {
            let value = try await queue.claim(queue: "default", limit: 1, leaseSeconds: 1, workerID: "w2");
            XCTAssertEqual(value, [])
        }
        try await Task.sleep(for: .milliseconds(1200))
        do { let value = try await queue.reapExpiredLeases(); XCTAssertEqual(value, 1) }
        let again = try await queue.claim(queue: "default", limit: 1, leaseSeconds: 5, workerID: "w2")
        XCTAssertEqual(again.map(\.attempt), [2])
        // The effect and the completion commit together, keyed by the job id: once in effect.
        try testDB.ownerConnection().execute(
            script: """
                CREATE TABLE effect (district_id bigint, job_id bigint PRIMARY KEY);
                GRANT INSERT, SELECT ON effect TO tidtam_app
                """)
        let context = JobContext(job: again[0], db: db)
        _ = try await context.finish { connection in
            try connection.query("INSERT INTO effect VALUES (\(again[0].districtID), \(again[0].id))")
        }
        // The dead worker's late completion changes nothing.
        do { let value = try await queue.complete(lost); XCTAssertEqual(value, 0) }
        XCTAssertEqual(try count("SELECT count(*) FROM effect"), 1)
        XCTAssertEqual(try count("SELECT count(*) FROM job_archive WHERE state = 'done'"), 1)
    }

    func testOperatorsListCancelAndRetryOnlyWithinADistrict() async throws {
        let (a, b) = (fixture.districtA, fixture.districtB)
        let idA = try await queue.enqueue(NewJob(districtID: a, kind: "report"))!
        _ = try await queue.enqueue(NewJob(districtID: b, kind: "report"))
        let listedA = try await queue.list(.district(.background(a)))
        XCTAssertEqual(listedA.map(\.id), [idA])
        // B cannot cancel A's job: acting as B, it does not exist.
        let cancelledByB = try await queue.cancel(districtID: b, id: idA)
        XCTAssertFalse(cancelledByB)
        let cancelled = try await queue.cancel(districtID: a, id: idA)
        XCTAssertTrue(cancelled)
        do {
            let value = try await queue.list(.district(.background(a)), state: .cancelled).map(\.id);
            XCTAssertEqual(value, [idA])
        }
        let retried = try await queue.retry(districtID: a, id: idA)
        XCTAssertTrue(retried)
        do { let value = try await queue.list(.district(.background(a))).map(\.state); XCTAssertEqual(value, [.ready]) }
        do { let value = try await queue.list(.operatorsAcrossDistricts).count; XCTAssertEqual(value, 2) }
    }

    func testPruningRemovesOnlyFinishedJobsPastTheRetention() async throws {
        let district = fixture.districtA
        try await queue.enqueueMany(kind: "noop", jobs: (0..<30).map { _ in (district, "{}") })
        let claimed = try await queue.claim(queue: "default", limit: 20, leaseSeconds: 5, workerID: "w")
        try await queue.complete(claimed)
        try testDB.superuserConnection().query(
            "UPDATE job_archive SET finished_at = now() - interval '40 days' WHERE id = ANY($1)",
            [Array(claimed.prefix(15).map(\.id))])
        let pruned = try await queue.prune(olderThanDays: 30, batch: 4)
        XCTAssertEqual(pruned, 15)
        XCTAssertEqual(try count("SELECT count(*) FROM job_archive"), 5)
        XCTAssertEqual(try count("SELECT count(*) FROM job"), 10)
    }
}
