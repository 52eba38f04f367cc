import Foundation
import Postgres
import XCTest

/// `numeric` text read by the fast path is the value, and prints, as `Decimal(string:)` reads it.
final class DecimalTextTests: XCTestCase {
    func testPlainTextReadsAsDecimalStringDoes() throws {
        let texts = [
            "0", "-0", "0.00", "1", "-1", "12.5", "-12.50", "100", "1200.000", "0.000125", "-0.5", "999999999999999999",
            "123456789.123456789", "0.333333333333333333", "1234567890123456789", "NaN", "12345678901234567890.5",
            "5.0000000000000000001",
        ]
        for text in texts {
            guard let expected = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")), !expected.isNaN,
                text.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" })
            else {
                XCTAssertThrowsError(try Decimal.decode(postgresText: text, column: "v"), text)
                continue
            }
            let read = try Decimal.decode(postgresText: text, column: "v")
            XCTAssertEqual(read, expected, text)
            XCTAssertEqual(read.description, expected.description, text)
        }
    }
}
