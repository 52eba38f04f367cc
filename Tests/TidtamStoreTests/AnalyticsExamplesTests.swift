import Foundation
import Postgres
import TestSupport
import TidtamStore
import XCTest

/// The dozen example queries of docs/analysts.md (`sql/analytics/examples.sql`) on the demo data:
/// each, run by a district's analyst login on the views, answers what its `-- base:` twin reads
/// from the tables as the owner with the district named — the same rows in every column the two
/// share. So the documented queries are right, and the benchmark compares the same questions.
final class AnalyticsExamplesTests: XCTestCase {
    /// (title, the analyst's query, the same question on the tables) in the file's order.
    static func examples() throws -> [(title: String, view: String, base: String)] {
        let text = try String(
            contentsOf: TestDatabase.repositoryRoot.appendingPathComponent("sql/analytics/examples.sql"),
            encoding: .utf8)
        var out: [(String, String, String)] = []
        var title = "", part = "", view = "", body: [Substring] = []
        func close() {
            let sql = body.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
            if part == "query" { view = sql } else if part == "base" { out.append((title, view, sql)) }
            body = []
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("-- query:") {
                close()
                part = "query"
                title = String(line.dropFirst("-- query:".count)).trimmingCharacters(in: .whitespaces)
            } else if line.hasPrefix("-- base:") {
                close()
                part = "base"
            } else if !part.isEmpty {
                body.append(line)
            }
        }
        close()
        return out
    }

    /// The rows as text tuples of the named columns, sorted (ties may come in either order).
    static func tuples(_ result: QueryResult, _ columns: [String]) -> [String] {
        let positions = columns.map { result.columnNames.firstIndex(of: $0)! }
        return result.rows.map { row in positions.map { row.text($0) ?? "NULL" }.joined(separator: " | ") }.sorted()
    }

    func testEveryExampleQueryOnTheViewsAnswersWhatTheTablesSay() async throws {
        let testDB = try TestDatabase.create()
        defer { testDB.drop() }
        let db = testDB.database()
        _ = try await DemoData(db).load()
        await db.shutdown()
        let owner = try testDB.ownerConnection()
        try owner.execute(script: "SET tidtam.role = 'national'")
        let district = try owner.query("SELECT id FROM district WHERE code = 'CMI1'").first!.decode(
            "id", as: Int64.self)
        let logins = AnalystLogins(owner: try testDB.ownerConnection())
        let made = try logins.create(district: district, label: "examples\(district)", note: "AnalyticsExamplesTests")
        defer { _ = try? logins.revoke(made.name) }
        let analyst = try Connection.connect(testDB.url(user: made.name))

        let examples = try Self.examples()
        XCTAssertEqual(examples.count, 12)
        var answered = 0
        for example in examples {
            let seen = try analyst.query(SQL(stringLiteral: example.view))
            let base = try owner.query(
                SQL(stringLiteral: example.base.replacingOccurrences(of: ":district", with: "\(district)")))
            let shared = seen.columnNames.filter(base.columnNames.contains)
            XCTAssertFalse(shared.isEmpty, example.title)
            XCTAssertEqual(Self.tuples(seen, shared), Self.tuples(base, shared), example.title)
            if seen.rowCount > 0 { answered += 1 }
        }
        // The demo has requirements, visits, findings, evaluations and SARs: most questions have answers.
        XCTAssertGreaterThanOrEqual(answered, 9, "examples with rows on the demo data")
    }
}
