import Foundation
import Postgres
import TidtamDomain

/// A year of reporting for the demo (fiscal year 2569): OBEC's quarterly report of every school
/// and its annual report of every district office; a district's own monthly report of three
/// schools; the schools' submissions on time, late, returned and sent again, and never sent, as
/// their first sending's time reads them. Loaded once per district (skipped when it has a
/// submission).
struct DemoReporting {
    let db: Database

    static let quarterly = RequirementInput(
        titleTH: "รายงานผลการดำเนินงานตามนโยบาย สพฐ. รายไตรมาส", titleEN: "Quarterly report on OBEC's policies",
        fiscalYear: FiscalYear(2569), frequency: .quarter, dueDays: 10, onTimeDays: 15, audience: .schools,
        sections: [
            RequirementSection(key: "progress", kind: .progress, titleTH: "ความก้าวหน้าของโครงการ"),
            RequirementSection(key: "actuals", kind: .actuals, titleTH: "ผลการดำเนินงานตามตัวชี้วัด"),
            RequirementSection(key: "summary", kind: .text, titleTH: "สรุปผลการดำเนินงานและปัญหาอุปสรรค"),
        ])

    static let officeAnnual = RequirementInput(
        titleTH: "รายงานผลการดำเนินงานประจำปีของสำนักงานเขตพื้นที่การศึกษา", titleEN: "District office's annual report",
        fiscalYear: FiscalYear(2569), frequency: .year, dueDays: 60, onTimeDays: 0, audience: .districtOffice,
        sections: [
            RequirementSection(key: "evaluation", kind: .evaluation, titleTH: "ผลการประเมิน"),
            RequirementSection(key: "summary", kind: .text, titleTH: "สรุปผลการดำเนินงานประจำปี"),
        ])

    static let monthly = RequirementInput(
        titleTH: "รายงานการนิเทศภายในสถานศึกษา รายเดือน", fiscalYear: FiscalYear(2569), frequency: .month, dueDays: 5,
        onTimeDays: 3, audience: .listedSchools, schoolIDs: [],
        sections: [RequirementSection(key: "supervision", kind: .text, titleTH: "ผลการนิเทศภายใน")],
        reminderPolicy: ReminderPolicy(
            beforeDays: [3], onDueDay: true, overdueEveryDays: 2, overdueTimes: 2, escalate: true))

    /// OBEC's two requirements, issued once whoever loads the demo first.
    func loadNational() async throws {
        let store = NationalRequirementStore(db)
        let existing = try await store.list(Tenant.nationalService, fiscalYear: 2569, page: PageRequest(limit: 1))
        guard existing.items.isEmpty else { return }
        _ = try await store.issue(.nationalService, Self.quarterly)
        _ = try await store.issue(.nationalService, Self.officeAnnual)
    }

    /// How a school of the demo reports each quarter: on time, late, returned and sent again
    /// (on time), or never.
    enum Sending { case onTime, late, returnedThenSent, never }
    static func pattern(school index: Int, quarter: Int) -> Sending {
        switch (index % 4, quarter) {
        case (0, _): .onTime
        case (1, 1...2): .onTime
        case (1, 3): .late
        case (2, 1): .returnedThenSent
        case (2, 2): .late
        default: .never
        }
    }

    func load(_ tenant: DistrictTenant, schools: [Int64]) async throws {
        let district = tenant.districtID
        let done = try await db.read(tenant, "SELECT 1 FROM report_submission WHERE district_id = \(district)").rowCount
        guard done == 0 else { return }
        _ = try await db.transaction(tenant) { tx in try ReportingScan.copyNationalRequirements(tx, district: district)
        }
        var monthly = Self.monthly
        monthly.schoolIDs = Array(schools.prefix(3))
        let own = try await RequirementStore(db).create(tenant, monthly)
        let quarterly: Int64 = try await db.read(
            tenant,
            """
            SELECT r.id FROM report_requirement r JOIN national_requirement n ON n.id = r.national_requirement_id
            WHERE r.district_id = \(district) AND n.frequency = 'quarter' AND n.fiscal_year = 2569 ORDER BY r.id LIMIT 1
            """
        ).first!.decode("id")
        for (index, school) in schools.prefix(8).enumerated() {
            for quarter in 1...4 {
                let sending = Self.pattern(school: index, quarter: quarter)
                guard sending != .never else { continue }
                try await send(
                    tenant, requirement: quarterly, period: quarter, school: school, sending: sending,
                    text: ["summary": "ดำเนินโครงการตามแผน ไตรมาสที่ \(quarter) ปัญหาอุปสรรค: งบประมาณได้รับล่าช้า"])
            }
        }
        // The monthly report: the first school every month on time, the second until March, then late.
        for month in 1...12 {
            try await send(
                tenant, requirement: own.id, period: month, school: schools[0], sending: .onTime,
                text: ["supervision": "นิเทศการจัดการเรียนการสอนครบทุกชั้น"])
            if month <= 9 {
                try await send(
                    tenant, requirement: own.id, period: month, school: schools[1],
                    sending: month <= 6 ? .onTime : .late,
                    text: ["supervision": "นิเทศชั้นประถมศึกษา"])
            }
        }
        // What the scan makes of it today: the reminders due and the administrators' summary of
        // what is overdue (delivered by the worker).
        _ = try await db.transaction(tenant) { tx in try ReportingScan.run(tx, district: district) }
        // The consolidated report of OBEC's first quarter, asked for: the worker assembles it
        // (JSON, CSV, XLSX, HTML, then the PDF), to read at /api/v1/reports.
        _ = try await ReportStore(db).request(
            tenant, ReportRequestInput(kind: .requirementConsolidated, requirementID: quarterly, period: 1))
    }

    /// Sends a submission through the store, then dates its first sending as `sending` says
    /// (two days before the due date, or five days after the last day that counts).
    func send(
        _ tenant: DistrictTenant, requirement: Int64, period: Int, school: Int64, sending: Sending,
        text: [String: String?]
    ) async throws {
        let store = SubmissionStore(db), district = tenant.districtID
        let (draft, _) = try await store.open(tenant, requirementID: requirement, period: period, schoolID: school)
        let written = try await store.update(tenant, id: draft.id, expectedVersion: draft.version, texts: text)
        var sent = try await store.submit(tenant, id: draft.id, expectedVersion: written.version)
        if sending == .returnedThenSent {
            let returned = try await store.returnSubmission(
                tenant, id: draft.id, expectedVersion: sent.version, reason: "ขอให้แนบรายละเอียดการเบิกจ่ายงบประมาณ")
            sent = try await store.submit(tenant, id: draft.id, expectedVersion: returned.version)
        }
        if sending != .late { _ = try await store.accept(tenant, id: draft.id, expectedVersion: sent.version) }
        let when: SQL =
            sending == .late
            ? "(p.ends_on + r.due_days + r.on_time_days + 5) + time '09:30'"
            : "(p.ends_on + r.due_days - 2) + time '14:00'"
        try await db.transaction(tenant) { tx in
            try tx.query(
                """
                UPDATE report_submission s SET first_submitted_at = (\(when)) AT TIME ZONE 'Asia/Bangkok',
                       submitted_at = (\(when)) AT TIME ZONE 'Asia/Bangkok'
                FROM report_requirement r, tidtam_fiscal_periods(r.fiscal_year, r.frequency) p
                WHERE s.district_id = \(district) AND s.id = \(draft.id) AND r.district_id = s.district_id
                  AND r.id = s.requirement_id AND p.period_no = s.period_no
                """)
        }
    }
}
