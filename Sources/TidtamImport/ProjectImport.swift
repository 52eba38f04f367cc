import Foundation
import Postgres
import TidtamDomain

/// Projects with their budget by source, one per row, as schools keep their action plans in a
/// spreadsheet. A row names its school (blank: the district office) and fiscal year; the
/// unit's open plan for that year receives it, and a unit with no plan yet gets a draft one.
enum ProjectImport: ImportKind {
    static let name = "projects"
    static let budgetColumns: [(key: String, source: BudgetSource, names: [String])] = [
        ("budget_obec", .obec, ["งบประมาณสพฐ.", "งบ สพฐ.", "เงินงบประมาณ"]),
        ("budget_school_revenue", .schoolRevenue, ["เงินรายได้สถานศึกษา", "เงินนอกงบประมาณ"]),
        ("budget_local_government", .localGovernment, ["งบ อปท.", "องค์กรปกครองส่วนท้องถิ่น"]),
        ("budget_donation", .donation, ["เงินบริจาค"]),
        ("budget_other", .other, ["งบอื่น ๆ", "อื่น ๆ"]),
    ]
    static let columns =
        [
            ImportColumn("school_code", ["obec_code", "รหัสโรงเรียน", "รหัสสถานศึกษา"]),
            ImportColumn("fiscal_year", ["ปีงบประมาณ"], required: true),
            ImportColumn("code", ["project_code", "รหัสโครงการ"], required: true),
            ImportColumn("kind", ["ประเภท"]),
            ImportColumn("name_th", ["project_name", "ชื่อโครงการ", "ชื่อโครงการ/งาน"], required: true),
            ImportColumn("responsible_th", ["responsible", "ผู้รับผิดชอบ"]),
            ImportColumn("start_date", ["วันเริ่มต้น", "วันเริ่ม"]),
            ImportColumn("end_date", ["วันสิ้นสุด"]),
            ImportColumn("objectives_th", ["วัตถุประสงค์"]),
            ImportColumn("expected_outputs_th", ["ผลผลิต", "เป้าหมายเชิงปริมาณ"]),
            ImportColumn("expected_outcomes_th", ["ผลลัพธ์", "เป้าหมายเชิงคุณภาพ"]),
        ] + budgetColumns.map { ImportColumn($0.key, $0.names) }

    static let kinds = ["project": "project", "work": "work", "โครงการ": "project", "งาน": "work"]

    static func stage(_ r: inout RowReader) -> [String?] {
        let school = r.text("school_code", max: 10)
        let year = r.integer("fiscal_year", in: 2500...2700, required: true)
        let code = r.text("code", max: 30, required: true)
        if let code, code.contains(where: \.isWhitespace) {
            r.fail("code", "format", "A code has no spaces.", "รหัสต้องไม่มีช่องว่าง")
        }
        let kind = r.choice("kind", kinds)
        let name = r.text("name_th", max: 500, required: true)
        let responsible = r.text("responsible_th", max: 200)
        let start = r.date("start_date"), end = r.date("end_date")
        if let start, let end, end < start {
            r.fail("end_date", "before_start", "The end date is before the start date.", "วันสิ้นสุดอยู่ก่อนวันเริ่มต้น")
        }
        let objectives = r.text("objectives_th", max: 4000)
        let outputs = r.text("expected_outputs_th", max: 4000)
        let outcomes = r.text("expected_outcomes_th", max: 4000)
        let budgets = budgetColumns.map { r.amount($0.key, scale: 2) }
        return [
            school, year.map(String.init), code, kind ?? "project", name, responsible, start?.iso, end?.iso,
            objectives, outputs, outcomes,
        ] + budgets
    }

    static let createStaging: SQL = """
        CREATE TEMP TABLE import_project (line int, school_code text, fiscal_year int, code text, kind text, name_th text,
            responsible_th text, start_date date, end_date date, objectives_th text, expected_outputs_th text,
            expected_outcomes_th text, budget_obec numeric, budget_school_revenue numeric, budget_local_government numeric,
            budget_donation numeric, budget_other numeric, school_id bigint, plan_id bigint) ON COMMIT DROP
        """
    static let copyStaging: SQL = """
        COPY import_project (line, school_code, fiscal_year, code, kind, name_th, responsible_th, start_date, end_date, objectives_th,
            expected_outputs_th, expected_outcomes_th, budget_obec, budget_school_revenue, budget_local_government, budget_donation,
            budget_other) FROM STDIN
        """
    static func prepares(district: Int64) -> [SQL] {
        ImportSQL.resolveSchools("import_project", district: district)
    }

