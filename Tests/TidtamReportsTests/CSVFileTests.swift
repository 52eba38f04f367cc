import TidtamReports
import XCTest

/// CSV as Excel opens it: a byte-order mark, CRLF, quoting, and no cell Excel would run.
final class CSVFileTests: XCTestCase {
    func testBOMCRLFAndQuoting() {
        let file = CSVFile(
            header: ["ชื่อ", "จำนวน"],
            rows: [[.text("โรงเรียน, \"บ้านนา\""), .number("12.50")], [.text("สอง\nบรรทัด"), .empty]])
        let bytes = file.bytes
        XCTAssertEqual(Array(bytes.prefix(3)), [0xEF, 0xBB, 0xBF])
        XCTAssertEqual(
            String(decoding: bytes.dropFirst(3), as: UTF8.self),
            "ชื่อ,จำนวน\r\n\"โรงเรียน, \"\"บ้านนา\"\"\",12.50\r\n\"สอง\nบรรทัด\",\r\n")
    }

    func testEveryFormulaStartIsMadeInert() {
        for start in ["=", "+", "-", "@", "\t", "\r"] {
            let cell = start + "HYPERLINK(\"http://x.test\")"
            XCTAssertEqual(CSVFile.inert(cell), "'" + cell, "starting with \(start.debugDescription)")
        }
        XCTAssertEqual(CSVFile.inert("โรงเรียน=1"), "โรงเรียน=1", "only the first character counts")
        XCTAssertEqual(CSVFile.inert(""), "")
        // Numbers are numbers: a negative one is written as it is, for Excel to read as a number.
        let file = CSVFile(header: ["n"], rows: [[.number("-5")], [.text("-5")]])
        XCTAssertEqual(String(decoding: file.bytes.dropFirst(3), as: UTF8.self), "n\r\n-5\r\n'-5\r\n")
    }
}
