import Foundation
import TidtamStore
import XCTest

/// A requirement's terms after it is issued, tried as a new user would: OBEC moves a deadline and
/// renames its requirement, and every district's copy follows; what submissions already refer to
/// (the year, the periods, the form) stays fixed; a district changes its own requirement but not
/// OBEC's; and every change is in an audit log — OBEC's in its own, the district's in the district's.
final class RequirementTermsAPITests: APITestCase {
    func testOBECChangesTheTermsAndEveryCopyFollowsAudited() async throws {
        let staff = token(a, .districtStaff), staffB = token(b, .districtStaff)
        let national = try await TokenStore(db).createNational(email: "obec@test", displayName: "สพฐ.", name: "test")
        let db = self.db!
        try await withAPI { api in
            let issued = try await api.send(
                .post, "/api/v1/national-requirements", token: national, json: json(ReportingAPITests.quarterly))
            XCTAssertEqual(issued.status, 201, issued.text)
            let id = issued.json["id"] as! Int
            try await MonitoringAPITests.runJobs(db)

            // What is fixed once issued, a title removed, and nothing at all: every problem at once.
            let fixed = try await api.send(
                .patch, "/api/v1/national-requirements/\(id)", token: national,
                json: json(["frequency": "month", "sections": [], "title_th": NSNull()]), headers: matching(issued))
            XCTAssertEqual(fixed.status, 422, fixed.text)
            XCTAssertEqual(Set(fixed.errorPointers), ["/frequency", "/sections", "/title_th"], fixed.text)
            XCTAssertTrue(fixed.text.contains("ยกเลิกแล้วกำหนดรายงานใหม่"), fixed.text)
            let empty = try await api.send(
                .patch, "/api/v1/national-requirements/\(id)", token: national, json: json([:]),
                headers: matching(issued))
            XCTAssertEqual(empty.status, 422, empty.text)
            let unversioned = try await api.send(
                .patch, "/api/v1/national-requirements/\(id)", token: national, json: json(["due_days": 20]))
            XCTAssertEqual(unversioned.status, 428, unversioned.text)
            let byDistrict = try await api.send(
                .patch, "/api/v1/national-requirements/\(id)", token: staff, json: json(["due_days": 20]),
                headers: matching(issued))
            XCTAssertEqual(byDistrict.status, 403, byDistrict.text)

            // The deadline moves by ten days and the title changes; every district's copy follows.
            let moved = try await api.send(
                .patch, "/api/v1/national-requirements/\(id)", token: national,
                json: json(["due_days": 20, "title_th": "รายงานผลการดำเนินงานรายไตรมาส (ฉบับปรับปรุง)"]),
                headers: matching(issued))
            XCTAssertEqual(moved.status, 200, moved.text)
            XCTAssertEqual(moved.json["version"] as? Int, 2)
            let stale = try await api.send(
                .patch, "/api/v1/national-requirements/\(id)", token: national, json: json(["due_days": 25]),
                headers: matching(issued))
            XCTAssertEqual(stale.status, 412, stale.text)
            try await MonitoringAPITests.runJobs(db)
            for viewer in [staff, staffB] {
                let copies = try await api.send(.get, "/api/v1/requirements?issuer=obec", token: viewer)
                XCTAssertEqual(copies.items.count, 1, copies.text)
                XCTAssertEqual(copies.items[0]["title_th"] as? String, "รายงานผลการดำเนินงานรายไตรมาส (ฉบับปรับปรุง)")
                XCTAssertEqual(copies.items[0]["due_days"] as? Int, 20)
                let periods = copies.items[0]["periods"] as? [[String: Any]]
                XCTAssertEqual(periods?[0]["due_on"] as? String, "2026-01-20", copies.text)
            }

            // A district cannot change OBEC's terms through its copy.
            let copy = try await api.send(.get, "/api/v1/requirements?issuer=obec", token: staff).items[0]
            let copyID = copy["id"] as! Int
            let current = try await api.send(.get, "/api/v1/requirements/\(copyID)", token: staff)
            let refused = try await api.send(
                .patch, "/api/v1/requirements/\(copyID)", token: staff, json: json(["due_days": 30]),
                headers: matching(current))
            XCTAssertEqual(refused.status, 403, refused.text)

            // OBEC's log: the issue and the change, by whom; districts do not read it.
            let log = try await api.send(
                .get, "/api/v1/national-audit?entity=national_requirement&entity_id=\(id)", token: national)
            XCTAssertEqual(log.status, 200, log.text)
            XCTAssertEqual(log.items.map { $0["action"] as? String }, ["update", "insert"], log.text)
            XCTAssertEqual(log.items[0]["actor_role"] as? String, "national")
            XCTAssertNotNil(log.items[0]["actor_id"] as? Int)
            XCTAssertEqual((log.items[0]["before"] as? [String: Any])?["due_days"] as? Int, 10)
            XCTAssertEqual((log.items[0]["after"] as? [String: Any])?["due_days"] as? Int, 20)
            let hidden = try await api.send(.get, "/api/v1/national-audit", token: staff)
            XCTAssertEqual(hidden.status, 403, hidden.text)

            // Withdrawn, it changes no more.
            let withdrawn = try await api.send(
                .post, "/api/v1/national-requirements/\(id)/withdraw", token: national, headers: matching(moved))
            XCTAssertEqual(withdrawn.status, 200, withdrawn.text)
            let late = try await api.send(
                .patch, "/api/v1/national-requirements/\(id)", token: national, json: json(["due_days": 30]),
                headers: matching(withdrawn))
            XCTAssertEqual(late.status, 409, late.text)
        }
    }

    func testADistrictChangesItsOwnRequirementAudited() async throws {
        let staff = token(a, .districtStaff), admin = token(a), staffB = token(b, .districtStaff)
        try await withAPI { api in
            var office = ReportingAPITests.quarterly
            office["audience"] = "district_office"
            let made = try await api.send(.post, "/api/v1/requirements", token: staff, json: json(office))
            XCTAssertEqual(made.status, 201, made.text)
            let id = made.json["id"] as! Int
            let changed = try await api.send(
                .patch, "/api/v1/requirements/\(id)", token: staff,
                json: json(["on_time_days": 30, "title_en": NSNull()]), headers: matching(made))
            XCTAssertEqual(changed.status, 200, changed.text)
            XCTAssertEqual(changed.json["on_time_days"] as? Int, 30)
            XCTAssertTrue(changed.json["title_en"] is NSNull || changed.json["title_en"] == nil, changed.text)
            XCTAssertEqual(
                (changed.json["periods"] as? [[String: Any]])?[0]["on_time_until"] as? String, "2026-02-09",
                changed.text)
            // Another district's requirement is not found.
            let other = try await api.send(
                .patch, "/api/v1/requirements/\(id)", token: staffB, json: json(["due_days": 5]),
                headers: matching(changed))
            XCTAssertEqual(other.status, 404, other.text)
            let audit = try await api.send(
                .get, "/api/v1/audit?entity=report_requirement&entity_id=\(id)", token: admin)
            XCTAssertEqual(audit.items.map { $0["action"] as? String }, ["update", "insert"], audit.text)
        }
    }
}
