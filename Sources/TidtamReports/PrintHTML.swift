import Foundation

/// Print-ready Thai HTML, for the screen and for the PDF renderer (WeasyPrint): A4 with the
/// margins of a Thai official document (3 cm left, 2.5 cm top, 2 cm right and bottom), the
/// Laksaman typeface (Debian's fonts-thai-tlwg, derived from TH Sarabun New, the official
/// typeface) at 16 pt — named alone: with "TH Sarabun New" listed after it, fontconfig's
/// substitute for the missing family squeezed WeasyPrint's Thai glyphs together —, page numbers in Thai at the foot of every page, table headings repeated
/// on each page and no row broken across two.
public enum PrintHTML {
    /// `landscape` turns the page (tables of many figures, the national reports); `style` adds rules.
    public static func document(titleTH: String, body: String, landscape: Bool = false, style: String = "") -> String {
        """
        <!DOCTYPE html>
        <html lang="th">
        <head>
        <meta charset="utf-8">
        <title>\(escape(titleTH))</title>
        <style>
        @page {
          size: A4\(landscape ? " landscape" : "");
          margin: \(landscape ? "2cm 2cm 2cm 2.5cm" : "2.5cm 2cm 2cm 3cm");
          @bottom-center { content: "หน้า " counter(page) " จาก " counter(pages); font-family: Laksaman, serif; font-size: 12pt; }
        }
        body { font-family: Laksaman, serif; font-size: 16pt; line-height: 1.35; color: #000; }
        h1 { font-size: 20pt; text-align: center; margin: 0 0 0.4em; }
        h2 { font-size: 18pt; margin: 1em 0 0.3em; break-after: avoid; }
        h3 { font-size: 16pt; margin: 0.8em 0 0.2em; break-after: avoid; }
        ol li { margin-bottom: 0.2em; }
        .source { color: #444; font-size: 13pt; }
        p.meta { text-align: center; margin: 0 0 1em; }
        table { width: 100%; border-collapse: collapse; font-size: 13pt; table-layout: fixed; margin: 0.3em 0 0.9em; }
        thead { display: table-header-group; }
        tr { break-inside: avoid; page-break-inside: avoid; }
        th, td { border: 0.5pt solid #444; padding: 2pt 3pt; vertical-align: top; overflow-wrap: break-word; white-space: pre-line; }
        th { background: #eee; font-weight: bold; }
        td.n { text-align: right; font-variant-numeric: tabular-nums; }
        table.summary { width: auto; font-size: 16pt; }
        table.summary th, table.summary td { border: none; background: none; text-align: left; padding: 0 1em 0 0; }
        .late { color: #8a4b00; }
        .missing { color: #a00; font-weight: bold; }
        \(style)
        </style>
        </head>
        <body>
        \(body)
        </body>
        </html>
        """
    }

    /// A table with its headings, `numeric` the columns aligned right.
    public static func table(
        header: [String], rows: [[String]], numeric: Set<Int> = [], rowClasses: [String?] = [], widths: [Int] = [],
        tableClass: String? = nil
    ) -> String {
        let columns =
            widths.isEmpty ? "" : "<colgroup>" + widths.map { "<col style=\"width: \($0)%\">" }.joined() + "</colgroup>"
        var out =
            "<table\(tableClass.map { " class=\"\($0)\"" } ?? "")>\(columns)<thead><tr>"
            + header.map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead><tbody>"
        for (n, row) in rows.enumerated() {
            let rowClass = n < rowClasses.count ? rowClasses[n].map { " class=\"\($0)\"" } ?? "" : ""
            out += "<tr\(rowClass)>"
            for (c, cell) in row.enumerated() {
                out += numeric.contains(c) ? "<td class=\"n\">\(escape(cell))</td>" : "<td>\(escape(cell))</td>"
            }
            out += "</tr>"
        }
        return out + "</tbody></table>"
    }

    /// Label and value pairs, one per line.
    public static func pairs(_ pairs: [(String, String)]) -> String {
        "<table class=\"summary\"><tbody>"
            + pairs.map { "<tr><th>\(escape($0.0))</th><td>\(escape($0.1))</td></tr>" }.joined() + "</tbody></table>"
    }

    /// An amount with its thousands grouped as Thai offices print them: 1,234,567.50.
    public static func grouped(_ value: Decimal) -> String {
        let text = "\(value)"
        let negative = text.hasPrefix("-")
        let digits = negative ? String(text.dropFirst()) : text
        let parts = digits.split(separator: ".", maxSplits: 1)
        var whole = Array(parts.first.map(String.init) ?? "0")
        var out = ""
        while whole.count > 3 {
            out = "," + String(whole.suffix(3)) + out
            whole.removeLast(3)
        }
        out = String(whole) + out
        if parts.count > 1 { out += "." + parts[1] }
        return (negative ? "-" : "") + out
    }

    public static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&#39;")
    }
}
