import Foundation
import HTTPTypes
import TidtamDomain
import XCTest

/// Bad input gets a clear 4xx problem+json that lists every invalid field, never a 500 or SQL.
final class RequestHandlingAPITests: APITestCase {
    func testHostileAndMalformedBodiesGetProblemsNotErrors() async throws {
        let admin = token(a)
        try await withAPI { api in
            let cases: [(String, [UInt8], Int)] = [
                ("malformed JSON", Array(#"{"name_th": "#.utf8), 400),
                ("invalid UTF-8", [0x7B, 0x22, 0x6E, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x7D], 400),
                ("an array", Array("[1,2,3]".utf8), 422),
                ("a string", Array(#""school""#.utf8), 422),
                ("empty", [], 400),
                (
                    "deep nesting",
                    Array((String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)).utf8), 400
                ),
                ("SQL in a value", Array(#"{"obec_code":"1'; DROP TABLE school;--","name_th":"x"}"#.utf8), 422),
                ("NUL in a value", Array(#"{"obec_code":"5200001111","name_th":"a\u0000b"}"#.utf8), 422),
                ("too large", Array(("{\"name_th\":\"" + String(repeating: "ก", count: 400_000) + "\"}").utf8), 413),
            ]
            for (name, bytes, status) in cases {
                let reply = try await api.send(.post, "/api/v1/schools", token: admin, bytes: bytes)
                XCTAssertEqual(reply.status, status, "\(name): \(reply.text.prefix(300))")
                XCTAssertTrue(reply.contentType.hasPrefix("application/problem+json"), name)
                XCTAssertFalse(reply.text.lowercased().contains("insert into"), name)
                XCTAssertFalse(reply.text.contains("sqlstate"), name)
                if status == 413 {
                    XCTAssertTrue((reply.json["detail"] as? String ?? "").contains("1 MiB"), reply.text)
                }
            }
            // A CSV file may be larger than a JSON body, up to its own limit, which the answer names.
            let file = [UInt8](repeating: 0x61, count: (64 << 20) + 1)
            let tooLarge = try await api.send(.post, "/api/v1/imports/projects", token: admin, bytes: file)
            XCTAssertEqual(tooLarge.status, 413, tooLarge.text)
            XCTAssertTrue((tooLarge.json["detail"] as? String ?? "").contains("64 MiB"), tooLarge.text)
            XCTAssertEqual(tooLarge.json["title_th"] as? String, "ข้อมูลหรือไฟล์ที่ส่งมีขนาดใหญ่เกินกำหนด")
        }
    }

    func testEveryInvalidFieldIsListedAtOnce() async throws {
        let admin = token(a)
        try await withAPI { api in
            let reply = try await api.send(
                .post, "/api/v1/schools", token: admin,
                json: #"{"obec_code": 52, "name_en": "", "size": "huge", "student_count": -1, "colour": "red"}"#)
            XCTAssertEqual(reply.status, 422)
            XCTAssertEqual(Set(reply.errorPointers), ["/obec_code", "/name_th", "/size", "/student_count", "/colour"])
            let first = (reply.json["errors"] as? [[String: Any]])?.first
            XCTAssertNotNil(first?["detail_th"])
        }
    }

    func testDuplicatesAreConflictsNamingTheField() async throws {
        let admin = token(a)
        try await withAPI { api in
            let body = #"{"obec_code":"5200007777","name_th":"โรงเรียนบ้านใหม่"}"#
            let created = try await api.send(.post, "/api/v1/schools", token: admin, json: body)
            XCTAssertEqual(created.status, 201, created.text)
            XCTAssertEqual(created.headers[.eTag], "\"1\"")
            XCTAssertNotNil(created.headers[.location])
            let again = try await api.send(.post, "/api/v1/schools", token: admin, json: body)
            XCTAssertEqual(again.status, 409)
            XCTAssertEqual(again.errorPointers, ["/obec_code"])
        }
    }

    func testConcurrentEditsUseVersionsNotLastWriteWins() async throws {
        let (admin, school) = (token(a), fixture.schoolsA[0])
        try await withAPI { api in
            let read = try await api.send(.get, "/api/v1/schools/\(school)", token: admin)
            let etag = try XCTUnwrap(read.headers[.eTag])
            let missing = try await api.send(
                .patch, "/api/v1/schools/\(school)", token: admin, json: #"{"student_count": 10}"#)
            XCTAssertEqual(missing.status, 428)
            let anyVersion = try await api.send(
                .patch, "/api/v1/schools/\(school)", token: admin, json: #"{"student_count": 10}"#,
                headers: [.ifMatch: "*"])
            XCTAssertEqual(anyVersion.status, 428, "If-Match: * would be last-write-wins")
            // An ETag past PostgreSQL's integer is just another version that is not the current one.
            let huge = try await api.send(
                .delete, "/api/v1/schools/\(school)", token: admin, headers: [.ifMatch: "W/\"200107087251\""])
            XCTAssertEqual(huge.status, 412, huge.text)
            let first = try await api.send(
                .patch, "/api/v1/schools/\(school)", token: admin, json: #"{"student_count": 10}"#,
                headers: [.ifMatch: etag])
            XCTAssertEqual(first.status, 200)
            XCTAssertEqual(first.headers[.eTag], "\"2\"")
            let second = try await api.send(
                .patch, "/api/v1/schools/\(school)", token: admin, json: #"{"student_count": 99}"#,
                headers: [.ifMatch: etag])
            XCTAssertEqual(second.status, 412)
            XCTAssertEqual(second.json["current_etag"] as? String, "\"2\"")
            let after = try await api.send(.get, "/api/v1/schools/\(school)", token: admin)
            XCTAssertEqual((after.json["student_count"] as? NSNumber)?.intValue, 10)
        }
    }

    func testCursorPaginationWalksEverySchoolOnceInThaiOrder() async throws {
        let admin = token(a)
        try await withAPI { api in
            for n in 0..<7 {
                _ = try await api.send(
                    .post, "/api/v1/schools", token: admin,
                    json: #"{"obec_code":"520010000\#(n)","name_th":"โรงเรียนทดสอบ \#(n)"}"#)
            }
            var seen: [String] = []
            var cursor: String?
            repeat {
                let path = "/api/v1/schools?limit=3" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await api.send(.get, path, token: admin)
                XCTAssertEqual(page.status, 200)
                seen += page.items.compactMap { $0["name_th"] as? String }
                cursor = page.json["next_cursor"] as? String
            } while cursor != nil
            XCTAssertEqual(seen.count, 10)
            XCTAssertEqual(Set(seen).count, 10)
            let bad = try await api.send(.get, "/api/v1/schools?cursor=!!!&limit=0", token: admin)
            XCTAssertEqual(bad.status, 422)
            XCTAssertEqual(Set(bad.errorPointers), ["?cursor", "?limit"])
        }
    }

    func testChangesMadeOverTheAPIAreAuditedWithTheirActorAndRequestID() async throws {
        let (admin, adminID, school) = (token(a), users[a]![.districtAdmin]!, fixture.schoolsA[2])
        try await withAPI { api in
            let edit = try await api.send(
                .patch, "/api/v1/schools/\(school)", token: admin, json: #"{"name_en":"Ban Kham"}"#,
                headers: [.ifMatch: "\"1\"", HTTPField.Name("X-Request-Id")!: "audit-check-1"])
            XCTAssertEqual(edit.headers[HTTPField.Name("X-Request-Id")!], "audit-check-1")
            let log = try await api.send(.get, "/api/v1/audit?entity=school&entity_id=\(school)", token: admin)
            let latest = try XCTUnwrap(log.items.first)
            XCTAssertEqual(latest["action"] as? String, "update")
            XCTAssertEqual((latest["actor_id"] as? NSNumber)?.int64Value, adminID)
            XCTAssertEqual(latest["request_id"] as? String, "audit-check-1")
            XCTAssertEqual((latest["after"] as? [String: Any])?["name_en"] as? String, "Ban Kham")
        }
    }

    func testUsersAndTokensLifecycle() async throws {
        let (admin, schoolA) = (token(a), fixture.schoolsA[1])
        try await withAPI { api in
            let noSchool = try await api.send(
                .post, "/api/v1/users", token: admin,
                json: #"{"email":"kru@school.th","display_name":"ครูใหม่","role":"school_staff"}"#)
            XCTAssertEqual(noSchool.errorPointers, ["/school_id"])
            let user = try await api.send(
                .post, "/api/v1/users", token: admin,
                json: #"{"email":"kru@school.th","display_name":"ครูใหม่","role":"school_staff","school_id":\#(schoolA)}"#
            )
            XCTAssertEqual(user.status, 201, user.text)
            let userID = try XCTUnwrap((user.json["id"] as? NSNumber)?.int64Value)
            let made = try await api.send(
                .post, "/api/v1/tokens", token: admin, json: #"{"user_id":\#(userID),"name":"แอปโรงเรียน"}"#)
            XCTAssertEqual(made.status, 201, made.text)
            let secret = try XCTUnwrap(made.json["secret"] as? String)
            let me = try await api.send(.get, "/api/v1/me", token: secret)
            XCTAssertEqual(me.json["role"] as? String, "school_staff")
            let tokenID = try XCTUnwrap(((made.json["token"] as? [String: Any])?["id"] as? NSNumber)?.int64Value)
            do {
                let reply = try await api.send(.delete, "/api/v1/tokens/\(tokenID)", token: admin);
                XCTAssertEqual(reply.status, 204, reply.text)
            }
            do {
                let reply = try await api.send(.get, "/api/v1/me", token: secret);
                XCTAssertEqual(reply.status, 401, reply.text)
            }
            // Disabling a user stops their tokens (after the short cache interval).
            let disabled = try await api.send(
                .patch, "/api/v1/users/\(userID)", token: admin, json: #"{"disabled":true}"#,
                headers: [.ifMatch: user.headers[.eTag]!])
            XCTAssertEqual(disabled.json["disabled"] as? Bool, true)
        }
    }

    func testDeletingASchoolThatStillHasStaffIsAConflict() async throws {
        // The fixture's school staff user of district A belongs to schoolsA[0].
        let (admin, school, empty) = (token(a), fixture.schoolsA[0], fixture.schoolsA[2])
        try await withAPI { api in
            let refused = try await api.send(
                .delete, "/api/v1/schools/\(school)", token: admin, headers: [.ifMatch: "\"1\""])
            XCTAssertEqual(refused.status, 409, refused.text)
            XCTAssertFalse(refused.text.contains("membership"), "no table names in answers")
            let deleted = try await api.send(
                .delete, "/api/v1/schools/\(empty)", token: admin, headers: [.ifMatch: "\"1\""])
            XCTAssertEqual(deleted.status, 204)
        }
    }
}
