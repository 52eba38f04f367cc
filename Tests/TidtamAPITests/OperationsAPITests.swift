import Foundation
import HTTPTypes
import Hummingbird
@testable import Postgres
import TestSupport
import TidtamAPI
import XCTest

final class OperationsAPITests: APITestCase {
    /// The routes the server registers are exactly the paths and methods of docs/openapi.yaml.
    func testRoutesAreExactlyThoseOfTheOpenAPIDocument() throws {
        let text = try String(
            contentsOf: TestDatabase.repositoryRoot.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)
        var documented = Set<String>()
        var inPaths = false
        var path = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" { inPaths = true; continue }
            if inPaths, !line.hasPrefix(" "), !line.isEmpty { break }
            if line.hasPrefix("  /"), line.hasSuffix(":") { path = String(line.dropFirst(2).dropLast()) }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("    "), !line.hasPrefix("     "),
                ["get:", "post:", "patch:", "put:", "delete:"].contains(trimmed)
            {
                documented.insert("\(trimmed.dropLast()) \(path)")
            }
        }
        let served = Set(
            buildRouter(APIServices(db: db, registry: sharedRegistry, openAPIDocument: "", latestMigration: 1))
                .routes.map(\.description))
        XCTAssertFalse(documented.isEmpty)
        XCTAssertEqual(served.subtracting(documented), [], "served but not documented")
        XCTAssertEqual(documented.subtracting(served), [], "documented but not served")
    }

    func testHealthReadinessMetricsAndTheDocument() async throws {
        let admin = token(a)
        try await withAPI { api in
            do { let reply = try await api.send(.get, "/healthz"); XCTAssertEqual(reply.status, 200, reply.text) }
            let ready = try await api.send(.get, "/readyz")
            XCTAssertEqual(ready.status, 200, ready.text)
            XCTAssertNotNil(ready.headers[HTTPField.Name("X-Request-Id")!])
            _ = try await api.send(.get, "/api/v1/schools", token: admin)
            let metrics = try await api.send(.get, "/metrics")
            XCTAssertTrue(metrics.text.contains("hb_requests"), metrics.text.prefix(500).description)
            XCTAssertTrue(metrics.text.contains("http_server_request_duration"))
            XCTAssertTrue(metrics.text.contains("tidtam_db_pool_connections_open"))
            let document = try await api.send(.get, "/api/v1/openapi.yaml")
            XCTAssertTrue(document.text.hasPrefix("openapi: 3.1.0"))
            let wrongMethod = try await api.send(.put, "/api/v1/schools/1", token: admin)
            XCTAssertEqual(wrongMethod.status, 405)
            XCTAssertEqual(wrongMethod.headers[.allow], "GET, PATCH, DELETE")
            let unknown = try await api.send(.get, "/api/v1/nothing-here", token: admin)
            XCTAssertEqual(unknown.status, 404)
            XCTAssertTrue(unknown.contentType.hasPrefix("application/problem+json"))
        }
    }
}

/// Stops and starts the test cluster itself: requests get 503 quickly while PostgreSQL is down,
/// and the same server answers again once it is back, with no restart.
final class DatabaseOutageAPITests: APITestCase {
    static func pgctl(_ action: String) throws {
        guard let data = ProcessInfo.processInfo.environment["TIDTAM_TEST_PGDATA"] else {
            throw TestSetupError("TIDTAM_TEST_PGDATA is not set; run ./deploy/dev/test")
        }
        let port = ProcessInfo.processInfo.environment["TIDTAM_TEST_PORT"] ?? "5432"
        var arguments = [
            "/usr/lib/postgresql/15/bin/pg_ctl", "-D", data, "-w", "-t", "60", "-m", "fast",
            "-l", data + "/../postgres.log", "-o", "-p \(port)", action,
        ]
        if getuid() == 0 { arguments = ["/usr/sbin/runuser", "-u", "postgres", "--"] + arguments }
        // posix_spawn and waitpid: Foundation's Process.waitUntilExit can hang when called from a
        // concurrency thread on Linux. Blocking here is fine: it is a test, for a few seconds.
        var pid: pid_t = 0
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        XCTAssertEqual(posix_spawn(&pid, arguments[0], nil, nil, argv, environ), 0)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        XCTAssertEqual(status, 0, "pg_ctl \(action)")
    }

    func testOutageGivesQuick503sThenServiceResumesWithoutRestart() async throws {
        let (admin, school) = (token(a), fixture.schoolsA[0])
        try await withAPI { api in
            do {
                let reply = try await api.send(.get, "/api/v1/schools/\(school)", token: admin);
                XCTAssertEqual(reply.status, 200, reply.text)
            }
            try DatabaseOutageAPITests.pgctl("stop")
            do {
                let started = ContinuousClock.now
                let down = try await api.send(.get, "/api/v1/schools/\(school)", token: admin)
                XCTAssertEqual(down.status, 503, down.text)
                XCTAssertEqual(down.headers[.retryAfter], "1")
                XCTAssertTrue(down.contentType.hasPrefix("application/problem+json"))
                XCTAssertLessThan(ContinuousClock.now - started, .seconds(2))
                do { let reply = try await api.send(.get, "/readyz"); XCTAssertEqual(reply.status, 503, reply.text) }
            }
            try DatabaseOutageAPITests.pgctl("start")
            let back = try await api.send(.get, "/api/v1/schools/\(school)", token: admin)
            XCTAssertEqual(back.status, 200, back.text)
            do { let reply = try await api.send(.get, "/readyz"); XCTAssertEqual(reply.status, 200, reply.text) }
        }
    }
}
