import Foundation
import TestSupport
import XCTest

@testable import TidtamDelivery

/// The SMTP client against the real server the test command starts (aiosmtpd: STARTTLS, AUTH),
/// and the message read back by Python's own e-mail parser: the Thai subject, both bodies and the
/// Message-ID arrive as sent.
final class SMTPMailerTests: XCTestCase {
    func server() throws -> TestMailServer {
        guard let server = TestMailServer.current else {
            throw XCTSkip("run through ./deploy/dev/test, which starts the SMTP server")
        }
        return server
    }

    func configuration(
        _ server: TestMailServer, password: String? = nil, security: SMTPConfiguration.Security = .startTLS
    )
        -> SMTPConfiguration
    {
        SMTPConfiguration(
            host: "localhost", port: server.port, security: security, username: server.username,
            password: password ?? server.password, from: MailAddress("noreply@tidtam.test", name: "ระบบติดตาม Tidtam"),
            trustRootsFile: server.caFile, timeout: .seconds(10))
    }

    static let subject = "แจ้งเตือน: รายงานผลการดำเนินงานตามนโยบาย สพฐ. รายไตรมาส ไตรมาสที่ 1 ปีงบประมาณ พ.ศ. 2570"

    func testAThaiMessageArrivesOverStartTLSAsSent() async throws {
        let server = try server()
        let id = "test-\(UUID().uuidString)@tidtam.test"
        let message = MailMessage(
            from: MailAddress("noreply@tidtam.test", name: "ระบบติดตาม Tidtam"),
            to: [MailAddress("school@tidtam.test", name: "วิไลวรรณ ครูดี")], subject: Self.subject,
            text: "อีก 7 วันครบกำหนดส่ง\n.บรรทัดที่ขึ้นต้นด้วยจุด", html: "<p lang=\"th\">อีก 7 วันครบกำหนดส่ง</p>", messageID: id)
        try await SMTPMailer(configuration(server)).send(message)
        _ = try await server.waitFor(1)
        let parsed = try XCTUnwrap(try server.parsed(messageID: "<\(id)>"))
        XCTAssertEqual(parsed["subject"] as? String, Self.subject)
        XCTAssertEqual(parsed["to"] as? String, "วิไลวรรณ ครูดี <school@tidtam.test>")
        XCTAssertEqual(parsed["content_type"] as? String, "multipart/alternative")
        XCTAssertEqual(
            (parsed["text"] as? String)?.replacingOccurrences(of: "\r\n", with: "\n"),
            "อีก 7 วันครบกำหนดส่ง\n.บรรทัดที่ขึ้นต้นด้วยจุด")
        XCTAssertEqual(parsed["html"] as? String, "<p lang=\"th\">อีก 7 วันครบกำหนดส่ง</p>")
        XCTAssertEqual(parsed["defects"] as? [String], [])
    }

    func testRefusalsAreReportedAndPermanentOnesSaySo() async throws {
        let server = try server()
        let message = MailMessage(
            from: MailAddress("noreply@tidtam.test"), to: [MailAddress("school@tidtam.test")], subject: "x", text: "x",
            html: "x", messageID: "refused-\(UUID().uuidString)@tidtam.test")
        do {
            try await SMTPMailer(configuration(server, password: "wrong")).send(message)
            XCTFail("a wrong password is refused")
        } catch let error as SMTPError {
            XCTAssertTrue(error.isPermanent, "\(error)")
        }
        // Without STARTTLS the server will not take the mail (it requires TLS first).
        do {
            var plain = configuration(server, security: .none)
            plain.username = nil
            try await SMTPMailer(plain).send(message)
            XCTFail("a server that requires STARTTLS refuses plain mail")
        } catch let error as SMTPError {
            guard case .refused = error else { return XCTFail("\(error)") }
        }
        let bad = MailMessage(
            from: MailAddress("noreply@tidtam.test"), to: [MailAddress("school@tidtam.test>\r\nRCPT TO:<x@y")],
            subject: "x", text: "x", html: "x", messageID: "bad@tidtam.test")
        do {
            try await SMTPMailer(configuration(server)).send(bad)
            XCTFail("an address that would inject a command is refused before sending")
        } catch let error as SMTPError {
            XCTAssertEqual(error, .invalidAddress("school@tidtam.test>\r\nRCPT TO:<x@y"))
        }
    }

    func testSubjectsAreEncodedWordsOfAtMost75CharactersCutBetweenCharacters() {
        let encoded = MailMessage.encodedWords(Self.subject)
        let words = encoded.components(separatedBy: "\r\n ")
        XCTAssertGreaterThan(words.count, 1)
        for word in words {
            XCTAssertLessThanOrEqual(word.count, 75)
            XCTAssertTrue(word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?="))
            let payload = String(word.dropFirst(10).dropLast(2))
            XCTAssertNotNil(String(data: Data(base64Encoded: payload)!, encoding: .utf8), "each word is whole UTF-8")
        }
        XCTAssertEqual(MailMessage.encodedWords("Quarterly report"), "Quarterly report")
        XCTAssertEqual(SMTPMailer.dotStuffed("a\r\n.b\r\n..c"), "a\r\n..b\r\n...c")
    }
}
