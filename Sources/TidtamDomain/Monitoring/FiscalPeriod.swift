/// How often a district's projects report progress (the district chooses).
public enum ReportFrequency: String, CaseIterable, Sendable, Codable {
    case monthly, quarterly

    public var thaiName: String { self == .monthly ? "รายเดือน" : "รายไตรมาส" }
}

/// The kinds of period a due item of the monitoring plan covers.
public enum PeriodKind: String, CaseIterable, Sendable, Codable {
    /// 1 = October … 12 = September.
    case month
    /// 1 = October–December … 4 = July–September.
    case quarter
    /// 1 = October–March (mid-year), 2 = April–September (year-end).
    case half
    /// A milestone activity's checkpoint (number 0).
    case milestone
}

/// One reporting period of a fiscal year: its kind and number, its first and last day.
public struct FiscalPeriod: Sendable, Equatable {
    public let fiscalYear: FiscalYear
    public let kind: PeriodKind
    public let number: Int
    public let start: CalendarDate
    public let end: CalendarDate

    /// "ไตรมาสที่ 1 ปีงบประมาณ พ.ศ. 2569", "เดือนตุลาคม 2568", "ครึ่งปีแรก ปีงบประมาณ พ.ศ. 2569".
    public var thaiName: String {
        switch kind {
        case .month:
            return
                "เดือน\(ThaiCalendar.monthNames[start.month - 1]) \(ThaiCalendar.buddhistYear(ofCommonEra: start.year))"
        case .quarter: return "ไตรมาสที่ \(number) \(fiscalYear.thaiName)"
        case .half: return "\(number == 1 ? "ครึ่งปีแรก" : "ครึ่งปีหลัง") \(fiscalYear.thaiName)"
        case .milestone: return "จุดตรวจสอบ \(fiscalYear.thaiName)"
        }
    }
}

extension FiscalYear {
    /// The periods a project reports on, in order: 12 months or 4 quarters from 1 October.
    public func reportingPeriods(_ frequency: ReportFrequency) -> [FiscalPeriod] {
        switch frequency {
        case .monthly: return (1...12).map { months(from: $0, count: 1, kind: .month, number: $0) }
        case .quarterly: return (1...4).map { months(from: 3 * $0 - 2, count: 3, kind: .quarter, number: $0) }
        }
    }

    /// Mid-year (October–March) and year-end (April–September): when agreements are followed up.
    public var halves: [FiscalPeriod] {
        [months(from: 1, count: 6, kind: .half, number: 1), months(from: 7, count: 6, kind: .half, number: 2)]
    }

    /// `count` months starting at fiscal month `first` (1 = October).
    private func months(from first: Int, count: Int, kind: PeriodKind, number: Int) -> FiscalPeriod {
        let startYear = ThaiCalendar.commonEraYear(ofBuddhist: buddhistYear) - 1
        func calendarMonth(_ fiscalMonth: Int) -> (year: Int, month: Int) {
            let zeroBased = 9 + fiscalMonth - 1  // October is month index 9
            return (startYear + zeroBased / 12, zeroBased % 12 + 1)
        }
        let (y1, m1) = calendarMonth(first), (y2, m2) = calendarMonth(first + count - 1)
        return FiscalPeriod(
            fiscalYear: self, kind: kind, number: number, start: CalendarDate(year: y1, month: m1, day: 1)!,
            end: CalendarDate(year: y2, month: m2, day: CalendarDate.daysIn(month: m2, year: y2))!)
    }
}
