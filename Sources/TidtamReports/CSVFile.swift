/// A CSV file as Excel opens it cleanly: UTF-8 with a byte-order mark (without one, Excel reads
/// Thai as Windows-874 mojibake), CRLF line ends, every field that needs it quoted (RFC 4180),
/// numbers written as Excel reads them (digits and a point, no grouping), dates as Thai text
/// with the Buddhist Era year (a `d/m/2569` would be read as the Common Era year 2569), and no
/// cell that Excel would run as a formula: a text starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return is prefixed with an apostrophe (OWASP's advice for CSV injection).
public struct CSVFile: Sendable {
    public enum Cell: Sendable, Equatable {
        case text(String)
        /// A number as text already (a Decimal's or an integer's description).
        case number(String)
        case empty
    }

    public var header: [String]
    public var rows: [[Cell]]

    public init(header: [String], rows: [[Cell]]) {
        self.header = header
        self.rows = rows
    }

    public var bytes: [UInt8] {
        var out = "\u{FEFF}"
        out += header.map { Self.field(.text($0)) }.joined(separator: ",") + "\r\n"
        for row in rows { out += row.map(Self.field).joined(separator: ",") + "\r\n" }
        return Array(out.utf8)
    }

    static let formulaStarts: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]

    /// A text that a spreadsheet would run as a formula, made inert.
    public static func inert(_ text: String) -> String {
        guard let first = text.first, formulaStarts.contains(first) else { return text }
        return "'" + text
    }

    static func field(_ cell: Cell) -> String {
        switch cell {
        case .empty: return ""
        case .number(let digits): return digits
        case .text(let raw):
            let text = inert(raw)
            guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
    }
}
