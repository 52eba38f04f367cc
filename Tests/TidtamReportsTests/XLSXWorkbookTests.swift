@testable import TidtamReports
import XCTest

/// The SpreadsheetML writer's small rules; whole workbooks are read back by openpyxl in the API tests.
final class XLSXWorkbookTests: XCTestCase {
    func testColumnNames() {
        XCTAssertEqual(
            [0, 1, 25, 26, 27, 51, 52, 701, 702].map(XLSXWorkbook.column),
            ["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"])
    }

    func testTextIsEscapedAndFormulasAreInert() {
        XCTAssertEqual(XLSXWorkbook.escape("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;")
        let xml = XLSXWorkbook.xml(
            .init(name: "x", rows: [[.text("=1+1"), .number("-2.5"), .number("สอง")]], headerRows: 0))
        XCTAssertTrue(
            xml.contains("<c r=\"A1\" t=\"inlineStr\" s=\"2\"><is><t xml:space=\"preserve\">=1+1</t></is></c>"), xml)
        XCTAssertTrue(xml.contains("<c r=\"B1\"><v>-2.5</v></c>"), xml)
        XCTAssertTrue(xml.contains("t=\"inlineStr\"><is><t xml:space=\"preserve\">สอง</t>"), "not a number: text")
        XCTAssertFalse(xml.contains("<f>"), "no formula is ever written")
    }

    func testSameSheetsSameBytes() throws {
        let book = XLSXWorkbook(sheets: [.init(name: "สรุป: ปี/2569", rows: [[.text("ก")]])])
        XCTAssertEqual(try book.bytes(), try book.bytes())
        XCTAssertTrue(book.workbook.contains("name=\"สรุป_ ปี_2569\""))
    }
}
