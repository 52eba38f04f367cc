import Foundation
import HTTPTypes
import XCTest

/// Thai first in errors too: every problem document says what went wrong in Thai (`title_th`,
/// and `detail_th` beside `detail`), whichever part of the service refused the request.
final class ThaiProblemsAPITests: APITestCase {
    func testEveryProblemSaysItInThai() async throws {
        let (admin, committee, school) = (token(a), token(a, .committee), fixture.schoolsA[0])
        try await withAPI { api in
            let schoolBody = #"{"obec_code":"5200008888","name_th":"โรงเรียนบ้านทดสอบ"}"#
            try await api.send(.post, "/api/v1/schools", token: admin, json: schoolBody)
            let plan = try await api.send(
                .post, "/api/v1/action-plans", token: admin, json: #"{"fiscal_year":2569,"title_th":"แผนของเขต"}"#)
            let planID = try XCTUnwrap(plan.json["id"] as? Int)
            try await api.send(
                .post, "/api/v1/action-plans/\(planID)/projects", token: admin,
                json: #"{"code":"P01","name_th":"โครงการแรก"}"#)
            let submitted = try await api.send(
                .post, "/api/v1/action-plans/\(planID)/submit", token: admin, headers: [.ifMatch: "\"1\""])
            XCTAssertEqual(submitted.status, 200, submitted.text)

            let cases: [(String, Int, () async throws -> APIClient.Reply)] = [
                ("no token", 401, { try await api.send(.get, "/api/v1/schools") }),
                (
                    "a role that may not", 403,
                    { try await api.send(.post, "/api/v1/schools", token: committee, json: schoolBody) }
                ),
                ("no such record", 404, { try await api.send(.get, "/api/v1/schools/999999", token: admin) }),
                ("no such path", 404, { try await api.send(.get, "/api/v1/nowhere", token: admin) }),
                (
                    "a method the path does not take", 405,
                    { try await api.send(.patch, "/api/v1/projects/1", token: admin, json: "{}") }
                ),
                (
                    "malformed JSON", 400,
                    { try await api.send(.post, "/api/v1/schools", token: admin, json: #"{"name_th": "#) }
                ),
                (
                    "invalid fields", 422,
                    { try await api.send(.post, "/api/v1/schools", token: admin, json: #"{"size":"huge"}"#) }
                ),
                (
                    "no If-Match", 428,
                    {
                        try await api.send(
                            .patch, "/api/v1/schools/\(school)", token: admin, json: #"{"student_count":1}"#)
                    }
                ),
                (
                    "a stale If-Match", 412,
                    {
                        try await api.send(
                            .patch, "/api/v1/schools/\(school)", token: admin, json: #"{"student_count":1}"#,
                            headers: [.ifMatch: "\"99\""])
                    }
                ),
                ("a duplicate", 409, { try await api.send(.post, "/api/v1/schools", token: admin, json: schoolBody) }),
                (
                    "a submitted plan", 409,
                    {
                        try await api.send(
                            .post, "/api/v1/action-plans/\(planID)/projects", token: admin,
                            json: #"{"code":"P02","name_th":"โครงการที่สอง"}"#)
                    }
                ),
                (
                    "too large", 413,
                    {
                        try await api.send(
                            .post, "/api/v1/schools", token: admin,
                            json: "{\"name_th\":\"" + String(repeating: "ก", count: 400_000) + "\"}")
                    }
                ),
                (
                    "a form upload", 415,
                    {
                        try await api.send(
                            .post, "/api/v1/imports/schools", token: admin, bytes: Array("--x\r\n".utf8),
                            headers: [.contentType: "multipart/form-data; boundary=x"])
                    }
                ),
                (
                    "a file with the wrong header", 422,
                    {
                        try await api.send(
                            .post, "/api/v1/imports/schools", token: admin,
                            bytes: Array("a,b\n1,2\n".utf8), headers: [.contentType: "text/csv"])
                    }
                ),
            ]
            // The record is named in each language: an action plan, not just "a plan" (agreements share the lifecycle).
            let frozen = try await api.send(
                .post, "/api/v1/action-plans/\(planID)/submit", token: admin, headers: [.ifMatch: "\"2\""])
            XCTAssertEqual(frozen.status, 409, frozen.text)
            XCTAssertEqual(frozen.json["detail"] as? String, "A submitted action plan cannot be submitted.")
            XCTAssertEqual(frozen.json["detail_th"] as? String, "แผนปฏิบัติการประจำปีที่อยู่ในสถานะ “เสนอขออนุมัติ” เสนอขออนุมัติไม่ได้")
            for (name, status, request) in cases {
                let reply = try await request()
                XCTAssertEqual(reply.status, status, "\(name): \(reply.text.prefix(300))")
                XCTAssertTrue(reply.contentType.hasPrefix("application/problem+json"), name)
                for member in ["title_th", "detail_th"] {
                    let text = reply.json[member] as? String ?? ""
                    XCTAssertTrue(
                        text.unicodeScalars.contains { (0x0E00...0x0E7F).contains($0.value) },
                        "\(name): \(member) in \(reply.text.prefix(300))")
                }
            }
        }
    }
}
