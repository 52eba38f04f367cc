import Foundation
@testable import Postgres
import TestSupport
import TidtamDomain
@testable import TidtamImport
import TidtamStore
import XCTest

/// The import history: every file loaded, refused or tried as a dry run is kept, with who sent
/// it and its SHA-256, and a file sent again is recognised. Against a real PostgreSQL.
final class ImportHistoryTests: ImportTestCase {
    var staffA: DistrictTenant {
        DistrictTenant.acting(districtID: fixture.districtA, role: .districtStaff, userID: 7, requestID: "req-history")
    }

    func csv(_ rows: [String]) -> Data {
        Data(([ImportTests.projectHeader] + rows).joined(separator: "\r\n").utf8)
    }

    func runs(_ scope: DistrictTenant, _ filter: ImportRunFilter = ImportRunFilter()) async throws -> [[String: Any]] {
        try await ImportRunStore(db).list(scope, filter: filter, page: PageRequest()).items.map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
    }

    func testTheChecksumIsSHA256() {
        // FIPS 180-2's first example.
        XCTAssertEqual(
            ImportFile(name: nil, data: Data("abc".utf8)).sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(ImportFile.label("C:\\Users\\ครู\\แผน 2569.csv"), "แผน 2569.csv")
        XCTAssertEqual(ImportFile.label("a\u{0}b\n.csv"), "ab.csv")
        XCTAssertNil(ImportFile.label(" \t"))
    }

    func testEveryOutcomeIsKeptWithWhoSentWhichFile() async throws {
        let importer = Importer(db)
        let good = csv(["5200000001,2569,P01,โครงการ,โครงการส่งเสริมการอ่าน,ครู,1/10/2568,30/9/2569,1000,"])
        let loaded = try await importer.run(.projects, data: good, fileName: "แผน 2569.csv", tenant: staffA)
        let tried = try await importer.run(
            .projects, data: csv(["5200000001,2569,P02,โครงการ,ลองดู,ครู,,,500,"]), tenant: staffA, dryRun: true)
        let refused = try await importer.run(
            .projects,
            data: csv([
                "5200000001,2569,P03,โครงการ,,ครู,,,,", "9999999999,2569,P04,โครงการ,ไม่มีโรงเรียนนี้,ครู,,,,",
            ]), fileName: "bad.csv", tenant: staffA)
        XCTAssertTrue(loaded.succeeded)
        XCTAssertTrue(tried.succeeded && tried.dryRun)
        XCTAssertFalse(refused.succeeded)
        let ids = [loaded.importID, tried.importID, refused.importID].compactMap { $0 }
        XCTAssertEqual(ids.count, 3)
        XCTAssertEqual(ids, ids.sorted())

        let history = try await runs(staffA)
        XCTAssertEqual(history.map { ($0["id"] as? Int).map(Int64.init) }, ids.reversed(), "newest first")
        let (last, middle, first) = (history[0], history[1], history[2])
        XCTAssertEqual(first["outcome"] as? String, "loaded")
        XCTAssertEqual(first["outcome_th"] as? String, "นำเข้าแล้ว")
        XCTAssertEqual(first["file_name"] as? String, "แผน 2569.csv")
        XCTAssertEqual(first["file_sha256"] as? String, ImportFile(name: nil, data: good).sha256)
        XCTAssertEqual(first["file_bytes"] as? Int, good.count)
        XCTAssertEqual(first["inserted"] as? [String: Int], ["action_plans": 1, "projects": 1, "budget_lines": 1])
        XCTAssertEqual(first["actor_id"] as? Int, 7)
        XCTAssertEqual(first["actor_role"] as? String, "district_staff")
        XCTAssertEqual(first["request_id"] as? String, "req-history")
        XCTAssertEqual(middle["outcome"] as? String, "dry_run")
        XCTAssertEqual(middle["dry_run"] as? Bool, true)
        XCTAssertEqual(first["dry_run"] as? Bool, false)
        XCTAssertEqual(middle["inserted"] as? [String: Int], ["action_plans": 0, "projects": 1, "budget_lines": 1])
        XCTAssertEqual(last["outcome"] as? String, "refused")
        XCTAssertEqual(last["error_count"] as? Int, refused.errors.count)
        XCTAssertEqual(
            (last["first_errors"] as? [[String: Any]])?.map { $0["line"] as? Int }, refused.errors.map(\.line))
        // The dry run and the refused file kept nothing else.
        let projects = try await db.read(
            staffA, "SELECT count(*) AS n FROM project WHERE district_id = $1", [fixture.districtA]
        ).first!.decode("n", as: Int.self)
        XCTAssertEqual(projects, 1)
        let refusedOnly = try await runs(staffA, ImportRunFilter(outcome: .refused))
        XCTAssertEqual(refusedOnly.count, 1)
        // A dry run that fails is refused, and says it was a dry run.
        let failedTry = try await importer.run(
            .projects, data: csv(["5200000001,2569,P09,โครงการ,,ครู,,,,"]), tenant: staffA, dryRun: true)
        XCTAssertFalse(failedTry.succeeded)
        let latest = try await runs(staffA).first
        XCTAssertEqual(latest?["outcome"] as? String, "refused")
        XCTAssertEqual(latest?["dry_run"] as? Bool, true)
    }

    func testAFileSentAgainNamesTheImportThatLoadedIt() async throws {
        let file = csv(["5200000001,2569,P01,โครงการ,โครงการส่งเสริมการอ่าน,ครู,1/10/2568,30/9/2569,1000,"])
        let first = try await Importer(db).run(.projects, data: file, tenant: staffA)
        let again = try await Importer(db).run(.projects, data: file, tenant: staffA)
        XCTAssertEqual(again.errors.map(\.code), ["exists"])
        XCTAssertEqual(again.loadedBefore?.importID, first.importID)
        // Another district's history knows nothing of it.
        let other = try await Importer(db).run(
            .projects,
            data: Data(
                String(decoding: file, as: UTF8.self)
                    .replacingOccurrences(of: "5200000001", with: "5100000001").utf8),
            tenant: DistrictTenant.background(fixture.districtB))
        XCTAssertTrue(other.succeeded)
        let inB = try await runs(DistrictTenant.background(fixture.districtB))
        XCTAssertEqual(inB.count, 1)
    }

    func testAFileThatCannotBeReadIsInTheHistoryToo() async throws {
        let binary = Data([0x6E, 0x61, 0x6D, 0x65, 0x0A, 0xFF, 0x0A])  // 0xFF: neither UTF-8 nor Thai Windows text
        do {
            _ = try await Importer(db).run(.projects, data: binary, fileName: "export.csv", tenant: staffA)
            XCTFail("a file that is not text cannot be imported")
        } catch ImportFailure.file {}
        let history = try await runs(staffA)
        XCTAssertEqual(history.count, 1)
        XCTAssertEqual(history.first?["outcome"] as? String, "refused")
        XCTAssertEqual(history.first?["file_name"] as? String, "export.csv")
        XCTAssertEqual(
            (history.first?["first_errors"] as? [[String: Any]])?.first?["code"] as? String, "unreadable_file")
    }

    func testSchoolStaffSeeTheirOwnSchoolsImportsOnly() async throws {
        let school = fixture.schoolsA[0]
        let staff = DistrictTenant.acting(
            districtID: fixture.districtA, schoolID: school, role: .schoolStaff, userID: 9)
        let own = try await Importer(db).run(
            .projects, data: csv([",2569,S01,โครงการ,โครงการของโรงเรียน,ครู,,,100,"]), tenant: staff)
        XCTAssertTrue(own.succeeded)
        _ = try await Importer(db).run(
            .projects, data: csv(["5200000011,2569,P01,โครงการ,ของโรงเรียนอื่น,ครู,,,100,"]), tenant: staffA)
        let seen = try await runs(staff)
        XCTAssertEqual(seen.count, 1)
        XCTAssertEqual(seen.first?["school_id"] as? Int, Int(school))
        let district = try await runs(staffA)
        XCTAssertEqual(district.count, 2)
    }

    func testTheHistoryIsAppendOnly() async throws {
        _ = try await Importer(db).run(
            .projects, data: csv(["5200000001,2569,P01,โครงการ,โครงการ,ครู,,,,"]), tenant: staffA)
        let settings = try staffA.transactionSettings(forWrite: true)
        // The service may not change a row (no grant), and not even the owner may (a trigger).
        for connection in [try testDB.appConnection(), try testDB.ownerConnection()] {
            for statement in ["UPDATE import_run SET outcome = 'refused', error_count = 1", "DELETE FROM import_run"] {
                XCTAssertThrowsError(try connection.transaction(settings: settings) { tx in try tx.query(statement) }) {
                    XCTAssertEqual(($0 as? PostgresError)?.sqlState, "42501", statement)
                }
            }
        }
        let kept = try await runs(staffA)
        XCTAssertEqual(kept.first?["outcome"] as? String, "loaded")
    }
}
