import Foundation
import HTTPTypes
import Postgres
import TestSupport
import TidtamDelivery
import TidtamDomain
import TidtamJobs
import TidtamStore
import XCTest

/// Webhooks, tried as an integrator would: an endpoint at a real receiver that checks every
/// signature with the Standard Webhooks reference library (deploy/dev/webhook_receiver.py); a
/// reminder posted once and redelivered with the same webhook-id; a rotated secret with both
/// signatures during the overlap; a receiver that fails once and is retried; 410 disabling the
/// endpoint; and a private address refused unless the operator allows it.
final class WebhookAPITests: APITestCase {
    struct Receiver {
        let port: Int
        let dir: URL
        static var current: Receiver? {
            let env = ProcessInfo.processInfo.environment
            guard let port = env["TIDTAM_TEST_WEBHOOK_PORT"].flatMap(Int.init), let dir = env["TIDTAM_TEST_WEBHOOK_DIR"]
            else { return nil }
            return Receiver(port: port, dir: URL(fileURLWithPath: dir))
        }
        func url(_ name: String) -> String { "http://127.0.0.1:\(port)/hooks/\(name)" }
        func trust(_ name: String, secrets: [String]) throws {
            try secrets.joined(separator: "\n").write(
                to: dir.appendingPathComponent("secrets/\(name)"), atomically: true, encoding: .utf8)
        }
        /// (webhook-id, verified, signatures, answer) of every post to `name`.
        func posts(_ name: String) -> [(id: String, verified: Bool, signatures: Int, answer: Int)] {
            let text = (try? String(contentsOf: dir.appendingPathComponent("index.tsv"), encoding: .utf8)) ?? ""
            return text.split(separator: "\n").compactMap { line in
                let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
                guard f.count == 5, f[0] == name else { return nil }
                return (f[1], f[2] == "true", Int(f[3]) ?? 0, Int(f[4]) ?? 0)
            }
        }
    }

    /// Runs every job waiting; a job that asks to be retried is made due again at once.
    static func runJobs(_ db: Database, _ handlers: [any JobHandler]) async throws {
        let queue = JobQueue(db: db)
        for _ in 0..<20 {
            let jobs = try await queue.claim(queue: "default", limit: 50, leaseSeconds: 30, workerID: "test")
            if jobs.isEmpty { return }
            for job in jobs {
                let handler = handlers.first { $0.kind == job.kind }!
                do {
                    try await handler.run(JobContext(job: job, db: db))
                } catch let retry as RetryLater {
                    _ = try await queue.fail(job, error: retry.description, retryIn: 0)
                }
            }
        }
    }

