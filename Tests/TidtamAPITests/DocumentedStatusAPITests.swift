import Foundation
import HTTPTypes
import TestSupport
import XCTest

/// Every status an operation answers is one its entry in docs/openapi.yaml lists, so a client
/// generated from the document knows every answer it can get. Each operation is sent the
/// requests that reach the API's shared refusals (no token, an id that is not there, no
/// `If-Match`, a stale one, an empty body, a query parameter it does not take), plus the cases
/// that only some operations have (a school other records still refer to).
final class DocumentedStatusAPITests: APITestCase {
    struct Operation {
        let method: HTTPRequest.Method
        let path: String
        var statuses: Set<Int> = []
    }

    /// (method, path, documented statuses) of every operation, read from the document's
    /// one-line response entries (`"404": { $ref: … }`) and multi-line ones (`"200":`).
    static func documentedOperations() throws -> [Operation] {
        let text = try String(
            contentsOf: TestDatabase.repositoryRoot.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)
        var found: [Operation] = []
        var path = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("components:") { break }
            if line.hasPrefix("  /"), line.hasSuffix(":") { path = String(line.dropFirst(2).dropLast()); continue }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("    "), !line.hasPrefix("     "), trimmed.hasSuffix(":"),
                let method = HTTPRequest.Method(String(trimmed.dropLast()).uppercased()), trimmed != "parameters:"
            {
                found.append(Operation(method: method, path: path))
                continue
            }
            if line.hasPrefix("        \""), !found.isEmpty, let code = Int(trimmed.dropFirst().prefix(3)) {
                found[found.count - 1].statuses.insert(code)
            }
        }
        return found
    }

    /// The document's path with every `{parameter}` set to `id`.
    static func concrete(_ path: String, id: String) -> String {
        "/api/v1" + path.replacingOccurrences(of: #"\{[A-Za-z]+\}"#, with: id, options: .regularExpression)
    }

    func testEveryStatusAnOperationAnswersIsDocumented() async throws {
        let operations = try Self.documentedOperations()
        XCTAssertGreaterThanOrEqual(operations.count, 40, "the document's operations were found")
        let admin = token(a)
        let writes: Set<HTTPRequest.Method> = [.post, .put, .patch, .delete]
        try await withAPI { api in
            for operation in operations where operation.path != "/openapi.yaml" {
                let path = Self.concrete(operation.path, id: "999999999")
                var probes: [(String, APIClient.Reply)] = []
                probes.append(("no token", try await api.send(operation.method, path)))
                probes.append(
                    (
                        "unknown query parameter",
                        try await api.send(operation.method, path + "?zz_unknown=1", token: admin)
                    ))
                let body = writes.contains(operation.method) && operation.method != .delete ? "{}" : nil
                probes.append(("no If-Match", try await api.send(operation.method, path, token: admin, json: body)))
                probes.append(
                    (
                        "stale If-Match",
                        try await api.send(
                            operation.method, path, token: admin, json: body,
                            headers: [.ifMatch: "\"1\""])
                    ))
                for (what, reply) in probes where !operation.statuses.contains(reply.status) {
                    XCTFail(
                        "\(operation.method) \(operation.path) answered \(reply.status) to \(what), which its entry does not list "
                            + "(\(operation.statuses.sorted())): \(reply.text.prefix(200))")
                }
            }
        }
    }

    /// A school that users still belong to cannot be deleted: 409, listed for the operation.
    func testDeletingAReferencedSchoolIsAConflictTheDocumentLists() async throws {
        let delete = try Self.documentedOperations().first { $0.method == .delete && $0.path == "/schools/{schoolId}" }
        let school = fixture.schoolsA[0]  // the school staff user of the fixture belongs to it
        let admin = token(a)
        try await withAPI { api in
            let reply = try await api.send(
                .delete, "/api/v1/schools/\(school)", token: admin, headers: [.ifMatch: "\"1\""])
            XCTAssertEqual(reply.status, 409, reply.text)
            XCTAssertTrue(delete?.statuses.contains(reply.status) == true, "DELETE /schools/{schoolId} lists 409")
        }
    }
}
