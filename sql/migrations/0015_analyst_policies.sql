-- Analysts' rows by a policy of their own (issue 22). Until now every tenant policy applied to
-- every role and read, on every row,
--
--     CASE WHEN tidtam_trusted() THEN <the settings' rule> ELSE <the login's rule> END
--
-- so an analyst's query paid for current_user and its name's parsing on each row it read, and the
-- planner could use neither branch as an index condition; the views narrowed with
-- `district_id = ANY (tidtam_reader_districts())` instead, whose unknown array made the planner
-- expect a handful of rows and choose nested loops (an analyst's budget query: 730 ms, against
-- 150 ms for the same question on the tables).
--
-- From here on:
--   * the policies that read settings apply to the service and the owner only (TO tidtam_app,
--     <owner>); their CASE stays, so a member of either role who is not it still reads by its name;
--   * an analyst reads through `<table>_analyst`, FOR SELECT TO tidtam_analyst, USING
--     `district_id = tidtam_login_district()` — the same rows as the CASE's login branch gave, now
--     an index condition on a constant (below);
--   * a national analyst keeps `<table>_national_analyst` (0014); a login of any other name in
--     the group reads nothing (tidtam_login_district() is NULL); a login outside it has no policy.
-- The views read the same rows with no narrowing of their own (same columns, same comments).
-- Settings and the login's name only, no tables (Citus). No triggers, nothing distributed.

