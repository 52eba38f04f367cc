import Foundation
import HTTPTypes
import Postgres
import TestSupport
import TidtamDelivery
import TidtamDomain
import TidtamJobs
import TidtamStore
import XCTest

/// Reminders, tried as a new user would: a quarterly requirement's reminders are made by the
/// reporting scan on the days its policy names (scans run as of a given day), once however many
/// scans run, delivered once to the school's inbox in Thai however often the delivery runs, and
/// stopped by the school's submission; past the overdue reminders the district's administrator
/// gets one summary a day of every unit still overdue, not one message per school.
final class ReminderAPITests: APITestCase {
    static func scan(_ db: Database, district: Int64, on day: String) async throws -> ReportingScan.Outcome {
        try await db.transaction(DistrictTenant.background(district)) { tx in
            try ReportingScan.run(tx, district: district, today: CalendarDate(iso: day)!)
        }
    }

    static func requirement(_ api: APIClient, staff: String, year: Int, frequency: String, audience: String)
        async throws
        -> Int
    {
        let made = try await api.send(
            .post, "/api/v1/requirements", token: staff,
            json: json([
                "title_th": "รายงานผลการดำเนินงาน", "fiscal_year": year, "frequency": frequency, "due_days": 10,
                "on_time_days": 15, "audience": audience,
                "sections": [["key": "summary", "kind": "text", "title_th": "สรุปผล"]],
            ]))
        XCTAssertEqual(made.status, 201, made.text)
        return made.json["id"] as! Int
    }

    func testRemindersAreMadeOnceDeliveredOnceAndStoppedBySubmission() async throws {
        let staff = token(a, .districtStaff), school = token(a, .schoolStaff), admin = token(a)
        let db = self.db!, district = a
        try await withAPI { api in
            // Fiscal year 2570's first quarter ends 31 December 2026: due 10 January 2027.
            let requirement = try await Self.requirement(
                api, staff: staff, year: 2570, frequency: "quarter", audience: "schools")
            let early = try await Self.scan(db, district: district, on: "2027-01-02")
            XCTAssertEqual(early.reminders, 0, "a week before is 3 January")
            // Of the three schools only A0 has a user: one reminder, made once however often scanned.
            let weekBefore = try await Self.scan(db, district: district, on: "2027-01-03")
            XCTAssertEqual(weekBefore.reminders, 1)
            let rescan = try await Self.scan(db, district: district, on: "2027-01-03")
            XCTAssertEqual(rescan.reminders, 0)
            try await MonitoringAPITests.runJobs(db)
            let inbox = try await api.send(.get, "/api/v1/notifications", token: school)
            XCTAssertEqual(inbox.items.count, 1, inbox.text)
            let notice = inbox.items[0]
            XCTAssertEqual(notice["title_th"] as? String, "แจ้งเตือน: รายงานผลการดำเนินงาน ไตรมาสที่ 1 ปีงบประมาณ พ.ศ. 2570")
            XCTAssertTrue((notice["body_th"] as? String ?? "").hasPrefix("อีก 7 วันครบกำหนดส่ง"), "\(notice)")
            XCTAssertTrue((notice["body_th"] as? String ?? "").contains("10 มกราคม 2570"), "\(notice)")
            var unread = try await api.send(.get, "/api/v1/notifications/unread-count", token: school)
            XCTAssertEqual(unread.json["unread"] as? Int, 1)

            // A delivery run again (a retry after a crash) finds it done: still one notice.
            let reminderID = Int64(notice["reminder_id"] as! Int)
            let again = try await db.transaction(DistrictTenant.background(district)) { tx in
                try ReminderDelivery.deliver(tx, district: district, reminderID: reminderID)
            }
            XCTAssertEqual(again, .alreadyDone)
            let afterRetry = try await api.send(.get, "/api/v1/notifications", token: school)
            XCTAssertEqual(afterRetry.items.count, 1)

            // Three scans racing on the day before: one reminder between them.
            async let first = Self.scan(db, district: district, on: "2027-01-09")
            async let second = Self.scan(db, district: district, on: "2027-01-09")
            async let third = Self.scan(db, district: district, on: "2027-01-09")
            let made = try await [first, second, third].map(\.reminders).reduce(0, +)
            XCTAssertEqual(made, 1)

            // The school sends its report before that reminder goes: it is cancelled, and no
            // reminder follows on the due day.
            let draft = try await api.send(
                .post, "/api/v1/submissions", token: school, json: json(["requirement_id": requirement, "period": 1]))
            let written = try await api.send(
                .patch, "/api/v1/submissions/\(draft.json["id"] as! Int)", token: school,
                json: json(["sections": ["summary": "ครบถ้วน"]]), headers: matching(draft))
            let sent = try await api.send(
                .post, "/api/v1/submissions/\(draft.json["id"] as! Int)/submit", token: school,
                headers: matching(written))
            XCTAssertEqual(sent.status, 200, sent.text)
            try await MonitoringAPITests.runJobs(db)
            let afterSending = try await api.send(.get, "/api/v1/notifications", token: school)
            XCTAssertEqual(afterSending.items.count, 1)
            let dueDay = try await Self.scan(db, district: district, on: "2027-01-10")
            XCTAssertEqual(dueDay.reminders, 0)
            let reminders = try await api.send(
                .get, "/api/v1/reminders?requirement_id=\(requirement)", token: staff)
            XCTAssertEqual(reminders.items.map { $0["status"] as? String }, ["sent", "cancelled"], reminders.text)
            XCTAssertEqual(reminders.items[1]["cancel_reason"] as? String, "submitted")
            XCTAssertEqual(
                (reminders.items[0]["deliveries"] as? [[String: Any]])?.map { $0["channel"] as? String }, ["in_app"])

            // Each reads and marks their own notices only.
            let foreign = try await api.send(
                .post, "/api/v1/notifications/\(notice["id"] as! Int)/read", token: admin)
            XCTAssertEqual(foreign.status, 404)
            let read = try await api.send(.post, "/api/v1/notifications/\(notice["id"] as! Int)/read", token: school)
            XCTAssertEqual(read.json["read"] as? Bool, true, read.text)
            unread = try await api.send(.get, "/api/v1/notifications/unread-count", token: school)
            XCTAssertEqual(unread.json["unread"] as? Int, 0)
        }
    }

