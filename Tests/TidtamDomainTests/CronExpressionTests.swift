import Foundation
import TidtamDomain
import XCTest

final class CronExpressionTests: XCTestCase {
    let bangkok = TimeZone(identifier: "Asia/Bangkok")!

    func date(_ iso: String) -> Date { try! Date(iso, strategy: .iso8601) }

    func testSlotsFollowTheDeploymentsTimeZone() {
        // 07:00 in Bangkok is 00:00 UTC.
        let cron = CronExpression("0 7 * * *")!
        let slots = cron.slots(after: date("2026-11-24T12:00:00Z"), upTo: date("2026-11-26T12:00:00Z"), in: bangkok)
        XCTAssertEqual(slots, [date("2026-11-25T00:00:00Z"), date("2026-11-26T00:00:00Z")])
    }

    func testListsRangesStepsAndWeekdays() {
        let weekdayMornings = CronExpression("*/30 8-9 * * 1-5")!
        // Friday 27 Nov 2026 to Monday 30 Nov, Bangkok time.
        let slots = weekdayMornings.slots(
            after: date("2026-11-27T00:00:00Z"), upTo: date("2026-11-30T03:00:00Z"), in: bangkok)
        XCTAssertEqual(slots.count, 8)  // Friday 8:00 8:30 9:00 9:30, Monday the same
        XCTAssertEqual(
            CronExpression("0 0 1 10 *")!.slots(
                after: date("2026-01-01T00:00:00Z"), upTo: date("2027-01-01T00:00:00Z"), in: bangkok),
            [date("2026-09-30T17:00:00Z")], "the first day of the fiscal year, at midnight in Bangkok")
        XCTAssertEqual(CronExpression("0 12 * * 0")!, CronExpression("0 12 * * 7")!)
    }

    func testInvalidExpressionsAreRefused() {
        for bad in ["", "* * * *", "60 * * * *", "* 24 * * *", "*/0 * * * *", "5-1 * * * *", "a * * * *", "* * 0 * *"] {
            XCTAssertNil(CronExpression(bad), bad)
        }
    }

    func testTheSlotAtTheLowerBoundIsNotRepeated() {
        let everyMinute = CronExpression("* * * * *")!
        let slots = everyMinute.slots(
            after: date("2026-11-25T10:00:00Z"), upTo: date("2026-11-25T10:03:00Z"), in: bangkok)
        XCTAssertEqual(
            slots, [date("2026-11-25T10:01:00Z"), date("2026-11-25T10:02:00Z"), date("2026-11-25T10:03:00Z")])
    }
}
