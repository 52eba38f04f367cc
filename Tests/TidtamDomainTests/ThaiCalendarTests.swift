import TidtamDomain
import XCTest

final class ThaiCalendarTests: XCTestCase {
    func testFiscalYearStartsOnFirstOctoberAndIsNamedByTheBuddhistYearItEndsIn() {
        XCTAssertEqual(FiscalYear(containing: CalendarDate(year: 2025, month: 9, day: 30)!), FiscalYear(2568))
        XCTAssertEqual(FiscalYear(containing: CalendarDate(year: 2025, month: 10, day: 1)!), FiscalYear(2569))
        XCTAssertEqual(FiscalYear(containing: CalendarDate(year: 2025, month: 12, day: 31)!), FiscalYear(2569))
        XCTAssertEqual(FiscalYear(containing: CalendarDate(year: 2026, month: 1, day: 1)!), FiscalYear(2569))
        XCTAssertEqual(FiscalYear(containing: CalendarDate(year: 2026, month: 9, day: 30)!), FiscalYear(2569))
        XCTAssertEqual(FiscalYear(containing: CalendarDate(year: 2026, month: 10, day: 1)!), FiscalYear(2570))
    }

    func testFiscalYearBoundsAndQuarters() {
        let fy = FiscalYear(2569)
        XCTAssertEqual(fy.start.iso, "2025-10-01")
        XCTAssertEqual(fy.end.iso, "2026-09-30")
        XCTAssertTrue(fy.contains(CalendarDate(year: 2026, month: 2, day: 28)!))
        XCTAssertFalse(fy.contains(CalendarDate(year: 2025, month: 9, day: 30)!))
        XCTAssertEqual(FiscalYear.quarter(of: CalendarDate(year: 2025, month: 10, day: 1)!), 1)
        XCTAssertEqual(FiscalYear.quarter(of: CalendarDate(year: 2025, month: 12, day: 31)!), 1)
        XCTAssertEqual(FiscalYear.quarter(of: CalendarDate(year: 2026, month: 1, day: 1)!), 2)
        XCTAssertEqual(FiscalYear.quarter(of: CalendarDate(year: 2026, month: 4, day: 1)!), 3)
        XCTAssertEqual(FiscalYear.quarter(of: CalendarDate(year: 2026, month: 9, day: 30)!), 4)
        XCTAssertEqual(fy.thaiName, "ปีงบประมาณ พ.ศ. 2569")
    }

    func testBuddhistEraDatesInThaiWords() {
        let day = CalendarDate(year: 2026, month: 11, day: 25)!
        XCTAssertEqual(ThaiCalendar.longDate(day), "25 พฤศจิกายน 2569")
        XCTAssertEqual(ThaiCalendar.shortDate(day), "25 พ.ย. 69")
        XCTAssertEqual(ThaiCalendar.longDate(CalendarDate(year: 2000, month: 1, day: 1)!), "1 มกราคม 2543")
        XCTAssertEqual(ThaiCalendar.monthNames.count, 12)
    }

    func testDatesAsOfficesWriteThemInEitherEra() {
        XCTAssertEqual(ThaiCalendar.parseDate("2569-11-25"), CalendarDate(year: 2026, month: 11, day: 25))
        XCTAssertEqual(ThaiCalendar.parseDate("2026-11-25"), CalendarDate(year: 2026, month: 11, day: 25))
        XCTAssertEqual(ThaiCalendar.parseDate("25/11/2569"), CalendarDate(year: 2026, month: 11, day: 25))
        // 29 February exists in BE 2567 (CE 2024, a leap year), not in BE 2569.
        XCTAssertEqual(ThaiCalendar.parseDate("29/02/2567"), CalendarDate(year: 2024, month: 2, day: 29))
        XCTAssertNil(ThaiCalendar.parseDate("29/02/2569"))
        XCTAssertNil(ThaiCalendar.parseDate("31/04/2569"))
        XCTAssertNil(ThaiCalendar.parseDate("ไม่ใช่วันที่"))
    }

    func testDatesWithThaiMonthsDigitsAndShortYears() {
        let day = CalendarDate(year: 2025, month: 10, day: 1)
        for text in [
            "1 ตุลาคม 2568", "1 ต.ค. 2568", "1 ต.ค.2568", "1 ต.ค. 68", "1ต.ค.68", "1 ตค 68", "1 ตุลาคม พ.ศ. 2568",
            "๑ ต.ค. ๒๕๖๘", " 01 ตุลาคม 2568 ", "1/10/68", "1/10/2025",
        ] {
            XCTAssertEqual(ThaiCalendar.parseDate(text), day, text)
        }
        XCTAssertEqual(ThaiCalendar.parseDate("15 มี.ค. 69"), CalendarDate(year: 2026, month: 3, day: 15))
        XCTAssertEqual(ThaiCalendar.parseDate("30 มิถุนายน 2569"), CalendarDate(year: 2026, month: 6, day: 30))
        XCTAssertEqual(ThaiCalendar.parseDate("29 ก.พ. 2567"), CalendarDate(year: 2024, month: 2, day: 29))
        // A short year under 50 could be CE 2025 cut short as well as BE 2525: refused, not guessed.
        XCTAssertNil(ThaiCalendar.parseDate("1/10/25"))
        for text in ["29 ก.พ. 2569", "1 ตุลา 2568", "1 ต.ค.", "ต.ค. 2568", "1 ต.ค. 2568 เป็นต้นไป", "123 ต.ค. 2568"] {
            XCTAssertNil(ThaiCalendar.parseDate(text), text)
        }
    }

    func testRolesAllowOnlyTheirActions() {
        XCTAssertTrue(Action.manageSchools.isAllowed(for: .districtAdmin))
        XCTAssertFalse(Action.manageSchools.isAllowed(for: .schoolStaff))
        XCTAssertTrue(Action.updateOwnSchool.isAllowed(for: .schoolStaff))
        XCTAssertFalse(Action.managePlans.isAllowed(for: .committee))
        XCTAssertFalse(Action.managePlans.isAllowed(for: .national))
        XCTAssertTrue(Action.readSchools.isAllowed(for: .national))
        XCTAssertFalse(Action.readUsers.isAllowed(for: .schoolStaff))
    }
}