    func testTheAdministratorGetsOneSummaryADayOfWhatIsOverdue() async throws {
        let staff = token(a, .districtStaff), school = token(a, .schoolStaff), admin = token(a)
        let db = self.db!, district = a
        try await withAPI { api in
            // Fiscal year 2569: the quarters are due 10 January, April, July and October 2026;
            // the office's annual report 10 October. Nothing is sent.
            _ = try await Self.requirement(api, staff: staff, year: 2569, frequency: "quarter", audience: "schools")
            _ = try await Self.requirement(
                api, staff: staff, year: 2569, frequency: "year", audience: "district_office")
            // The standard policy's last overdue reminder is 9 days after the due date; the
            // summary lists what is past it: on 20 October, every quarter and the office's report.
            let day = try await Self.scan(db, district: district, on: "2026-10-20")
            XCTAssertEqual(day.digests, 1, "one administrator, one summary")
            let rescan = try await Self.scan(db, district: district, on: "2026-10-20")
            XCTAssertEqual(rescan.digests, 0)
            let nextDay = try await Self.scan(db, district: district, on: "2026-10-21")
            XCTAssertEqual(nextDay.digests, 1, "the next day's")
            try await MonitoringAPITests.runJobs(db)
            let inbox = try await api.send(.get, "/api/v1/notifications", token: admin)
            let summaries = inbox.items.filter { $0["kind"] as? String == "escalation" }
            XCTAssertEqual(summaries.count, 2, inbox.text)
            // Three schools × four quarters and the office's report: 13 lines in one notice.
            let body = summaries[0]["body_th"] as? String ?? ""
            XCTAssertEqual(body.components(separatedBy: "\n• ").count - 1, 13, body)
            XCTAssertTrue(body.contains("สำนักงานเขตพื้นที่การศึกษา"), body)
            XCTAssertTrue((summaries[0]["title_th"] as? String ?? "").contains("21 ตุลาคม 2569"))
            // The school had one reminder for the fourth quarter in the week before (the latest
            // step due), not one for every step it missed.
            let schoolInbox = try await api.send(.get, "/api/v1/notifications", token: school)
            XCTAssertEqual(schoolInbox.items.count, 1, schoolInbox.text)
            XCTAssertTrue((schoolInbox.items[0]["body_th"] as? String ?? "").hasPrefix("เลยกำหนดส่งมาแล้ว 9 วัน"))
        }
    }

