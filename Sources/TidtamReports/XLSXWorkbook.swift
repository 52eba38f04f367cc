import Foundation
import ZIPFoundation

/// A small SpreadsheetML (Office Open XML, ECMA-376) writer: sheets of text and number cells,
/// a bold header row, column widths, zipped with ZIPFoundation. No Swift writer exists, so this
/// one holds only what reports need. Text is written as inline strings, which a spreadsheet
/// shows and never evaluates; one that starts like a formula (`=`, `+`, `-`, `@`, tab, CR) also
/// carries the quote-prefix style, so that editing the cell does not turn it into one.
public struct XLSXWorkbook: Sendable {
    public enum Cell: Sendable, Equatable {
        case text(String)
        /// A number as text (digits, a point, a leading minus): stored as a number.
        case number(String)
        case empty
    }

    public struct Sheet: Sendable {
        public var name: String
        public var rows: [[Cell]]
        /// Rows at the top that are headings (bold).
        public var headerRows: Int
        /// Widths in characters, by column.
        public var widths: [Double]

        public init(name: String, rows: [[Cell]], headerRows: Int = 1, widths: [Double] = []) {
            self.name = name
            self.rows = rows
            self.headerRows = headerRows
            self.widths = widths
        }
    }

    public var sheets: [Sheet]
    public init(sheets: [Sheet]) { self.sheets = sheets }

    public func bytes() throws -> [UInt8] {
        let archive = try Archive(accessMode: .create)
        var parts: [(String, String)] = [
            ("[Content_Types].xml", contentTypes), ("_rels/.rels", Self.rootRelationships),
            ("xl/workbook.xml", workbook), ("xl/_rels/workbook.xml.rels", workbookRelationships),
            ("xl/styles.xml", Self.styles),
        ]
        for (n, sheet) in sheets.enumerated() { parts.append(("xl/worksheets/sheet\(n + 1).xml", Self.xml(sheet))) }
        for (path, text) in parts {
            let data = Data(text.utf8)
            try archive.addEntry(
                with: path, type: .file, uncompressedSize: Int64(data.count), modificationDate: Self.fixedDate,
                compressionMethod: .deflate
            ) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return [UInt8](archive.data ?? Data())
    }

    /// Entries carry one fixed date, so that the same data gives the same bytes.
    static let fixedDate = Date(timeIntervalSince1970: 1_577_836_800)

    var contentTypes: String {
        let overrides = sheets.indices.map {
            "<Override PartName=\"/xl/worksheets/sheet\($0 + 1).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        }.joined()
        return """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
            <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
            <Default Extension="xml" ContentType="application/xml"/>\
            <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
            <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
            \(overrides)</Types>
            """
    }

    static let rootRelationships = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
        </Relationships>
        """

    var workbook: String {
        let list = sheets.enumerated().map { n, sheet in
            "<sheet name=\"\(Self.escape(Self.sheetName(sheet.name)))\" sheetId=\"\(n + 1)\" r:id=\"rId\(n + 1)\"/>"
        }.joined()
        return """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
            xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>\(list)</sheets></workbook>
            """
    }

    var workbookRelationships: String {
        let list = sheets.indices.map {
            "<Relationship Id=\"rId\($0 + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\($0 + 1).xml\"/>"
        }.joined()
        let styles =
            "<Relationship Id=\"rId\(sheets.count + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
        return """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\(list)\(styles)</Relationships>
            """
    }

    /// Styles: 0 plain, 1 bold (headings), 2 text with the quote prefix, 3 bold with it.
    static let styles = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
        <fonts count="2"><font><sz val="14"/><name val="TH Sarabun New"/></font><font><b/><sz val="14"/><name val="TH Sarabun New"/></font></fonts>\
        <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
        <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
        <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
        <cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
        <xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
        <xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>\
        <xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" quotePrefix="1"/></cellXfs>\
        </styleSheet>
        """

    static func xml(_ sheet: Sheet) -> String {
        var out = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
            """
        if !sheet.widths.isEmpty {
            out += "<cols>"
            for (n, width) in sheet.widths.enumerated() {
                out += "<col min=\"\(n + 1)\" max=\"\(n + 1)\" width=\"\(width)\" customWidth=\"1\"/>"
            }
            out += "</cols>"
        }
        out += "<sheetData>"
        for (r, row) in sheet.rows.enumerated() {
            out += "<row r=\"\(r + 1)\">"
            let bold = r < sheet.headerRows
            for (c, cell) in row.enumerated() {
                let ref = column(c) + String(r + 1)
                switch cell {
                case .empty: continue
                case .number(let digits) where isNumber(digits):
                    out += "<c r=\"\(ref)\"\(bold ? " s=\"1\"" : "")><v>\(digits)</v></c>"
                case .number(let text), .text(let text):
                    let style = (bold ? 1 : 0) + (CSVFile.inert(text) == text ? 0 : 2)
                    out +=
                        "<c r=\"\(ref)\" t=\"inlineStr\"\(style > 0 ? " s=\"\(style)\"" : "")><is><t xml:space=\"preserve\">\(escape(text))</t></is></c>"
                }
            }
            out += "</row>"
        }
        return out + "</sheetData></worksheet>"
    }

    /// A, B, … Z, AA, AB, …
    static func column(_ index: Int) -> String {
        var n = index + 1, name = ""
        while n > 0 {
            let digit = (n - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + digit))) + name
            n = (n - 1) / 26
        }
        return name
    }

    static func isNumber(_ text: String) -> Bool {
        !text.isEmpty && Double(text) != nil
            && text.allSatisfy { $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-") }
    }

    /// Sheet names: at most 31 characters, none of `[]:*?/\`.
    static func sheetName(_ name: String) -> String {
        String(name.map { "[]:*?/\\".contains($0) ? "_" : $0 }.prefix(31))
    }

    /// XML text: the five entities, and no character XML 1.0 forbids (controls but tab, LF, CR).
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
