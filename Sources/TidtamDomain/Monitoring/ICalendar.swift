import Foundation

/// An iCalendar (RFC 5545) document of visits, written by hand: no Swift iCalendar library is
/// among the packages this project may use, and what a calendar app needs is small. Lines end
/// in CRLF and are folded at 75 octets without splitting a UTF-8 sequence (a Thai character is
/// three octets); times are local to Asia/Bangkok with its VTIMEZONE, stamps in UTC.
public struct ICalendar: Sendable {
    public struct Event: Sendable, Equatable {
        public enum Status: String, Sendable {
            case tentative = "TENTATIVE", confirmed = "CONFIRMED", cancelled = "CANCELLED"
        }
        /// Stable across every change of the visit: a calendar app updates the event it has.
        public var uid: String
        /// Grows with each change (the visit's version), so apps take the newest.
        public var sequence: Int
        public var stamp: Date
        public var start: Date
        public var end: Date
        public var summary: String
        public var description: String?
        public var location: String?
        public var status: Status

        public init(
            uid: String, sequence: Int, stamp: Date, start: Date, end: Date, summary: String, description: String?,
            location: String?, status: Status
        ) {
            self.uid = uid; self.sequence = sequence; self.stamp = stamp; self.start = start; self.end = end
            self.summary = summary; self.description = description; self.location = location; self.status = status
        }
    }

    public var name: String
    public var events: [Event]

    public init(name: String, events: [Event]) {
        self.name = name
        self.events = events
    }

    public static let productID = "-//Tidtam//Monitoring visits//TH"
    static let bangkokOffsetSeconds = 7 * 3600

    public func rendered() -> String {
        var lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:\(Self.productID)", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
            "X-WR-CALNAME:\(Self.escape(name))", "X-WR-TIMEZONE:Asia/Bangkok",
            // Thailand has kept +07:00 all year since 1920; one STANDARD part says so.
            "BEGIN:VTIMEZONE", "TZID:Asia/Bangkok", "BEGIN:STANDARD", "DTSTART:19700101T000000",
            "TZOFFSETFROM:+0700", "TZOFFSETTO:+0700", "TZNAME:ICT", "END:STANDARD", "END:VTIMEZONE",
        ]
        for event in events {
            lines += ["BEGIN:VEVENT", "UID:\(Self.escape(event.uid))", "SEQUENCE:\(event.sequence)"]
            lines.append("DTSTAMP:\(Self.utc(event.stamp))")
            lines.append("DTSTART;TZID=Asia/Bangkok:\(Self.bangkok(event.start))")
            lines.append("DTEND;TZID=Asia/Bangkok:\(Self.bangkok(event.end))")
            lines.append("SUMMARY:\(Self.escape(event.summary))")
            if let description = event.description { lines.append("DESCRIPTION:\(Self.escape(description))") }
            if let location = event.location { lines.append("LOCATION:\(Self.escape(location))") }
            lines.append("STATUS:\(event.status.rawValue)")
            lines.append("END:VEVENT")
        }
        lines.append("END:VCALENDAR")
        return lines.map(Self.fold).joined()
    }

    /// TEXT values: backslash, semicolon and comma escaped, line breaks as `\n` (RFC 5545 3.3.11).
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\n": out += "\\n"
            case "\r": continue
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// One content line, CRLF-terminated, folded so that no physical line is longer than 75
    /// octets: each continuation starts with a space (which counts), and a break never falls
    /// inside a UTF-8 sequence (RFC 5545 3.1).
    static func fold(_ line: String) -> String {
        let bytes = Array(line.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 70 * 3 + 2)
        var index = 0
        var limit = 75
        while index < bytes.count {
            var end = min(index + limit, bytes.count)
            // Back off to the start of a character: continuation bytes are 10xxxxxx.
            while end < bytes.count, end > index, bytes[end] & 0xC0 == 0x80 { end -= 1 }
            if index > 0 { out += [0x0D, 0x0A, 0x20] }
            out += bytes[index..<end]
            index = end
            limit = 74  // the leading space of a continuation line is one of its 75 octets
        }
        out += [0x0D, 0x0A]
        return String(decoding: out, as: UTF8.self)
    }

    static func utc(_ date: Date) -> String { stamp(date, offset: 0) + "Z" }
    static func bangkok(_ date: Date) -> String { stamp(date, offset: bangkokOffsetSeconds) }

    static func stamp(_ date: Date, offset: Int) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) + offset
        let days = Int((Double(seconds) / 86400).rounded(.down))
        let secondOfDay = seconds - days * 86400
        let (y, m, d) = civil(fromDays: days)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return
            "\(y)\(two(m))\(two(d))T\(two(secondOfDay / 3600))\(two(secondOfDay % 3600 / 60))\(two(secondOfDay % 60))"
    }

    /// Proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's algorithm).
    static func civil(fromDays z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
