import Foundation
@testable import Postgres
import TidtamDomain
import TidtamStore

/// A database of its own for one test, cloned from the migrated template that
/// `./deploy/dev/test` prepares (cloning takes milliseconds). The test talks to a real
/// PostgreSQL as the service's role (`tidtam_app`), exactly as the service does.
public struct TestDatabase: Sendable {
    public let name: String
    public let socket: String
    public let port: String

    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    public static func create() throws -> TestDatabase {
        guard let admin = environment["TIDTAM_TEST_ADMIN_URL"], let template = environment["TIDTAM_TEST_TEMPLATE"],
            let socket = environment["TIDTAM_TEST_SOCKET"], let port = environment["TIDTAM_TEST_PORT"]
        else {
            throw TestSetupError("These tests need the PostgreSQL that ./deploy/dev/test starts; run that command.")
        }
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
        let connection = try Connection.connect(admin)
        // Identifiers cannot be parameters; both names are generated or fixed above.
        try connection.execute(script: "CREATE DATABASE \(name) TEMPLATE \(template) OWNER tidtam_owner")
        return TestDatabase(name: String(name), socket: socket, port: port)
    }

    public func url(user: String) -> String { "postgresql:///\(name)?host=\(socket)&port=\(port)&user=\(user)" }
    public var appURL: String { url(user: "tidtam_app") }
    public var ownerURL: String { url(user: "tidtam_owner") }

    public func database(poolSize: Int = 4, checkoutTimeout: Duration = .seconds(5)) -> Database {
        Database(PoolConfiguration(conninfo: appURL, maxConnections: poolSize, checkoutTimeout: checkoutTimeout))
    }

    /// Drops the database (and any connection still open to it).
    public func drop() {
        guard let admin = Self.environment["TIDTAM_TEST_ADMIN_URL"], let connection = try? Connection.connect(admin)
        else { return }
        try? connection.execute(script: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// A connection as the schema owner (for checks the service role may not make).
    public func ownerConnection() throws -> Connection { try Connection.connect(ownerURL) }
    public func appConnection() throws -> Connection { try Connection.connect(appURL) }
    public func superuserConnection() throws -> Connection { try Connection.connect(url(user: "postgres")) }

    /// The repository's root, for reading `sql/` and `docs/`.
    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }
}

public struct TestSetupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Two districts with three schools each, made through the stores.
public struct Fixture: Sendable {
    public let db: Database
    public let districtA: Int64
    public let districtB: Int64
    public let schoolsA: [Int64]
    public let schoolsB: [Int64]

    public static func make(_ db: Database) async throws -> Fixture {
        let districts = DistrictStore(db), schools = SchoolStore(db)
        let a = try await districts.create(
            DistrictInput(code: "TA1", nameTH: "สพป.ทดสอบ เขต 1", kind: .primary, provinceTH: "ลำปาง"))
        let b = try await districts.create(
            DistrictInput(code: "TB2", nameTH: "สพม.ทดสอบ เขต 2", kind: .secondary, provinceTH: "ลำพูน"))
        var schoolsA: [Int64] = [], schoolsB: [Int64] = []
        for (n, name) in ["โรงเรียนบ้านกลาง", "โรงเรียนบ้านขุนยวม", "โรงเรียนบ้านคำ"].enumerated() {
            schoolsA.append(
                try await schools.create(.background(a.id), SchoolInput(obecCode: "52000000\(n)1", nameTH: name)).id)
            schoolsB.append(
                try await schools.create(.background(b.id), SchoolInput(obecCode: "51000000\(n)1", nameTH: name + "ใต้"))
                    .id)
        }
        return Fixture(db: db, districtA: a.id, districtB: b.id, schoolsA: schoolsA, schoolsB: schoolsB)
    }
}

extension DistrictTenant {
    /// A district's user as the tests name one: by role, with the school for school staff.
    public static func acting(
        districtID: Int64, schoolID: Int64? = nil, role: Role? = nil, userID: Int64? = nil,
        requestID: String? = nil
    ) -> DistrictTenant {
        let user = userID ?? 0
        let actor: Actor =
            switch role {
            case nil: .background
            case .districtAdmin?: .admin(userID: user)
            case .districtStaff?: .staff(userID: user)
            case .committee?: .committee(userID: user)
            case .schoolStaff?: .school(userID: user, schoolID: schoolID!)
            case .national?: fatalError("national users act for no district")
            }
        return DistrictTenant(districtID: districtID, actor: actor, requestID: requestID)
    }
}

extension Database {
    /// A test's own look at the tables, written as text with `$n` and its values (tests only;
    /// the stores build `SQL` by interpolation).
    public func read(_ tenant: some TransactionTenant, _ text: String, _ values: [any PostgresEncodable]) async throws
        -> QueryResult
    {
        try await read(tenant, SQL(file: text, binding: values))
    }
}
