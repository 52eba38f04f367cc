import Foundation
@testable import Postgres
import TestSupport
import TidtamStore
import XCTest

final class MigrationTests: XCTestCase {
    var testDB: TestDatabase!

    override func setUpWithError() throws { testDB = try TestDatabase.create() }
    override func tearDown() { testDB?.drop() }

    /// A directory with copies of the real migrations, to change without touching the repository.
    func copyOfMigrations() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mig-\(UUID().uuidString)")
        try FileManager.default.copyItem(
            at: TestDatabase.repositoryRoot.appendingPathComponent("sql/migrations"), to: dir)
        return dir
    }

    func testAnUpToDateDatabaseIsLeftAlone() throws {
        let runner = try MigrationRunner(
            directory: TestDatabase.repositoryRoot.appendingPathComponent("sql/migrations"))
        XCTAssertEqual(try runner.migrate(conninfo: testDB.ownerURL), [])
    }

    func testAChangedAppliedMigrationIsRefusedWithAClearMessage() throws {
        let dir = try copyOfMigrations()
        let first = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()[0]
        let file = dir.appendingPathComponent(first)
        try (String(contentsOf: file, encoding: .utf8) + "\n-- edited\n").write(
            to: file, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try MigrationRunner(directory: dir).migrate(conninfo: testDB.ownerURL)) { error in
            XCTAssertTrue("\(error)".contains("was changed after it was applied"), "\(error)")
        }
    }

    func testANewMigrationIsAppliedOnceEvenWhenTwoRunnersStartTogether() async throws {
        let dir = try copyOfMigrations()
        try "CREATE TABLE migration_probe (id int);".write(
            to: dir.appendingPathComponent("9999_probe.sql"), atomically: true, encoding: .utf8)
        let url = testDB.ownerURL
        async let a = Task.detached { try MigrationRunner(directory: dir).migrate(conninfo: url) }.value
        async let b = Task.detached { try MigrationRunner(directory: dir).migrate(conninfo: url) }.value
        let applied = try await [a, b]
        XCTAssertEqual(applied.flatMap { $0 }, [9999])
    }

    func testAFailingMigrationLeavesNothingBehind() throws {
        let dir = try copyOfMigrations()
        try "CREATE TABLE half_done (id int); SELECT 1/0;".write(
            to: dir.appendingPathComponent("9998_broken.sql"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try MigrationRunner(directory: dir).migrate(conninfo: testDB.ownerURL))
        let c = try testDB.ownerConnection()
        XCTAssertNil(try c.query("SELECT to_regclass('half_done')::text AS t").first!.decode("t", as: String?.self))
        XCTAssertNil(try c.query("SELECT version FROM schema_migrations WHERE version = 9998").first)
    }
}
