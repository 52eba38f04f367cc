import Foundation
import HTTPTypes
@testable import Postgres
import TidtamDomain
import TidtamJobs
import TidtamStore
import XCTest

final class JobsAPITests: APITestCase {
    func testADistrictAdminSeesRetriesAndCancelsOnlyTheDistrictsJobs() async throws {
        let queue = JobQueue(db: db)
        let mine = try await queue.enqueue(NewJob(districtID: a, kind: "report.annual"))!
        let theirs = try await queue.enqueue(NewJob(districtID: b, kind: "report.annual"))!
        let (admin, staff) = (token(a), token(a, .districtStaff))
        try await withAPI { api in
            let list = try await api.send(.get, "/api/v1/jobs", token: admin)
            XCTAssertEqual(list.status, 200, list.text)
            XCTAssertEqual(list.items.compactMap { ($0["id"] as? NSNumber)?.int64Value }, [mine])
            do {
                let r = try await api.send(.get, "/api/v1/jobs/\(theirs)", token: admin); XCTAssertEqual(r.status, 404)
            }
            do {
                let r = try await api.send(.post, "/api/v1/jobs/\(theirs)/cancel", token: admin);
                XCTAssertEqual(r.status, 404)
            }
            do { let r = try await api.send(.get, "/api/v1/jobs", token: staff); XCTAssertEqual(r.status, 403) }
            let cancelled = try await api.send(.post, "/api/v1/jobs/\(mine)/cancel", token: admin)
            XCTAssertEqual(cancelled.json["state"] as? String, "cancelled")
            do {
                let r = try await api.send(.post, "/api/v1/jobs/\(mine)/cancel", token: admin)
                XCTAssertEqual(r.status, 409)
                XCTAssertEqual(r.json["detail_th"] as? String, "งานเบื้องหลัง \(mine) อยู่ในสถานะ “ยกเลิกแล้ว” ไม่ใช่รอทำงาน")
            }
            let retried = try await api.send(.post, "/api/v1/jobs/\(mine)/retry", token: admin)
            XCTAssertEqual(retried.json["state"] as? String, "ready")
            let bad = try await api.send(.get, "/api/v1/jobs?state=lost", token: admin)
            XCTAssertEqual(bad.errorPointers, ["?state"])
            let metrics = try await api.send(.get, "/metrics")
            XCTAssertTrue(metrics.text.contains("tidtam_jobs_queued"), "queue depth by kind and state")
        }
    }
}
