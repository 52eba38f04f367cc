@testable import Postgres
import TestSupport
import TidtamJobs
import TidtamStore
import XCTest

/// A database of its own with two districts, for each queue and worker test.
class JobsTestCase: XCTestCase {
    var testDB: TestDatabase!
    var db: Database!
    var fixture: Fixture!
    var queue: JobQueue { JobQueue(db: db) }

    override func setUp() async throws {
        testDB = try TestDatabase.create()
        db = testDB.database(poolSize: 8)
        fixture = try await Fixture.make(db)
    }

    override func tearDown() async throws {
        await db?.shutdown()
        testDB?.drop()
    }

    /// One number from SQL run as the superuser (row-level security does not hide anything).
    func count(_ sql: String) throws -> Int {
        try testDB.superuserConnection().query(sql).first!.decode(0, as: Int.self)
    }
}
