import Foundation
import TidtamDomain
import TidtamStore

extension JSONBody {
    /// A moment as ISO 8601 with its offset (`2026-12-02T09:00:00+07:00` or `…Z`): a time
    /// without one would be read in some zone the sender did not mean.
    mutating func timestamp(_ key: String) -> Date?? {
        guard let raw = value(key) else { return .none }
        switch raw {
        case .null: return .some(nil)
        case .string(let s):
            let hasOffset = s.hasSuffix("Z") || s.range(of: #"[+-]\d{2}:?\d{2}$"#, options: .regularExpression) != nil
            if hasOffset, let date = ISO8601Timestamp.parse(s) { return .some(date) }
            fail(
                key, "format", "Must be an ISO 8601 date and time with its offset, such as 2026-12-02T09:00:00+07:00.",
                "ต้องเป็นวันเวลาแบบ ISO 8601 พร้อมเขตเวลา เช่น 2026-12-02T09:00:00+07:00")
        default:
            fail(key, "type", "Must be a date-time string, not \(raw.typeName).", "ต้องเป็นวันเวลา")
        }
        return .none
    }

    /// An array of ids.
    mutating func ids(_ key: String, max: Int) -> [Int64]?? {
        guard let raw = value(key) else { return .none }
        switch raw {
        case .null: return .some(nil)
        case .array(let elements) where elements.count <= max:
            var out: [Int64] = []
            for (index, element) in elements.enumerated() {
                if case .integer(let n) = element, n >= 1 {
                    out.append(n)
                } else {
                    fail("\(key)/\(index)", "type", "Must be an id (a positive integer).", "ต้องเป็นรหัส (จำนวนเต็มบวก)")
                }
            }
            return out.count == elements.count ? .some(out) : .none
        case .array:
            fail(key, "too_many", "Must have at most \(max) elements.", "มีได้ไม่เกิน \(max) รายการ")
        default:
            fail(key, "type", "Must be an array, not \(raw.typeName).", "ต้องเป็นอาร์เรย์")
        }
        return .none
    }
}

/// ISO 8601 date-times with fractional seconds or without.
enum ISO8601Timestamp {
    static func parse(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        return try? Date(
            text,
            strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
