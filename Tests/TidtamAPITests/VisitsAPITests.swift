import Foundation
import HTTPTypes
import NIOConcurrencyHelpers
import TestSupport
import TidtamDomain
import TidtamStore
import XCTest

/// Coordinated visits over HTTP, tried as a new user would: book visits that clash (the same
/// person; the same school by two teams; a public holiday, a weekend, a closed day), see each
/// refused or proposed as joint; follow a finding to closure; subscribe to a feed and read it
/// with a real iCalendar parser.
final class VisitsAPITests: APITestCase {
    func testClashesAreRefusedAndNearbyVisitsOfASchoolAreProposedAsOne() async throws {
        let staff = token(a, .districtStaff), admin = token(a, .districtAdmin), school = token(a, .schoolStaff)
        let (staffID, adminID, committeeID) = (
            users[a]![.districtStaff]!, users[a]![.districtAdmin]!, users[a]![.committee]!
        )
        let schoolID = fixture.schoolsA[0], otherSchoolID = fixture.schoolsA[1], tokenB = token(b)
        try await withAPI { api in
            let team = try await api.send(
                .post, "/api/v1/teams", token: staff,
                json: json(["name_th": "หน่วยศึกษานิเทศก์ 1", "member_ids": [staffID, adminID]]))
            XCTAssertEqual(team.status, 201, team.text)
            // Wednesday 2 December 2569, 09:00–15:00 in Bangkok.
            let visit = try await api.send(
                .post, "/api/v1/visits", token: staff,
                json: json([
                    "kind": "supervision", "school_id": schoolID, "team_id": team.json["id"]!,
                    "purpose_th": "นิเทศการจัดการเรียนรู้ภาษาไทย", "starts_at": "2026-12-02T09:00:00+07:00",
                    "ends_at": "2026-12-02T15:00:00+07:00",
                ]))
            XCTAssertEqual(visit.status, 201, visit.text)
            XCTAssertEqual(visit.json["starts_at_th"] as? String, "2 ธันวาคม 2569 09:00 น.")
            XCTAssertEqual((visit.json["members"] as? [[String: Any]])?.count, 2)

            // The same person in two places at once: refused, naming them.
            let clash = try await api.send(
                .post, "/api/v1/visits", token: staff,
                json: json([
                    "kind": "inspection", "school_id": otherSchoolID, "member_ids": [staffID],
                    "purpose_th": "ตรวจราชการ", "starts_at": "2026-12-02T14:00:00+07:00",
                    "ends_at": "2026-12-02T16:00:00+07:00",
                ]))
            XCTAssertEqual(clash.status, 409, clash.text)
            XCTAssertTrue((clash.json["detail_th"] as? String ?? "").contains("ผู้ใช้ เจ้าหน้าที่เขตพื้นที่"), clash.text)

            // A public holiday, a Saturday, and the district's own closed day.
            let closed = try await api.send(
                .post, "/api/v1/closed-days", token: staff,
                json: json(["day": "2026-12-03", "name_th": "งานประจำปีจังหวัด"]))
            XCTAssertEqual(closed.status, 201, closed.text)
            for (day, expected) in [
                ("2026-12-10", "วันรัฐธรรมนูญ"), ("2026-12-05", "วันเสาร์"), ("2026-12-03", "งานประจำปีจังหวัด"),
            ] {
                let refused = try await api.send(
                    .post, "/api/v1/visits", token: staff,
                    json: json([
                        "kind": "follow_up", "school_id": schoolID, "member_ids": [committeeID],
                        "purpose_th": "ติดตามโครงการ",
                        "starts_at": "\(day)T09:00:00+07:00", "ends_at": "\(day)T12:00:00+07:00",
                    ]))
                XCTAssertEqual(refused.status, 422, refused.text)
                XCTAssertEqual(refused.errorPointers, ["/starts_at"])
                XCTAssertTrue(refused.text.contains(expected), "\(day): \(refused.text)")
            }

            // Another team at the same school two days later: booked, with a proposal to join.
            let other = try await api.send(
                .post, "/api/v1/visits", token: staff,
                json: json([
                    "kind": "follow_up", "school_id": schoolID, "member_ids": [committeeID],
                    "purpose_th": "ติดตามโครงการอาหารกลางวัน", "starts_at": "2026-12-04T09:00:00+07:00",
                    "ends_at": "2026-12-04T12:00:00+07:00",
                ]))
            XCTAssertEqual(other.status, 201, other.text)
            let proposals = other.json["joint_proposals"] as! [[String: Any]]
            XCTAssertEqual(proposals.count, 1)
            XCTAssertEqual(proposals[0]["other_visit_id"] as? Int, visit.json["id"] as? Int)
            // Neither a school's staff nor a non-member decides; a member of either visit accepts.
            let proposal = try await api.send(
                .get, "/api/v1/joint-visit-proposals?visit_id=\(visit.json["id"]!)&status=open", token: staff)
            XCTAssertEqual(proposal.items.count, 1)
            let etag: HTTPFields = [.ifMatch: "\"\(proposal.items[0]["version"]!)\""]
            let bySchool = try await api.send(
                .post, "/api/v1/joint-visit-proposals/\(proposal.items[0]["id"]!)/accept", token: school, headers: etag)
            XCTAssertEqual(bySchool.status, 403)
            let accepted = try await api.send(
                .post, "/api/v1/joint-visit-proposals/\(proposal.items[0]["id"]!)/accept", token: admin, headers: etag)
            XCTAssertEqual(accepted.status, 200, accepted.text)
            let joined = try await api.send(.get, "/api/v1/visits/\(other.json["id"]!)", token: staff)
            XCTAssertEqual(joined.json["status"] as? String, "cancelled")
            XCTAssertEqual(joined.json["joined_into_id"] as? Int, visit.json["id"] as? Int)
            let earlier = try await api.send(.get, "/api/v1/visits/\(visit.json["id"]!)", token: staff)
            XCTAssertEqual(
                Set((earlier.json["members"] as! [[String: Any]]).map { $0["user_id"] as! Int }),
                Set([staffID, adminID, committeeID].map(Int.init)))

            // Findings: recorded, followed, closed with the evidence that closed it.
            let finding = try await api.send(
                .post, "/api/v1/visits/\(visit.json["id"]!)/findings", token: staff,
                json: json([
                    "finding_th": "ห้องสมุดยังไม่มีมุมอ่านสำหรับชั้นประถมต้น", "recommendation_th": "จัดมุมอ่านในห้องเรียน",
                    "responsible_th": "ผู้อำนวยการโรงเรียน", "due_on": "2026-01-31",
                ]))
            XCTAssertEqual(finding.status, 201, finding.text)
            let overdue = try await api.send(.get, "/api/v1/findings?overdue=true", token: staff)
            XCTAssertEqual(overdue.items.count, 1)
            let progress = try await api.send(
                .put, "/api/v1/findings/\(finding.json["id"]!)", token: school,
                json: json([
                    "finding_th": "ห้องสมุดยังไม่มีมุมอ่านสำหรับชั้นประถมต้น", "status": "in_progress",
                    "due_on": "2026-01-31",
                ]), headers: matching(finding))
            XCTAssertEqual(progress.status, 200, progress.text)
            let evidence = try await api.send(
                .post, "/api/v1/findings/\(finding.json["id"]!)/evidence?file_name=photo.png", token: school,
                bytes: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0], headers: [.contentType: "image/png"])
            XCTAssertEqual(evidence.status, 201, evidence.text)
            let current = try await api.send(.get, "/api/v1/findings/\(finding.json["id"]!)", token: staff)
            let noNote = try await api.send(
                .post, "/api/v1/findings/\(finding.json["id"]!)/close", token: staff, json: "{}",
                headers: matching(current))
            XCTAssertEqual(noNote.errorPointers, ["/closure_note_th"])
            let closedFinding = try await api.send(
                .post, "/api/v1/findings/\(finding.json["id"]!)/close", token: staff,
                json: json(["closure_note_th": "จัดมุมอ่านครบทุกห้องแล้ว ตามภาพถ่ายที่แนบ"]), headers: matching(current))
            XCTAssertEqual(closedFinding.status, 200, closedFinding.text)
            XCTAssertEqual((closedFinding.json["evidence"] as? [[String: Any]])?.count, 1)

            // Another district sees none of it.
            for path in ["/api/v1/visits/\(visit.json["id"]!)", "/api/v1/findings/\(finding.json["id"]!)"] {
                let reply = try await api.send(.get, path, token: tokenB)
                XCTAssertEqual(reply.status, 404, path)
            }
            let theirs = try await api.send(.get, "/api/v1/visits", token: tokenB)
            XCTAssertEqual(theirs.items.count, 0)
        }
    }

    /// Concurrent bookings of the same people at overlapping times: one is booked, every other
    /// is refused (409), none twice, no 5xx. The database's exclusion constraint decides races
    /// that pass the store's own check together.
    func testConcurrentOverlappingBookingsBookOneAndRefuseTheRest() async throws {
        let staff = token(a, .districtStaff)
        let members = [users[a]![.districtStaff]!, users[a]![.districtAdmin]!]
        let schools = fixture.schoolsA
        let statuses = NIOLockedValueBox([Int]())
        try await withAPI { api in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for attempt in 0..<40 {
                    group.addTask {
                        let minute = 10 + attempt % 30
                        let reply = try await api.send(
                            .post, "/api/v1/visits", token: staff,
                            json: json([
                                "kind": "supervision", "school_id": schools[attempt % schools.count],
                                "member_ids": members, "purpose_th": "นิเทศ \(attempt)",
                                "starts_at": "2026-12-08T09:\(minute):00+07:00", "ends_at": "2026-12-08T12:00:00+07:00",
                            ]))
                        statuses.withLockedValue { $0.append(reply.status) }
                    }
                }
                try await group.waitForAll()
            }
        }
        let seen = statuses.withLockedValue { $0 }
        XCTAssertEqual(seen.filter { $0 == 201 }.count, 1, "\(seen)")
        XCTAssertEqual(seen.filter { $0 == 409 }.count, 39, "\(seen)")
        let owner = try testDB.ownerConnection()
        try owner.execute(script: "SET tidtam.district_id = '\(a)'")
        let booked = try owner.query(
            "SELECT count(*) AS n FROM visit_member WHERE active AND during && tstzrange('2026-12-08 02:00Z', '2026-12-08 05:00Z')"
        ).first!.decode("n", as: Int.self)
        XCTAssertEqual(booked, 2, "one visit with its two members")
    }

    func testAFeedIsValidICalendarThatARealParserReads() async throws {
        let staff = token(a, .districtStaff), staffID = users[a]![.districtStaff]!
        let schoolID = fixture.schoolsA[0]
        let root = TestDatabase.repositoryRoot, districtA = a
        try await withAPI { api in
            let long = String(repeating: "นิเทศการจัดการเรียนรู้ภาษาไทยและคณิตศาสตร์, ชั้นประถมศึกษาปีที่ ๑; ", count: 4)
            var visit = try await api.send(
                .post, "/api/v1/visits", token: staff,
                json: json([
                    "kind": "supervision", "school_id": schoolID, "member_ids": [staffID], "purpose_th": long,
                    "starts_at": "2026-12-02T09:00:00+07:00", "ends_at": "2026-12-02T15:00:00+07:00",
                ]))
            XCTAssertEqual(visit.status, 201, visit.text)
            let firstID = visit.json["id"] as! Int
            let second = try await api.send(
                .post, "/api/v1/visits", token: staff,
                json: json([
                    "kind": "inspection", "school_id": schoolID, "member_ids": [staffID], "purpose_th": "ตรวจราชการ",
                    "starts_at": "2026-12-09T09:00:00+07:00", "ends_at": "2026-12-09T11:00:00+07:00",
                ]))
            visit = try await api.send(
                .post, "/api/v1/visits/\(second.json["id"]!)/cancel", token: staff,
                json: json(["reason": "ติดประชุมด่วน"]), headers: matching(second))
            XCTAssertEqual(visit.status, 200, visit.text)

            let feed = try await api.send(
                .post, "/api/v1/calendar-feeds", token: staff,
                json: json(["kind": "user", "target_id": staffID, "name": "ปฏิทินลงพื้นที่ของฉัน"]))
            XCTAssertEqual(feed.status, 201, feed.text)
            let url = feed.json["url"] as! String
            // No bearer token: the secret in the URL is the credential.
            let ics = try await api.send(.get, url)
            XCTAssertEqual(ics.status, 200, ics.text)
            XCTAssertEqual(ics.headers[.contentType], "text/calendar; charset=utf-8")
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("feed-\(UUID()).ics")
            try Data(ics.text.utf8).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let parsed = try Self.parse(file, root: root)
            XCTAssertEqual(parsed["version"] as? String, "2.0")
            XCTAssertEqual(parsed["prodid"] as? String, "-//Tidtam//Monitoring visits//TH")
            XCTAssertEqual(parsed["timezones"] as? [String], ["Asia/Bangkok"])
            XCTAssertEqual(parsed["crlf_only"] as? Bool, true)
            XCTAssertLessThanOrEqual(parsed["longest_line"] as! Int, 75)
            XCTAssertGreaterThan(parsed["folded_lines"] as! Int, 0, "the long purpose was folded")
            let events = parsed["events"] as! [[String: Any]]
            XCTAssertEqual(events.count, 2)
            XCTAssertEqual(events[0]["summary"] as? String, "นิเทศ: โรงเรียนบ้านกลาง")
            XCTAssertTrue(
                (events[0]["description"] as! String).hasPrefix(long.trimmingCharacters(in: .whitespaces)),
                "folding kept every Thai character")
            XCTAssertEqual(events[0]["start"] as? String, "2026-12-02T09:00:00+07:00")
            XCTAssertEqual(events[0]["tzid"] as? String, "Asia/Bangkok")
            XCTAssertEqual(events[0]["uid"] as? String, "visit-\(districtA)-\(firstID)@tidtam")
            XCTAssertEqual(events[1]["status"] as? String, "CANCELLED")
            XCTAssertEqual(events[0]["status"] as? String, "TENTATIVE")

            // Revoked: the URL answers 404.
            let feedID = (feed.json["feed"] as! [String: Any])["id"]!
            let revoked = try await api.send(.post, "/api/v1/calendar-feeds/\(feedID)/revoke", token: staff)
            XCTAssertEqual(revoked.status, 200, revoked.text)
            let gone = try await api.send(.get, url)
            XCTAssertEqual(gone.status, 404)
            let forged = try await api.send(.get, "/api/v1/ical/tdc_1_forged.ics")
            XCTAssertEqual(forged.status, 404)
        }
    }

    /// The feed as PyPI's icalendar reads it (Tests/ical/parse_feed.py).
    static func parse(_ file: URL, root: URL) throws -> [String: Any] {
        try PythonScript.json("Tests/ical/parse_feed.py", file.path)
    }
}
