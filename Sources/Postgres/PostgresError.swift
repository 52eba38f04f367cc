import CLibPQ

/// An error from PostgreSQL or from this module, carrying what the API needs to map it:
/// the SQLSTATE, the constraint, and the server's message (which is logged, never shown to users).
public struct PostgresError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, Equatable {
        /// The server could not be reached, or the connection broke.
        case connection
        /// The server answered with an error (see `sqlState`).
        case server
        /// A value in a row did not decode into the requested Swift type.
        case decoding
        /// No connection became free in time.
        case poolTimeout
        /// A caller asked for something this module refuses (e.g. an invalid setting value).
        case usage
    }

    public var kind: Kind
    public var message: String
    public var sqlState: String?
    public var constraint: String?
    public var detail: String?
    public var column: String?
    public var table: String?

    public init(
        _ kind: Kind, _ message: String, sqlState: String? = nil, constraint: String? = nil,
        detail: String? = nil, column: String? = nil, table: String? = nil
    ) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
        self.constraint = constraint
        self.detail = detail
        self.column = column
        self.table = table
    }

    public var description: String {
        var parts = ["\(kind): \(message)"]
        if let sqlState { parts.append("sqlstate=\(sqlState)") }
        if let constraint { parts.append("constraint=\(constraint)") }
        if let column { parts.append("column=\(column)") }
        if let detail { parts.append("detail=\(detail)") }
        return parts.joined(separator: " ")
    }

    public var isUniqueViolation: Bool { sqlState == "23505" }
    public var isForeignKeyViolation: Bool { sqlState == "23503" }
    public var isCheckViolation: Bool { sqlState == "23514" || sqlState == "23502" }
    /// Serialization failures and deadlocks: the transaction may be retried as a whole.
    public var isRetryable: Bool { sqlState == "40001" || sqlState == "40P01" }
    /// The server is going away or the connection broke; a fresh connection may succeed.
    public var isConnectionLoss: Bool {
        kind == .connection
            || (sqlState.map { $0.hasPrefix("08") || $0 == "57P01" || $0 == "57P02" || $0 == "57P03" } ?? false)
    }

    static func fromResult(_ result: OpaquePointer?, connection: OpaquePointer?) -> PostgresError {
        func field(_ code: Int32) -> String? {
            guard let result, let ptr = PQresultErrorField(result, code) else { return nil }
            return String(cString: ptr)
        }
        let primary = field(Int32(UInt8(ascii: "M")))
        let fallback = connection.flatMap { PQerrorMessage($0) }.map { String(cString: $0) } ?? "unknown error"
        let state = field(Int32(UInt8(ascii: "C")))
        let broken = connection.map { PQstatus($0) != CONNECTION_OK } ?? true
        return PostgresError(
            state == nil && broken ? .connection : .server,
            (primary ?? fallback).trimmingWhitespace(),
            sqlState: state,
            constraint: field(Int32(UInt8(ascii: "n"))),
            detail: field(Int32(UInt8(ascii: "D"))),
            column: field(Int32(UInt8(ascii: "c"))),
            table: field(Int32(UInt8(ascii: "t")))
        )
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let c = s.last, c.isWhitespace { s.removeLast() }
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        return String(s)
    }
}
