import Foundation
/// The Thai calendar as district offices use it: Buddhist Era years (CE + 543), Thai month
/// names, and the government fiscal year, which runs 1 October – 30 September and is named by
/// the BE year in which it ends (FY 2569 = 1 Oct 2025 – 30 Sep 2026).
public enum ThaiCalendar {
    public static let buddhistEraOffset = 543

    public static func buddhistYear(ofCommonEra year: Int) -> Int { year + buddhistEraOffset }
    public static func commonEraYear(ofBuddhist year: Int) -> Int { year - buddhistEraOffset }

    public static let monthNames = [
        "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
        "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
    ]
    public static let monthAbbreviations = [
        "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
        "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
    ]

    /// "25 พฤศจิกายน 2569" — the long form used in official letters and reports.
    public static func longDate(_ date: CalendarDate) -> String {
        "\(date.day) \(monthNames[date.month - 1]) \(buddhistYear(ofCommonEra: date.year))"
    }

    /// "25 พ.ย. 69" — the short form used in tables.
    public static func shortDate(_ date: CalendarDate) -> String {
        let be = buddhistYear(ofCommonEra: date.year) % 100
        return "\(date.day) \(monthAbbreviations[date.month - 1]) \(be < 10 ? "0" : "")\(be)"
    }
}

/// A Thai government fiscal year, named by its Buddhist Era year (`FiscalYear(2569)`).
public struct FiscalYear: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let buddhistYear: Int

    public init(_ buddhistYear: Int) { self.buddhistYear = buddhistYear }

    /// The fiscal year a day falls in: October to December belong to the next year's budget.
    public init(containing date: CalendarDate) {
        let ceEnd = date.month >= 10 ? date.year + 1 : date.year
        self.buddhistYear = ThaiCalendar.buddhistYear(ofCommonEra: ceEnd)
    }

    /// The fiscal year of the day it is in Thailand (UTC+7 all year, no daylight saving).
    public static func current(at now: Date = Date()) -> FiscalYear {
        FiscalYear(containing: CalendarDate.today(at: now))
    }

    public var start: CalendarDate {
        CalendarDate(year: ThaiCalendar.commonEraYear(ofBuddhist: buddhistYear) - 1, month: 10, day: 1)!
    }
    public var end: CalendarDate {
        CalendarDate(year: ThaiCalendar.commonEraYear(ofBuddhist: buddhistYear), month: 9, day: 30)!
    }

    public func contains(_ date: CalendarDate) -> Bool { start <= date && date <= end }

    /// Quarter 1 is October–December; quarter 4 is July–September.
    public static func quarter(of date: CalendarDate) -> Int { ((date.month + 2) % 12) / 3 + 1 }

    /// "ปีงบประมาณ พ.ศ. 2569"
    public var thaiName: String { "ปีงบประมาณ พ.ศ. \(buddhistYear)" }
    public var description: String { "FY \(buddhistYear)" }

    public static func < (a: FiscalYear, b: FiscalYear) -> Bool { a.buddhistYear < b.buddhistYear }
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}

extension CalendarDate {
    /// The day it is in Thailand (UTC+7 all year, no daylight saving).
    public static func today(at now: Date = Date()) -> CalendarDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 7 * 3600)!
        let parts = calendar.dateComponents([.year, .month, .day], from: now)
        return CalendarDate(year: parts.year!, month: parts.month!, day: parts.day!)!
    }
}
