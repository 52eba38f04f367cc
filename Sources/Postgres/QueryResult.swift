import CLibPQ

/// The rows of one statement. It owns the libpq result and frees it when released; it is
/// immutable, so it may cross from the blocking thread that ran the query to async code.
public final class QueryResult: @unchecked Sendable {
    private let result: OpaquePointer
    public let rowCount: Int
    public let columnNames: [String]
    /// Rows changed by INSERT/UPDATE/DELETE (0 when not applicable).
    public let affectedRows: Int
    let _commandStatus: String

    init(_ result: OpaquePointer) {
        self.result = result
        self.rowCount = Int(PQntuples(result))
        self.columnNames = (0..<PQnfields(result)).map { PQfname(result, $0).map { String(cString: $0) } ?? "" }
        self.affectedRows = Int(String(cString: PQcmdTuples(result))) ?? 0
        self._commandStatus = String(cString: PQcmdStatus(result))
    }

    deinit { PQclear(result) }

    public var rows: [Row] { (0..<rowCount).map { Row(result: self, index: $0) } }
    public var first: Row? { rowCount > 0 ? Row(result: self, index: 0) : nil }

    func text(row: Int, column: Int) -> String? {
        if PQgetisnull(result, Int32(row), Int32(column)) == 1 { return nil }
        return String(cString: PQgetvalue(result, Int32(row), Int32(column)))
    }

    func columnIndex(_ name: String) -> Int? {
        let index = columnNames.firstIndex(of: name)
        return index
    }
}

/// One row of a `QueryResult`. Columns are read by name, with the Swift type stated:
/// `try row.decode("name_th", as: String.self)`; a mismatch is an error naming the column.
public struct Row: Sendable {
    let result: QueryResult
    let index: Int

    public func decode<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        guard let position = result.columnIndex(column) else {
            throw PostgresError(.decoding, "no column \"\(column)\" in the result", column: column)
        }
        return try T.decode(postgresText: result.text(row: index, column: position), column: column)
    }

    public func decode<T: PostgresDecodable>(_ position: Int, as type: T.Type = T.self) throws -> T {
        guard position < result.columnNames.count else {
            throw PostgresError(.decoding, "no column at position \(position) in the result")
        }
        return try T.decode(
            postgresText: result.text(row: index, column: position), column: result.columnNames[position])
    }

    /// The raw text of a column (nil for NULL), for code that streams rows onward unchanged.
    public func text(_ position: Int) -> String? { result.text(row: index, column: position) }
}
