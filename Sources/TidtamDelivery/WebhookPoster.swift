import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// One signed post of a webhook, as Standard Webhooks 1.0 describes it: `webhook-id` (the same
/// for every attempt of the message), `webhook-timestamp` (seconds, this attempt's),
/// `webhook-signature` (one `v1,` signature per live secret), a JSON body; no redirect is
/// followed, and an attempt ends at its timeout.
public struct WebhookPoster: Sendable {
    public struct Answer: Sendable, Equatable {
        public var status: Int
        public var durationMs: Int
    }

    let client: HTTPClient
    public let policy: DestinationPolicy
    public let timeout: Duration

    public init(client: HTTPClient, policy: DestinationPolicy = DestinationPolicy(), timeout: Duration = .seconds(15)) {
        self.client = client
        self.policy = policy
        self.timeout = timeout
    }

    /// A client for webhooks: redirects refused (a redirect could lead anywhere the policy forbids).
    public static func makeClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(30))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Posts `body`; throws when the destination is refused or nothing came back in time.
    public func post(url: String, id: String, body: [UInt8], secrets: [String], at now: Date = Date()) async throws
        -> Answer
    {
        guard let parsed = URL(string: url) else { throw DestinationPolicy.Refusal.notHTTP }
        try policy.check(parsed)
        let timestamp = Int(now.timeIntervalSince1970)
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "user-agent", value: "Tidtam-Webhooks/1")
        request.headers.add(name: "webhook-id", value: id)
        request.headers.add(name: "webhook-timestamp", value: String(timestamp))
        request.headers.add(
            name: "webhook-signature",
            value: WebhookSignature.header(id: id, timestamp: timestamp, body: body, secrets: secrets))
        request.body = .bytes(ByteBuffer(bytes: body))
        let started = ContinuousClock.now
        let response = try await client.execute(
            request, timeout: .nanoseconds(Int64(timeout.components.seconds * 1_000_000_000)))
        // The body is read (and dropped) so that the connection can be reused.
        _ = try? await response.body.collect(upTo: 64 * 1024)
        let elapsed = ContinuousClock.now - started
        return Answer(
            status: Int(response.status.code),
            durationMs: Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000))
    }
}
