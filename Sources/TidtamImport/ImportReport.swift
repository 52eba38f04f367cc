import Foundation
import TidtamDomain
import TidtamStore

/// The outcome of an import: everything loaded, or nothing and every bad row. A dry run checks
/// and loads everything, reports what it would add, and rolls back.
public struct ImportReport: Sendable, Equatable, Codable {
    public let kind: String
    public let rows: Int
    public let inserted: [String: Int]
    public let errors: [RowError]
    public var dryRun = false
    /// This import in the history (`GET /import-runs/{id}`).
    public var importID: Int64?
    /// A refused file that an earlier import loaded as it is: that import.
    public var loadedBefore: EarlierImport?

    public var succeeded: Bool { errors.isEmpty }

    enum CodingKeys: String, CodingKey {
        case kind, rows, inserted, errors
        case dryRun = "dry_run"
        case importID = "import_id"
        case loadedBefore = "loaded_before"
    }
}

/// A file that cannot be imported at all (no header, unknown columns, broken CSV).
public enum ImportFailure: Error, Sendable, Equatable {
    case file(Explanation)
}

/// What the importers share: reading cells into typed values, with one error per bad cell.
struct RowReader {
    let record: CSVRecord
    let table: CSVTable
    var errors: [RowError] = []

    init(_ record: CSVRecord, _ table: CSVTable) {
        self.record = record
        self.table = table
    }

    mutating func fail(_ column: String?, _ code: String, _ detail: String, _ th: String) {
        errors.append(RowError(line: record.line, column: column, code: code, detail: detail, th: th))
    }

    mutating func text(_ key: String, max: Int, required: Bool = false) -> String? {
        guard let value = record.value(key, in: table) else {
            if required { fail(key, "required", "A value is required.", "ต้องระบุค่า") }
            return nil
        }
        // A UTF-8 length within the limit means the character count is too (the common case).
        if value.utf8.count > max && value.count > max {
            fail(key, "too_long", "At most \(max) characters.", "ยาวได้ไม่เกิน \(max) ตัวอักษร")
            return nil
        }
        return value
    }

    mutating func integer(_ key: String, in range: ClosedRange<Int>, required: Bool = false) -> Int? {
        guard let text = text(key, max: 20, required: required) else { return nil }
        guard let n = Int(text.replacingOccurrences(of: ",", with: "")), range.contains(n) else {
            fail(
                key, "invalid_number", "Must be a whole number from \(range.lowerBound) to \(range.upperBound).",
                "ต้องเป็นจำนวนเต็มระหว่าง \(range.lowerBound) ถึง \(range.upperBound)")
            return nil
        }
        return n
    }

    /// Amounts as offices write them: `45,000.50` or `45000.5`; never a float.
    mutating func decimal(_ key: String, min: Decimal? = nil, scale: Int? = nil) -> Decimal? {
        guard let text = text(key, max: 30) else { return nil }
        let plain = text.utf8.contains(0x2C) ? text.replacingOccurrences(of: ",", with: "") : text
        guard let value = Self.parseDecimal(plain) else {
            fail(key, "invalid_number", "Must be a number.", "ต้องเป็นตัวเลข")
            return nil
        }
        if let min, value < min {
            fail(key, "out_of_range", "Must be at least \(min).", "ต้องไม่น้อยกว่า \(min)"); return nil
        }
        if let scale, value.exponent < -scale {
            fail(key, "precision", "At most \(scale) decimal places.", "ทศนิยมได้ไม่เกิน \(scale) ตำแหน่ง")
            return nil
        }
        return value
    }

    static let posix = Locale(identifier: "en_US_POSIX")

    /// `-1234.50` → Decimal, exactly: digits into an integer significand and a power of ten
    /// (Foundation's string parser is the slow part of a large import). Anything else is nil.
    static func parseDecimal(_ text: String) -> Decimal? {
        var significand: UInt64 = 0, digits = 0, fraction = 0, seenPoint = false, negative = false
        for (index, byte) in text.utf8.enumerated() {
            switch byte {
            case 0x2D where index == 0: negative = true
            case 0x2E where !seenPoint: seenPoint = true
            case 0x30...0x39:
                digits += 1
                if seenPoint { fraction += 1 }
                if digits > 18 { return Decimal(string: text, locale: posix) }
                significand = significand * 10 + UInt64(byte - 0x30)
            default: return nil
            }
        }
        guard digits > 0 else { return nil }
        return Decimal(sign: negative ? .minus : .plus, exponent: -fraction, significand: Decimal(significand))
    }

    /// An amount to stage as text: the same checks as `decimal`, without building a `Decimal`
    /// (its construction and printing were the slowest part of reading a budget column).
    mutating func amount(_ key: String, scale: Int) -> String? {
        guard let text = text(key, max: 30) else { return nil }
        let plain = text.utf8.contains(0x2C) ? text.replacingOccurrences(of: ",", with: "") : text
        var digits = 0, fraction = 0, point = false
        for byte in plain.utf8 {
            switch byte {
            case 0x30...0x39: digits += 1; if point { fraction += 1 }
            case 0x2E where !point: point = true
            case 0x2D:
                fail(key, "out_of_range", "Must be at least 0.", "ต้องไม่น้อยกว่า 0")
                return nil
            default:
                fail(key, "invalid_number", "Must be a number.", "ต้องเป็นตัวเลข")
                return nil
            }
        }
        if digits == 0 { fail(key, "invalid_number", "Must be a number.", "ต้องเป็นตัวเลข"); return nil }
        if fraction > scale {
            fail(key, "precision", "At most \(scale) decimal places.", "ทศนิยมได้ไม่เกิน \(scale) ตำแหน่ง"); return nil
        }
        if digits - fraction > 12 {
            fail(key, "out_of_range", "At most 999,999,999,999.99.", "ไม่เกิน 999,999,999,999.99"); return nil
        }
        return plain
    }

    /// Any form `ThaiCalendar.parseDate` reads: `1/10/2568`, `1 ต.ค. 68`, `1 ตุลาคม 2568`, `2025-10-01`.
    mutating func date(_ key: String) -> CalendarDate? {
        guard let text = text(key, max: 40) else { return nil }
        guard let date = ThaiCalendar.parseDate(text) else {
            fail(
                key, "invalid_date", "Must be a date such as 1/10/2568, 1 ต.ค. 2568 or 2025-10-01.",
                "ต้องเป็นวันที่ เช่น 1/10/2568, 1 ต.ค. 2568 หรือ 1 ตุลาคม 2568")
            return nil
        }
        return date
    }

    /// A choice by its code or its Thai name.
    mutating func choice(_ key: String, _ options: [String: String], required: Bool = false) -> String? {
        guard let text = text(key, max: 50, required: required) else { return nil }
        if let value = options[text.lowercased()] { return value }
        fail(
            key, "invalid_value", "Must be one of: \(Set(options.values).sorted().joined(separator: ", ")).",
            "ต้องเป็นค่าใดค่าหนึ่งใน: \(options.keys.sorted().joined(separator: ", "))")
        return nil
    }
}
