import Foundation
@testable import Postgres
import TestSupport
import TidtamDomain
import TidtamImport
import TidtamStore
import XCTest

/// A database of its own with two districts of schools, for each import test.
class ImportTestCase: XCTestCase {
    var testDB: TestDatabase!
    var db: Database!
    var fixture: Fixture!

    override func setUp() async throws {
        testDB = try TestDatabase.create()
        db = testDB.database(poolSize: 2)
        fixture = try await Fixture.make(db)
    }

    override func tearDown() async throws {
        await db?.shutdown()
        testDB?.drop()
    }
}

/// Imports of files the way offices hold them, against a real PostgreSQL: all or nothing,
/// every bad row reported with its line.
final class ImportTests: ImportTestCase {
    var scopeA: DistrictTenant { DistrictTenant.background(fixture.districtA) }

    func csv(_ lines: [String], bom: Bool = true) -> Data {
        Data(((bom ? "\u{FEFF}" : "") + lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    /// Rows of a table as the district sees them (row-level security binds the owner too).
    func count(_ table: String, district: Int64, where condition: String = "true") async throws -> Int {
        try await db.read(
            DistrictTenant.background(district),
            "SELECT count(*) AS n FROM \(table) WHERE district_id = $1 AND \(condition)", [district]
        )
        .first!.decode("n")
    }

    static let projectHeader =
        "รหัสโรงเรียน,ปีงบประมาณ,รหัสโครงการ,ประเภท,ชื่อโครงการ,ผู้รับผิดชอบ,วันเริ่มต้น,วันสิ้นสุด,งบประมาณ สพฐ.,เงินบริจาค"

    func testProjectsWithThaiHeadersByteOrderMarkAndBuddhistDatesLoad() async throws {
        let file = csv([
            Self.projectHeader,
            "5200000001,2569,P01,โครงการ,\"โครงการส่งเสริมการอ่าน, ห้องสมุดมีชีวิต\",ครูสมศรี,1/10/2568,30/9/2569,\"45,000.50\",2500",
            "5200000001,2569,P02,งาน,งานพัสดุ,ครูสมชาย,2025-10-01,2026-03-31,12000,",
            ",2569,D01,โครงการ,โครงการนิเทศของสำนักงานเขต,ศึกษานิเทศก์,1 พ.ย. 2568,๓๑ สิงหาคม ๒๕๖๙,300000,",
        ])
        let report = try await Importer(db).run(.projects, data: file, tenant: scopeA)
        XCTAssertEqual(report.errors, [])
        XCTAssertEqual(report.inserted, ["action_plans": 2, "projects": 3, "budget_lines": 4])
        let page = try await ProjectStore(db).list(
            scopeA, filter: ProjectFilter(schoolID: fixture.schoolsA[0], fiscalYear: 2569), page: PageRequest())
        XCTAssertEqual(page.items.count, 2)
        XCTAssertTrue(
            page.items[0].contains("\"start_date\" : \"2025-10-01\"")
                || page.items[0].contains("\"start_date\":\"2025-10-01\""), page.items[0])
        XCTAssertTrue(page.items[0].contains("47500.50"), page.items[0])
        XCTAssertTrue(page.items[0].contains("ห้องสมุดมีชีวิต"))
        // The district office's own row went to the office's plan (no school).
        let officePlans = try await count("action_plan", district: fixture.districtA, where: "school_id IS NULL")
        XCTAssertEqual(officePlans, 1)
        // Thai month names and Thai digits are dates too.
        let officeDates = try await count(
            "project", district: fixture.districtA,
            where: "code = 'D01' AND start_date = '2025-11-01' AND end_date = '2026-08-31'")
        XCTAssertEqual(officeDates, 1)
    }

    func testAFileWithBadRowsChangesNothingAndListsEveryBadRow() async throws {
        let file = csv([
            Self.projectHeader,
            "5200000001,2569,P01,โครงการ,โครงการดี,ครู,1/10/2568,30/9/2569,1000,",
            "5200000001,2569,P02,โครงการ,\"ชื่อที่มี\nสองบรรทัด\",ครู,1/10/2568,30/9/2569,1000,",
            "5100000001,2569,P03,โครงการ,โรงเรียนของเขตอื่น,ครู,1/10/2568,30/9/2569,1000,",
            "5200000001,2569,P04,โครงการ,วันที่ผิด,ครู,31/2/2569,30/9/2569,1000,",
            "5200000001,2569,P05,โครงการ,,ครู,1/10/2568,30/9/2569,-5,",
            "5200000001,2569,P01,โครงการ,รหัสซ้ำ,ครู,1/10/2568,30/9/2569,1000,",
            "5200000001,2569,P06,ไม่รู้จัก,ประเภทผิด,ครู,1/10/2569,30/9/2569,\"1,000.505\",",
        ])
        let report = try await Importer(db).run(.projects, data: file, tenant: scopeA)
        XCTAssertFalse(report.succeeded)
        let found = report.errors.map { "\($0.line):\($0.column ?? "")" }
        // The row on line 3 holds a two-line cell, so the next row starts on line 5.
        XCTAssertEqual(
            found,
            [
                "5:school_code", "6:start_date", "7:budget_obec", "7:name_th", "8:code", "9:budget_obec", "9:end_date",
                "9:kind",
            ], "\(report.errors)")
        XCTAssertTrue(report.errors.allSatisfy { !$0.detailTH.isEmpty })
        let projectCount = try await count("project", district: fixture.districtA)
        XCTAssertEqual(projectCount, 0)
        let planCount = try await count("action_plan", district: fixture.districtA)
        XCTAssertEqual(planCount, 0, "nothing half-loaded, not even the plan")
    }

    func testSchoolStaffImportTheirOwnSchoolsRowsOnly() async throws {
        let staff = DistrictTenant.acting(
            districtID: fixture.districtA, schoolID: fixture.schoolsA[0], role: .schoolStaff, userID: 5)
        let mixed = try await Importer(db).run(
            .projects,
            data: csv([
                Self.projectHeader,
                ",2569,P01,โครงการ,โครงการของโรงเรียนเอง,ครู,,,1000,",
                "5200000011,2569,P02,โครงการ,โครงการของโรงเรียนอื่น,ครู,,,1000,",
            ]), tenant: staff)
        XCTAssertEqual(mixed.errors.map { "\($0.line):\($0.code)" }, ["3:not_own_school"])
        let own = try await Importer(db).run(
            .projects, data: csv([Self.projectHeader, ",2569,P01,โครงการ,โครงการของโรงเรียนเอง,ครู,,,1000,"]),
            tenant: staff)
        XCTAssertEqual(own.inserted["projects"], 1)
        let plans = try await count(
            "action_plan", district: fixture.districtA, where: "school_id = \(fixture.schoolsA[0])")
        XCTAssertEqual(plans, 1, "a blank school is the school staff member's own")
    }

    func testAnApprovedPlanTakesNoImportedProjects() async throws {
        let plans = ActionPlanStore(db), projects = ProjectStore(db)
        var plan = try await plans.create(
            scopeA, ActionPlanInput(schoolID: fixture.schoolsA[0], fiscalYear: FiscalYear(2569), titleTH: "แผน"))
        _ = try await projects.create(scopeA, planID: plan.id, ProjectInput(code: "P01", nameTH: "มีอยู่แล้ว"))
        plan = try await plans.apply(.submit, scopeA, id: plan.id, expectedVersion: plan.version)
        plan = try await plans.apply(.approve, scopeA, id: plan.id, expectedVersion: plan.version)
        let report = try await Importer(db).run(
            .projects, data: csv([Self.projectHeader, "5200000001,2569,P02,โครงการ,ใหม่,ครู,,,,"]), tenant: scopeA)
        XCTAssertEqual(report.errors.map(\.code), ["plan_frozen"])
        let projectCount = try await count("project", district: fixture.districtA)
        XCTAssertEqual(projectCount, 1)
    }

    /// Two offices' staff send the same file at once: one loads it, the other gets every row
    /// reported as already there, not a database error about a key.
    func testTheSameFileImportedTwiceAtOnceLoadsOnce() async throws {
        let rows = (1...300).map { "5200000001,2569,Q\($0),โครงการ,โครงการที่ \($0),ครูสมศรี,1/10/2568,30/9/2569,1000," }
        let file = csv([Self.projectHeader] + rows)
        let importer = Importer(db), scope = scopeA
        async let first = importer.run(.projects, data: file, tenant: scope)
        async let second = importer.run(.projects, data: file, tenant: scope)
        let reports = try await [first, second]
        XCTAssertEqual(reports.filter(\.succeeded).count, 1, "\(reports.map(\.errors.count))")
        let refused = reports.first { !$0.succeeded }
        XCTAssertEqual(refused?.errors.count, 300)
        XCTAssertEqual(Set(refused?.errors.map(\.code) ?? []), ["exists"])
        let projects = try await count("project", district: fixture.districtA, where: "code LIKE 'Q%'")
        XCTAssertEqual(projects, 300)
    }

    func testSchoolsImportRefusesCodesTheDistrictAlreadyHas() async throws {
        let header = "รหัสโรงเรียน,ชื่อโรงเรียน,จังหวัด,ขนาด,จำนวนนักเรียน"
        let bad = try await Importer(db).run(
            .schools,
            data: csv([header, "5200000001,โรงเรียนซ้ำ,ลำปาง,เล็ก,120", "5200009999,โรงเรียนใหม่,ลำปาง,จิ๋ว,abc"], bom: false),
            tenant: scopeA)
        XCTAssertEqual(
            bad.errors.map { "\($0.line):\($0.column ?? ""):\($0.code)" },
            ["2:obec_code:exists", "3:size:invalid_value", "3:student_count:invalid_number"])
        // Each error names the column as the file does, found in the file's own Thai heading.
        XCTAssertEqual(bad.errors.map(\.header), ["รหัสโรงเรียน", "ขนาด", "จำนวนนักเรียน"])
        let good = try await Importer(db).run(
            .schools, data: csv([header, "5200009999,โรงเรียนบ้านใหม่,ลำปาง,ใหญ่พิเศษ,1500"]), tenant: scopeA)
        XCTAssertEqual(good.inserted, ["schools": 1])
        // Another district may use the same code: codes are unique per district.
        let other = try await Importer(db).run(
            .schools, data: csv([header, "5200009999,โรงเรียนบ้านใหม่,ลำพูน,,"]),
            tenant: DistrictTenant.background(fixture.districtB))
        XCTAssertEqual(other.inserted, ["schools": 1])
    }

    /// A code that is already wrong (empty, too long, not digits) is reported for what it is and
    /// takes no part in the duplicate check: two wrong codes are not "the same code".
    func testInvalidCodesAreNotReportedAsDuplicatesOfEachOther() async throws {
        let header = "รหัสโรงเรียน,ชื่อโรงเรียน"
        let report = try await Importer(db).run(
            .schools,
            data: csv(
                [
                    header, ",โรงเรียนไม่มีรหัส", "52000000011234,โรงเรียนรหัสยาว", "52ABC,โรงเรียนรหัสผิด",
                    "5200007777,โรงเรียนหนึ่ง",
                    "5200007777,โรงเรียนสอง",
                ], bom: false), tenant: scopeA)
        XCTAssertEqual(
            report.errors.map { "\($0.line):\($0.column ?? ""):\($0.code)" },
            ["2:obec_code:required", "3:obec_code:too_long", "4:obec_code:format", "6:obec_code:duplicate_in_file"])
    }

    func testAHeaderThatDoesNotMatchIsRefusedBeforeAnyRow() async throws {
        do {
            _ = try await Importer(db).run(
                .schools, data: csv(["รหัสโรงเรียน,ชื่อโรงเรียน,สีประจำโรงเรียน", "5200009999,โรงเรียน,แดง"]), tenant: scopeA)
            XCTFail("accepted an unknown column")
        } catch ImportFailure.file(let why) {
            XCTAssertTrue(why.english.contains("สีประจำโรงเรียน"), why.english)
        }
        // Neither UTF-8 nor Thai Windows text; and a file marked as UTF-8 that is damaged.
        for bytes in [[0xFF, 0xFE, 0x41], [0xEF, 0xBB, 0xBF, 0x61, 0xE0, 0x0A]] as [[UInt8]] {
            do {
                _ = try await Importer(db).run(.schools, data: Data(bytes), tenant: scopeA)
                XCTFail("accepted a file that is not text: \(bytes)")
            } catch ImportFailure.file(let why) {
                XCTAssertTrue(why.english.contains("UTF-8"), why.english)
            }
        }
    }

    /// Excel on a Thai Windows saves “CSV (Comma delimited)” in code page 874, not UTF-8.
    func testAFileSavedAsThaiWindowsCSVImportsAsItIs() async throws {
        let text = "รหัสโรงเรียน,ชื่อโรงเรียน,จังหวัด\r\n5200009999,โรงเรียนบ้านแม่ทะ,ลำปาง\r\n"
        // TIS-620, the Thai part of code page 874: U+0E01…U+0E5B are the bytes 0xA1…0xFB.
        let cp874 = Data(
            text.unicodeScalars.map { $0.value < 0x80 ? UInt8($0.value) : UInt8($0.value - 0x0E00 + 0xA0) })
        XCTAssertNil(String(data: cp874, encoding: .utf8))
        let report = try await Importer(db).run(.schools, data: cp874, tenant: scopeA)
        XCTAssertEqual(report.errors, [])
        let named = try await count(
            "school", district: fixture.districtA, where: "name_th = 'โรงเรียนบ้านแม่ทะ' AND province_th = 'ลำปาง'")
        XCTAssertEqual(named, 1)
    }

    func testAnExcelWorkbookIsRefusedWithWhatToDoInstead() async throws {
        for (magic, kind) in [
            ([UInt8]([0x50, 0x4B, 0x03, 0x04, 0x14, 0x00]), ".xlsx"),
            ([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0x00], ".xls"),
        ] {
            do {
                _ = try await Importer(db).run(.projects, data: Data(magic), tenant: scopeA)
                XCTFail("accepted an Excel workbook")
            } catch ImportFailure.file(let why) {
                XCTAssertTrue(why.english.contains(kind) && why.english.contains("CSV UTF-8"), why.english)
                XCTAssertTrue(why.thai.contains("ไฟล์ Excel"), why.thai)
            }
        }
    }

    func testIndicatorsAttachToTheirProjectWithAYearlyTarget() async throws {
        _ = try await Importer(db).run(
            .projects, data: csv([Self.projectHeader, "5200000001,2569,P01,โครงการ,โครงการอ่าน,ครู,,,,"]), tenant: scopeA)
        let header = "รหัสโรงเรียน,ปีงบประมาณ,รหัสโครงการ,ตัวชี้วัด,หน่วยนับ,ระดับ1,ระดับ2,ระดับ3,ระดับ4,ระดับ5,น้ำหนัก,ค่าเป้าหมาย"
        let bad = try await Importer(db).run(
            .indicators,
            data: csv([
                header,
                "5200000001,2569,P01,ร้อยละนักเรียนที่อ่านคล่อง,ร้อยละ,50,60,70,80,90,20,80",
                "5200000001,2569,P99,ไม่มีโครงการนี้,ร้อยละ,50,60,70,80,90,20,80",
                "5200000001,2569,P01,ระดับสลับ,ร้อยละ,50,40,70,80,90,20,80",
            ]), tenant: scopeA)
        XCTAssertEqual(bad.errors.map { "\($0.line):\($0.code)" }, ["3:unknown_project", "4:order"])
        let good = try await Importer(db).run(
            .indicators, data: csv([header, "5200000001,2569,P01,ร้อยละนักเรียนที่อ่านคล่อง,ร้อยละ,50,60,70,80,90,20,80"]),
            tenant: scopeA)
        XCTAssertEqual(good.inserted, ["indicators": 1, "targets": 1])
        let page = try await IndicatorStore(db).list(
            scopeA, filter: IndicatorFilter(schoolID: fixture.schoolsA[0]), page: PageRequest())
        XCTAssertEqual(page.items.count, 1)
        XCTAssertTrue(page.items[0].contains("\"project_id\""))
    }
}
