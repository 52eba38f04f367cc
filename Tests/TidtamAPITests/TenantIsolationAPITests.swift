import HTTPTypes
@testable import Postgres
import TestSupport
import TidtamDomain
import XCTest

/// With tokens of two districts, no request of one ever reads, lists, changes or deletes the other's data.
final class TenantIsolationAPITests: APITestCase {
    func testAnotherDistrictsResourcesAreNotFoundNeverForbidden() async throws {
        let (schoolB, userB, districtB, tokenA) = (fixture.schoolsB[0], users[b]![.districtStaff]!, b, token(a))
        try await withAPI { api in
            for path in ["/api/v1/schools/\(schoolB)", "/api/v1/users/\(userB)", "/api/v1/districts/\(districtB)"] {
                let read = try await api.send(.get, path, token: tokenA)
                XCTAssertEqual(read.status, 404, path)
                XCTAssertTrue(read.contentType.hasPrefix("application/problem+json"))
                let patch = try await api.send(.patch, path, token: tokenA, json: "{}", headers: [.ifMatch: "\"1\""])
                XCTAssertEqual(patch.status, 404, "PATCH \(path)")
            }
            let delete = try await api.send(
                .delete, "/api/v1/schools/\(schoolB)", token: tokenA, headers: [.ifMatch: "\"1\""])
            XCTAssertEqual(delete.status, 404)
        }
        // B's school is untouched.
        let school = try await SchoolStoreProbe.name(db, district: b, id: schoolB)
        XCTAssertEqual(school, "โรงเรียนบ้านกลางใต้")
    }

