import Foundation

/// A Swift value that can be sent as a statement parameter, in PostgreSQL's text format.
/// `nil` is SQL NULL. Parameters are always sent separately from the SQL text.
public protocol PostgresEncodable: Sendable {
    var postgresText: String? { get }
}

/// A Swift value that can be read from a column in PostgreSQL's text format.
public protocol PostgresDecodable {
    /// `text` is nil for SQL NULL.
    static func decode(postgresText text: String?, column: String) throws -> Self
}

public typealias PostgresCodable = PostgresEncodable & PostgresDecodable

extension PostgresDecodable {
    static func required(_ text: String?, _ column: String) throws -> String {
        guard let text else {
            throw PostgresError(.decoding, "column \"\(column)\" is NULL but \(Self.self) was expected", column: column)
        }
        return text
    }

    static func mismatch(_ text: String, _ column: String) -> PostgresError {
        PostgresError(
            .decoding, "column \"\(column)\" holds \"\(text.prefix(40))\", which is not a \(Self.self)", column: column)
    }
}

extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    public var postgresText: String? { self?.postgresText }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public static func decode(postgresText text: String?, column: String) throws -> Self {
        guard let text else { return nil }
        return try Wrapped.decode(postgresText: text, column: column)
    }
}

extension String: PostgresCodable {
    public var postgresText: String? { self }
    public static func decode(postgresText text: String?, column: String) throws -> String {
        try required(text, column)
    }
}

extension Int: PostgresCodable {
    public var postgresText: String? { String(self) }
    public static func decode(postgresText text: String?, column: String) throws -> Int {
        let text = try required(text, column)
        guard let value = Int(text) else { throw mismatch(text, column) }
        return value
    }
}

extension Int64: PostgresCodable {
    public var postgresText: String? { String(self) }
    public static func decode(postgresText text: String?, column: String) throws -> Int64 {
        let text = try required(text, column)
        guard let value = Int64(text) else { throw mismatch(text, column) }
        return value
    }
}

extension Int32: PostgresCodable {
    public var postgresText: String? { String(self) }
    public static func decode(postgresText text: String?, column: String) throws -> Int32 {
        let text = try required(text, column)
        guard let value = Int32(text) else { throw mismatch(text, column) }
        return value
    }
}

extension Double: PostgresCodable {
    public var postgresText: String? { String(self) }
    public static func decode(postgresText text: String?, column: String) throws -> Double {
        let text = try required(text, column)
        guard let value = Double(text) else { throw mismatch(text, column) }
        return value
    }
}

extension Bool: PostgresCodable {
    public var postgresText: String? { self ? "t" : "f" }
    public static func decode(postgresText text: String?, column: String) throws -> Bool {
        switch try required(text, column) {
        case "t", "true": return true
        case "f", "false": return false
        case let other: throw mismatch(other, column)
        }
    }
}

extension Decimal: PostgresCodable {
    public var postgresText: String? { description }
    /// `numeric` arrives as exact decimal text. Decimal holds 38 significant digits; a value with
    /// more is refused rather than rounded, because budgets must never change on the way through.
    public static func decode(postgresText text: String?, column: String) throws -> Decimal {
        let text = try required(text, column)
        if let value = plain(text) { return value }
        let digits = text.drop(while: { $0 == "-" || $0 == "0" || $0 == "." }).filter(\.isNumber)
        guard digits.count <= 38, let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else {
            throw mismatch(text, column)
        }
        return value
    }

    /// Plain decimal text (`-12.50`, as PostgreSQL writes `numeric`) of up to 18 digits, read
    /// without a parser: the digits as a whole number and the places as the exponent. Anything
    /// else is nil and goes through `Decimal(string:)`.
    ///
    /// Why: a year-end evaluation reads tens of millions of numbers, and `Decimal(string:)`
    /// with its locale costs microseconds each.
    static func plain(_ text: String) -> Decimal? {
        var utf8 = text.utf8[...]
        let negative = utf8.first == UInt8(ascii: "-")
        if negative { utf8 = utf8.dropFirst() }
        var mantissa: UInt64 = 0, digits = 0, places = 0, seenPoint = false
        for byte in utf8 {
            if byte == UInt8(ascii: ".") {
                if seenPoint { return nil }
                seenPoint = true
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            digits += 1
            if digits > 18 { return nil }
            mantissa = mantissa * 10 + UInt64(byte - UInt8(ascii: "0"))
            if seenPoint { places += 1 }
        }
        guard digits > 0 else { return nil }
        return Decimal(
            sign: negative && mantissa != 0 ? .minus : .plus, exponent: -places, significand: Decimal(mantissa))
    }
}

extension UUID: PostgresCodable {
    public var postgresText: String? { uuidString.lowercased() }
    public static func decode(postgresText text: String?, column: String) throws -> UUID {
        let text = try required(text, column)
        guard let value = UUID(uuidString: text) else { throw mismatch(text, column) }
        return value
    }
}

/// `timestamptz` as an instant. Sent as ISO 8601 in UTC; read from PostgreSQL's ISO output
/// (`2026-11-25 11:08:35.123456+07`, any session time zone).
extension Date: PostgresCodable {
    public var postgresText: String? { PostgresTimestamp.format(self) }
    public static func decode(postgresText text: String?, column: String) throws -> Date {
        let text = try required(text, column)
        guard let value = PostgresTimestamp.parse(text) else { throw mismatch(text, column) }
        return value
    }
}

/// A `date` column: a day on the Gregorian calendar, with no time zone.
public struct PostgresDate: PostgresCodable, Hashable, Comparable {
    public var year: Int, month: Int, day: Int
    public init(year: Int, month: Int, day: Int) { self.year = year; self.month = month; self.day = day }
    public var postgresText: String? {
        "\(String(format: "%04d", year))-\(String(format: "%02d", month))-\(String(format: "%02d", day))"
    }
    public static func decode(postgresText text: String?, column: String) throws -> PostgresDate {
        let text = try required(text, column)
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, text.count == 10 else { throw mismatch(text, column) }
        return PostgresDate(year: parts[0], month: parts[1], day: parts[2])
    }
    public static func < (a: Self, b: Self) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }
}