    func testAReminderIsEmailedOnceToARealSMTPServerInThai() async throws {
        let server = try XCTUnwrap(TestMailServer.current, "./deploy/dev/test starts the SMTP server")
        let staff = token(a, .districtStaff), school = token(a, .schoolStaff)
        let db = self.db!, district = a, testDB = self.testDB!
        let mailer = try SMTPMailer(
            SMTPConfiguration(
                host: "localhost", port: server.port, username: server.username, password: server.password,
                from: MailAddress("noreply@tidtam.test", name: "ระบบติดตาม Tidtam"), trustRootsFile: server.caFile))
        let handlers = BuiltInJobs.productionHandlers(
            channels: DeliveryChannels(mail: mailer, publicURL: "https://tidtam.test"))
        try await withAPI { api in
            let requirement = try await Self.requirement(
                api, staff: staff, year: 2570, frequency: "quarter", audience: "schools")
            let made = try await Self.scan(db, district: district, on: "2027-01-03")
            XCTAssertEqual(made.reminders, 1)
            try await MonitoringAPITests.runJobs(db, handlers: handlers)
            let notice = try await api.send(.get, "/api/v1/notifications", token: school).items[0]
            let messageID = "<reminder-\(district)-\(notice["reminder_id"] as! Int)@tidtam.test>"
            _ = try await server.waitFor(1)
            let mail = try XCTUnwrap(try server.parsed(messageID: messageID), "\(server.received())")
            XCTAssertEqual(mail["subject"] as? String, notice["title_th"] as? String)
            XCTAssertEqual(mail["to"] as? String, "ผู้ใช้ เจ้าหน้าที่สถานศึกษา <school_staff@d\(district).test>")
            let text = mail["text"] as? String ?? ""
            XCTAssertTrue(text.hasPrefix("อีก 7 วันครบกำหนดส่ง"), text)
            XCTAssertTrue(
                text.contains("https://tidtam.test/api/v1/submissions?requirement_id=\(requirement)&period=1"), text)
            XCTAssertTrue((mail["html"] as? String ?? "").contains("lang=\"th\""))

            // The same delivery job again (a second worker, a restart): the notice is there and
            // the e-mail sent, so nothing more leaves.
            let owner = try testDB.ownerConnection()
            try owner.execute(
                script: """
                    SELECT set_config('tidtam.role', 'worker', false);
                    INSERT INTO job (district_id, kind, args) VALUES (\(district), 'reminder.deliver',
                        jsonb_build_object('reminder_id', \(notice["reminder_id"] as! Int)));
                    """)
            try await MonitoringAPITests.runJobs(db, handlers: handlers)
            try await Task.sleep(for: .milliseconds(300))
            XCTAssertEqual(server.received().filter { $0.messageID == messageID }.count, 1)
            let reminders = try await api.send(.get, "/api/v1/reminders?requirement_id=\(requirement)", token: staff)
            let deliveries = reminders.items[0]["deliveries"] as? [[String: Any]] ?? []
            XCTAssertEqual(deliveries.map { $0["channel"] as? String }, ["in_app", "email"])
            XCTAssertEqual(deliveries[1]["status"] as? String, "sent")
            XCTAssertEqual(deliveries[1]["attempts"] as? Int, 1)
            XCTAssertEqual(deliveries[1]["message_id"] as? String, String(messageID.dropFirst().dropLast()))
        }
    }
}