    /// Every collection under a parent record (a path `…/{xId}/things`) in the OpenAPI document (`/action-plans/{planId}/projects`)
    /// answers 404 for another district's parent, and for none, as the parent itself does: never
    /// 200 with an empty list. A new nested collection fails here until it is given a parent of B's.
    func testEveryNestedCollectionOfAnotherDistrictsParentIsNotFound() async throws {
        let planB = try await ActionPlanStore(db).create(
            DistrictTenant.background(b),
            ActionPlanInput(schoolID: nil, fiscalYear: FiscalYear(2569), titleTH: "แผนของเขต B"))
        // One record of B for every other kind of parent, written as the owner acting for B.
        let owner = try testDB.ownerConnection()
        let (districtB, schoolB) = (b, fixture.schoolsB[0])
        try owner.execute(
            script: """
                SET tidtam.district_id = '\(districtB)'; SET tidtam.role = 'district_admin';
                INSERT INTO project (district_id, id, plan_id, code, name_th) VALUES (\(districtB), 900001, \(planB.id), 'P1', 'โครงการของเขต B');
                INSERT INTO indicator (district_id, id, name_th, unit_th, kind, direction, scoring, levels)
                    VALUES (\(districtB), 900001, 'ตัวชี้วัดของเขต B', 'ร้อยละ', 'output', 'higher_is_better', 'five_levels', '{1,2,3,4,5}');
                INSERT INTO monitoring_item (district_id, id, kind, fiscal_year, period_kind, period, period_start, period_end,
                                             action_plan_id, project_id, due_on, original_due_on)
                    VALUES (\(districtB), 900001, 'progress_report', 2569, 'quarter', 1, '2025-10-01', '2025-12-31', \(planB.id), 900001,
                            '2026-01-15', '2026-01-15');
                INSERT INTO visit (district_id, id, school_id, kind, purpose_th, starts_at, ends_at)
                    VALUES (\(districtB), 900001, \(schoolB), 'supervision', 'นิเทศของเขต B', '2026-12-02 02:00Z', '2026-12-02 08:00Z');
                INSERT INTO finding (district_id, id, school_id, visit_id, finding_th) VALUES (\(districtB), 900001, \(schoolB), 900001, 'ข้อค้นพบ');
                INSERT INTO evidence_content (district_id, id, school_id, sha256, byte_size, content)
                    VALUES (\(districtB), 900001, \(schoolB), sha256('x'::bytea), 1, 'x'::bytea);
                INSERT INTO evidence_file (district_id, id, school_id, finding_id, content_id, file_name, content_type, byte_size, sha256)
                    VALUES (\(districtB), 900001, \(schoolB), 900001, 900001, 'x.txt', 'text/plain', 1, sha256('x'::bytea));
                INSERT INTO evaluation_round (district_id, id, fiscal_year, kind, name_th, through_month)
                    VALUES (\(districtB), 900001, 2569, 'year_end', 'รอบสิ้นปี', 12);
                INSERT INTO evaluation (district_id, id, round_id, subject, subject_id, fiscal_year, reported_weight, missing_weight,
                                        indicators_reported, indicators_missing, inputs, result, engine)
                    VALUES (\(districtB), 900001, 900001, 'project', 900001, 2569, 0, 0, 0, 0, '{}', '{}', 1);
                INSERT INTO report_requirement (district_id, id, title_th, fiscal_year, frequency, due_days, audience, sections, reminder_policy)
                    VALUES (\(districtB), 900001, 'รายงานของเขต B', 2569, 'year', 10, 'schools', '[]', '{}');
                INSERT INTO report_submission (district_id, id, requirement_id, school_id, period_no)
                    VALUES (\(districtB), 900001, 900001, \(schoolB), 1);
                INSERT INTO webhook_endpoint (district_id, id, url, event_types)
                    VALUES (\(districtB), 900001, 'https://example.org/hook', '{reminder.due}');
                """)
        let parentsOfB: [String: Int64] = [
            "planId": planB.id, "itemId": 900001, "indicatorId": 900001, "visitId": 900001, "fileId": 900001,
            "evaluationId": 900001, "submissionId": 900001, "endpointId": 900001,
        ]
        let document = try String(
            contentsOf: TestDatabase.repositoryRoot.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)
        var nested: [String] = [], path: String?
        for line in document.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("  /"), line.hasSuffix(":") { path = String(line.dropFirst(2).dropLast()) }
            if line == "    get:", let path,
                path.range(of: #"^/.+/\{[A-Za-z]+Id\}/[a-z-]+$"#, options: .regularExpression) != nil
            {
                nested.append(path)
            }
        }
        XCTAssertFalse(nested.isEmpty)
        let (tokenA, collections) = (token(a), nested)
        try await withAPI { api in
            for template in collections {
                let parameter = String(template.split(separator: "{")[1].split(separator: "}")[0])
                guard let idOfB = parentsOfB[parameter] else {
                    XCTFail("\(template): give the test a parent of district B for {\(parameter)}")
                    continue
                }
                for id in [idOfB, 999_999_999] {
                    let path = "/api/v1" + template.replacingOccurrences(of: "{\(parameter)}", with: String(id))
                    let reply = try await api.send(.get, path, token: tokenA)
                    XCTAssertEqual(reply.status, 404, "GET \(path): \(reply.text)")
                }
            }
        }
        // A's own empty plan is an empty list, not 404.
        let planA = try await ActionPlanStore(db).create(
            DistrictTenant.background(a),
            ActionPlanInput(schoolID: nil, fiscalYear: FiscalYear(2569), titleTH: "แผนของเขต A"))
        try await withAPI { api in
            let reply = try await api.send(.get, "/api/v1/action-plans/\(planA.id)/projects", token: tokenA)
            XCTAssertEqual(reply.status, 200, reply.text)
            XCTAssertEqual(reply.items.count, 0)
        }
    }