    /// Each unit's latest plan revision per year, keyed so that a hash join can match staged
    /// rows to it (a NULL school is the district office, unit 0).
    static func latestPlans(_ district: Int64) -> SQL {
        """
        (SELECT DISTINCT ON (coalesce(school_id, 0), fiscal_year) id, status, coalesce(school_id, 0) AS unit, fiscal_year
         FROM action_plan WHERE district_id = \(district) ORDER BY coalesce(school_id, 0), fiscal_year, revision DESC)
        """
    }

    static func checks(district: Int64) -> [SQL] {
        ImportSQL.schoolChecks("import_project") + [
            """
            SELECT line, \(ImportSQL.error("code", "duplicate_in_file", "'The same unit and year have this project code on line ' || first_line || '.'",
                                      "'รหัสโครงการซ้ำกับบรรทัดที่ ' || first_line"))
            FROM (SELECT line, min(line) OVER (PARTITION BY school_code, fiscal_year, code) AS first_line FROM import_project
                  WHERE code IS NOT NULL AND fiscal_year IS NOT NULL) s
            WHERE line <> first_line
            """,
            """
            SELECT i.line, \(ImportSQL.error("fiscal_year", "plan_frozen", "'The unit''s plan for this year is ' || lp.status || '; start a new revision (or have it returned) before adding projects.'",
                                        "'แผนของปีนี้อยู่ในสถานะที่แก้ไขไม่ได้ ให้สร้างฉบับปรับปรุงก่อน'"))
            FROM import_project i JOIN \(latestPlans(district)) lp ON lp.unit = coalesce(i.school_id, 0) AND lp.fiscal_year = i.fiscal_year
            WHERE lp.status NOT IN ('draft', 'returned') AND (i.school_code IS NULL OR i.school_id IS NOT NULL)
            """,
            """
            SELECT i.line, \(ImportSQL.error("code", "exists", "'The plan already has a project with this code.'", "'แผนนี้มีโครงการรหัสนี้แล้ว'"))
            FROM import_project i JOIN \(latestPlans(district)) lp ON lp.unit = coalesce(i.school_id, 0) AND lp.fiscal_year = i.fiscal_year
            JOIN project x ON x.district_id = \(district) AND x.plan_id = lp.id AND x.code = i.code
            """,
        ]
    }

    static func loads(district: Int64) -> [(name: String, sql: SQL)] {
        [
            (
                "action_plans",
                """
                INSERT INTO action_plan (district_id, school_id, fiscal_year, title_th)
                SELECT DISTINCT \(district)::bigint, i.school_id, i.fiscal_year, 'แผนปฏิบัติการประจำปีงบประมาณ ' || i.fiscal_year
                FROM import_project i
                WHERE NOT EXISTS (SELECT 1 FROM action_plan p WHERE p.district_id = \(district)
                                    AND coalesce(p.school_id, 0) = coalesce(i.school_id, 0) AND p.fiscal_year = i.fiscal_year)
                """
            ),
            (
                "",
                """
                UPDATE import_project i SET plan_id = p.id FROM action_plan p
                WHERE p.district_id = \(district) AND coalesce(p.school_id, 0) = coalesce(i.school_id, 0) AND p.fiscal_year = i.fiscal_year
                  AND p.status IN ('draft', 'returned')
                """
            ),
            (
                "projects",
                """
                INSERT INTO project (district_id, plan_id, school_id, code, kind, name_th, responsible_th, start_date, end_date,
                                     objectives_th, expected_outputs_th, expected_outcomes_th)
                SELECT \(district), plan_id, school_id, code, kind, name_th, responsible_th, start_date, end_date,
                       objectives_th, expected_outputs_th, expected_outcomes_th
                FROM import_project ORDER BY line
                """
            ),
            (
                "budget_lines",
                """
                INSERT INTO budget_line (district_id, project_id, school_id, position, source, amount)
                SELECT \(district), x.id, x.school_id, v.position, v.source, v.amount
                FROM import_project i
                JOIN project x ON x.district_id = \(district) AND x.plan_id = i.plan_id AND x.code = i.code
                CROSS JOIN LATERAL (VALUES (0, 'obec', i.budget_obec), (1, 'school_revenue', i.budget_school_revenue),
                                           (2, 'local_government', i.budget_local_government), (3, 'donation', i.budget_donation),
                                           (4, 'other', i.budget_other)) AS v(position, source, amount)
                WHERE v.amount > 0
                """
            ),
        ]
    }
}
