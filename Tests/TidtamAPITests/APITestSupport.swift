import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Metrics
@testable import Postgres
import Prometheus
import TestSupport
import TidtamAPI
import TidtamDomain
import TidtamStore
import XCTest

/// Metrics can be bootstrapped once per process; every test app shares this registry.
let sharedRegistry: PrometheusCollectorRegistry = {
    let registry = PrometheusCollectorRegistry()
    MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    return registry
}()

/// Two districts (A and B), a user of each role in each, and a live HTTP server over a real
/// PostgreSQL: requests go through the network, the router, the middleware and the database.
class APITestCase: XCTestCase {
    var testDB: TestDatabase!
    var db: Database!
    var fixture: Fixture!
    /// tokens[district][role]
    var tokens: [Int64: [Role: String]] = [:]
    var users: [Int64: [Role: Int64]] = [:]

    override func setUp() async throws {
        // Metrics first, as the server does: the pool's gauges are made when the pool is.
        _ = sharedRegistry
        testDB = try TestDatabase.create()
        db = testDB.database(poolSize: 4, checkoutTimeout: .seconds(2))
        fixture = try await Fixture.make(db)
        for district in [fixture.districtA, fixture.districtB] {
            let scope = DistrictTenant.background(district)
            let school = district == fixture.districtA ? fixture.schoolsA[0] : fixture.schoolsB[0]
            for role in [Role.districtAdmin, .districtStaff, .schoolStaff, .committee] {
                let user = try await UserStore(db).create(
                    scope,
                    UserInput(
                        email: "\(role.rawValue)@d\(district).test", displayName: "ผู้ใช้ \(role.thaiName)", role: role,
                        schoolID: role == .schoolStaff ? school : nil))
                tokens[district, default: [:]][role] = try await TokenStore(db).create(
                    scope, userID: user.id, name: "test", expiresAt: nil
                ).1
                users[district, default: [:]][role] = user.id
            }
        }
    }

    override func tearDown() async throws {
        // setUp may have stopped early (no PostgreSQL): the error it threw is the one to read.
        await db?.shutdown()
        testDB?.drop()
    }

    var a: Int64 { fixture.districtA }
    var b: Int64 { fixture.districtB }

    func token(_ district: Int64, _ role: Role = .districtAdmin) -> String { tokens[district]![role]! }

    func makeApp(maxConcurrentImports: Int = 2) -> some ApplicationProtocol {
        let document =
            (try? String(
                contentsOf: TestDatabase.repositoryRoot.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8))
            ?? ""
        let services = APIServices(
            db: db, registry: sharedRegistry, openAPIDocument: document, latestMigration: 1,
            maxConcurrentImports: maxConcurrentImports)
        var logger = Logger(label: "tidtam-test")
        logger.logLevel = .warning
        return buildApplication(services, host: "127.0.0.1", port: 0, logger: logger)
    }

    /// Runs `body` against a live server.
    func withAPI(maxConcurrentImports: Int = 2, _ body: @escaping @Sendable (APIClient) async throws -> Void)
        async throws
    {
        try await makeApp(maxConcurrentImports: maxConcurrentImports).test(.live) { client in
            try await body(APIClient(client: client))
        }
    }
}

/// A thin client: JSON in, parsed JSON out.
struct APIClient: Sendable {
    let client: any TestClientProtocol

    struct Reply: Sendable {
        let status: Int
        let headers: HTTPFields
        let text: String
        let bytes: [UInt8]
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:] }
        var items: [[String: Any]] { json["items"] as? [[String: Any]] ?? [] }
        var contentType: String { headers[.contentType] ?? "" }
        var errorPointers: [String] {
            (json["errors"] as? [[String: Any]] ?? []).compactMap { $0["pointer"] as? String }
        }
    }

    @discardableResult
    func send(
        _ method: HTTPRequest.Method, _ path: String, token: String? = nil, json: String? = nil,
        bytes: [UInt8]? = nil, headers extra: HTTPFields = [:]
    ) async throws -> Reply {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        var body: ByteBuffer?
        if let json { body = ByteBuffer(string: json); headers[.contentType] = "application/json" }
        if let bytes {
            body = ByteBuffer(bytes: bytes); headers[.contentType] = headers[.contentType] ?? "application/json"
        }
        let response = try await client.executeRequest(uri: path, method: method, headers: headers, body: body)
        return Reply(
            status: Int(response.status.code), headers: response.headers, text: String(buffer: response.body),
            bytes: Array(response.body.readableBytesView))
    }
}
