import Foundation

/// A five-field cron expression (minute hour day-of-month month day-of-week), with `*`, lists,
/// ranges and steps (`*/15`, `1-5`, `0,30`). Day 0 and 7 are Sunday. When both day fields are
/// restricted, either may match (as in classic cron).
public struct CronExpression: Sendable, Equatable {
    let minutes: Set<Int>, hours: Set<Int>, days: Set<Int>, months: Set<Int>, weekdays: Set<Int>
    let daysRestricted: Bool, weekdaysRestricted: Bool

    public init?(_ text: String) {
        let fields = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard fields.count == 5,
            let minutes = Self.parse(fields[0], 0...59), let hours = Self.parse(fields[1], 0...23),
            let days = Self.parse(fields[2], 1...31), let months = Self.parse(fields[3], 1...12),
            let weekdays = Self.parse(fields[4], 0...7)
        else { return nil }
        self.minutes = minutes; self.hours = hours; self.days = days; self.months = months
        self.weekdays = Set(weekdays.map { $0 % 7 })
        self.daysRestricted = fields[2] != "*"
        self.weekdaysRestricted = fields[4] != "*"
    }

    static func parse(_ field: String, _ range: ClosedRange<Int>) -> Set<Int>? {
        var out = Set<Int>()
        for part in field.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = part.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count <= 2 else { return nil }
            var step = 1
            if pieces.count == 2 { guard let s = Int(pieces[1]), s > 0 else { return nil }; step = s }
            var span: ClosedRange<Int>
            if pieces[0] == "*" {
                span = range
            } else if let dash = pieces[0].firstIndex(of: "-") {
                guard let a = Int(pieces[0][..<dash]), let b = Int(pieces[0][pieces[0].index(after: dash)...]), a <= b
                else { return nil }
                span = a...b
            } else {
                guard let a = Int(pieces[0]) else { return nil }
                span = a...(pieces.count == 2 ? range.upperBound : a)
            }
            guard range.contains(span.lowerBound), range.contains(span.upperBound) else { return nil }
            out.formUnion(stride(from: span.lowerBound, through: span.upperBound, by: step))
        }
        return out.isEmpty ? nil : out
    }

    func matches(_ c: DateComponents) -> Bool {
        guard let minute = c.minute, let hour = c.hour, let day = c.day, let month = c.month, let weekday = c.weekday
        else { return false }
        guard minutes.contains(minute), hours.contains(hour), months.contains(month) else { return false }
        let dayOK = days.contains(day), weekdayOK = weekdays.contains(weekday - 1)
        switch (daysRestricted, weekdaysRestricted) {
        case (true, true): return dayOK || weekdayOK
        case (true, false): return dayOK
        case (false, true): return weekdayOK
        case (false, false): return true
        }
    }

    /// The slots (whole minutes) in `(after, upTo]`, in `timeZone`; at most `limit` of them.
    public func slots(after: Date, upTo: Date, in timeZone: TimeZone, limit: Int = 1000) -> [Date] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        var minute = (after.timeIntervalSince1970 / 60).rounded(.down) * 60 + 60
        var out: [Date] = []
        while minute <= upTo.timeIntervalSince1970, out.count < limit {
            let date = Date(timeIntervalSince1970: minute)
            if matches(calendar.dateComponents([.minute, .hour, .day, .month, .weekday], from: date)) {
                out.append(date)
            }
            minute += 60
        }
        return out
    }
}