-- tidtam_login_district() reads current_user alone, which cannot change under a plan that
-- row-level security shaped: PostgreSQL plans again any query whose policies were applied for
-- another user (the plan cache keeps the rewrite's role and the RLS dependency). Declared
-- IMMUTABLE, it is evaluated once, when the query is planned, and an analyst's policy compares
-- district_id with a constant (NULL for anyone not an analyst), where each index scan of a
-- lateral lookup had parsed the name again (4 µs a time: 14,000 indicator targets' actuals cost
-- an analyst 120 ms more than the owner). (A query that calls it directly, prepared and then
-- run after SET ROLE, would see the planning user's value; the policies, which decide what is
-- read, are planned again.) tidtam_trusted() stays STABLE: the service's policies and plans are
-- as they were.
ALTER FUNCTION tidtam_login_district() IMMUTABLE;

-- The owner is the migrating role, as in 0004.
CREATE FUNCTION tidtam_split_analyst_policies(tbl regclass) RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
    p record;
    column_name text;
BEGIN
    FOR p IN SELECT pol.polname AS name, pg_get_expr(pol.polqual, pol.polrelid) AS qual,
                    pg_get_expr(pol.polwithcheck, pol.polrelid) AS with_check, pol.polroles
             FROM pg_policy pol WHERE pol.polrelid = tbl
    LOOP
        CONTINUE WHEN coalesce(p.qual, '') || coalesce(p.with_check, '') NOT LIKE '%tidtam_trusted()%'
                   OR p.polroles <> '{0}';
        EXECUTE format('ALTER POLICY %I ON %s TO tidtam_app, %I', p.name, tbl, current_user);
        column_name := (regexp_match(p.qual, $re$ELSE \((\w+) = tidtam_login_district\(\)\)$re$))[1];
        IF column_name IS NOT NULL THEN
            EXECUTE format('CREATE POLICY %I ON %s FOR SELECT TO tidtam_analyst USING (%I = tidtam_login_district())',
                           (SELECT relname FROM pg_class WHERE oid = tbl) || '_analyst', tbl, column_name);
        END IF;
    END LOOP;
END
$fn$;
COMMENT ON FUNCTION tidtam_split_analyst_policies(regclass) IS
    'Gives a table''s guarded policies to the service and the owner only, and an analyst its own SELECT policy (its district, by its login''s name).';

SELECT tidtam_split_analyst_policies(c.oid)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND EXISTS (SELECT FROM pg_policy p WHERE p.polrelid = c.oid);

-- Tables made from here on are split as they are guarded, whichever way they are guarded (the
-- tenancy generators of 0004, or tidtam_guard_policies called directly for a global table): the
-- guard keeps its name and does both. One mechanism for all.
ALTER FUNCTION tidtam_guard_policies(regclass) RENAME TO tidtam_wrap_policies_in_trust;
CREATE FUNCTION tidtam_guard_policies(tbl regclass) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
    PERFORM tidtam_wrap_policies_in_trust(tbl);
    PERFORM tidtam_split_analyst_policies(tbl);
END
$fn$;

-- The views without their own narrowing: each reader's policy narrows, as an index condition for
-- an analyst. Same columns, types, comments and security_invoker; only the WHERE changes.
DO $$
DECLARE
    v record;
    body text;
BEGIN
    FOR v IN SELECT c.oid, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'analytics' AND c.relkind = 'v'
    LOOP
        body := pg_get_viewdef(v.oid);
        CONTINUE WHEN body NOT LIKE '%tidtam_reader_districts()%';
        body := regexp_replace(body, $re$\(?\w+\.district_id = ANY \(tidtam_reader_districts\(\)\)\)?$re$, 'true', 'g');
        IF body LIKE '%tidtam_reader_districts()%' THEN
            RAISE EXCEPTION 'analytics.% still narrows by tidtam_reader_districts(): %', v.relname, body;
        END IF;
        EXECUTE format('CREATE OR REPLACE VIEW analytics.%I WITH (security_invoker = true) AS %s', v.relname, body);
    END LOOP;
END
$$;
-- Nothing reads it any more.
DROP FUNCTION tidtam_reader_districts();

-- A due item's latest submitted report, read only when a query asks for it: a scalar subquery
-- per column is left out of a query that does not name the column, where the lateral join
-- was made for every item (late and missing by school read 56,000 items and their reports).
CREATE OR REPLACE VIEW analytics.progress_reports (district_id, school_id, item_id, project_id, fiscal_year, period_kind, period, period_start, period_end, due_on, first_submitted_at, standing, standing_th, is_late, is_missing, percent_complete, progress_status) WITH (security_invoker = true) AS
SELECT m.district_id, m.school_id, m.id AS item_id, m.project_id, m.fiscal_year, m.period_kind, m.period, m.period_start, m.period_end,
       m.due_on, m.first_submitted_at, st.standing, CASE st.standing WHEN 'on_time' THEN 'ส่งตรงเวลา' WHEN 'late' THEN 'ส่งล่าช้า' WHEN 'missing' THEN 'ยังไม่ส่ง (เลยกำหนด)' WHEN 'upcoming' THEN 'ยังไม่ถึงกำหนด' WHEN 'withdrawn' THEN 'ยกเลิก' ELSE NULL END AS standing_th,
       st.standing = 'late' AS is_late, st.standing = 'missing' AS is_missing,
       (SELECT r.percent_complete FROM progress_report r
        WHERE r.district_id = m.district_id AND r.item_id = m.id AND r.status IN ('submitted', 'acknowledged')
        ORDER BY r.report_version DESC LIMIT 1) AS percent_complete,
       (SELECT r.progress_status FROM progress_report r
        WHERE r.district_id = m.district_id AND r.item_id = m.id AND r.status IN ('submitted', 'acknowledged')
        ORDER BY r.report_version DESC LIMIT 1) AS progress_status
FROM monitoring_item m
CROSS JOIN LATERAL (SELECT tidtam_item_standing(m.status, m.due_on, m.first_submitted_at) AS standing) st
WHERE m.kind = 'progress_report';

-- A school's district office by a left join: the same rows (every school has its district, and
-- whoever reads a school reads its district), and a query that names no district column no
-- longer joins it (visits per school: 1.0 ms against 0.7 ms on the tables).
CREATE OR REPLACE VIEW analytics.schools (district_id, district_code, district_name_th, school_id, obec_code, name_th, province_th, size, size_th, student_count, opened_on, closed_on) WITH (security_invoker = true) AS
SELECT s.district_id, d.code AS district_code, d.name_th AS district_name_th, s.id AS school_id, s.obec_code, s.name_th,
       s.province_th, s.size, CASE s.size WHEN 'small' THEN 'ขนาดเล็ก' WHEN 'medium' THEN 'ขนาดกลาง' WHEN 'large' THEN 'ขนาดใหญ่' WHEN 'extra_large' THEN 'ขนาดใหญ่พิเศษ' ELSE NULL END AS size_th,
       s.student_count, s.opened_on, s.closed_on
FROM school s LEFT JOIN district d ON d.id = s.district_id;
