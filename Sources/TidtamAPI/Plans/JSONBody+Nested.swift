import Foundation
import TidtamDomain

/// Numbers, dates and nested objects: what plan documents add to the flat resources.
extension JSONBody {
    /// A decimal number, kept exact (`Decimal`, never `Double`). Strings are refused, like
    /// everywhere else, so `"5"` is reported rather than guessed at.
    mutating func decimal(_ key: String, in range: ClosedRange<Decimal>? = nil) -> Decimal?? {
        guard let raw = value(key) else { return .none }
        let number: Decimal
        switch raw {
        case .null: return .some(nil)
        case .integer(let n): number = Decimal(n)
        case .number(let d): number = d
        default:
            fail(key, "type", "Must be a number, not \(raw.typeName).", "ต้องเป็นตัวเลข")
            return .none
        }
        if let range, !range.contains(number) {
            fail(
                key, "out_of_range", "Must be between \(range.lowerBound) and \(range.upperBound).",
                "ต้องอยู่ระหว่าง \(range.lowerBound) ถึง \(range.upperBound)")
            return .none
        }
        return .some(number)
    }

    /// A calendar date as ISO `YYYY-MM-DD` (Gregorian; the CSV import also takes Buddhist Era).
    mutating func date(_ key: String) -> CalendarDate?? {
        guard let raw = value(key) else { return .none }
        switch raw {
        case .null: return .some(nil)
        case .string(let s):
            if let date = CalendarDate(iso: s) { return .some(date) }
            fail(
                key, "format", "Must be a date as YYYY-MM-DD (Gregorian calendar).",
                "ต้องเป็นวันที่รูปแบบ YYYY-MM-DD (ปีคริสต์ศักราช)")
        default:
            fail(key, "type", "Must be a date string, not \(raw.typeName).", "ต้องเป็นวันที่")
        }
        return .none
    }

    /// An array of objects, each read by `read` with its own path (`/activities/2/name_th`);
    /// every element's errors are kept, and unknown fields inside elements are refused too.
    mutating func objects<T>(_ key: String, max: Int, _ read: (inout JSONBody) -> T?) -> [T]?? {
        guard let raw = value(key) else { return .none }
        switch raw {
        case .null: return .some(nil)
        case .array(let elements):
            guard elements.count <= max else {
                fail(key, "too_many", "Must have at most \(max) elements.", "มีได้ไม่เกิน \(max) รายการ")
                return .none
            }
            var out: [T] = []
            var complete = true
            for (index, element) in elements.enumerated() {
                guard case .object(let object) = element else {
                    fail("\(key)/\(index)", "type", "Must be an object, not \(element.typeName).", "ต้องเป็นออบเจกต์")
                    complete = false
                    continue
                }
                var child = JSONBody(object: object, path: path[key][index])
                let value = read(&child)
                child.failUnknownFields()
                errors += child.errors
                if let value, child.errors.isEmpty { out.append(value) } else { complete = false }
            }
            return complete ? .some(out) : .none
        default:
            fail(key, "type", "Must be an array, not \(raw.typeName).", "ต้องเป็นอาร์เรย์")
        }
        return .none
    }

    /// A nested object read by `read`, with its own path.
    mutating func object<T>(_ key: String, _ read: (inout JSONBody) -> T?) -> T?? {
        guard let raw = value(key) else { return .none }
        switch raw {
        case .null: return .some(nil)
        case .object(let object):
            var child = JSONBody(object: object, path: path[key])
            let value = read(&child)
            child.failUnknownFields()
            errors += child.errors
            if let value, child.errors.isEmpty { return .some(value) }
        default:
            fail(key, "type", "Must be an object, not \(raw.typeName).", "ต้องเป็นออบเจกต์")
        }
        return .none
    }

    /// Adds the domain's rule errors, except for fields already reported (a missing name is
    /// "required", not also "empty").
    mutating func add(_ domainErrors: [FieldError]) {
        let reported = Set(errors.map(\.field))
        errors += domainErrors.filter { !reported.contains($0.field) }
    }

    /// An array of short strings (codes).
    mutating func strings(_ key: String, max: Int, each: Int) -> [String]?? {
        guard let raw = value(key) else { return .none }
        switch raw {
        case .null: return .some(nil)
        case .array(let elements) where elements.count <= max:
            var out: [String] = []
            for (index, element) in elements.enumerated() {
                if case .string(let s) = element, !s.isEmpty, s.count <= each {
                    out.append(s)
                } else {
                    fail(
                        "\(key)/\(index)", "type", "Must be a non-empty string of at most \(each) characters.",
                        "ต้องเป็นข้อความไม่เกิน \(each) ตัวอักษร")
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
