/// A statement whose interpolated values become parameters: in
/// `"… WHERE district_id = \(districtID) AND id = \(id)"` each value is sent apart from the text
/// as `$1`, `$2`, so no value can change what the statement means and none can shift another
/// (a positional array beside the text could). Interpolating another `SQL` splices it (a column
/// list, a generated `WHERE` part); since an `SQL` is only ever made from literals in the source,
/// from other `SQL` values, or from code constants quoted by `constant(_:)`, a spliced fragment
/// cannot carry a user's value into the text.
///
/// The text with its `$n` is what a connection prepares once and reuses, so a statement built the
/// same way at the same place is prepared once per connection.
public struct SQL: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    enum Part: Sendable {
        case text(String)
        case bind(any PostgresEncodable)
        /// A whole statement from a file, already numbered `$1 … $n`.
        case numbered(String, [any PostgresEncodable])
    }

    var parts: [Part]

    public init(stringLiteral value: String) { parts = [.text(value)] }

    public init(stringInterpolation: StringInterpolation) { parts = stringInterpolation.parts }

    init(parts: [Part]) { self.parts = parts }

    public struct StringInterpolation: StringInterpolationProtocol {
        var parts: [Part] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            parts.reserveCapacity(interpolationCount * 2 + 1)
        }

        public mutating func appendLiteral(_ literal: String) { parts.append(.text(literal)) }

        /// A value: sent as a parameter.
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value) {
            parts.append(.bind(value))
        }

        /// An optional value, sent as NULL when nil. Its own overload, so that the compiler knows
        /// an optional is meant here (its warning about optionals in interpolations is for text).
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value?) {
            parts.append(.bind(value))
        }

        /// A fragment of trusted SQL: spliced, its own values staying parameters.
        public mutating func appendInterpolation(_ fragment: SQL) { parts.append(contentsOf: fragment.parts) }
    }

    /// The text with `$1 … $n`, and the values in that order.
    public var rendered: (text: String, binds: [any PostgresEncodable]) {
        var text = ""
        var binds: [any PostgresEncodable] = []
        for part in parts {
            switch part {
            case .text(let s): text += s
            case .bind(let value):
                binds.append(value)
                text += "$\(binds.count)"
            case .numbered(let statement, let values):
                precondition(parts.count == 1, "a statement from a file is sent whole, never spliced")
                return (statement, values)
            }
        }
        return (text, binds)
    }

    /// The text alone, as PostgreSQL receives it (for logs and tests).
    public var description: String { rendered.text }

    /// A statement kept in one of the project's `.sql` files (the national data set's), whose
    /// `$1 … $n` are `values` in order. For files shipped with the code only, never for text made
    /// at run time; such a statement cannot be spliced into another. Package-wide, not public.
    package init(file statement: String, binding values: [any PostgresEncodable]) {
        parts = [.numbered(statement, values)]
    }

    /// Fragments joined by a separator (`SQL.join(columns, ", ")`).
    public static func join(_ fragments: [SQL], _ separator: SQL) -> SQL {
        var parts: [Part] = []
        for (index, fragment) in fragments.enumerated() {
            if index > 0 { parts.append(contentsOf: separator.parts) }
            parts.append(contentsOf: fragment.parts)
        }
        return SQL(parts: parts)
    }

    /// A constant of the code (an enum's name, its Thai label) written into the text as a quoted
    /// SQL string literal, for generated fragments such as `CASE status WHEN 'draft' THEN 'ร่าง'`.
    /// It is quoted (a `'` doubled, standard strings), so even a mistaken caller cannot inject.
    public static func constant(_ value: String) -> SQL {
        SQL(parts: [.text("'" + value.replacingOccurrences(of: "'", with: "''") + "'")])
    }
}