/// A `json`/`jsonb` value, kept as its JSON text.
public struct PostgresJSON: PostgresCodable, Hashable {
    public var text: String
    public init(_ text: String) { self.text = text }
    public init<T: Encodable>(encoding value: T) throws {
        let data = try JSONEncoder().encode(value)
        self.text = String(decoding: data, as: UTF8.self)
    }
    public func decoded<T: Decodable>(as: T.Type = T.self) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }
    public var postgresText: String? { text }
    public static func decode(postgresText text: String?, column: String) throws -> PostgresJSON {
        PostgresJSON(try required(text, column))
    }
}

/// One-dimensional arrays (`bigint[]`, `text[]`), in PostgreSQL's array text format.
extension Array: PostgresEncodable where Element: PostgresEncodable {
    public var postgresText: String? {
        "{"
            + map { element in
                guard let text = element.postgresText else { return "NULL" }
                let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(
                    of: "\"", with: "\\\"")
                return "\"" + escaped + "\""
            }.joined(separator: ",") + "}"
    }
}

extension Array: PostgresDecodable where Element: PostgresDecodable {
    public static func decode(postgresText text: String?, column: String) throws -> [Element] {
        let text = try required(text, column)
        guard let items = PostgresArrayParser.parse(text) else { throw mismatch(text, column) }
        return try items.map { try Element.decode(postgresText: $0, column: column) }
    }
}

enum PostgresArrayParser {
    /// Parses `{a,"b c",NULL}` into its elements (nil for NULL). One dimension only.
    static func parse(_ text: String) -> [String?]? {
        var chars = Array(text.unicodeScalars)
        guard chars.first == "{", chars.last == "}" else { return nil }
        chars.removeFirst(); chars.removeLast()
        if chars.isEmpty { return [] }
        var items: [String?] = []
        var i = 0
        while i <= chars.count {
            var item = String.UnicodeScalarView()
            var quoted = false
            if i < chars.count, chars[i] == "\"" {
                quoted = true
                i += 1
                while i < chars.count, chars[i] != "\"" {
                    if chars[i] == "\\", i + 1 < chars.count { i += 1 }
                    item.append(chars[i]); i += 1
                }
                i += 1  // closing quote
            } else {
                while i < chars.count, chars[i] != "," { item.append(chars[i]); i += 1 }
            }
            let value = String(item)
            items.append(!quoted && value == "NULL" ? nil : value)
            i += 1  // comma
        }
        return items
    }
}

enum PostgresTimestamp {
    static func format(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        let whole = floor(seconds)
        let micros = Int(((seconds - whole) * 1_000_000).rounded())
        var t = time_t(whole)
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
            Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), micros)
    }

    /// `YYYY-MM-DD HH:MM:SS[.ffffff](+|-)HH[:MM[:SS]]`
    static func parse(_ text: String) -> Date? {
        let s = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= s.count else { return nil }
            var n = 0
            for c in s[from..<from + count] {
                guard c >= 48, c <= 57 else { return nil }
                n = n * 10 + Int(c - 48)
            }
            return n
        }
        guard s.count >= 19, let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
            let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2)
        else { return nil }
        var i = 19
        var fraction = 0.0
        if i < s.count, s[i] == UInt8(ascii: ".") {
            i += 1
            var scale = 0.1
            while i < s.count, s[i] >= 48, s[i] <= 57 {
                fraction += Double(s[i] - 48) * scale
                scale /= 10
                i += 1
            }
        }
        var offset = 0
        if i < s.count, s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") {
            let sign = s[i] == UInt8(ascii: "-") ? -1 : 1
            guard let oh = number(i + 1, 2) else { return nil }
            var om = 0, os = 0
            if i + 3 < s.count, s[i + 3] == UInt8(ascii: ":") { om = number(i + 4, 2) ?? 0 }
            if i + 6 < s.count, s[i + 6] == UInt8(ascii: ":") { os = number(i + 7, 2) ?? 0 }
            offset = sign * (oh * 3600 + om * 60 + os)
        }
        let days = daysFromCivil(year, month, day)
        let epoch = Double(days * 86400 + hour * 3600 + minute * 60 + second - offset) + fraction
        return Date(timeIntervalSince1970: epoch)
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's algorithm).
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }
}
