import Postgres
import TestSupport
import TidtamStore
import XCTest

/// The analysts' read replica: a real streaming replica of the test cluster, made by
/// `start_replica` (deploy/dev/lib.sh, as `./deploy/dev/up --replica` makes its own) before the
/// tests run. An analyst's login made on the primary reaches the replica, reads its own district
/// there through the views and writes nothing; revoking it ends its sessions there too.
final class ReplicaTests: XCTestCase {
    var testDB: TestDatabase!

    override func setUpWithError() throws { testDB = try TestDatabase.create() }
    override func tearDown() { testDB?.drop() }

    private func replicaURL(user: String) throws -> String {
        guard let socket = ProcessInfo.processInfo.environment["TIDTAM_TEST_REPLICA_SOCKET"] else {
            throw TestSetupError("These tests need the replica that ./deploy/dev/test starts; run that command.")
        }
        return "postgresql:///\(testDB.name)?host=\(socket)&port=\(testDB.port)&user=\(user)"
    }

    /// Waits until the replica has replayed everything the primary wrote so far.
    private func caughtUp(_ primary: Connection) throws {
        let lsn = try primary.query("SELECT pg_current_wal_lsn()::text AS lsn").first!.decode("lsn", as: String.self)
        // Generous: the replica replays every test database's creation on the same two cores.
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            // The database itself appears on the replica only once its creation is replayed; a
            // fresh connection each time, so that none is held open on the standby meanwhile.
            if let replica = try? Connection.connect(try replicaURL(user: "tidtam_owner")),
                try replica.query("SELECT pg_last_wal_replay_lsn() >= \(lsn)::pg_lsn AS done").first!
                    .decode("done", as: Bool.self)
            {
                return
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTFail("the replica did not replay \(lsn) within 120 s")
    }

    func testAnAnalystReadsItsDistrictOnTheReplicaWritesNothingAndIsEndedThereWhenRevoked() async throws {
        let db = testDB.database()
        let fixture = try await Fixture.make(db)
        await db.shutdown()
        let owner = try testDB.ownerConnection()
        let logins = AnalystLogins(owner: owner)
        let made = try logins.create(
            district: fixture.districtA, label: "replica\(UInt32.random(in: 0...UInt32.max))", note: "ReplicaTests")
        addTeardownBlock { [testDB] in
            _ = try? testDB!.superuserConnection().execute(script: "DROP ROLE IF EXISTS \(made.name)")
        }
        try caughtUp(owner)

        let analyst = try Connection.connect(try replicaURL(user: made.name))
        XCTAssertTrue(try analyst.query("SELECT pg_is_in_recovery() AS r").first!.decode("r", as: Bool.self))
        let schools = try analyst.query("SELECT district_id, name_th FROM schools ORDER BY name_th").rows
        XCTAssertEqual(schools.count, fixture.schoolsA.count)
        XCTAssertEqual(Set(try schools.map { try $0.decode("district_id", as: Int64.self) }), [fixture.districtA])

        // A change on the primary is there a moment later.
        try testDB.superuserConnection().execute(
            script: "UPDATE school SET name_th = 'โรงเรียนบ้านกลางใหม่' WHERE id = \(fixture.schoolsA[0])")
        try caughtUp(owner)
        XCTAssertEqual(
            try analyst.query("SELECT name_th FROM schools WHERE school_id = \(fixture.schoolsA[0])").first?
                .decode("name_th", as: String.self), "โรงเรียนบ้านกลางใหม่")

        // Nothing is written, nothing of the tables is reached, and SET widens nothing.
        XCTAssertThrowsError(try analyst.execute(script: "CREATE TEMP TABLE mine (a int)"))
        XCTAssertThrowsError(try analyst.query("SELECT count(*) FROM public.school"))
        try analyst.execute(script: "SET tidtam.district_id = '\(fixture.districtB)'; SET tidtam.role = 'national'")
        XCTAssertEqual(
            Set(
                try analyst.query("SELECT DISTINCT district_id FROM schools").rows.map {
                    try $0.decode("district_id", as: Int64.self)
                }),
            [fixture.districtA])

        // Revoked on the primary, its session on the replica is ended too.
        let replicaOwner = try Connection.connect(try replicaURL(user: "tidtam_owner"))
        XCTAssertGreaterThanOrEqual(try logins.revoke(made.name, replicas: [replicaOwner]), 1)
        XCTAssertThrowsError(try analyst.query("SELECT 1 AS one"))
        try caughtUp(owner)
        XCTAssertThrowsError(try Connection.connect(try replicaURL(user: made.name)))
    }
}
