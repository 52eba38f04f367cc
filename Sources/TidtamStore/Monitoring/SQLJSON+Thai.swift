import Postgres
import TidtamDomain

extension SQLJSON {
    /// A code's Thai name from the code's own constants: `CASE status WHEN 'draft' THEN 'ร่าง' … END`.
    static func thai(_ column: SQL, _ names: [(code: String, thai: String)]) -> SQL {
        let cases = names.map { "WHEN \(SQL.constant($0.code)) THEN \(SQL.constant($0.thai))" as SQL }
        return "CASE \(column) \(SQL.join(cases, " ")) END"
    }

    static let thaiMonths = SQL.join(ThaiCalendar.monthNames.map { SQL.constant($0) }, ", ")

    /// A date as a Thai reader writes it: "31 ธันวาคม 2568" (Buddhist Era).
    static func thaiDate(_ column: SQL) -> SQL {
        """
        CASE WHEN \(column) IS NOT NULL THEN extract(day FROM \(column))::int || ' ' || (ARRAY[\(thaiMonths)])[extract(month FROM \(column))::int]
             || ' ' || (extract(year FROM \(column))::int + 543) END
        """
    }

    /// A moment as a Thai reader writes it, in Asia/Bangkok: "2 ธันวาคม 2569 09:00 น.".
    static func thaiTime(_ column: SQL) -> SQL {
        "\(thaiDate("(\(column) AT TIME ZONE 'Asia/Bangkok')::date")) || ' ' || to_char(\(column) AT TIME ZONE 'Asia/Bangkok', 'HH24:MI') || ' น.'"
    }

    /// The Thai name of a monitoring item's period (`m` has period_kind, period, period_start,
    /// fiscal_year): "ไตรมาสที่ 1 ปีงบประมาณ พ.ศ. 2569", "เดือนตุลาคม 2568".
    static func periodTH(_ m: SQL) -> SQL {
        """
        CASE \(m).period_kind
            WHEN 'quarter' THEN 'ไตรมาสที่ ' || \(m).period || ' ปีงบประมาณ พ.ศ. ' || \(m).fiscal_year
            WHEN 'month' THEN 'เดือน' || (ARRAY[\(thaiMonths)])[extract(month FROM \(m).period_start)::int] || ' '
                              || (extract(year FROM \(m).period_start)::int + 543)
            WHEN 'half' THEN CASE \(m).period WHEN 1 THEN 'ครึ่งปีแรก' ELSE 'ครึ่งปีหลัง' END || ' ปีงบประมาณ พ.ศ. ' || \(m).fiscal_year
            ELSE 'จุดตรวจสอบกิจกรรมสำคัญ ปีงบประมาณ พ.ศ. ' || \(m).fiscal_year END
        """
    }
}
