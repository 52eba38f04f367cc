import Foundation
import Postgres
import TidtamDomain

/// The demo's self-assessment reports and its reports across schools: every school's SAR for
/// the academic years 2567 and 2568 (all but one submitted, one left a draft, one not begun),
/// and for the first district its annual report of fiscal year 2569 asked for and published, its
/// agreements' evaluation and its SAR summary — assembled by the worker of `./deploy/dev/up`;
/// and OBEC's annual report of fiscal year 2569 across the demo's districts.
struct DemoReports {
    let db: Database

    static let improvements: [(SARStandard, String)] = [
        (.learners, "การอ่านออกเขียนได้ของนักเรียนชั้นประถมศึกษาปีที่ 1"),
        (.learners, "ทักษะการคิดวิเคราะห์และการแก้ปัญหา"),
        (.teaching, "การใช้สื่อและเทคโนโลยีในการจัดการเรียนรู้"),
        (.management, "การมีส่วนร่วมของผู้ปกครองและชุมชน"),
    ]
    static let strengths: [(SARStandard, String)] = [
        (.management, "ผู้บริหารมีวิสัยทัศน์และบริหารงานแบบมีส่วนร่วม"),
        (.learners, "นักเรียนมีคุณลักษณะอันพึงประสงค์และมีสุขภาวะที่ดี"),
        (.teaching, "ครูจัดการเรียนรู้เชิงรุกและใช้การวัดผลที่หลากหลาย"),
    ]

    func load(_ tenant: DistrictTenant, schools: [Int64], publishes: Bool) async throws {
        let district = tenant.districtID
        guard try await db.read(tenant, "SELECT 1 FROM sar_report WHERE district_id = \(district)").rowCount == 0
        else { return }
        let store = SARStore(db)
        for (n, school) in schools.enumerated() where n != schools.count - 1 {  // the last has not begun
            for year in [2567, 2568] {
                // Levels that rise a little from one year to the next, differing by school.
                let base = 2 + (n % 3), rise = year == 2568 ? 1 : 0
                let levels: [SARStandard: SARLevel] = [
                    .learners: SARLevel(rawValue: min(5, base + rise))!,
                    .management: SARLevel(rawValue: min(5, base + 1))!,
                    .teaching: SARLevel(rawValue: min(5, max(1, base - 1 + rise)))!,
                ]
                let points =
                    [Self.improvements[n % 4], Self.improvements[(n + 1 + year % 2) % 4]].map {
                        SARPoint(standard: $0.0, kind: .improvement, textTH: $0.1)
                    } + [Self.strengths[n % 3]].map { SARPoint(standard: $0.0, kind: .strength, textTH: $0.1) }
                let made = try await store.create(
                    tenant, schoolID: school, academicYear: year,
                    SARInput(
                        levels: levels, summaryTH: "สถานศึกษาประเมินตนเองตามมาตรฐานการศึกษาขั้นพื้นฐาน ปีการศึกษา \(year)",
                        points: points))
                if year == 2568 && n == schools.count - 2 { continue }  // still a draft
                _ = try await store.submit(tenant, id: made.id, expectedVersion: made.version)
            }
        }
        guard publishes else { return }
        let reports = ReportStore(db)
        _ = try await reports.request(
            tenant, ReportRequestInput(kind: .annual, fiscalYear: FiscalYear(2569), publish: true))
        _ = try await reports.request(
            tenant, ReportRequestInput(kind: .agreementEvaluation, fiscalYear: FiscalYear(2569)))
        _ = try await reports.request(tenant, ReportRequestInput(kind: .sarSummary, academicYear: 2568))
    }

    /// OBEC's annual report across every district, asked for once.
    func loadNational() async throws {
        let store = NationalReportStore(db)
        let asked = try await store.requests(.nationalService, kind: .annual, page: PageRequest(limit: 1))
        guard asked.items.isEmpty else { return }
        _ = try await store.request(.nationalService, ReportRequestInput(kind: .annual, fiscalYear: FiscalYear(2569)))
    }
}
