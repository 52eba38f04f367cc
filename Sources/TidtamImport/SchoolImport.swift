import Foundation
import Postgres
import TidtamDomain

/// Schools of the district, one per row, as the district office keeps its school list.
enum SchoolImport: ImportKind {
    static let name = "schools"
    static let columns = [
        ImportColumn("obec_code", ["รหัสโรงเรียน", "รหัสสถานศึกษา", "school_code"], required: true),
        ImportColumn("name_th", ["ชื่อโรงเรียน", "ชื่อสถานศึกษา", "name"], required: true),
        ImportColumn("name_en", ["ชื่อภาษาอังกฤษ"]),
        ImportColumn("province_th", ["จังหวัด", "province"]),
        ImportColumn("address_th", ["ที่อยู่", "address"]),
        ImportColumn("size", ["ขนาด", "ขนาดโรงเรียน"]),
        ImportColumn("student_count", ["จำนวนนักเรียน", "students"]),
    ]

    static let sizes = [
        "small": "small", "medium": "medium", "large": "large", "extra_large": "extra_large",
        "เล็ก": "small", "กลาง": "medium", "ใหญ่": "large", "ใหญ่พิเศษ": "extra_large",
    ]

    static func stage(_ r: inout RowReader) -> [String?] {
        var code = r.text("obec_code", max: 10, required: true)
        if let given = code, !((8...10).contains(given.count) && given.allSatisfy({ $0.isASCII && $0.isNumber })) {
            r.fail("obec_code", "format", "An OBEC school code has 8 to 10 digits.", "รหัสโรงเรียนต้องเป็นตัวเลข 8–10 หลัก")
            code = nil  // a bad cell is staged as NULL, like every other (and so takes part in no later check)
        }
        let name = r.text("name_th", max: 200, required: true)
        let nameEN = r.text("name_en", max: 200)
        let province = r.text("province_th", max: 100)
        let address = r.text("address_th", max: 500)
        let size = r.choice("size", sizes)
        let students = r.integer("student_count", in: 0...100_000)
        return [code, name, nameEN, province, address, size, students.map(String.init)]
    }

    static let createStaging: SQL = """
        CREATE TEMP TABLE import_school (line int, obec_code text, name_th text, name_en text, province_th text,
                                         address_th text, size text, student_count int) ON COMMIT DROP
        """
    static let copyStaging: SQL = "COPY import_school FROM STDIN"
    static func prepares(district: Int64) -> [SQL] {
        []
    }

    static func checks(district: Int64) -> [SQL] {
        [
            """
            SELECT line, \(ImportSQL.error("obec_code", "duplicate_in_file", "'The code is also on line ' || first_line || '.'",
                                      "'รหัสซ้ำกับบรรทัดที่ ' || first_line"))
            FROM (SELECT line, min(line) OVER (PARTITION BY obec_code) AS first_line FROM import_school
                  WHERE obec_code IS NOT NULL) s
            WHERE line <> first_line
            """,
            """
            SELECT i.line, \(ImportSQL.error("obec_code", "exists", "'The district already has a school with this code.'",
                                        "'มีโรงเรียนรหัสนี้ในเขตพื้นที่แล้ว'"))
            FROM import_school i JOIN school s ON s.district_id = \(district) AND s.obec_code = i.obec_code
            """,
        ]
    }

    static func loads(district: Int64) -> [(name: String, sql: SQL)] {
        [
            (
                "schools",
                """
                INSERT INTO school (district_id, obec_code, name_th, name_en, province_th, address_th, size, student_count)
                SELECT \(district), obec_code, name_th, name_en, province_th, address_th, size, student_count FROM import_school ORDER BY line
                """
            )
        ]
    }
}
