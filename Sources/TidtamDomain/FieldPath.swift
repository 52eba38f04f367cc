/// Where an invalid value is, in the domain's own terms: a field of the input, reached through
/// its nested fields and lists (`FieldPath.input["projects"][3]["budget_lines"][0]["amount"]`),
/// a parameter of the request by name, or the record as a whole (a rule across its fields that
/// no one field breaks). How a client spells it (a JSON Pointer, `?name`) is the API's business.
public struct FieldPath: Hashable, Sendable, CustomStringConvertible {
    public enum Step: Hashable, Sendable {
        case key(String)
        case index(Int)
    }

    public enum Place: Hashable, Sendable {
        case input, parameter, record
    }

    public let place: Place
    public let steps: [Step]

    /// The input itself (a body that is not an object, say); fields are reached from it.
    public static let input = FieldPath(place: .input, steps: [])
    /// The record as a whole: a rule that no single field breaks.
    public static let record = FieldPath(place: .record, steps: [])

    /// A parameter of the request (a filter, the page's cursor).
    public static func parameter(_ name: String) -> FieldPath { FieldPath(place: .parameter, steps: [.key(name)]) }

    public subscript(_ key: String) -> FieldPath { FieldPath(place: place, steps: steps + [.key(key)]) }
    public subscript(_ index: Int) -> FieldPath { FieldPath(place: place, steps: steps + [.index(index)]) }

    /// The field's own name (the last key), if it has one.
    public var name: String? {
        guard case .key(let key) = steps.last else { return nil }
        return key
    }

    public var description: String {
        let path = steps.map { step -> String in
            switch step {
            case .key(let key): return key
            case .index(let index): return String(index)
            }
        }.joined(separator: ".")
        switch place {
        case .input: return path.isEmpty ? "(input)" : path
        case .parameter: return "parameter \(path)"
        case .record: return "(record)"
        }
    }
}
