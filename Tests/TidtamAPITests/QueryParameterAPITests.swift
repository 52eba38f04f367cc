import Foundation
import HTTPTypes
import TestSupport
import XCTest

/// A query parameter is read or refused: every one the OpenAPI document lists is read by its
/// operation, and one it does not list (a typo such as `fiscalyear`) is a 422 naming it, rather
/// than a list silently unfiltered.
final class QueryParameterAPITests: APITestCase {
    /// (method, path, query parameter names) of every operation in docs/openapi.yaml that takes any,
    /// read from the document's one-line parameter entries (`- { name: x, in: query, … }`).
    static func documentedQueryParameters() throws -> [(HTTPRequest.Method, String, [String])] {
        let text = try String(
            contentsOf: TestDatabase.repositoryRoot.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)
        var found: [(HTTPRequest.Method, String, [String])] = []
        var path = "", method: HTTPRequest.Method?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("  /"), line.hasSuffix(":") {
                path = String(line.dropFirst(2).dropLast()); method = nil; continue
            }
            if line.hasPrefix("components:") { break }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("    "), !line.hasPrefix("     "), trimmed.hasSuffix(":") {
                method = HTTPRequest.Method(String(trimmed.dropLast()).uppercased())
                if let method { found.append((method, path, [])) }
                continue
            }
            guard method != nil, trimmed.hasPrefix("- { name: "), trimmed.contains("in: query") else {
                if trimmed.contains("#/components/parameters/Limit") { found[found.count - 1].2.append("limit") }
                if trimmed.contains("#/components/parameters/Cursor") { found[found.count - 1].2.append("cursor") }
                continue
            }
            let name = trimmed.dropFirst("- { name: ".count).prefix { $0 != "," }
            found[found.count - 1].2.append(String(name))
        }
        return found.filter { !$0.2.isEmpty }
    }

    func testEveryDocumentedParameterIsReadAndAnUnknownOneIsRefused() async throws {
        let operations = try Self.documentedQueryParameters()
        XCTAssertGreaterThanOrEqual(operations.count, 14, "the document's list operations were found")
        let admin = token(a)
        try await withAPI { api in
            for (method, template, names) in operations {
                let path =
                    "/api/v1"
                    + template.replacingOccurrences(of: "{kind}", with: "schools")
                    .replacingOccurrences(of: #"\{[A-Za-z]+\}"#, with: "1", options: .regularExpression)
                // A value of the wrong type is refused as invalid, never as unknown: each name was read.
                let query = names.map { "\($0)=x" }.joined(separator: "&")
                let known = try await api.send(
                    method, path + "?" + query, token: admin, bytes: method == .post ? [] : nil)
                let unknown = (known.json["errors"] as? [[String: Any]] ?? []).filter {
                    $0["code"] as? String == "unknown_parameter"
                }
                XCTAssertTrue(unknown.isEmpty, "\(method) \(template): \(unknown)")

                let typo = try await api.send(
                    method, path + "?fiscalyear=2569", token: admin, bytes: method == .post ? [] : nil)
                XCTAssertEqual(typo.status, 422, "\(method) \(template): \(typo.text.prefix(300))")
                XCTAssertEqual(typo.errorPointers, ["?fiscalyear"], "\(method) \(template)")
            }
        }
    }
}