    func testSignedPostsRetriesRotationGoneAndPrivateAddresses() async throws {
        let receiver = try XCTUnwrap(Receiver.current, "./deploy/dev/test starts the webhook receiver")
        let admin = token(a), staff = token(a, .districtStaff), adminB = token(b)
        let db = self.db!, district = a
        let http = WebhookPoster.makeClient()
        let allowed = BuiltInJobs.productionHandlers(
            channels: DeliveryChannels(
                webhooks: WebhookPoster(client: http, policy: DestinationPolicy(allowPrivate: true))))
        let strict = BuiltInJobs.productionHandlers(channels: DeliveryChannels(webhooks: WebhookPoster(client: http)))
        let name = "ok-\(UUID().uuidString.prefix(8))"
        defer { Task { try? await http.shutdown() } }
        try await withAPI { api in
            // Only the district's administrators keep endpoints; every invalid field at once.
            let refused = try await api.send(
                .post, "/api/v1/webhook-endpoints", token: staff,
                json: json(["url": receiver.url(name), "event_types": ["reminder.due"]]))
            XCTAssertEqual(refused.status, 403)
            let bad = try await api.send(
                .post, "/api/v1/webhook-endpoints", token: admin,
                json: json(["url": "ftp://example.org/x", "event_types": ["reminder.due", "nope"]]))
            XCTAssertEqual(bad.status, 422, bad.text)
            XCTAssertEqual(Set(bad.errorPointers), ["/url", "/event_types/1"], bad.text)

            let made = try await api.send(
                .post, "/api/v1/webhook-endpoints", token: admin,
                json: json([
                    "url": receiver.url(name), "event_types": ["reminder.due"], "description_th": "ระบบแจ้งเตือนของเขต",
                ]))
            XCTAssertEqual(made.status, 201, made.text)
            let secret = try XCTUnwrap(made.json["secret"] as? String)
            XCTAssertTrue(secret.hasPrefix("whsec_"))
            let endpoint = made.json["endpoint"] as! [String: Any]
            let endpointID = endpoint["id"] as! Int
            XCTAssertFalse(
                made.text.contains("\"secrets\":[{\"id\":1,\"secret\""), "the list of secrets never shows one")
            try receiver.trust(name, secrets: [secret])
            let foreign = try await api.send(.get, "/api/v1/webhook-endpoints/\(endpointID)", token: adminB)
            XCTAssertEqual(foreign.status, 404)

            // A reminder: posted once, signed, verified by the reference library.
            _ = try await Self.requirementDue(api, staff: staff, db: db, district: district, day: "2027-01-03")
            try await Self.runJobs(db, allowed)
            var posts = receiver.posts(name)
            let firstLog = try await api.send(.get, "/api/v1/webhook-endpoints/\(endpointID)/deliveries", token: admin)
            XCTAssertEqual(posts.count, 1, firstLog.text)
            XCTAssertEqual(posts.first?.verified, true)
            XCTAssertEqual(posts.first?.answer, 200)
            let webhookID = try XCTUnwrap(posts.first?.id)
            XCTAssertTrue(webhookID.hasPrefix("msg_\(district)_"))
            let log = try await api.send(.get, "/api/v1/webhook-endpoints/\(endpointID)/deliveries", token: admin)
            XCTAssertEqual(log.items.first?["status"] as? String, "sent", log.text)
            let deliveryID = log.items[0]["id"] as! Int

            // Rotated: during the overlap both secrets sign; the receiver that knows only one
            // (the old, or the new) still verifies the redelivered message, with the same id.
            let current = try await api.send(.get, "/api/v1/webhook-endpoints/\(endpointID)", token: admin)
            let rotated = try await api.send(
                .post, "/api/v1/webhook-endpoints/\(endpointID)/rotate-secret", token: admin, headers: matching(current)
            )
            XCTAssertEqual(rotated.status, 200, rotated.text)
            let newSecret = try XCTUnwrap(rotated.json["secret"] as? String)
            XCTAssertNotEqual(newSecret, secret)
            for known in [[newSecret], [secret]] {
                try receiver.trust(name, secrets: known)
                let again = try await api.send(
                    .post, "/api/v1/webhook-deliveries/\(deliveryID)/redeliver", token: admin)
                XCTAssertEqual(again.status, 202, again.text)
                try await Self.runJobs(db, allowed)
            }
            posts = receiver.posts(name)
            XCTAssertEqual(posts.count, 3)
            XCTAssertEqual(posts.map(\.id), [webhookID, webhookID, webhookID], "one message, however often posted")
            XCTAssertEqual(posts.map(\.verified), [true, true, true])
            XCTAssertEqual(posts.dropFirst().map(\.signatures), [2, 2])

            // A receiver that fails once is tried again, and the log shows both attempts.
            let flaky = try await Self.endpoint(api, admin: admin, receiver: receiver, name: "flaky-1")
            _ = try await Self.requirementDue(api, staff: staff, db: db, district: district, day: "2027-01-09")
            try await Self.runJobs(db, allowed)
            XCTAssertEqual(receiver.posts("flaky-1").map(\.answer), [500, 200])
            let flakyLog = try await api.send(.get, "/api/v1/webhook-endpoints/\(flaky)/deliveries", token: admin)
            XCTAssertEqual(
                (flakyLog.items.first?["log"] as? [[String: Any]])?.map { $0["response_status"] as? Int }, [500, 200],
                flakyLog.text)

            // 410 Gone disables the endpoint.
            let gone = try await Self.endpoint(api, admin: admin, receiver: receiver, name: "gone")
            _ = try await Self.requirementDue(api, staff: staff, db: db, district: district, day: "2027-01-10")
            try await Self.runJobs(db, allowed)
            let disabled = try await api.send(.get, "/api/v1/webhook-endpoints/\(gone)", token: admin)
            XCTAssertEqual(disabled.json["status"] as? String, "disabled", disabled.text)

            // Without the operator's leave, 127.0.0.1 is refused, and the delivery given up.
            let guarded = try await Self.endpoint(api, admin: admin, receiver: receiver, name: "guarded")
            _ = try await Self.requirementDue(api, staff: staff, db: db, district: district, day: "2027-01-13")
            try await Self.runJobs(db, strict)
            XCTAssertEqual(receiver.posts("guarded").count, 0)
            let guardedLog = try await api.send(.get, "/api/v1/webhook-endpoints/\(guarded)/deliveries", token: admin)
            XCTAssertEqual(guardedLog.items.first?["status"] as? String, "failed", guardedLog.text)
            XCTAssertTrue((guardedLog.items.first?["last_error"] as? String ?? "").contains("private"))
        }
    }

    static func endpoint(_ api: APIClient, admin: String, receiver: Receiver, name: String) async throws -> Int {
        let made = try await api.send(
            .post, "/api/v1/webhook-endpoints", token: admin,
            json: json(["url": receiver.url(name), "event_types": ["reminder.due"]]))
        XCTAssertEqual(made.status, 201, made.text)
        try receiver.trust(name, secrets: [made.json["secret"] as! String])
        return (made.json["endpoint"] as! [String: Any])["id"] as! Int
    }

    /// A quarterly requirement of fiscal year 2570 (made once), scanned on `day`: a reminder
    /// for school A0's user.
    static func requirementDue(_ api: APIClient, staff: String, db: Database, district: Int64, day: String) async throws
        -> ReportingScan.Outcome
    {
        let existing = try await api.send(.get, "/api/v1/requirements?fiscal_year=2570", token: staff)
        if existing.items.isEmpty {
            _ = try await ReminderAPITests.requirement(
                api, staff: staff, year: 2570, frequency: "quarter", audience: "schools")
        }
        let outcome = try await ReminderAPITests.scan(db, district: district, on: day)
        XCTAssertEqual(outcome.reminders, 1, day)
        return outcome
    }
}
