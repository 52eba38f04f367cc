import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TidtamDomain
import TidtamStore

/// Reads a JSON object body field by field, collecting every problem (wrong type, missing,
/// too long, unknown field) so the client gets all of them in one answer.
struct JSONBody {
    private let object: [String: JSONValue]
    /// The JSON Pointer of this object inside the body ("" for the body itself).
    let path: FieldPath
    private var seen: Set<String> = []
    var errors: [FieldError] = []

    /// Collects at most the context's upload limit (413 beyond), then parses. Bad UTF-8 and bad
    /// syntax are 400; a body that is valid JSON but not an object is 422.
    static func read(_ request: Request, context: AuthenticatedContext) async throws -> JSONBody {
        let buffer = try await collectBody(request, upTo: context.maxUploadSize)
        let bytes = Data(buffer.readableBytesView)
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw DomainError.malformedBody(Explanation("The body is not valid UTF-8.", th: "ข้อมูลที่ส่งมาไม่ใช่ UTF-8"))
        }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: bytes)
        } catch {
            // Valid JSON that still fails holds a number no exact decimal can keep (such as
            // 1e-300): that is a value out of range, not a syntax error.
            if (try? JSONSerialization.jsonObject(with: bytes, options: [.fragmentsAllowed])) != nil {
                throw DomainError.invalid([
                    FieldError(
                        .input, code: "number_out_of_range",
                        detail:
                            "A number in the body is beyond what an exact decimal holds (38 digits, exponent ±127).",
                        th: "มีตัวเลขที่ใหญ่หรือเล็กเกินกว่าจะเก็บได้อย่างแม่นยำ")
                ])
            }
            throw DomainError.malformedBody(Explanation("The body is not valid JSON.", th: "ข้อมูลที่ส่งมาไม่ใช่ JSON ที่ถูกต้อง"))
        }
        guard case .object(let object) = value else {
            throw DomainError.invalid([
                FieldError(
                    .input, code: "type", detail: "The body must be a JSON object, not \(value.typeName).",
                    th: "ข้อมูลต้องเป็นออบเจกต์ JSON")
            ])
        }
        return JSONBody(object: object)
    }

    /// Reads the body with `read` and refuses unknown fields: the value, or every invalid field
    /// thrown at once. `read` gives nil only after recording why, so no caller unwraps a value
    /// it cannot be sure of.
    static func decode<T>(
        _ request: Request, context: AuthenticatedContext,
        _ read: (inout JSONBody) throws -> T?
    ) async throws -> T {
        var body = try await Self.read(request, context: context)
        let value = try read(&body)
        try body.finish()
        guard let value else {
            throw DomainError.invalid(
                body.errors.isEmpty
                    ? [
                        FieldError(
                            .input, code: "required", detail: "The body lacks what this operation needs.",
                            th: "ข้อมูลที่ส่งมาไม่ครบ")
                    ]
                    : body.errors)
        }
        return value
    }

    init(object: [String: JSONValue], path: FieldPath = .input) {
        self.object = object
        self.path = path
    }

    /// A rule across fields, reported against one of them.
    mutating func reject(_ key: String, _ code: String, _ detail: String, _ th: String) { fail(key, code, detail, th) }

    /// `key` may name an element inside a field (`"event_types/1"`): each part is a step of the
    /// pointer (a number an index), so it reads `/event_types/1`, not one escaped key.
    mutating func fail(_ key: String, _ code: String, _ detail: String, _ th: String) {
        var at = path
        for part in key.split(separator: "/") { at = Int(part).map { at[$0] } ?? at[String(part)] }
        errors.append(FieldError(at, code: code, detail: detail, th: th))
    }

    mutating func value(_ key: String) -> JSONValue? {
        seen.insert(key)
        return object[key]
    }

    /// `.none`: absent. `.some(nil)`: explicitly null. `.some(x)`: a valid value.
    mutating func text(_ key: String, max: Int, min: Int = 0, valid: ((String) -> Bool)? = nil, format: String? = nil)
        -> String??
    {
        guard let raw = value(key) else { return .none }
        switch raw {
        case .null: return .some(nil)
        case .string(let s):
            let trimmed = s.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.unicodeScalars.contains(where: {
                $0.properties.generalCategory == .control && $0 != "\n" && $0 != "\t"
            }) {
                fail(key, "control_characters", "Must not contain control characters.", "มีอักขระควบคุมที่ไม่อนุญาต")
            } else if trimmed.count < min {
                fail(key, "too_short", "Must have at least \(min) character(s).", "ต้องมีอย่างน้อย \(min) ตัวอักษร")
            } else if trimmed.count > max {
                fail(key, "too_long", "Must have at most \(max) characters.", "ยาวได้ไม่เกิน \(max) ตัวอักษร")
            } else if let valid, !valid(trimmed) {
                fail(key, "format", "Must be \(format ?? "in the expected format").", "รูปแบบไม่ถูกต้อง")
            } else {
                return .some(trimmed)
            }
        default:
            fail(key, "type", "Must be a string, not \(raw.typeName).", "ต้องเป็นข้อความ")
        }
        return .none
    }

    mutating func integer(_ key: String, in range: ClosedRange<Int64>) -> Int64?? {
        guard let raw = value(key) else { return .none }
        switch raw {
        case .null: return .some(nil)
        case .integer(let n) where range.contains(n): return .some(n)
        case .integer:
            fail(
                key, "out_of_range", "Must be between \(range.lowerBound) and \(range.upperBound).",
                "ต้องอยู่ระหว่าง \(range.lowerBound) ถึง \(range.upperBound)")
        default:
            fail(key, "type", "Must be an integer, not \(raw.typeName).", "ต้องเป็นจำนวนเต็ม")
        }
        return .none
    }

    mutating func boolean(_ key: String) -> Bool?? {
        guard let raw = value(key) else { return .none }
        switch raw {
        case .null: return .some(nil)
        case .bool(let b): return .some(b)
        default: fail(key, "type", "Must be true or false, not \(raw.typeName).", "ต้องเป็น true หรือ false")
        }
        return .none
    }

    mutating func choice<E: RawRepresentable & CaseIterable>(_ key: String, _ type: E.Type) -> E??
    where E.RawValue == String {
        guard let raw = value(key) else { return .none }
        let allowed = E.allCases.map(\.rawValue).joined(separator: ", ")
        switch raw {
        case .null: return .some(nil)
        case .string(let s):
            if let e = E(rawValue: s) { return .some(e) }
            fail(key, "invalid_value", "Must be one of: \(allowed).", "ต้องเป็นค่าใดค่าหนึ่งใน: \(allowed)")
        default:
            fail(key, "type", "Must be one of: \(allowed).", "ต้องเป็นค่าใดค่าหนึ่งใน: \(allowed)")
        }
        return .none
    }

    /// A field that must be present and not null.
    mutating func required<T>(_ key: String, _ read: (inout JSONBody) -> T??) -> T? {
        let errorsBefore = errors.count
        let result = read(&self)
        switch result {
        case .some(.some(let value)): return value
        case .some(.none): fail(key, "required", "Must not be null.", "ต้องระบุค่า")
        case .none where errors.count == errorsBefore: fail(key, "required", "Is required.", "ต้องระบุ")
        case .none: break
        }
        return nil
    }

    /// A field that may be absent but, when present, may not be null.
    mutating func notNull<T>(_ key: String, _ read: (inout JSONBody) -> T??) -> T? {
        let result = read(&self)
        if case .some(.none) = result { fail(key, "required", "Must not be null.", "ต้องระบุค่า") }
        return result ?? nil
    }

    /// Fails on unknown fields and throws every error found, if any.
    mutating func finish() throws {
        failUnknownFields()
        if !errors.isEmpty { throw DomainError.invalid(errors) }
    }

    mutating func failUnknownFields() {
        for key in object.keys.sorted() where !seen.contains(key) {
            fail(key, "unknown_field", "This field is not part of the resource.", "ไม่มีฟิลด์นี้")
        }
    }
}

