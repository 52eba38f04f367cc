import Foundation
@testable import Postgres
import TestSupport
import TidtamDomain
import TidtamStore
import XCTest

/// `tidtam demo`, as `./deploy/dev/up` runs it: three districts of a dozen schools, their plans in
/// every stage of the lifecycle, strategies citing the national policy list, a user and token per
/// role; loading it again adds nothing but new tokens.
final class DemoDataTests: XCTestCase {
    func testTheDemoLoadsOnceWithEveryStageAndCitesNationalPolicies() async throws {
        let testDB = try TestDatabase.create()
        defer { testDB.drop() }
        let db = testDB.database()
        let first = try await DemoData(db).load()
        XCTAssertEqual(first.count, 13, "a token for each of four roles in three districts, and OBEC's")

        let admin = try testDB.superuserConnection()  // counts across districts, past row-level security
        func counts() throws -> [String: Int] {
            let row = try admin.query(
                """
                SELECT (SELECT count(*) FROM district) AS districts, (SELECT count(*) FROM school) AS schools,
                       (SELECT count(*) FROM national_policy) AS policies, (SELECT count(*) FROM strategy_policy) AS citations,
                       (SELECT count(*) FROM strategic_plan) AS strategic_plans, (SELECT count(*) FROM action_plan) AS action_plans,
                       (SELECT count(*) FROM project) AS projects, (SELECT count(*) FROM indicator) AS indicators,
                       (SELECT count(*) FROM performance_agreement) AS agreements, (SELECT count(*) FROM app_user) AS users,
                       (SELECT count(DISTINCT status) FROM action_plan) AS statuses,
                       (SELECT count(*) FROM monitoring_item) AS items, (SELECT count(*) FROM progress_report) AS reports,
                       (SELECT count(*) FROM visit) AS visits, (SELECT count(*) FROM finding) AS findings,
                       (SELECT count(*) FROM indicator_actual WHERE seq > 1) AS corrections,
                       (SELECT count(*) FROM evaluation) AS evaluations,
                       (SELECT count(*) FROM evaluation WHERE status = 'final') AS final_evaluations,
                       (SELECT count(*) FROM evaluation WHERE subject = 'agreement' AND indicators_missing > 0) AS with_missing,
                       (SELECT count(*) FROM evaluation WHERE subject = 'agreement' AND score IS NULL) AS unreported,
                       (SELECT count(*) FROM indicator_proposal) AS proposals, (SELECT count(*) FROM district_rollup) AS rollups,
                       (SELECT count(*) FROM national_requirement) AS national_requirements,
                       (SELECT count(*) FROM report_requirement) AS requirements,
                       (SELECT count(*) FROM report_submission) AS submissions,
                       (SELECT count(*) FROM report_submission_version) AS submission_versions,
                       (SELECT count(*) FROM report_submission s JOIN report_requirement r ON r.district_id = s.district_id AND r.id = s.requirement_id
                        JOIN tidtam_fiscal_periods(r.fiscal_year, r.frequency) p ON p.period_no = s.period_no
                        WHERE r.national_requirement_id IS NOT NULL
                          AND (s.first_submitted_at AT TIME ZONE 'Asia/Bangkok')::date > p.ends_on + r.due_days + r.on_time_days) AS late_submissions,
                       (SELECT count(*) FROM report_request WHERE kind = 'requirement_consolidated') AS report_requests,
                       (SELECT count(*) FROM report_request WHERE kind <> 'requirement_consolidated') AS other_reports,
                       (SELECT count(*) FROM report_request WHERE (params->>'publish')::boolean) AS published,
                       (SELECT count(*) FROM sar_report) AS sars,
                       (SELECT count(*) FROM sar_report WHERE status = 'submitted') AS submitted_sars
                """
            ).first!
            return try Dictionary(
                uniqueKeysWithValues: [
                    "districts", "schools", "policies", "citations", "strategic_plans", "action_plans",
                    "projects", "indicators", "agreements", "users", "statuses", "items", "reports", "visits",
                    "findings", "corrections", "evaluations", "final_evaluations", "with_missing", "unreported",
                    "proposals", "rollups", "national_requirements", "requirements", "submissions",
                    "submission_versions", "late_submissions", "report_requests", "other_reports", "published", "sars",
                    "submitted_sars",
                ].map { ($0, try row.decode($0, as: Int.self)) })
        }
        let loaded = try counts()
        XCTAssertEqual(loaded["districts"], 3)
        XCTAssertEqual(loaded["schools"], 36)
        XCTAssertEqual(loaded["policies"], 11)
        XCTAssertEqual(loaded["citations"], 3 * 7, "each district's three strategies cite seven policies between them")
        XCTAssertEqual(loaded["strategic_plans"], 3)
        XCTAssertEqual(loaded["action_plans"], 36)
        XCTAssertEqual(loaded["statuses"], 4, "draft, submitted, returned and approved all show up")
        XCTAssertEqual(loaded["agreements"], 12)
        XCTAssertEqual(loaded["users"], 12)
        XCTAssertGreaterThan(loaded["items"]!, 0, "the approved plans' monitoring plans")
        XCTAssertEqual(loaded["visits"], 18)
        XCTAssertEqual(loaded["findings"], 12)
        XCTAssertEqual(loaded["corrections"], 3)
        // Per district: four agreements (two final; one with indicators not reported, one with
        // nothing reported), the strategic plan, six projects; two proposals; the roll-up.
        XCTAssertEqual(loaded["evaluations"], 3 * 11)
        XCTAssertEqual(loaded["final_evaluations"], 3 * 2)
        XCTAssertEqual(loaded["with_missing"], 3 * 2)
        XCTAssertEqual(loaded["unreported"], 3, "nothing reported is no score, not zero")
        XCTAssertEqual(loaded["proposals"], 3 * 2)
        XCTAssertEqual(loaded["rollups"], 3)
        // Reporting: OBEC's two requirements copied into each district beside its own monthly
        // one; 18 quarterly submissions (4 of them late, 2 returned and sent again) and 21
        // monthly ones per district.
        XCTAssertEqual(loaded["national_requirements"], 2)
        XCTAssertEqual(loaded["requirements"], 3 * 3)
        XCTAssertEqual(loaded["submissions"], 3 * 39)
        XCTAssertEqual(loaded["submission_versions"], 3 * 41)
        XCTAssertEqual(loaded["late_submissions"], 3 * 4)
        XCTAssertEqual(
            loaded["report_requests"], 3, "each district's consolidated report of OBEC's first quarter, asked for")
        // The first district's annual report (to be published), agreements' evaluation and SAR summary.
        XCTAssertEqual(loaded["other_reports"], 3)
        XCTAssertEqual(loaded["published"], 1)
        // Every school's SAR for two academic years but one school's; one district's 2568 left a draft.
        XCTAssertEqual(loaded["sars"], 3 * 11 * 2)
        XCTAssertEqual(loaded["submitted_sars"], 3 * (11 * 2 - 1))
        // Reports on time, late and never sent, as the data reads them.
        let standings = try admin.query(
            """
            SELECT tidtam_item_standing(m.status, m.due_on, m.first_submitted_at) AS s,
                   count(*) AS n
            FROM monitoring_item m WHERE m.kind = 'progress_report' GROUP BY 1 ORDER BY 1
            """
        ).rows.map { try $0.decode("s", as: String.self) }
        XCTAssertEqual(standings, ["late", "missing", "on_time"])

        let again = try await DemoData(db).load()
        XCTAssertEqual(again.count, 13)
        XCTAssertEqual(try counts(), loaded, "a second load adds no second copy")
        XCTAssertNotEqual(Set(again.map(\.token)), Set(first.map(\.token)))
        await db.shutdown()
    }
}