    func testListsShowOnlyTheCallersDistrict() async throws {
        let (tokenA, schoolsA) = (token(a), fixture.schoolsA)
        let districtA = a
        try await withAPI { api in
            let schools = try await api.send(.get, "/api/v1/schools?limit=200", token: tokenA)
            XCTAssertEqual(Set(schools.items.compactMap { ($0["id"] as? NSNumber)?.int64Value }), Set(schoolsA))
            // Asking for B by filter still shows nothing of B.
            let filtered = try await api.send(.get, "/api/v1/schools?district_id=\(districtA + 1)", token: tokenA)
            XCTAssertEqual(filtered.items.count, 0)
            let districts = try await api.send(.get, "/api/v1/districts", token: tokenA)
            XCTAssertEqual(districts.items.compactMap { ($0["id"] as? NSNumber)?.int64Value }, [districtA])
            let users = try await api.send(.get, "/api/v1/users?limit=200", token: tokenA)
            XCTAssertTrue(users.items.allSatisfy { ($0["district_id"] as? NSNumber)?.int64Value == districtA })
            XCTAssertEqual(users.items.count, 4)
            let audit = try await api.send(.get, "/api/v1/audit?limit=200", token: tokenA)
            XCTAssertFalse(audit.items.isEmpty)
            XCTAssertTrue(audit.items.allSatisfy { ($0["district_id"] as? NSNumber)?.int64Value == districtA })
            let tokens = try await api.send(.get, "/api/v1/tokens?limit=200", token: tokenA)
            XCTAssertTrue(tokens.items.allSatisfy { ($0["district_id"] as? NSNumber)?.int64Value == districtA })
        }
    }

    func testATokenCannotBeReplayedAgainstAnotherDistrict() async throws {
        // Rewriting the district in a token does not move it to another tenant.
        let forged = token(a).replacingOccurrences(of: "tdt_\(a)_", with: "tdt_\(b)_")
        try await withAPI { api in
            do {
                let reply = try await api.send(.get, "/api/v1/schools", token: forged);
                XCTAssertEqual(reply.status, 401, reply.text)
            }
            do {
                let reply = try await api.send(.get, "/api/v1/schools"); XCTAssertEqual(reply.status, 401, reply.text)
            }
            do {
                let reply = try await api.send(.get, "/api/v1/schools", token: "garbage");
                XCTAssertEqual(reply.status, 401, reply.text)
            }
        }
    }

    func testRolesThatMayNotAreForbidden() async throws {
        let (committee, schoolStaff, staff) = (token(a, .committee), token(a, .schoolStaff), token(a, .districtStaff))
        let (ownSchool, otherSchool) = (fixture.schoolsA[0], fixture.schoolsA[1])
        try await withAPI { api in
            let body = #"{"obec_code":"5200009999","name_th":"โรงเรียนใหม่"}"#
            do {
                let reply = try await api.send(.post, "/api/v1/schools", token: committee, json: body);
                XCTAssertEqual(reply.status, 403, reply.text)
            }
            do {
                let reply = try await api.send(.post, "/api/v1/schools", token: staff, json: body);
                XCTAssertEqual(reply.status, 403, reply.text)
            }
            do {
                let reply = try await api.send(.get, "/api/v1/users", token: schoolStaff);
                XCTAssertEqual(reply.status, 403, reply.text)
            }
            // School staff see and edit their own school only.
            let list = try await api.send(.get, "/api/v1/schools", token: schoolStaff)
            XCTAssertEqual(list.items.count, 1)
            do {
                let reply = try await api.send(.get, "/api/v1/schools/\(otherSchool)", token: schoolStaff);
                XCTAssertEqual(reply.status, 404, reply.text)
            }
            let edit = try await api.send(
                .patch, "/api/v1/schools/\(ownSchool)", token: schoolStaff,
                json: #"{"student_count": 321}"#, headers: [.ifMatch: "\"1\""])
            XCTAssertEqual(edit.status, 200, edit.text)
        }
    }
}

import TidtamStore
enum SchoolStoreProbe {
    static func name(_ db: Database, district: Int64, id: Int64) async throws -> String? {
        try await SchoolStore(db).get(DistrictTenant.background(district), id: id)?.nameTH
    }
}