/// Query string parameters with the same error collection. As with a body's fields, a parameter
/// the operation does not read is refused: a mistyped filter (`fiscalyear=2569`) would otherwise
/// answer with every year, and a report built on it would be wrong without anyone noticing.
struct QueryParameters {
    let request: Request
    private(set) var errors: [FieldError] = []
    private var read: Set<String> = []

    init(_ request: Request) { self.request = request }

    /// A parameter's value that the typed readers cannot judge alone.
    mutating func reject(_ name: String, _ code: String, _ detail: String, _ th: String) {
        errors.append(FieldError(.parameter(name), code: code, detail: detail, th: th))
    }

    mutating func text(_ name: String) -> String? {
        read.insert(name)
        return request.uri.queryParameters.get(name).flatMap { $0.isEmpty ? nil : $0 }
    }

    mutating func integer(_ name: String, in range: ClosedRange<Int64>) -> Int64? {
        guard let text = text(name) else { return nil }
        guard let n = Int64(text), range.contains(n) else {
            errors.append(
                FieldError(
                    .parameter(name), code: "invalid_value",
                    detail: "Must be an integer from \(range.lowerBound) to \(range.upperBound).",
                    th: "ต้องเป็นจำนวนเต็มระหว่าง \(range.lowerBound) ถึง \(range.upperBound)"))
            return nil
        }
        return n
    }

