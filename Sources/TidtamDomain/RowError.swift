/// One bad row: its line in the file, the column, and why (English and Thai). `header` is the
/// column's heading as the file itself spells it (often Thai), so the office finds the cell.
public struct RowError: Sendable, Equatable, Codable {
    public let line: Int
    public let column: String?
    public var header: String?
    public let code: String
    public let detail: String
    public let detailTH: String

    public init(line: Int, column: String?, header: String? = nil, code: String, detail: String, th: String) {
        self.line = line; self.column = column; self.header = header; self.code = code; self.detail = detail;
        self.detailTH = th
    }

    enum CodingKeys: String, CodingKey {
        case line, column, header, code, detail
        case detailTH = "detail_th"
    }
}
