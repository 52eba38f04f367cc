import Foundation
import Postgres
import TidtamDomain

/// A believable year of monitoring for a demo district (fiscal year 2569, now over): the
/// monitoring plans of its approved plans, progress reports that came in on time, late or not
/// at all, budget disbursed, a corrected indicator actual, a team, visits done and planned, and
/// findings open and closed. Loaded once per district (skipped when it has a team).
struct DemoMonitoring {
    let db: Database

    func load(_ tenant: DistrictTenant, users: [Role: Int64]) async throws {
        let district = tenant.districtID
        let hasTeam = try await db.read(tenant, "SELECT 1 FROM team WHERE district_id = \(district)").rowCount > 0
        guard !hasTeam, let staff = users[.districtStaff], let admin = users[.districtAdmin] else { return }

        // The plans approved in DemoPlans: their monitoring plans, as the job would write them
        // (the job the approval enqueued then finds nothing left to do).
        try await db.transaction(tenant) { tx in
            let plans = try tx.query(
                "SELECT id FROM action_plan WHERE district_id = \(district) AND status = 'approved' ORDER BY id"
            ).rows.map { try $0.decode("id", as: Int64.self) }
            for plan in plans { _ = try MonitoringPlanGenerator.generate(tx, district: district, .actionPlan(plan)) }
            // Reports as the year went: quarter 1 all on time; later quarters some late, some
            // never sent (the schools are told apart by their id, so the mix is stable).
            try tx.query(
                """
                WITH due AS (
                    SELECT m.*, row_number() OVER (ORDER BY m.school_id, m.project_id, m.period) AS n
                    FROM monitoring_item m
                    WHERE m.district_id = \(district) AND m.kind = 'progress_report' AND m.fiscal_year = 2569
                ),
                sent AS (
                    SELECT d.*, CASE
                        WHEN d.period = 1 THEN d.due_on - 4
                        WHEN d.period = 2 THEN CASE WHEN d.school_id % 3 = 0 THEN d.due_on + 12 ELSE d.due_on - 2 END
                        WHEN d.period = 3 THEN CASE d.school_id % 3 WHEN 0 THEN NULL WHEN 1 THEN d.due_on + 20 ELSE d.due_on END
                        ELSE CASE WHEN d.school_id % 2 = 0 THEN d.due_on - 1 END END AS day
                    FROM due d
                )
                INSERT INTO progress_report (district_id, school_id, item_id, project_id, status, percent_complete, progress_status,
                                             done_th, problems_th, next_steps_th, submitted_at, decided_at)
                SELECT s.district_id, s.school_id, s.id, s.project_id,
                       CASE WHEN s.period <= 2 THEN 'acknowledged' ELSE 'submitted' END,
                       least(100, s.period * 25 - (s.n % 3) * 5),
                       CASE WHEN s.period = 4 AND s.n % 3 <> 0 THEN 'done' WHEN s.n % 5 = 0 THEN 'delayed'
                            WHEN s.n % 7 = 0 THEN 'at_risk' ELSE 'on_track' END,
                       'ดำเนินกิจกรรมตามแผนในไตรมาสที่ ' || s.period || ' ครบถ้วน',
                       CASE WHEN s.n % 5 = 0 THEN 'ครูผู้รับผิดชอบย้ายสถานศึกษา กิจกรรมจึงล่าช้า' END,
                       'ดำเนินกิจกรรมต่อในไตรมาสถัดไปและติดตามผลกับนักเรียน',
                       (s.day + time '14:30') AT TIME ZONE 'Asia/Bangkok',
                       CASE WHEN s.period <= 2 THEN (s.day + 3 + time '10:00') AT TIME ZONE 'Asia/Bangkok' END
                FROM sent s WHERE s.day IS NOT NULL
                """)
            try tx.query(
                """
                INSERT INTO report_disbursement (district_id, school_id, report_id, budget_line_id, amount)
                SELECT r.district_id, r.school_id, r.id, b.id, round(b.amount * r.percent_complete / 100, 2)
                FROM progress_report r
                JOIN budget_line b ON b.district_id = r.district_id AND b.project_id = r.project_id
                WHERE r.district_id = \(district)
                """)
            // Quarterly actuals of the project indicators, and one corrected with its reason.
            try tx.query(
                """
                INSERT INTO indicator_actual (district_id, indicator_id, school_id, fiscal_year, period, value, reported_at)
                SELECT i.district_id, i.id, i.school_id, 2569, q, 55 + (i.id * 7 + q * 11) % 40,
                       make_date(2025 + (q + 8) / 12, (q * 3 + 9) % 12 + 1, 10)::timestamptz
                FROM indicator i CROSS JOIN generate_series(1, 3) AS q
                WHERE i.district_id = \(district) AND i.project_id IS NOT NULL
                ON CONFLICT DO NOTHING
                """)
            try tx.query(
                """
                INSERT INTO indicator_actual (district_id, indicator_id, school_id, fiscal_year, period, seq, value, correction_reason)
                SELECT a.district_id, a.indicator_id, a.school_id, a.fiscal_year, a.period, 2, a.value + 4,
                       'นับนักเรียนที่เข้าร่วมกิจกรรมรอบเพิ่มเติมตกหล่น'
                FROM indicator_actual a WHERE a.district_id = \(district) AND a.period = 1
                ORDER BY a.id LIMIT 1
                """)
        }

        // A supervision unit; visits done during the year with their findings, and two ahead.
        let calendar = CalendarStore(db), visits = VisitStore(db), findings = FindingStore(db)
        let team = try await calendar.createTeam(tenant, nameTH: "หน่วยศึกษานิเทศก์ กลุ่มที่ 1", memberIDs: [staff, admin])
        let schools = try await db.read(
            tenant, "SELECT id FROM school WHERE district_id = \(district) ORDER BY id LIMIT 6"
        ).rows.map { try $0.decode("id", as: Int64.self) }
        guard schools.count >= 4 else { return }
        let days = ["2026-01-14", "2026-02-11", "2026-06-17", "2026-08-19", "2026-12-16", "2027-01-13"]
        let kinds: [VisitKind] = [.supervision, .followUp, .inspection, .oversight, .supervision, .followUp]
        for (index, day) in days.enumerated() {
            guard let start = ISO8601DateFormatter().date(from: "\(day)T09:00:00+07:00"),
                let end = ISO8601DateFormatter().date(from: "\(day)T15:00:00+07:00")
            else { continue }
            let visit = try await visits.create(
                tenant,
                VisitInput(
                    kind: kinds[index], schoolID: schools[index % schools.count], teamID: team.id, memberIDs: nil,
                    purposeTH: [
                        "นิเทศการจัดการเรียนรู้ภาษาไทย ชั้นประถมศึกษาปีที่ 1", "ติดตามโครงการส่งเสริมนิสัยรักการอ่าน",
                        "ตรวจราชการตามนโยบาย สพฐ. ด้านความปลอดภัย", "กำกับการเบิกจ่ายงบประมาณโครงการ",
                        "นิเทศการจัดการเรียนรู้เชิงรุก", "ติดตามผลการดำเนินงานไตรมาสที่ 1",
                    ][index], startsAt: start, endsAt: end))
            guard index < 4 else { continue }
            _ = try await visits.setStatus(tenant, id: visit.id, expectedVersion: visit.version, to: .done, reason: nil)
            let finding = try await findings.create(
                tenant, visitID: visit.id,
                FindingInput(
                    findingTH: [
                        "ห้องสมุดยังไม่มีมุมอ่านสำหรับชั้นประถมต้น", "การบันทึกผลการอ่านของนักเรียนยังไม่สม่ำเสมอ",
                        "ทางหนีไฟชั้นสองมีสิ่งของกีดขวาง", "หลักฐานการเบิกจ่ายบางรายการยังไม่ครบ",
                    ][index],
                    recommendationTH: "จัดทำแผนแก้ไขและรายงานผลต่อเขตพื้นที่", responsibleTH: "ผู้อำนวยการโรงเรียน",
                    dueOn: CalendarDate(year: 2026, month: [3, 4, 7, 12][index], day: 31 - (index == 1 ? 1 : 0))))
            if index % 2 == 0 {
                _ = try await findings.close(
                    tenant, id: finding.id, expectedVersion: finding.version,
                    noteTH: "โรงเรียนดำเนินการแก้ไขแล้ว ศึกษานิเทศก์ตรวจสอบเมื่อ 15 ของเดือนถัดไป")
            }
        }
    }
}