    mutating func choice<E: RawRepresentable & CaseIterable>(_ name: String, _ type: E.Type) -> E?
    where E.RawValue == String {
        guard let text = text(name) else { return nil }
        guard let e = E(rawValue: text) else {
            let allowed = E.allCases.map(\.rawValue).joined(separator: ", ")
            errors.append(
                FieldError(
                    .parameter(name), code: "invalid_value", detail: "Must be one of: \(allowed).",
                    th: "ต้องเป็นค่าใดค่าหนึ่งใน: \(allowed)"))
            return nil
        }
        return e
    }

    mutating func boolean(_ name: String) -> Bool? {
        guard let text = text(name) else { return nil }
        guard let value = Bool(text) else {
            errors.append(
                FieldError(
                    .parameter(name), code: "invalid_value", detail: "Must be true or false.",
                    th: "ต้องเป็น true หรือ false"))
            return nil
        }
        return value
    }

    mutating func timestamp(_ name: String) -> Date? {
        guard let text = text(name) else { return nil }
        guard let date = try? Date(text, strategy: .iso8601) else {
            errors.append(
                FieldError(
                    .parameter(name), code: "invalid_value", detail: "Must be an ISO 8601 timestamp.",
                    th: "ต้องเป็นวันเวลาแบบ ISO 8601"))
            return nil
        }
        return date
    }

    /// The page a list asks for, as the stores take it.
    mutating func page() -> PageRequest {
        let limit = Int(integer("limit", in: 1...200) ?? 50)
        let cursor = text("cursor")
        if let cursor,
            cursor.count > 512
                || !cursor.unicodeScalars.allSatisfy({
                    $0.isASCII
                        && ($0.properties.isAlphabetic || $0.properties.numericType != nil || $0 == "-" || $0 == "_")
                })
        {
            errors.append(
                FieldError(
                    .parameter("cursor"), code: "invalid_cursor", detail: "The cursor is not one this API gave out.",
                    th: "ค่า cursor ไม่ถูกต้อง"))
        }
        return PageRequest(limit: limit, cursor: cursor)
    }

    mutating func finish() throws {
        for name in Set(request.uri.queryParameters.map { String($0.key) }).sorted() where !read.contains(name) {
            errors.append(
                FieldError(
                    .parameter(name), code: "unknown_parameter", detail: "This operation has no such query parameter.",
                    th: "คำขอนี้ไม่มีพารามิเตอร์ชื่อนี้"))
        }
        if !errors.isEmpty { throw DomainError.invalid(errors) }
    }
}

/// A request body past its route's limit; the problem names the limit.
struct BodyTooLarge: Error {
    let limit: Int
}

/// The whole body, or `BodyTooLarge` once it passes `limit` bytes (NIO's own error says how many
/// bytes were left to read, not the limit).
func collectBody(_ request: Request, upTo limit: Int) async throws -> ByteBuffer {
    do {
        return try await request.body.collect(upTo: limit)
    } catch is NIOTooManyBytesError {
        throw BodyTooLarge(limit: limit)
    }
}
