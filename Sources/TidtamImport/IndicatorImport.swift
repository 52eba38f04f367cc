import Foundation
import Postgres
import TidtamDomain

/// Indicators with a yearly target, one per row: the unit's own (blank project) or a project's
/// (by its code in the unit's open plan for the year). Scored on five levels.
enum IndicatorImport: ImportKind {
    static let name = "indicators"
    static let columns = [
        ImportColumn("school_code", ["obec_code", "รหัสโรงเรียน", "รหัสสถานศึกษา"]),
        ImportColumn("fiscal_year", ["ปีงบประมาณ"], required: true),
        ImportColumn("project_code", ["รหัสโครงการ"]),
        ImportColumn("code", ["indicator_code", "รหัสตัวชี้วัด"]),
        ImportColumn("name_th", ["indicator", "ตัวชี้วัด", "ชื่อตัวชี้วัด"], required: true),
        ImportColumn("unit_th", ["unit", "หน่วยนับ"], required: true),
        ImportColumn("kind", ["ประเภท"]),
        ImportColumn("direction", ["ทิศทาง"]),
        ImportColumn("baseline", ["ค่าฐาน"]),
        ImportColumn("level_1", ["ระดับ1"], required: true), ImportColumn("level_2", ["ระดับ2"], required: true),
        ImportColumn("level_3", ["ระดับ3"], required: true), ImportColumn("level_4", ["ระดับ4"], required: true),
        ImportColumn("level_5", ["ระดับ5"], required: true),
        ImportColumn("weight", ["น้ำหนัก"]),
        ImportColumn("is_csf", ["csf", "ปัจจัยความสำเร็จ"]),
        ImportColumn("target", ["ค่าเป้าหมาย", "เป้าหมาย"], required: true),
    ]

    static let kinds = ["output": "output", "outcome": "outcome", "ผลผลิต": "output", "ผลลัพธ์": "outcome"]
    static let directions = [
        "higher_is_better": "higher_is_better", "lower_is_better": "lower_is_better",
        "มากดี": "higher_is_better", "น้อยดี": "lower_is_better",
    ]
    static let flags = [
        "yes": "true", "no": "false", "true": "true", "false": "false", "ใช่": "true", "ไม่ใช่": "false", "1": "true",
        "0": "false",
    ]

    static func stage(_ r: inout RowReader) -> [String?] {
        let school = r.text("school_code", max: 10)
        let year = r.integer("fiscal_year", in: 2500...2700, required: true)
        let project = r.text("project_code", max: 30)
        let code = r.text("code", max: 30)
        let name = r.text("name_th", max: 500, required: true)
        let unit = r.text("unit_th", max: 50, required: true)
        let kind = r.choice("kind", kinds) ?? "output"
        let direction = r.choice("direction", directions) ?? "higher_is_better"
        let baseline = r.decimal("baseline")
        let levels = (1...5).map { r.decimal("level_\($0)") }
        let weight = r.decimal("weight", min: 0)
        let csf = r.choice("is_csf", flags)
        let target = r.decimal("target")
        if target == nil && r.errors.allSatisfy({ $0.column != "target" }) {
            r.fail("target", "required", "A value is required.", "ต้องระบุค่า")
        }
        let complete = levels.compactMap { $0 }
        if complete.count == 5 {
            // The domain's rules (five ordered levels, a weight from 0 to 100) hold for imports too.
            let definition = IndicatorDefinition(
                nameTH: name ?? "-", unit: unit ?? "-", kind: .init(rawValue: kind) ?? .output,
                direction: .init(rawValue: direction) ?? .higherIsBetter,
                scoring: .fiveLevels(complete), weight: weight ?? 0)
            for error in definition.validate() where error.field.name != "name_th" && error.field.name != "unit" {
                r.fail(error.field.name == "weight" ? "weight" : "level_1", error.code, error.detail, error.detailTH)
            }
        } else {
            for (index, level) in levels.enumerated()
            where level == nil && r.errors.allSatisfy({ $0.column != "level_\(index + 1)" }) {
                r.fail(
                    "level_\(index + 1)", "required", "A five-level table needs all five values.",
                    "เกณฑ์ 5 ระดับต้องมีครบ 5 ค่า")
            }
        }
        let array = complete.count == 5 ? "{" + complete.map { "\($0)" }.joined(separator: ",") + "}" : nil
        return [
            school, year.map(String.init), project, code, name, unit, kind, direction, baseline.map { "\($0)" }, array,
            weight.map { "\($0)" } ?? "0", csf ?? "false", target.map { "\($0)" },
        ]
    }

