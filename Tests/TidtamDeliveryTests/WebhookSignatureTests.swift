import Foundation
import XCTest

@testable import TidtamDelivery

/// Signatures against the Standard Webhooks specification's own example, and the addresses a
/// webhook may not reach.
final class WebhookSignatureTests: XCTestCase {
    func testTheSpecificationsExampleSignature() {
        let header = WebhookSignature.header(
            id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: Array(#"{"test": 2432232314}"#.utf8),
            secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"])
        XCTAssertEqual(header, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        // Two live secrets (a rotation's overlap): two signatures; one that does not parse: skipped.
        let two = WebhookSignature.header(
            id: "msg_1", timestamp: 1, body: [],
            secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "nope", "whsec_AAAA"])
        XCTAssertEqual(two.split(separator: " ").count, 2)
    }

    func testLoopbackPrivateAndLinkLocalAddressesAreRefused() throws {
        for address in [
            "127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1",
            "0.0.0.0", "224.0.0.1", "::1", "::", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
        ] {
            XCTAssertTrue(DestinationPolicy.isPrivate(address), address)
        }
        for address in ["203.0.113.7", "8.8.8.8", "172.32.0.1", "2001:4860:4860::8888", "::ffff:8.8.8.8"] {
            XCTAssertFalse(DestinationPolicy.isPrivate(address), address)
        }
        XCTAssertThrowsError(try DestinationPolicy().check(URL(string: "http://localhost:9/x")!))
        XCTAssertThrowsError(try DestinationPolicy().check(URL(string: "ftp://example.org/x")!))
        XCTAssertNoThrow(try DestinationPolicy(allowPrivate: true).check(URL(string: "http://127.0.0.1:9/x")!))
    }
}
