import CSV
import Foundation
import TidtamDomain

/// One data row of a CSV file with the line it starts on (a quoted field may span lines, so
/// the line is counted, not derived from the row's position).
struct CSVRecord {
    let line: Int
    let fields: [String]
}

/// A column an import understands, under every name offices give it (Thai or English; case,
/// spaces, `_` and the template's `*` for a required column ignored).
struct ImportColumn: Hashable {
    let key: String
    let names: [String]
    let required: Bool

    init(_ key: String, _ names: [String] = [], required: Bool = false) {
        self.key = key
        self.names = [key] + names
        self.required = required
    }

    static func normalise(_ header: String) -> String {
        header.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            .replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "_", with: "").replacingOccurrences(
                of: "*", with: "")
    }
}

/// Reads a CSV file (UTF-8, with or without a byte-order mark) through the CSV.swift library:
/// the header is matched to the import's columns, then rows are handed out with their lines.
/// The file is decoded to a `String` first: that checks the UTF-8 once, and the library parses
/// a string several times faster than its byte-stream reader.
struct CSVTable {
    let positions: [String: Int]
    /// Each known column's heading as written in the file.
    let headers: [String: String]
    private let reader: CSVReader
    private var nextLine = 2

    /// An Excel workbook sent instead of a CSV file, by its first bytes: `.xlsx` is a ZIP
    /// archive, `.xls` an OLE compound document.
    static func workbook(_ data: Data) -> String? {
        if data.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return ".xlsx" }
        if data.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) { return ".xls" }
        return nil
    }

    init(data: Data, columns: [ImportColumn]) throws {
        if let workbook = Self.workbook(data) {
            throw ImportFailure.file(
                Explanation(
                    "This is an Excel workbook (\(workbook)), not a CSV file: in Excel choose Save As, “CSV UTF-8 (Comma delimited)”.",
                    th:
                        "ไฟล์นี้เป็นไฟล์ Excel (\(workbook)) ไม่ใช่ไฟล์ CSV: ใน Excel ให้เลือกบันทึกเป็น (Save As) ชนิด “CSV UTF-8 (Comma delimited)”"
                ))
        }
        // A file that starts with UTF-8's byte-order mark says it is UTF-8: if it is not, it is damaged,
        // and reading it as Thai Windows text would only turn the mark into Thai letters.
        let saysUTF8 = data.starts(with: [0xEF, 0xBB, 0xBF])
        guard var text = String(validating: data, as: UTF8.self) ?? (saysUTF8 ? nil : ThaiWindowsText.decode(data))
        else {
            throw ImportFailure.file(
                Explanation(
                    "The file is not UTF-8 text, nor Thai Windows text (save it from the spreadsheet as “CSV UTF-8”).",
                    th: "ไฟล์ไม่ใช่ข้อความ UTF-8 หรือข้อความภาษาไทยของ Windows (ให้บันทึกเป็น CSV UTF-8)"))
        }
        if text.unicodeScalars.first == "\u{FEFF}" { text.unicodeScalars.removeFirst() }
        do {
            reader = try CSVReader(string: text, hasHeaderRow: true, trimFields: false)
        } catch {
            throw ImportFailure.file(
                Explanation("The file is empty or has no header row.", th: "ไฟล์ว่างหรือไม่มีแถวหัวตาราง"))
        }
        let header = (reader.headerRow ?? []).map { $0.replacingOccurrences(of: "\u{FEFF}", with: "") }
        var positions: [String: Int] = [:]
        var headers: [String: String] = [:]
        var unknown: [String] = []
        for (index, name) in header.enumerated() {
            let normal = ImportColumn.normalise(name)
            if normal.isEmpty { continue }
            if let column = columns.first(where: { $0.names.contains { ImportColumn.normalise($0) == normal } }) {
                positions[column.key] = index
                headers[column.key] = name.trimmingCharacters(in: .whitespacesAndNewlines)
            } else {
                unknown.append(name)
            }
        }
        let missing = columns.filter { $0.required && positions[$0.key] == nil }
        if !unknown.isEmpty || !missing.isEmpty {
            var problems: [String] = [], problemsTH: [String] = []
            if !missing.isEmpty {
                let names = missing.map { $0.names.last! + " (" + $0.key + ")" }.joined(separator: ", ")
                problems.append("missing column(s): " + names)
                problemsTH.append("ขาดคอลัมน์ " + names)
            }
            if !unknown.isEmpty {
                problems.append("unknown column(s): " + unknown.joined(separator: ", "))
                problemsTH.append("คอลัมน์ที่ไม่รู้จัก " + unknown.joined(separator: ", "))
            }
            throw ImportFailure.file(
                Explanation(
                    "The header does not match: " + problems.joined(separator: "; ") + ".",
                    th: "หัวตารางไม่ตรงกับแบบที่กำหนด: " + problemsTH.joined(separator: "; ")))
        }
        self.positions = positions
        self.headers = headers
    }

    /// The next row, or nil at the end.
    mutating func next() -> CSVRecord? {
        guard let fields = reader.next() else { return nil }
        let record = CSVRecord(line: nextLine, fields: fields)
        nextLine += 1 + fields.reduce(0) { $0 + Self.lineBreaks(in: $1) }
        return record
    }
}

extension CSVTable {
    /// Line breaks inside a quoted cell (LF, CRLF or a lone CR each count once), by bytes.
    static func lineBreaks(in field: String) -> Int {
        var count = 0
        var afterCR = false
        for byte in field.utf8 {
            if byte == 0x0A { if !afterCR { count += 1 } } else if byte == 0x0D { count += 1 }
            afterCR = byte == 0x0D
        }
        return count
    }
}

extension CSVRecord {
    /// The trimmed text of a column, nil when the column is absent or the cell blank.
    func value(_ key: String, in table: CSVTable) -> String? {
        guard let index = table.positions[key], index < fields.count else { return nil }
        let text = fields[index]
        // Most cells need no trimming; checking the ends' bytes avoids Foundation for them.
        let isSpace = { (byte: UInt8?) in byte == 0x20 || byte == 0x09 }
        if !isSpace(text.utf8.first) && !isSpace(text.utf8.last) { return text.isEmpty ? nil : text }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? nil : trimmed
    }
}