    static let createStaging: SQL = """
        CREATE TEMP TABLE import_indicator (line int, school_code text, fiscal_year int, project_code text, code text, name_th text,
            unit_th text, kind text, direction text, baseline numeric, levels numeric[], weight numeric, is_csf boolean, target numeric,
            school_id bigint, project_id bigint, plan_status text, indicator_id bigint) ON COMMIT DROP
        """
    static let copyStaging: SQL = """
        COPY import_indicator (line, school_code, fiscal_year, project_code, code, name_th, unit_th, kind, direction, baseline, levels,
            weight, is_csf, target) FROM STDIN
        """
    static func prepares(district: Int64) -> [SQL] {
        ImportSQL.resolveSchools("import_indicator", district: district) + [
            """
            UPDATE import_indicator i SET project_id = x.id, plan_status = p.status
            FROM action_plan p JOIN project x ON x.district_id = p.district_id AND x.plan_id = p.id
            WHERE p.district_id = \(district) AND coalesce(p.school_id, 0) = coalesce(i.school_id, 0) AND p.fiscal_year = i.fiscal_year
              AND x.code = i.project_code
              AND NOT EXISTS (SELECT 1 FROM action_plan n WHERE n.district_id = p.district_id AND n.previous_id = p.id)
            """
        ]
    }

    static func checks(district: Int64) -> [SQL] {
        ImportSQL.schoolChecks("import_indicator") + [
            """
            SELECT line, \(ImportSQL.error("project_code", "unknown_project", "'The unit''s plan for this year has no project ' || project_code || '.'",
                                      "'ไม่พบโครงการรหัส ' || project_code || ' ในแผนของปีนี้'"))
            FROM import_indicator WHERE project_code IS NOT NULL AND project_id IS NULL AND (school_code IS NULL OR school_id IS NOT NULL)
            """,
            """
            SELECT line, \(ImportSQL.error("project_code", "plan_frozen", "'The project''s plan is ' || plan_status || '; start a new revision first.'",
                                      "'แผนของโครงการนี้แก้ไขไม่ได้ ให้สร้างฉบับปรับปรุงก่อน'"))
            FROM import_indicator WHERE project_id IS NOT NULL AND plan_status NOT IN ('draft', 'returned')
            """,
        ]
    }

    static func loads(district: Int64) -> [(name: String, sql: SQL)] {
        [
            ("", "UPDATE import_indicator SET indicator_id = nextval(pg_get_serial_sequence('indicator', 'id'))"),
            (
                "indicators",
                """
                INSERT INTO indicator (district_id, id, school_id, project_id, code, name_th, unit_th, kind, direction, period, baseline,
                                       scoring, levels, weight, is_csf)
                SELECT \(district), indicator_id, school_id, project_id, code, name_th, unit_th, kind, direction, 'year', baseline,
                       'five_levels', levels, weight, is_csf
                FROM import_indicator ORDER BY line
                """
            ),
            (
                "targets",
                """
                INSERT INTO indicator_target (district_id, indicator_id, school_id, fiscal_year, period, target)
                SELECT \(district), indicator_id, school_id, fiscal_year, 0, target FROM import_indicator
                """
            ),
        ]
    }
}
