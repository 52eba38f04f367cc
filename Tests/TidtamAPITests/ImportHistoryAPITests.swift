import Foundation
import HTTPTypes
import TidtamDomain
import XCTest

/// The import history over HTTP, tried as a district office would: "did our file go in, and who
/// sent it?"; a refused file and a file sent twice.
final class ImportHistoryAPITests: APITestCase {
    func testEveryUploadIsInTheHistoryAndAFileSentTwiceIsRecognised() async throws {
        let (staff, school, other) = (token(a, .districtStaff), token(a, .schoolStaff), token(b, .districtStaff))
        let file = Array(
            "รหัสโรงเรียน,ปีงบประมาณ,รหัสโครงการ,ชื่อโครงการ,งบประมาณ สพฐ.\r\n5200000001,2569,P01,อ่าน,100\r\n".utf8)
        let csv: HTTPFields = [.contentType: "text/csv; charset=utf-8"]
        let staffUser = users[a]![.districtStaff].map(Int.init)
        try await withAPI { api in
            let name = "แผน 2569.csv".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!
            let loaded = try await api.send(
                .post, "/api/v1/imports/projects?file_name=\(name)", token: staff, bytes: file, headers: csv)
            XCTAssertEqual(loaded.status, 200, loaded.text)
            let id = try XCTUnwrap(loaded.json["import_id"] as? Int, loaded.text)

            let run = try await api.send(.get, "/api/v1/import-runs/\(id)", token: staff)
            XCTAssertEqual(run.status, 200, run.text)
            XCTAssertEqual(run.json["file_name"] as? String, "แผน 2569.csv")
            XCTAssertEqual(run.json["outcome"] as? String, "loaded")
            XCTAssertEqual(run.json["file_bytes"] as? Int, file.count)
            XCTAssertEqual(run.json["actor_id"] as? Int, staffUser)
            XCTAssertEqual(run.json["request_id"] as? String, loaded.headers[HTTPField.Name("X-Request-Id")!], run.text)

            // The same file again: refused (every row is there), and the answer names the import
            // that loaded it; the refusal is in the history too.
            let again = try await api.send(.post, "/api/v1/imports/projects", token: staff, bytes: file, headers: csv)
            XCTAssertEqual(again.status, 422, again.text)
            XCTAssertEqual((again.json["loaded_before"] as? [String: Any])?["import_id"] as? Int, id, again.text)
            let refusedID = try XCTUnwrap(again.json["import_id"] as? Int, again.text)
            let history = try await api.send(.get, "/api/v1/import-runs?kind=projects", token: staff)
            XCTAssertEqual(history.items.map { $0["id"] as? Int }, [refusedID, id], history.text)
            XCTAssertEqual(history.items.map { $0["outcome"] as? String }, ["refused", "loaded"])
            let refusedOnly = try await api.send(.get, "/api/v1/import-runs?outcome=refused", token: staff)
            XCTAssertEqual(refusedOnly.items.count, 1)
            let badFilter = try await api.send(.get, "/api/v1/import-runs?outcome=lost", token: staff)
            XCTAssertEqual(badFilter.errorPointers, ["?outcome"], badFilter.text)

            // A school sees its own school's imports (none here); another district sees nothing.
            let asSchool = try await api.send(.get, "/api/v1/import-runs", token: school)
            XCTAssertEqual(asSchool.status, 200)
            XCTAssertEqual(asSchool.items.count, 0, asSchool.text)
            let fromB = try await api.send(.get, "/api/v1/import-runs/\(id)", token: other)
            XCTAssertEqual(fromB.status, 404)

            // Operators count them by kind and outcome.
            let metrics = try await api.send(.get, "/metrics")
            let lines = metrics.text.split(separator: "\n").filter { $0.hasPrefix("tidtam_imports_total{") }
            XCTAssertTrue(
                lines.contains { $0.contains("outcome=\"loaded\"") && $0.contains("kind=\"projects\"") }, "\(lines)")
            XCTAssertTrue(lines.contains { $0.contains("outcome=\"refused\"") }, "\(lines)")
        }
    }
}
