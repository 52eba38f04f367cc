-- The analysts' schema (issue 22): stable views for the questions analysts ask, each commented
-- in Thai and English, view and column. Every view is security_invoker, so the row-level
-- security of the tables it reads holds the reader — an analyst login reads its own district
-- (migration 0004), the service its tenant —; a view checked as its owner would show every
-- district. The views are a contract: a change that removes or retypes a column is a new view
-- (`…_v2`) beside the old, never an edit of it.
--
-- Analysts reach the views only: the group tidtam_analyst keeps SELECT on the tables (a
-- security_invoker view reads them with the reader's rights) but no longer has USAGE on the
-- schema public, so no analyst can name a table there; it has USAGE on analytics and nothing
-- more, and may create nothing anywhere.
--
-- National analysts (tidtam_national_analyst): read every district, write none; each table the
-- views read gets one more permissive policy for them.
-- No NOTIFY, no triggers; nothing here is distributed (views).

CREATE SCHEMA analytics;
COMMENT ON SCHEMA analytics IS 'มุมมองข้อมูลสำหรับนักวิเคราะห์ — the analysts'' views: stable, documented, held to their district by row-level security';
REVOKE ALL ON SCHEMA analytics FROM PUBLIC;
GRANT USAGE ON SCHEMA analytics TO tidtam_analyst, tidtam_app;

-- Tables are not the analysts' to name: public's USAGE goes to the roles that need it only.
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO tidtam_app;

-- The role is the cluster's: made with the others before migrating (deploy/dev/lib.sh), or here
-- when the migrating role may make roles (a superuser, or the owner with CREATEROLE).
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tidtam_national_analyst') THEN
        CREATE ROLE tidtam_national_analyst NOLOGIN IN ROLE tidtam_analyst;
    END IF;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'role tidtam_national_analyst is missing and % may not make it: CREATE ROLE tidtam_national_analyst NOLOGIN IN ROLE tidtam_analyst (as deploy/dev/lib.sh does), then migrate again', current_user;
END
$$;
COMMENT ON ROLE tidtam_national_analyst IS 'นักวิเคราะห์ระดับประเทศ — national analysts: read every district through the analysts'' views, write none';

-- One more permissive policy on each table the views read: a national analyst reads every row.
-- Only these tables: a national analyst has no business with tokens, users or the audit log,
-- and a view added later gives its tables this policy in its own migration.
CREATE FUNCTION tidtam_national_analyst_policy(tbl regclass) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
    EXECUTE format('CREATE POLICY %I ON %s FOR SELECT TO tidtam_national_analyst USING (true)',
                   (SELECT relname FROM pg_class WHERE oid = tbl) || '_national_analyst', tbl);
END
$fn$;
SELECT tidtam_national_analyst_policy(t) FROM unnest(ARRAY['district', 'school', 'strategic_plan', 'strategy', 'goal', 'action_plan', 'project', 'budget_line', 'indicator', 'indicator_target', 'indicator_actual', 'monitoring_item', 'progress_report', 'report_disbursement', 'report_requirement', 'report_requirement_school', 'report_submission', 'visit', 'visit_member', 'finding', 'evaluation_round', 'evaluation', 'sar_report']::regclass[]) t;

-- A district may have several analysts: `tidtam_analyst_d12` and `tidtam_analyst_d12_<label>`
-- all read district 12 (the binding of 0004, widened to a label; still the login's own name).
-- Read with plain string functions, not a regular expression: the policies evaluate it on every
-- row an analyst reads, and the regular expression made an analyst's query five times the
-- service's (query 6 of the analysts' benchmark: 600 ms against 180 ms with this).
CREATE OR REPLACE FUNCTION tidtam_login_district() RETURNS bigint LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN left(current_user::text, 16) = 'tidtam_analyst_d'
                 AND split_part(substr(current_user::text, 17), '_', 1) <> ''
                 AND length(split_part(substr(current_user::text, 17), '_', 1)) <= 18
                 AND translate(split_part(substr(current_user::text, 17), '_', 1), '0123456789', '') = ''
                 AND split_part(substr(current_user::text, 17), '_', 3) = ''
                 AND length(split_part(substr(current_user::text, 17), '_', 2)) <= 20
                 AND translate(split_part(substr(current_user::text, 17), '_', 2), 'abcdefghijklmnopqrstuvwxyz0123456789', '') = ''
                 AND right(current_user::text, 1) <> '_'
           THEN split_part(substr(current_user::text, 17), '_', 1)::bigint END
$$;
COMMENT ON FUNCTION tidtam_login_district() IS
    'The district an analyst login reads, from its name (tidtam_analyst_d<district id>, optionally _<label>); NULL, nothing, for any other login.';

-- The districts the reader may see, as an array the views compare district_id with: the
-- policies' CASE holds every row to its reader but is no index condition, so without this an
-- analyst's query would read every district's rows to keep its own. It narrows, never widens:
-- the policies still decide. An analyst's district; the service's tenant; every district the
-- reader can see otherwise (a national analyst all, a login bound to nothing none).
-- A standard SQL body (BEGIN ATOMIC): parsed here, as a view is, so that readers with no USAGE
-- on public can still run it.
CREATE FUNCTION tidtam_reader_districts() RETURNS bigint[] LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT CASE
        WHEN tidtam_login_district() IS NOT NULL THEN ARRAY[tidtam_login_district()]
        WHEN tidtam_trusted() AND nullif(current_setting('tidtam.role', true), '') IS DISTINCT FROM 'national'
             AND nullif(current_setting('tidtam.district_id', true), '') IS NOT NULL
            THEN ARRAY[current_setting('tidtam.district_id')::bigint]
        ELSE (SELECT coalesce(array_agg(d.id), '{}') FROM district d) END;
END;
COMMENT ON FUNCTION tidtam_reader_districts() IS
    'The districts the reader may see (an analyst''s own, the service''s tenant, or every one it can read), for the analytics views'' index conditions; the policies still decide.';
GRANT EXECUTE ON FUNCTION tidtam_reader_districts() TO PUBLIC;

-- What the views read, readable by the group (the policies decide which rows).
GRANT SELECT ON district, school, strategic_plan, strategy, goal, action_plan, project, budget_line, indicator, indicator_target, indicator_actual, monitoring_item, progress_report, report_disbursement, report_requirement, report_requirement_school, report_submission, visit, visit_member, finding, evaluation_round, evaluation, sar_report TO tidtam_analyst;


-- ปฏิทินปีงบประมาณ ไตรมาส และเดือน
CREATE VIEW analytics.fiscal_calendar (fiscal_year, fiscal_year_th, quarter, quarter_th, month_no, month_start, month_end, month_th, month_en, calendar_year_be) WITH (security_invoker = true) AS
SELECT y AS fiscal_year, 'ปีงบประมาณ พ.ศ. ' || y AS fiscal_year_th, (m + 2) / 3 AS quarter,
       'ไตรมาสที่ ' || ((m + 2) / 3) || ' ปีงบประมาณ พ.ศ. ' || y AS quarter_th, m AS month_no,
       (make_date(y - 544, 10, 1) + make_interval(months => m - 1))::date AS month_start,
       (make_date(y - 544, 10, 1) + make_interval(months => m) - interval '1 day')::date AS month_end,
       (ARRAY['ตุลาคม', 'พฤศจิกายน', 'ธันวาคม', 'มกราคม', 'กุมภาพันธ์', 'มีนาคม', 'เมษายน', 'พฤษภาคม', 'มิถุนายน', 'กรกฎาคม', 'สิงหาคม', 'กันยายน'])[m] AS month_th,
       to_char(make_date(y - 544, 10, 1) + make_interval(months => m - 1), 'FMMonth') AS month_en,
       extract(year FROM make_date(y - 544, 10, 1) + make_interval(months => m - 1))::int + 543 AS calendar_year_be
FROM generate_series(2560, 2600) y, generate_series(1, 12) m;
COMMENT ON VIEW analytics.fiscal_calendar IS 'ปฏิทินปีงบประมาณ ไตรมาส และเดือน — Fiscal years, quarters and months, with their Thai names (a fiscal year runs 1 October to 30 September and is named by the Buddhist Era year it ends in)';
COMMENT ON COLUMN analytics.fiscal_calendar.fiscal_year IS 'ปีงบประมาณ (พ.ศ.) — fiscal year (Buddhist Era, the year it ends in)';
COMMENT ON COLUMN analytics.fiscal_calendar.fiscal_year_th IS 'ชื่อปีงบประมาณ — the fiscal year''s Thai name';
COMMENT ON COLUMN analytics.fiscal_calendar.quarter IS 'ไตรมาส (1 เริ่ม 1 ตุลาคม) — quarter (1 begins 1 October)';
COMMENT ON COLUMN analytics.fiscal_calendar.quarter_th IS 'ชื่อไตรมาส — the quarter''s Thai name';
COMMENT ON COLUMN analytics.fiscal_calendar.month_no IS 'เดือนที่ของปีงบประมาณ (1 = ตุลาคม) — month of the fiscal year (1 = October)';
COMMENT ON COLUMN analytics.fiscal_calendar.month_start IS 'วันแรกของเดือน — first day of the month';
COMMENT ON COLUMN analytics.fiscal_calendar.month_end IS 'วันสุดท้ายของเดือน — last day of the month';
COMMENT ON COLUMN analytics.fiscal_calendar.month_th IS 'ชื่อเดือนภาษาไทย — the month''s Thai name';
COMMENT ON COLUMN analytics.fiscal_calendar.month_en IS 'ชื่อเดือนภาษาอังกฤษ — the month''s English name';
COMMENT ON COLUMN analytics.fiscal_calendar.calendar_year_be IS 'ปีปฏิทิน (พ.ศ.) ของเดือน — calendar year (Buddhist Era) of the month';
GRANT SELECT ON analytics.fiscal_calendar TO tidtam_analyst, tidtam_app;

-- สถานศึกษา
CREATE VIEW analytics.schools (district_id, district_code, district_name_th, school_id, obec_code, name_th, province_th, size, size_th, student_count, opened_on, closed_on) WITH (security_invoker = true) AS
SELECT s.district_id, d.code AS district_code, d.name_th AS district_name_th, s.id AS school_id, s.obec_code, s.name_th,
       s.province_th, s.size, CASE s.size WHEN 'small' THEN 'ขนาดเล็ก' WHEN 'medium' THEN 'ขนาดกลาง' WHEN 'large' THEN 'ขนาดใหญ่' WHEN 'extra_large' THEN 'ขนาดใหญ่พิเศษ' ELSE NULL END AS size_th,
       s.student_count, s.opened_on, s.closed_on
FROM school s JOIN district d ON d.id = s.district_id
WHERE s.district_id = ANY (tidtam_reader_districts());
COMMENT ON VIEW analytics.schools IS 'สถานศึกษา — Schools of the district, with their district office';
COMMENT ON COLUMN analytics.schools.district_id IS 'รหัสเขตพื้นที่การศึกษา (ภายในระบบ) — district id';
COMMENT ON COLUMN analytics.schools.district_code IS 'รหัสเขตพื้นที่การศึกษา — district code';
COMMENT ON COLUMN analytics.schools.district_name_th IS 'ชื่อสำนักงานเขตพื้นที่การศึกษา — district office''s name';
COMMENT ON COLUMN analytics.schools.school_id IS 'รหัสสถานศึกษา (ภายในระบบ) — school id';
COMMENT ON COLUMN analytics.schools.obec_code IS 'รหัสสถานศึกษาของ สพฐ. — OBEC school code';
COMMENT ON COLUMN analytics.schools.name_th IS 'ชื่อสถานศึกษา — school name';
COMMENT ON COLUMN analytics.schools.province_th IS 'จังหวัด — province';
COMMENT ON COLUMN analytics.schools.size IS 'ขนาดสถานศึกษา (small, medium, large, extra_large) — school size';
COMMENT ON COLUMN analytics.schools.size_th IS 'ขนาดสถานศึกษา (ภาษาไทย) — school size in Thai';
COMMENT ON COLUMN analytics.schools.student_count IS 'จำนวนนักเรียน — number of students';
COMMENT ON COLUMN analytics.schools.opened_on IS 'วันที่เปิด — opened on';
COMMENT ON COLUMN analytics.schools.closed_on IS 'วันที่ปิดหรือยุบรวม — closed on';
GRANT SELECT ON analytics.schools TO tidtam_analyst, tidtam_app;

-- แผนกลยุทธ์ กลยุทธ์ และเป้าประสงค์
CREATE VIEW analytics.strategic_goals (district_id, school_id, plan_id, plan_title_th, first_year_be, last_year_be, strategy_id, strategy_code, strategy_name_th, goal_id, goal_code, goal_name_th) WITH (security_invoker = true) AS
SELECT p.district_id, p.school_id, p.id AS plan_id, p.title_th AS plan_title_th, p.first_year_be, p.last_year_be,
       st.id AS strategy_id, st.code AS strategy_code, st.name_th AS strategy_name_th, g.id AS goal_id, g.code AS goal_code,
       g.name_th AS goal_name_th
FROM strategic_plan p
LEFT JOIN strategy st ON st.district_id = p.district_id AND st.plan_id = p.id
LEFT JOIN goal g ON g.district_id = st.district_id AND g.strategy_id = st.id
WHERE p.district_id = ANY (tidtam_reader_districts());
COMMENT ON VIEW analytics.strategic_goals IS 'แผนกลยุทธ์ กลยุทธ์ และเป้าประสงค์ — Strategic plans with their strategies and goals (one row per goal; a strategy without goals appears once)';
COMMENT ON COLUMN analytics.strategic_goals.district_id IS 'รหัสเขตพื้นที่การศึกษา — district id';
COMMENT ON COLUMN analytics.strategic_goals.school_id IS 'สถานศึกษา (ว่าง: ของสำนักงานเขต) — school id (null: the district office''s own)';
COMMENT ON COLUMN analytics.strategic_goals.plan_id IS 'รหัสแผนกลยุทธ์ — strategic plan id';
COMMENT ON COLUMN analytics.strategic_goals.plan_title_th IS 'ชื่อแผนกลยุทธ์ — strategic plan title';
COMMENT ON COLUMN analytics.strategic_goals.first_year_be IS 'ปีแรกของแผน (พ.ศ.) — first year (BE)';
COMMENT ON COLUMN analytics.strategic_goals.last_year_be IS 'ปีสุดท้ายของแผน (พ.ศ.) — last year (BE)';
COMMENT ON COLUMN analytics.strategic_goals.strategy_id IS 'รหัสกลยุทธ์ — strategy id';
COMMENT ON COLUMN analytics.strategic_goals.strategy_code IS 'เลขกลยุทธ์ — strategy code';
COMMENT ON COLUMN analytics.strategic_goals.strategy_name_th IS 'ชื่อกลยุทธ์ — strategy name';
COMMENT ON COLUMN analytics.strategic_goals.goal_id IS 'รหัสเป้าประสงค์ — goal id';
COMMENT ON COLUMN analytics.strategic_goals.goal_code IS 'เลขเป้าประสงค์ — goal code';
COMMENT ON COLUMN analytics.strategic_goals.goal_name_th IS 'ชื่อเป้าประสงค์ — goal name';
GRANT SELECT ON analytics.strategic_goals TO tidtam_analyst, tidtam_app;

-- โครงการตามแผนปฏิบัติการ พร้อมงบประมาณและความก้าวหน้าล่าสุด
CREATE VIEW analytics.projects (district_id, school_id, fiscal_year, action_plan_id, plan_revision, plan_status, plan_status_th, in_force, project_id, code, name_th, kind, strategy_id, start_date, end_date, allocated, disbursed, percent_complete, progress_status, progress_status_th) WITH (security_invoker = true) AS
SELECT pr.district_id, pr.school_id, a.fiscal_year, a.id AS action_plan_id, a.revision AS plan_revision, a.status AS plan_status,
       CASE a.status WHEN 'draft' THEN 'ร่าง' WHEN 'submitted' THEN 'เสนอขออนุมัติ' WHEN 'returned' THEN 'ส่งกลับแก้ไข' WHEN 'approved' THEN 'อนุมัติแล้ว' ELSE NULL END AS plan_status_th,
       a.status = 'approved' AND a.superseded_at IS NULL AS in_force, pr.id AS project_id, pr.code, pr.name_th, pr.kind,
       pr.strategy_id, pr.start_date, pr.end_date,
       (SELECT coalesce(sum(b.amount), 0) FROM budget_line b WHERE b.district_id = pr.district_id AND b.project_id = pr.id) AS allocated,
       (SELECT sum(d.amount) FROM report_disbursement d WHERE d.district_id = pr.district_id AND d.report_id = lr.id) AS disbursed,
       lr.percent_complete, lr.progress_status, CASE lr.progress_status WHEN 'on_track' THEN 'เป็นไปตามแผน' WHEN 'delayed' THEN 'ล่าช้ากว่าแผน' WHEN 'at_risk' THEN 'มีความเสี่ยง' WHEN 'done' THEN 'ดำเนินการแล้วเสร็จ' WHEN 'cancelled' THEN 'ยกเลิก' ELSE NULL END AS progress_status_th
FROM project pr JOIN action_plan a ON a.district_id = pr.district_id AND a.id = pr.plan_id
LEFT JOIN LATERAL (
    SELECT r.id, r.percent_complete, r.progress_status FROM monitoring_item m
    JOIN progress_report r ON r.district_id = m.district_id AND r.item_id = m.id
    WHERE m.district_id = pr.district_id AND m.project_id = pr.id AND m.kind = 'progress_report'
      AND r.status IN ('submitted', 'acknowledged')
    ORDER BY m.period_end DESC, r.report_version DESC LIMIT 1) lr ON true
WHERE pr.district_id = ANY (tidtam_reader_districts());
COMMENT ON VIEW analytics.projects IS 'โครงการตามแผนปฏิบัติการ พร้อมงบประมาณและความก้าวหน้าล่าสุด — Projects of the action plans, with their budget allocated and disbursed and their latest submitted progress';
COMMENT ON COLUMN analytics.projects.district_id IS 'รหัสเขตพื้นที่การศึกษา — district id';
COMMENT ON COLUMN analytics.projects.school_id IS 'สถานศึกษา (ว่าง: ของสำนักงานเขต) — school id (null: the district office''s own)';
COMMENT ON COLUMN analytics.projects.fiscal_year IS 'ปีงบประมาณ (พ.ศ.) — fiscal year (BE)';
COMMENT ON COLUMN analytics.projects.action_plan_id IS 'รหัสแผนปฏิบัติการ — action plan id';
COMMENT ON COLUMN analytics.projects.plan_revision IS 'ครั้งที่ปรับแผน — plan revision';
COMMENT ON COLUMN analytics.projects.plan_status IS 'สถานะแผน (draft, submitted, returned, approved) — plan status';
COMMENT ON COLUMN analytics.projects.plan_status_th IS 'สถานะแผน (ภาษาไทย) — plan status in Thai';
COMMENT ON COLUMN analytics.projects.in_force IS 'แผนที่อนุมัติและใช้อยู่ (ไม่ถูกแทนด้วยฉบับปรับ) — true for the approved revision in force';
COMMENT ON COLUMN analytics.projects.project_id IS 'รหัสโครงการ — project id';
COMMENT ON COLUMN analytics.projects.code IS 'รหัสโครงการในแผน — project code';
COMMENT ON COLUMN analytics.projects.name_th IS 'ชื่อโครงการ — project name';
COMMENT ON COLUMN analytics.projects.kind IS 'ประเภท (project โครงการ, work งาน) — kind: project or routine work';
COMMENT ON COLUMN analytics.projects.strategy_id IS 'กลยุทธ์ที่สนองตอบ — strategy it serves';
COMMENT ON COLUMN analytics.projects.start_date IS 'วันเริ่มโครงการ — start date';
COMMENT ON COLUMN analytics.projects.end_date IS 'วันสิ้นสุดโครงการ — end date';
COMMENT ON COLUMN analytics.projects.allocated IS 'งบประมาณที่ได้รับจัดสรร (บาท) — budget allocated (baht)';
COMMENT ON COLUMN analytics.projects.disbursed IS 'เบิกจ่ายตามรายงานความก้าวหน้าล่าสุด (บาท); ว่างหากยังไม่รายงาน — disbursed as its latest submitted progress report states (baht); null when none';
COMMENT ON COLUMN analytics.projects.percent_complete IS 'ร้อยละความก้าวหน้าล่าสุด — latest percent complete';
COMMENT ON COLUMN analytics.projects.progress_status IS 'สถานะการดำเนินงานล่าสุด — latest progress status';
COMMENT ON COLUMN analytics.projects.progress_status_th IS 'สถานะการดำเนินงานล่าสุด (ภาษาไทย) — latest progress status in Thai';
GRANT SELECT ON analytics.projects TO tidtam_analyst, tidtam_app;

-- งบประมาณโครงการรายแหล่งงบประมาณ
CREATE VIEW analytics.project_budgets (district_id, school_id, fiscal_year, in_force, project_id, budget_line_id, source, source_th, description_th, allocated, disbursed) WITH (security_invoker = true) AS
SELECT b.district_id, b.school_id, a.fiscal_year, a.status = 'approved' AND a.superseded_at IS NULL AS in_force, pr.id AS project_id,
       b.id AS budget_line_id, b.source, CASE b.source WHEN 'obec' THEN 'งบประมาณจาก สพฐ.' WHEN 'school_revenue' THEN 'เงินรายได้สถานศึกษา' WHEN 'local_government' THEN 'องค์กรปกครองส่วนท้องถิ่น' WHEN 'donation' THEN 'เงินบริจาค' WHEN 'other' THEN 'อื่น ๆ' ELSE NULL END AS source_th, b.description_th, b.amount AS allocated,
       d.amount AS disbursed
FROM budget_line b JOIN project pr ON pr.district_id = b.district_id AND pr.id = b.project_id
JOIN action_plan a ON a.district_id = pr.district_id AND a.id = pr.plan_id
LEFT JOIN LATERAL (
    SELECT r.id, r.percent_complete, r.progress_status FROM monitoring_item m
    JOIN progress_report r ON r.district_id = m.district_id AND r.item_id = m.id
    WHERE m.district_id = pr.district_id AND m.project_id = pr.id AND m.kind = 'progress_report'
      AND r.status IN ('submitted', 'acknowledged')
    ORDER BY m.period_end DESC, r.report_version DESC LIMIT 1) lr ON true
LEFT JOIN report_disbursement d ON d.district_id = b.district_id AND d.report_id = lr.id AND d.budget_line_id = b.id
WHERE b.district_id = ANY (tidtam_reader_districts());
COMMENT ON VIEW analytics.project_budgets IS 'งบประมาณโครงการรายแหล่งงบประมาณ — Budget lines of projects by source: allocated, and disbursed as the project''s latest submitted progress report states';
COMMENT ON COLUMN analytics.project_budgets.district_id IS 'รหัสเขตพื้นที่การศึกษา — district id';
COMMENT ON COLUMN analytics.project_budgets.school_id IS 'สถานศึกษา (ว่าง: ของสำนักงานเขต) — school id (null: the district office''s own)';
COMMENT ON COLUMN analytics.project_budgets.fiscal_year IS 'ปีงบประมาณ (พ.ศ.) — fiscal year (BE)';
COMMENT ON COLUMN analytics.project_budgets.in_force IS 'แผนที่อนุมัติและใช้อยู่ — true for the approved plan revision in force';
COMMENT ON COLUMN analytics.project_budgets.project_id IS 'รหัสโครงการ — project id';
COMMENT ON COLUMN analytics.project_budgets.budget_line_id IS 'รหัสรายการงบประมาณ — budget line id';
COMMENT ON COLUMN analytics.project_budgets.source IS 'แหล่งงบประมาณ (obec, school_revenue, local_government, donation, other) — budget source';
COMMENT ON COLUMN analytics.project_budgets.source_th IS 'แหล่งงบประมาณ (ภาษาไทย) — budget source in Thai';
COMMENT ON COLUMN analytics.project_budgets.description_th IS 'รายการ — line description';
COMMENT ON COLUMN analytics.project_budgets.allocated IS 'ได้รับจัดสรร (บาท) — allocated (baht)';
COMMENT ON COLUMN analytics.project_budgets.disbursed IS 'เบิกจ่าย (บาท); ว่างหากยังไม่รายงาน — disbursed (baht); null when not reported';
GRANT SELECT ON analytics.project_budgets TO tidtam_analyst, tidtam_app;

-- ตัวชี้วัด ค่าเป้าหมาย ผลล่าสุด และคะแนน
CREATE VIEW analytics.indicator_results (district_id, school_id, indicator_id, code, name_th, unit_th, kind, is_csf, goal_id, project_id, direction, fiscal_year, target, actual, actual_period, actual_seq, met, score) WITH (security_invoker = true) AS
SELECT t.district_id, t.school_id, i.id AS indicator_id, i.code, i.name_th, i.unit_th, i.kind, i.is_csf, i.goal_id, i.project_id,
       i.direction, t.fiscal_year, t.target, act.value AS actual, act.period AS actual_period, act.seq AS actual_seq,
       CASE WHEN act.value IS NULL THEN NULL WHEN i.direction = 'higher_is_better' THEN act.value >= t.target
            WHEN i.direction = 'lower_is_better' THEN act.value <= t.target ELSE act.value BETWEEN i.band_low AND i.band_high END AS met,
       round(CASE WHEN act.value IS NULL THEN NULL
            WHEN i.scoring = 'five_levels'
                THEN (SELECT count(*) FROM unnest(i.levels[1:5]) l WHERE CASE WHEN q.hib THEN q.v >= l ELSE q.v <= l END)::numeric
            WHEN i.score_one = i.score_five
                THEN CASE WHEN (CASE WHEN q.hib THEN q.v >= i.score_five ELSE q.v <= i.score_five END) THEN 5 ELSE 0 END
            ELSE least(5, greatest(0, 1 + 4 * (q.v - i.score_one) / (i.score_five - i.score_one))) END, i.score_places) AS score
FROM indicator_target t JOIN indicator i ON i.district_id = t.district_id AND i.id = t.indicator_id
LEFT JOIN LATERAL (
    -- A school's target and the office's looked up apart: `=` and IS NULL reach the index key by key.
    (SELECT a.value, a.period, a.seq FROM indicator_actual a
     WHERE a.district_id = t.district_id AND a.indicator_id = t.indicator_id AND a.school_id = t.school_id
       AND a.fiscal_year = t.fiscal_year
     ORDER BY a.period DESC, a.seq DESC LIMIT 1)
    UNION ALL
    (SELECT a.value, a.period, a.seq FROM indicator_actual a
     WHERE t.school_id IS NULL AND a.district_id = t.district_id AND a.indicator_id = t.indicator_id AND a.school_id IS NULL
       AND a.fiscal_year = t.fiscal_year
     ORDER BY a.period DESC, a.seq DESC LIMIT 1)) act ON true
CROSS JOIN LATERAL (
    SELECT CASE WHEN i.direction = 'within_band' AND i.band_low IS NOT NULL
                THEN greatest(i.band_low - act.value, act.value - i.band_high, 0) ELSE act.value END AS v,
           i.direction = 'higher_is_better' OR (i.direction = 'within_band' AND i.band_low IS NULL) AS hib) q
WHERE t.period = 0 AND t.district_id = ANY (tidtam_reader_districts());
COMMENT ON VIEW analytics.indicator_results IS 'ตัวชี้วัด ค่าเป้าหมาย ผลล่าสุด และคะแนน — Indicators with each unit''s target for a fiscal year, the current actual (the latest period''s latest correction) and its score on the indicator''s rule (0–5; null when not reported, never zero)';
COMMENT ON COLUMN analytics.indicator_results.district_id IS 'รหัสเขตพื้นที่การศึกษา — district id';
COMMENT ON COLUMN analytics.indicator_results.school_id IS 'หน่วยงานของค่าเป้าหมาย (ว่าง: สำนักงานเขต) — unit the target is for (null: the district office)';
COMMENT ON COLUMN analytics.indicator_results.indicator_id IS 'รหัสตัวชี้วัด — indicator id';
COMMENT ON COLUMN analytics.indicator_results.code IS 'รหัสตัวชี้วัด — indicator code';
COMMENT ON COLUMN analytics.indicator_results.name_th IS 'ชื่อตัวชี้วัด — indicator name';
COMMENT ON COLUMN analytics.indicator_results.unit_th IS 'หน่วยนับ — unit of measure';
COMMENT ON COLUMN analytics.indicator_results.kind IS 'ประเภท (output ผลผลิต, outcome ผลลัพธ์) — output or outcome';
COMMENT ON COLUMN analytics.indicator_results.is_csf IS 'ปัจจัยความสำเร็จ (CSF) — a critical success factor';
COMMENT ON COLUMN analytics.indicator_results.goal_id IS 'เป้าประสงค์ (ว่าง: ไม่ใช่ตัวชี้วัดของเป้าประสงค์) — goal it measures';
COMMENT ON COLUMN analytics.indicator_results.project_id IS 'โครงการ (ว่าง: ไม่ใช่ตัวชี้วัดของโครงการ) — project it measures';
COMMENT ON COLUMN analytics.indicator_results.direction IS 'ทิศทาง (higher_is_better, lower_is_better, within_band) — direction';
COMMENT ON COLUMN analytics.indicator_results.fiscal_year IS 'ปีงบประมาณ (พ.ศ.) — fiscal year (BE)';
COMMENT ON COLUMN analytics.indicator_results.target IS 'ค่าเป้าหมาย — target';
COMMENT ON COLUMN analytics.indicator_results.actual IS 'ผลการดำเนินงานล่าสุด — current actual';
COMMENT ON COLUMN analytics.indicator_results.actual_period IS 'งวดของผลล่าสุด (0 ทั้งปี, 1–12) — period of the current actual (0 the year, 1–12)';
COMMENT ON COLUMN analytics.indicator_results.actual_seq IS 'ครั้งที่บันทึก (มากกว่า 1 คือแก้ไข) — correction number (above 1 is a correction)';
COMMENT ON COLUMN analytics.indicator_results.met IS 'บรรลุค่าเป้าหมาย; ว่างหากยังไม่รายงาน — target met; null when not reported';
COMMENT ON COLUMN analytics.indicator_results.score IS 'คะแนนตามเกณฑ์ของตัวชี้วัด (0–5); ว่างหากยังไม่รายงาน — score on the indicator''s rule (0–5); null when not reported';
GRANT SELECT ON analytics.indicator_results TO tidtam_analyst, tidtam_app;

-- กำหนดส่งรายงานความก้าวหน้าและสถานะการส่ง
CREATE VIEW analytics.progress_reports (district_id, school_id, item_id, project_id, fiscal_year, period_kind, period, period_start, period_end, due_on, first_submitted_at, standing, standing_th, is_late, is_missing, percent_complete, progress_status) WITH (security_invoker = true) AS
SELECT m.district_id, m.school_id, m.id AS item_id, m.project_id, m.fiscal_year, m.period_kind, m.period, m.period_start, m.period_end,
       m.due_on, m.first_submitted_at, st.standing, CASE st.standing WHEN 'on_time' THEN 'ส่งตรงเวลา' WHEN 'late' THEN 'ส่งล่าช้า' WHEN 'missing' THEN 'ยังไม่ส่ง (เลยกำหนด)' WHEN 'upcoming' THEN 'ยังไม่ถึงกำหนด' WHEN 'withdrawn' THEN 'ยกเลิก' ELSE NULL END AS standing_th,
       st.standing = 'late' AS is_late, st.standing = 'missing' AS is_missing, r.percent_complete, r.progress_status
FROM monitoring_item m
CROSS JOIN LATERAL (SELECT tidtam_item_standing(m.status, m.due_on, m.first_submitted_at) AS standing) st
LEFT JOIN LATERAL (
    SELECT r.percent_complete, r.progress_status FROM progress_report r
    WHERE r.district_id = m.district_id AND r.item_id = m.id AND r.status IN ('submitted', 'acknowledged')
    ORDER BY r.report_version DESC LIMIT 1) r ON true
WHERE m.kind = 'progress_report' AND m.district_id = ANY (tidtam_reader_districts());
COMMENT ON VIEW analytics.progress_reports IS 'กำหนดส่งรายงานความก้าวหน้าและสถานะการส่ง — Progress reports due under the monitoring plans, each with its standing read from the data: late if first submitted after its due date, missing if the date has passed without one';
COMMENT ON COLUMN analytics.progress_reports.district_id IS 'รหัสเขตพื้นที่การศึกษา — district id';
COMMENT ON COLUMN analytics.progress_reports.school_id IS 'สถานศึกษา (ว่าง: สำนักงานเขต) — school id (null: the district office)';
COMMENT ON COLUMN analytics.progress_reports.item_id IS 'รหัสกำหนดส่ง — due item id';
COMMENT ON COLUMN analytics.progress_reports.project_id IS 'รหัสโครงการ — project id';
COMMENT ON COLUMN analytics.progress_reports.fiscal_year IS 'ปีงบประมาณ (พ.ศ.) — fiscal year (BE)';
COMMENT ON COLUMN analytics.progress_reports.period_kind IS 'ชนิดงวด (month, quarter) — period kind';
COMMENT ON COLUMN analytics.progress_reports.period IS 'งวดที่ — period number';
COMMENT ON COLUMN analytics.progress_reports.period_start IS 'วันแรกของงวด — period start';
COMMENT ON COLUMN analytics.progress_reports.period_end IS 'วันสุดท้ายของงวด — period end';
COMMENT ON COLUMN analytics.progress_reports.due_on IS 'กำหนดส่ง — due date';
COMMENT ON COLUMN analytics.progress_reports.first_submitted_at IS 'เวลาที่ส่งครั้งแรก — first submitted at';
COMMENT ON COLUMN analytics.progress_reports.standing IS 'สถานะการส่ง (on_time, late, missing, upcoming, withdrawn) — standing';
COMMENT ON COLUMN analytics.progress_reports.standing_th IS 'สถานะการส่ง (ภาษาไทย) — standing in Thai';
COMMENT ON COLUMN analytics.progress_reports.is_late IS 'ส่งล่าช้า — submitted after its due date';
COMMENT ON COLUMN analytics.progress_reports.is_missing IS 'ยังไม่ส่งและเลยกำหนดแล้ว — due date passed with no submission';
COMMENT ON COLUMN analytics.progress_reports.percent_complete IS 'ร้อยละความก้าวหน้าของรายงานล่าสุด — percent complete of the latest submitted report';
COMMENT ON COLUMN analytics.progress_reports.progress_status IS 'สถานะการดำเนินงานของรายงานล่าสุด — progress status of the latest submitted report';
GRANT SELECT ON analytics.progress_reports TO tidtam_analyst, tidtam_app;

-- การส่งรายงานตามที่กำหนด: ทุกหน่วยงานที่ต้องส่งในแต่ละงวด
CREATE VIEW analytics.submissions (district_id, requirement_id, national_requirement_id, title_th, fiscal_year, frequency, period_no, starts_on, ends_on, due_on, on_time_until, school_id, submission_id, status, first_submitted_at, reported, on_time, late, missing) WITH (security_invoker = true) AS
SELECT e.*, e.reported AND NOT e.on_time AS late, NOT e.reported AND e.on_time_until < (now() AT TIME ZONE 'Asia/Bangkok')::date AS missing
FROM (SELECT r.district_id, r.id AS requirement_id, r.national_requirement_id, r.title_th, r.fiscal_year, r.frequency,
       p.period_no, p.starts_on, p.ends_on, p.ends_on + r.due_days AS due_on, p.ends_on + r.due_days + r.on_time_days AS on_time_until,
       u.school_id, sub.id AS submission_id, sub.status, sub.first_submitted_at,
       coalesce(sub.status IN ('submitted', 'accepted'), false) AS reported,
       coalesce(sub.status IN ('submitted', 'accepted')
                AND (sub.first_submitted_at AT TIME ZONE 'Asia/Bangkok')::date <= p.ends_on + r.due_days + r.on_time_days, false) AS on_time
FROM report_requirement r
CROSS JOIN LATERAL tidtam_fiscal_periods(r.fiscal_year, r.frequency) p
CROSS JOIN LATERAL (
    SELECT s.id AS school_id FROM school s
    WHERE r.audience <> 'district_office' AND s.district_id = r.district_id
      AND (s.opened_on IS NULL OR s.opened_on <= p.ends_on) AND (s.closed_on IS NULL OR s.closed_on >= p.starts_on)
      AND (r.audience = 'schools' OR EXISTS (SELECT FROM report_requirement_school l
                                              WHERE l.district_id = r.district_id AND l.requirement_id = r.id AND l.school_id = s.id))
    UNION ALL SELECT NULL::bigint WHERE r.audience = 'district_office') u
LEFT JOIN report_submission sub ON sub.district_id = r.district_id AND sub.requirement_id = r.id AND sub.period_no = p.period_no
     AND sub.school_id IS NOT DISTINCT FROM u.school_id
WHERE r.status = 'active' AND r.district_id = ANY (tidtam_reader_districts())) e;
COMMENT ON VIEW analytics.submissions IS 'การส่งรายงานตามที่กำหนด: ทุกหน่วยงานที่ต้องส่งในแต่ละงวด — Every unit that must submit each period of each active requirement, with its submission (if any) and whether it is in, on time, late or missing';
COMMENT ON COLUMN analytics.submissions.district_id IS 'รหัสเขตพื้นที่การศึกษา — district id';
COMMENT ON COLUMN analytics.submissions.requirement_id IS 'รหัสรายงานที่ต้องส่ง — requirement id';
COMMENT ON COLUMN analytics.submissions.national_requirement_id IS 'รายงานที่ สพฐ. กำหนด (ว่าง: ของเขตเอง) — OBEC''s requirement it copies (null: the district''s own)';
COMMENT ON COLUMN analytics.submissions.title_th IS 'ชื่อรายงาน — requirement title';
COMMENT ON COLUMN analytics.submissions.fiscal_year IS 'ปีงบประมาณ (พ.ศ.) — fiscal year (BE)';
COMMENT ON COLUMN analytics.submissions.frequency IS 'ความถี่ (month, quarter, half, year) — frequency';
COMMENT ON COLUMN analytics.submissions.period_no IS 'งวดที่ — period number';
COMMENT ON COLUMN analytics.submissions.starts_on IS 'วันแรกของงวด — period start';
COMMENT ON COLUMN analytics.submissions.ends_on IS 'วันสุดท้ายของงวด — period end';
COMMENT ON COLUMN analytics.submissions.due_on IS 'กำหนดส่ง — due date';
COMMENT ON COLUMN analytics.submissions.on_time_until IS 'ส่งทันเวลาได้ถึง — last day that counts as on time';
COMMENT ON COLUMN analytics.submissions.school_id IS 'หน่วยงานที่ต้องส่ง (ว่าง: สำนักงานเขต) — unit that must submit (null: the district office)';
COMMENT ON COLUMN analytics.submissions.submission_id IS 'รหัสการส่ง (ว่าง: ยังไม่เริ่ม) — submission id (null: not begun)';
COMMENT ON COLUMN analytics.submissions.status IS 'สถานะการส่ง (draft, submitted, accepted, returned) — submission status';
COMMENT ON COLUMN analytics.submissions.first_submitted_at IS 'เวลาที่ส่งครั้งแรก — first submitted at';
COMMENT ON COLUMN analytics.submissions.reported IS 'ส่งแล้ว (ส่งหรือรับแล้ว) — in (submitted or accepted)';
COMMENT ON COLUMN analytics.submissions.on_time IS 'ส่งตรงเวลา — in on time';
COMMENT ON COLUMN analytics.submissions.late IS 'ส่งล่าช้า — in, late';
COMMENT ON COLUMN analytics.submissions.missing IS 'ยังไม่ส่งและเลยกำหนดทันเวลาแล้ว — not in and past the last on-time day';
GRANT SELECT ON analytics.submissions TO tidtam_analyst, tidtam_app;

-- อัตราการส่งรายงานและการส่งตรงเวลา รายรายงานและงวด
CREATE VIEW analytics.reporting_rates (district_id, requirement_id, title_th, fiscal_year, period_no, due_on, expected, reported, on_time, reporting_rate, on_time_rate) WITH (security_invoker = true) AS
SELECT district_id, requirement_id, title_th, fiscal_year, period_no, due_on, count(*) AS expected,
       count(*) FILTER (WHERE reported) AS reported, count(*) FILTER (WHERE on_time) AS on_time,
       round(100.0 * count(*) FILTER (WHERE reported) / count(*), 2) AS reporting_rate,
       round(100.0 * count(*) FILTER (WHERE on_time) / count(*), 2) AS on_time_rate
FROM analytics.submissions GROUP BY district_id, requirement_id, title_th, fiscal_year, period_no, due_on;
COMMENT ON VIEW analytics.reporting_rates IS 'อัตราการส่งรายงานและการส่งตรงเวลา รายรายงานและงวด — Completeness and timeliness of each requirement and period: units expected, in, on time, and the rates (per cent)';
COMMENT ON COLUMN analytics.reporting_rates.district_id IS 'รหัสเขตพื้นที่การศึกษา — district id';
COMMENT ON COLUMN analytics.reporting_rates.requirement_id IS 'รหัสรายงานที่ต้องส่ง — requirement id';
COMMENT ON COLUMN analytics.reporting_rates.title_th IS 'ชื่อรายงาน — requirement title';
COMMENT ON COLUMN analytics.reporting_rates.fiscal_year IS 'ปีงบประมาณ (พ.ศ.) — fiscal year (BE)';
COMMENT ON COLUMN analytics.reporting_rates.period_no IS 'งวดที่ — period number';
COMMENT ON COLUMN analytics.reporting_rates.due_on IS 'กำหนดส่ง — due date';
COMMENT ON COLUMN analytics.reporting_rates.expected IS 'จำนวนหน่วยงานที่ต้องส่ง — units expected';
COMMENT ON COLUMN analytics.reporting_rates.reported IS 'จำนวนที่ส่งแล้ว — units in';
COMMENT ON COLUMN analytics.reporting_rates.on_time IS 'จำนวนที่ส่งตรงเวลา — units in on time';
COMMENT ON COLUMN analytics.reporting_rates.reporting_rate IS 'อัตราการส่ง (ร้อยละ) — reporting rate (per cent)';
COMMENT ON COLUMN analytics.reporting_rates.on_time_rate IS 'อัตราการส่งตรงเวลา (ร้อยละ) — on-time rate (per cent)';
GRANT SELECT ON analytics.reporting_rates TO tidtam_analyst, tidtam_app;

-- การลงพื้นที่ติดตาม กำกับ นิเทศ และตรวจราชการ
CREATE VIEW analytics.visits (district_id, visit_id, school_id, kind, kind_th, purpose_th, starts_at, ends_at, visit_date_th, fiscal_year, status, status_th, team_id, members, joined_into_id) WITH (security_invoker = true) AS
SELECT v.district_id, v.id AS visit_id, v.school_id, v.kind, CASE v.kind WHEN 'follow_up' THEN 'ติดตาม' WHEN 'oversight' THEN 'กำกับ' WHEN 'supervision' THEN 'นิเทศ' WHEN 'inspection' THEN 'ตรวจราชการ' ELSE NULL END AS kind_th, v.purpose_th, v.starts_at, v.ends_at,
       (v.starts_at AT TIME ZONE 'Asia/Bangkok')::date AS visit_date_th,
       extract(year FROM (v.starts_at AT TIME ZONE 'Asia/Bangkok')::date + interval '3 months')::int + 543 AS fiscal_year,
       v.status, CASE v.status WHEN 'planned' THEN 'วางแผน' WHEN 'confirmed' THEN 'ยืนยันแล้ว' WHEN 'done' THEN 'ดำเนินการแล้ว' WHEN 'cancelled' THEN 'ยกเลิก' ELSE NULL END AS status_th, v.team_id,
       (SELECT count(*) FROM visit_member vm WHERE vm.district_id = v.district_id AND vm.visit_id = v.id) AS members, v.joined_into_id
FROM visit v
WHERE v.district_id = ANY (tidtam_reader_districts());
COMMENT ON VIEW analytics.visits IS 'การลงพื้นที่ติดตาม กำกับ นิเทศ และตรวจราชการ — Follow-up, oversight, supervision and inspection visits to schools';
COMMENT ON COLUMN analytics.visits.district_id IS 'รหัสเขตพื้นที่การศึกษา — district id';
COMMENT ON COLUMN analytics.visits.visit_id IS 'รหัสการลงพื้นที่ — visit id';
COMMENT ON COLUMN analytics.visits.school_id IS 'สถานศึกษา — school id';
COMMENT ON COLUMN analytics.visits.kind IS 'ประเภท (follow_up, oversight, supervision, inspection) — kind';
COMMENT ON COLUMN analytics.visits.kind_th IS 'ประเภท (ภาษาไทย) — kind in Thai';
COMMENT ON COLUMN analytics.visits.purpose_th IS 'วัตถุประสงค์ — purpose';
COMMENT ON COLUMN analytics.visits.starts_at IS 'เวลาเริ่ม — starts at';
COMMENT ON COLUMN analytics.visits.ends_at IS 'เวลาสิ้นสุด — ends at';
COMMENT ON COLUMN analytics.visits.visit_date_th IS 'วันที่ลงพื้นที่ (เวลาประเทศไทย) — visit date in Asia/Bangkok';
COMMENT ON COLUMN analytics.visits.fiscal_year IS 'ปีงบประมาณของวันที่ลงพื้นที่ (พ.ศ.) — fiscal year of the visit (BE)';
COMMENT ON COLUMN analytics.visits.status IS 'สถานะ (planned, confirmed, done, cancelled) — status';
COMMENT ON COLUMN analytics.visits.status_th IS 'สถานะ (ภาษาไทย) — status in Thai';
COMMENT ON COLUMN analytics.visits.team_id IS 'ทีม — team id';
COMMENT ON COLUMN analytics.visits.members IS 'จำนวนผู้ร่วมลงพื้นที่ — number of people on the visit';
COMMENT ON COLUMN analytics.visits.joined_into_id IS 'รวมเข้ากับการลงพื้นที่ (ว่าง: ไม่ได้รวม) — the visit it was joined into';
GRANT SELECT ON analytics.visits TO tidtam_analyst, tidtam_app;

-- ข้อค้นพบและข้อเสนอแนะจากการลงพื้นที่
CREATE VIEW analytics.findings (district_id, finding_id, visit_id, school_id, finding_th, recommendation_th, responsible_th, due_on, status, status_th, overdue, closed_at) WITH (security_invoker = true) AS
SELECT f.district_id, f.id AS finding_id, f.visit_id, f.school_id, f.finding_th, f.recommendation_th, f.responsible_th, f.due_on,
       f.status, CASE f.status WHEN 'open' THEN 'ยังไม่ได้ดำเนินการ' WHEN 'in_progress' THEN 'อยู่ระหว่างดำเนินการ' WHEN 'closed' THEN 'ดำเนินการแล้ว' ELSE NULL END AS status_th,
       f.status <> 'closed' AND f.due_on < (now() AT TIME ZONE 'Asia/Bangkok')::date AS overdue, f.closed_at
FROM finding f
WHERE f.district_id = ANY (tidtam_reader_districts());
COMMENT ON VIEW analytics.findings IS 'ข้อค้นพบและข้อเสนอแนะจากการลงพื้นที่ — Findings of visits and their follow-up to closure';
COMMENT ON COLUMN analytics.findings.district_id IS 'รหัสเขตพื้นที่การศึกษา — district id';
COMMENT ON COLUMN analytics.findings.finding_id IS 'รหัสข้อค้นพบ — finding id';
COMMENT ON COLUMN analytics.findings.visit_id IS 'การลงพื้นที่ — visit id';
COMMENT ON COLUMN analytics.findings.school_id IS 'สถานศึกษา — school id';
COMMENT ON COLUMN analytics.findings.finding_th IS 'ข้อค้นพบ — finding';
COMMENT ON COLUMN analytics.findings.recommendation_th IS 'ข้อเสนอแนะ — recommendation';
COMMENT ON COLUMN analytics.findings.responsible_th IS 'ผู้รับผิดชอบ — responsible';
COMMENT ON COLUMN analytics.findings.due_on IS 'กำหนดแล้วเสร็จ — due date';
COMMENT ON COLUMN analytics.findings.status IS 'สถานะ (open, in_progress, closed) — status';
COMMENT ON COLUMN analytics.findings.status_th IS 'สถานะ (ภาษาไทย) — status in Thai';
COMMENT ON COLUMN analytics.findings.overdue IS 'เลยกำหนดและยังไม่ปิด — past its due date and not closed';
COMMENT ON COLUMN analytics.findings.closed_at IS 'เวลาที่ปิด — closed at';
GRANT SELECT ON analytics.findings TO tidtam_analyst, tidtam_app;

-- ผลการประเมินโครงการ ข้อตกลงผลการปฏิบัติงาน และแผนกลยุทธ์
CREATE VIEW analytics.evaluations (district_id, evaluation_id, school_id, fiscal_year, round_id, round_name_th, round_kind, subject, subject_th, subject_id, status, score, level, reported_weight, missing_weight, indicators_reported, indicators_missing, computed_at, finalized_at) WITH (security_invoker = true) AS
SELECT e.district_id, e.id AS evaluation_id, e.school_id, e.fiscal_year, e.round_id, r.name_th AS round_name_th, r.kind AS round_kind,
       e.subject, CASE e.subject WHEN 'project' THEN 'โครงการ' WHEN 'agreement' THEN 'ข้อตกลงผลการปฏิบัติงาน' WHEN 'strategic_plan' THEN 'แผนกลยุทธ์' ELSE NULL END AS subject_th, e.subject_id, e.status, e.score, e.level, e.reported_weight,
       e.missing_weight, e.indicators_reported, e.indicators_missing, e.computed_at, e.finalized_at
FROM evaluation e JOIN evaluation_round r ON r.district_id = e.district_id AND r.id = e.round_id
WHERE e.district_id = ANY (tidtam_reader_districts());
COMMENT ON VIEW analytics.evaluations IS 'ผลการประเมินโครงการ ข้อตกลงผลการปฏิบัติงาน และแผนกลยุทธ์ — Evaluations of projects, performance agreements and strategic plans in each round: the score (0–5), level, and the weight of what was not reported';
COMMENT ON COLUMN analytics.evaluations.district_id IS 'รหัสเขตพื้นที่การศึกษา — district id';
COMMENT ON COLUMN analytics.evaluations.evaluation_id IS 'รหัสการประเมิน — evaluation id';
COMMENT ON COLUMN analytics.evaluations.school_id IS 'สถานศึกษา (ว่าง: สำนักงานเขต) — school id (null: the district office)';
COMMENT ON COLUMN analytics.evaluations.fiscal_year IS 'ปีงบประมาณ (พ.ศ.) — fiscal year (BE)';
COMMENT ON COLUMN analytics.evaluations.round_id IS 'รอบการประเมิน — round id';
COMMENT ON COLUMN analytics.evaluations.round_name_th IS 'ชื่อรอบการประเมิน — round name';
COMMENT ON COLUMN analytics.evaluations.round_kind IS 'ชนิดรอบ (mid_year, year_end, extra) — round kind';
COMMENT ON COLUMN analytics.evaluations.subject IS 'สิ่งที่ประเมิน (project, agreement, strategic_plan) — subject';
COMMENT ON COLUMN analytics.evaluations.subject_th IS 'สิ่งที่ประเมิน (ภาษาไทย) — subject in Thai';
COMMENT ON COLUMN analytics.evaluations.subject_id IS 'รหัสสิ่งที่ประเมิน — subject id';
COMMENT ON COLUMN analytics.evaluations.status IS 'สถานะ (draft ร่าง, final เสร็จสิ้น) — status';
COMMENT ON COLUMN analytics.evaluations.score IS 'คะแนน (0–5); ว่างหากไม่มีผลรายงาน — score (0–5); null when nothing was reported';
COMMENT ON COLUMN analytics.evaluations.level IS 'ระดับ (0–5) — level (0–5)';
COMMENT ON COLUMN analytics.evaluations.reported_weight IS 'น้ำหนักที่มีผลรายงาน — weight reported';
COMMENT ON COLUMN analytics.evaluations.missing_weight IS 'น้ำหนักที่ไม่ได้รายงาน — weight not reported';
COMMENT ON COLUMN analytics.evaluations.indicators_reported IS 'จำนวนตัวชี้วัดที่รายงาน — indicators reported';
COMMENT ON COLUMN analytics.evaluations.indicators_missing IS 'จำนวนตัวชี้วัดที่ไม่ได้รายงาน — indicators not reported';
COMMENT ON COLUMN analytics.evaluations.computed_at IS 'เวลาที่คำนวณ — computed at';
COMMENT ON COLUMN analytics.evaluations.finalized_at IS 'เวลาที่ยืนยันผล — finalized at';
GRANT SELECT ON analytics.evaluations TO tidtam_analyst, tidtam_app;

-- รายงานการประเมินตนเองของสถานศึกษา (SAR)
CREATE VIEW analytics.self_assessments (district_id, sar_id, school_id, academic_year, status, learners_level, management_level, teaching_level, submitted_at) WITH (security_invoker = true) AS
SELECT s.district_id, s.id AS sar_id, s.school_id, s.academic_year, s.status, s.learners_level, s.management_level, s.teaching_level,
       s.submitted_at
FROM sar_report s
WHERE s.district_id = ANY (tidtam_reader_districts());
COMMENT ON VIEW analytics.self_assessments IS 'รายงานการประเมินตนเองของสถานศึกษา (SAR) — Schools'' self-assessment reports: a level on each of OBEC''s three standards (1 กำลังพัฒนา … 5 ยอดเยี่ยม)';
COMMENT ON COLUMN analytics.self_assessments.district_id IS 'รหัสเขตพื้นที่การศึกษา — district id';
COMMENT ON COLUMN analytics.self_assessments.sar_id IS 'รหัสรายงาน — SAR id';
COMMENT ON COLUMN analytics.self_assessments.school_id IS 'สถานศึกษา — school id';
COMMENT ON COLUMN analytics.self_assessments.academic_year IS 'ปีการศึกษา (พ.ศ.) — academic year (BE, the year it begins in)';
COMMENT ON COLUMN analytics.self_assessments.status IS 'สถานะ (draft, submitted, returned) — status';
COMMENT ON COLUMN analytics.self_assessments.learners_level IS 'ระดับมาตรฐานที่ 1 คุณภาพของผู้เรียน (1–5) — level of standard 1, quality of learners';
COMMENT ON COLUMN analytics.self_assessments.management_level IS 'ระดับมาตรฐานที่ 2 กระบวนการบริหารและการจัดการ (1–5) — level of standard 2, administration and management';
COMMENT ON COLUMN analytics.self_assessments.teaching_level IS 'ระดับมาตรฐานที่ 3 การจัดการเรียนการสอนที่เน้นผู้เรียนเป็นสำคัญ (1–5) — level of standard 3, learner-centred teaching';
COMMENT ON COLUMN analytics.self_assessments.submitted_at IS 'เวลาที่ส่ง — submitted at';
GRANT SELECT ON analytics.self_assessments TO tidtam_analyst, tidtam_app;
