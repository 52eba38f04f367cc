import Foundation
import Postgres
import TidtamDomain
import TidtamStore

/// Indicator actuals, one per row: an indicator (its id in the system), the school (blank: the
/// caller's own, or the indicator's owner), the fiscal year and period, the value. A period that
/// already has a value is corrected by the row, which must say why; nothing is overwritten. The
/// roll-ups of each fiscal year in the file are marked due once, in the import's transaction.
enum ActualImport: ImportKind {
    static let name = "actuals"
    static let columns = [
        ImportColumn("school_code", ["obec_code", "รหัสโรงเรียน", "รหัสสถานศึกษา"]),
        ImportColumn("indicator_id", ["เลขที่ตัวชี้วัด", "รหัสตัวชี้วัดในระบบ"], required: true),
        ImportColumn("fiscal_year", ["ปีงบประมาณ"], required: true),
        ImportColumn("period", ["งวด", "งวดที่"]),
        ImportColumn("value", ["ผลการดำเนินงาน", "ค่าที่ได้", "actual"], required: true),
        ImportColumn("note_th", ["หมายเหตุ", "note"]),
        ImportColumn("correction_reason", ["เหตุผลการแก้ไข"]),
    ]

    static func stage(_ r: inout RowReader) -> [String?] {
        let school = r.text("school_code", max: 10)
        let indicator = r.integer("indicator_id", in: 1...Int.max, required: true)
        let year = r.integer("fiscal_year", in: 2500...2700, required: true)
        let period = r.integer("period", in: 0...12) ?? 0
        let value = r.decimal("value")
        if value == nil && r.errors.allSatisfy({ $0.column != "value" }) {
            r.fail("value", "required", "A value is required.", "ต้องระบุค่า")
        }
        let note = r.text("note_th", max: 2000)
        let reason = r.text("correction_reason", max: 2000)
        return [
            school, indicator.map(String.init), year.map(String.init), String(period), value.map { "\($0)" }, note,
            reason,
        ]
    }

    static let createStaging: SQL = """
        CREATE TEMP TABLE import_actual (line int, school_code text, indicator_id bigint, fiscal_year int, period smallint,
            value numeric, note_th text, correction_reason text, school_id bigint, found boolean, owner_school bigint,
            indicator_period text, adopted boolean, latest_seq int) ON COMMIT DROP
        """
    static let copyStaging: SQL = """
        COPY import_actual (line, school_code, indicator_id, fiscal_year, period, value, note_th, correction_reason) FROM STDIN
        """

    static func prepares(district: Int64) -> [SQL] {
        ImportSQL.resolveSchools("import_actual", district: district) + [
            """
            UPDATE import_actual x SET found = true, owner_school = i.school_id, indicator_period = i.period
            FROM indicator i WHERE i.district_id = \(district) AND i.id = x.indicator_id
            """,
            "UPDATE import_actual SET school_id = owner_school WHERE school_id IS NULL AND school_code IS NULL AND owner_school IS NOT NULL",
            """
            UPDATE import_actual x SET adopted = true FROM indicator_adoption d
            WHERE d.district_id = \(district) AND d.indicator_id = x.indicator_id AND d.school_id = x.school_id
            """,
            """
            UPDATE import_actual x SET latest_seq = l.seq
            FROM (SELECT a.indicator_id, a.school_id, a.fiscal_year, a.period, max(a.seq) AS seq
                  FROM indicator_actual a JOIN (SELECT DISTINCT indicator_id FROM import_actual) f ON f.indicator_id = a.indicator_id
                  WHERE a.district_id = \(district) GROUP BY 1, 2, 3, 4) l
            WHERE l.indicator_id = x.indicator_id AND l.school_id IS NOT DISTINCT FROM x.school_id
              AND l.fiscal_year = x.fiscal_year AND l.period = x.period
            """,
            "ANALYZE import_actual",
        ]
    }

    static func checks(district: Int64) -> [SQL] {
        ImportSQL.schoolChecks("import_actual") + [
            """
            SELECT line, \(ImportSQL.error("indicator_id", "unknown_indicator", "'This district has no indicator ' || indicator_id || '.'",
                                      "'ไม่พบตัวชี้วัดเลขที่ ' || indicator_id || ' ในเขตพื้นที่'"))
            FROM import_actual WHERE indicator_id IS NOT NULL AND found IS NULL
            """,
            """
            SELECT line, \(ImportSQL.error("school_code", "mismatch", "'Indicator ' || indicator_id || ' belongs to another school.'",
                                      "'ตัวชี้วัดเลขที่ ' || indicator_id || ' เป็นของสถานศึกษาอื่น'"))
            FROM import_actual WHERE owner_school IS NOT NULL AND school_id IS DISTINCT FROM owner_school
              AND (school_code IS NULL OR school_id IS NOT NULL)
            """,
            """
            SELECT line, \(ImportSQL.error("school_code", "not_adopted", "'This school has not adopted indicator ' || indicator_id || '.'",
                                      "'สถานศึกษานี้ยังไม่ได้รับตัวชี้วัดเลขที่ ' || indicator_id || ' ไปใช้'"))
            FROM import_actual WHERE found AND owner_school IS NULL AND school_id IS NOT NULL AND adopted IS NULL
            """,
            """
            SELECT line, \(ImportSQL.error("period", "out_of_range", "'A ' || indicator_period || ' indicator has no period ' || period || '.'",
                                      "'ตัวชี้วัดนี้ไม่มีงวดที่ ' || period"))
            FROM import_actual
            WHERE found AND period > CASE indicator_period WHEN 'year' THEN 0 WHEN 'half' THEN 2 WHEN 'quarter' THEN 4 ELSE 12 END
            """,
            """
            SELECT line, \(ImportSQL.error("correction_reason", "required", "'This period already has a value; a new one corrects it, so say why.'",
                                      "'งวดนี้มีผลการดำเนินงานบันทึกไว้แล้ว การบันทึกใหม่เป็นการแก้ไข ต้องระบุเหตุผล'"))
            FROM import_actual WHERE latest_seq IS NOT NULL AND correction_reason IS NULL
            """,
            """
            SELECT line, \(ImportSQL.error("period", "duplicate", "'Another row of the file has this indicator, school and period.'",
                                      "'มีแถวอื่นในไฟล์ที่เป็นตัวชี้วัด สถานศึกษา และงวดเดียวกัน'"))
            FROM (SELECT line, row_number() OVER (PARTITION BY indicator_id, school_id, fiscal_year, period ORDER BY line) AS n
                  FROM import_actual WHERE found) d
            WHERE n > 1
            """,
        ]
    }

    static func loads(district: Int64) -> [(name: String, sql: SQL)] {
        [
            (
                "actuals",
                """
                INSERT INTO indicator_actual (district_id, indicator_id, school_id, fiscal_year, period, seq, value, note_th,
                                              correction_reason, reported_by)
                SELECT \(district), indicator_id, school_id, fiscal_year, period, coalesce(latest_seq, 0) + 1, value, note_th,
                       correction_reason, nullif(current_setting('tidtam.user_id', true), '')::bigint
                FROM import_actual ORDER BY line
                """
            )
        ]
    }

    /// One mark per fiscal year in the file: the whole file is one change for the roll-ups.
    static func afterLoad(_ tx: Transaction, district: Int64) throws {
        for row in try tx.query("SELECT DISTINCT fiscal_year FROM import_actual ORDER BY 1").rows {
            try RollupRequests.mark(tx, district: district, fiscalYear: try row.decode("fiscal_year"))
        }
    }
}
