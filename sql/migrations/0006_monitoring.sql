-- Monitoring (seed 5.1): the monitoring plan generated from approved action plans and
-- performance agreements, progress reports with evidence files, corrections of indicator
-- actuals, coordinated visits (follow-up, oversight, supervision, inspection) with their teams,
-- closed days and joint-visit proposals, iCalendar feeds, and findings followed to closure.
--
-- Citus (docs/architecture.md, rules 8–10 of the Citus guide): every tenant table here is
-- created without its keys to other tenant tables, distributed through tidtam_distribute()
-- (which does nothing when the citus extension is absent), and only then given those keys.
-- Triggers touch rows of the same district only; none sends NOTIFY.

CREATE EXTENSION IF NOT EXISTS btree_gist;

-- Rule 9's helper. Without Citus it does nothing, so a single PostgreSQL ends up exactly as
-- before; with it, a tenant table is distributed by district_id beside `school`, and a global
-- lookup table (`reference => true`) is copied to every node. Later migrations use it too.
CREATE FUNCTION tidtam_distribute(tbl regclass, reference boolean DEFAULT false) RETURNS void
LANGUAGE plpgsql AS $fn$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_extension WHERE extname = 'citus') THEN
        RETURN;
    END IF;
    IF reference THEN
        EXECUTE format('SELECT create_reference_table(%L)', tbl);
    ELSE
        EXECUTE format('SELECT create_distributed_table(%L, %L, colocate_with => %L)', tbl, 'district_id', 'school');
    END IF;
END
$fn$;
COMMENT ON FUNCTION tidtam_distribute(regclass, boolean) IS
    'Distributes a tenant table by district_id (colocated with school), or makes a reference table; does nothing without Citus.';

-- Audit for the tables of this migration, one statement at a time (as tidtam_audit_rows() of
-- 0003), for tables with or without a school column: TG_ARGV[0] names it, '-' for none.
CREATE FUNCTION tidtam_audit_statement() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
    actor bigint := nullif(current_setting('tidtam.user_id', true), '')::bigint;
    actor_role text := nullif(current_setting('tidtam.role', true), '');
    request text := nullif(current_setting('tidtam.request_id', true), '');
    school text := CASE WHEN coalesce(TG_ARGV[0], '-') = '-' THEN 'NULL::bigint' ELSE format('r.%I', TG_ARGV[0]) END;
BEGIN
    IF current_setting('tidtam.audit', true) = 'off' AND current_user <> 'tidtam_app' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        EXECUTE format('INSERT INTO audit_log (district_id, actor_id, actor_role, request_id, action, entity, entity_id, school_id, before, after)
                        SELECT r.district_id, $1, $2, $3, ''insert'', %L, r.id, %s, NULL, to_jsonb(r) FROM new_rows r', TG_TABLE_NAME, school)
            USING actor, actor_role, request;
    ELSIF TG_OP = 'UPDATE' THEN
        EXECUTE format('INSERT INTO audit_log (district_id, actor_id, actor_role, request_id, action, entity, entity_id, school_id, before, after)
                        SELECT r.district_id, $1, $2, $3, ''update'', %L, r.id, %s, to_jsonb(o), to_jsonb(r)
                        FROM old_rows o JOIN new_rows r ON (o.district_id, o.id) = (r.district_id, r.id)
                        WHERE to_jsonb(o) IS DISTINCT FROM to_jsonb(r)', TG_TABLE_NAME, school)
            USING actor, actor_role, request;
    ELSE
        EXECUTE format('INSERT INTO audit_log (district_id, actor_id, actor_role, request_id, action, entity, entity_id, school_id, before, after)
                        SELECT r.district_id, $1, $2, $3, ''delete'', %L, r.id, %s, to_jsonb(r), NULL FROM old_rows r', TG_TABLE_NAME, school)
            USING actor, actor_role, request;
    END IF;
    RETURN NULL;
END
$fn$;

-- Tenancy, versioning, audit and grants for one table of this migration. `school_column`
-- narrows school staff to their school's rows (NULL: a table of the district office that
-- everyone in the district reads). `audit_inserts => false` for rows generated from a record
-- whose own change is audited (the monitoring plan's items, from the approval); their later
-- changes are audited row by row.
CREATE FUNCTION tidtam_monitoring_table(tbl regclass, school_column text DEFAULT 'school_id',
                                        versioned boolean DEFAULT true, audit_inserts boolean DEFAULT true)
RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
    name text := (SELECT relname FROM pg_class WHERE oid = tbl);
    school text := coalesce(school_column, '-');
BEGIN
    PERFORM tidtam_enable_tenancy(tbl, 'district_id', school_column);
    IF versioned THEN
        EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE ON %s FOR EACH ROW EXECUTE FUNCTION tidtam_touch()', name || '_touch', tbl);
    END IF;
    IF audit_inserts THEN
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %s REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tidtam_audit_statement(%L)', name || '_audit_insert', tbl, school);
    END IF;
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %s REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tidtam_audit_statement(%L)', name || '_audit_update', tbl, school);
    EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %s REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tidtam_audit_statement(%L)', name || '_audit_delete', tbl, school);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO tidtam_app', tbl);
    EXECUTE format('GRANT SELECT ON %s TO tidtam_analyst', tbl);
END
$fn$;

-- ---------------------------------------------------------------------------------------------
-- The district's monitoring settings: how often projects report, how many days after a
-- period's end a report is due, and how close two visits to one school must be to be proposed
-- as one. A district without a row uses the defaults (quarterly, 15 days, 3 days).
CREATE TABLE monitoring_setting (
    district_id      bigint NOT NULL,
    report_frequency text NOT NULL DEFAULT 'quarterly' CHECK (report_frequency IN ('monthly', 'quarterly')),
    report_due_days  integer NOT NULL DEFAULT 15 CHECK (report_due_days BETWEEN 0 AND 90),
    joint_visit_days integer NOT NULL DEFAULT 3 CHECK (joint_visit_days BETWEEN 0 AND 30),
    version          integer NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (district_id)
);
COMMENT ON TABLE monitoring_setting IS 'การตั้งค่าการติดตาม — how often a district''s projects report and when reports are due';
SELECT tidtam_distribute('monitoring_setting');
ALTER TABLE monitoring_setting ADD FOREIGN KEY (district_id) REFERENCES district (id);
SELECT tidtam_enable_tenancy('monitoring_setting');
CREATE TRIGGER monitoring_setting_touch BEFORE UPDATE ON monitoring_setting FOR EACH ROW EXECUTE FUNCTION tidtam_touch();
CREATE TRIGGER monitoring_setting_audit AFTER INSERT OR UPDATE OR DELETE ON monitoring_setting
    FOR EACH ROW EXECUTE FUNCTION tidtam_audit('district_id');
GRANT SELECT, INSERT, UPDATE ON monitoring_setting TO tidtam_app;
GRANT SELECT ON monitoring_setting TO tidtam_analyst;

-- แผนการติดตาม: one due item of the monitoring plan. A progress report per project and
-- reporting period, a checkpoint per milestone activity, a follow-up per agreement item at
-- mid-year and at year-end. Generated from the approved plan or agreement by a job; when a
-- revision is approved the items move to the revision's copies (copied_from_id), so what was
-- reported stays with its project; items of removed projects are withdrawn, never deleted.
-- Late and missing are read from the data (due_on against the reports), never a flag.
CREATE TABLE monitoring_item (
    district_id       bigint NOT NULL,
    id                bigint GENERATED BY DEFAULT AS IDENTITY,
    school_id         bigint,
    kind              text NOT NULL CHECK (kind IN ('progress_report', 'checkpoint', 'agreement_follow_up')),
    fiscal_year       integer NOT NULL CHECK (fiscal_year BETWEEN 2500 AND 2700),
    -- month 1 = October … 12 = September; quarter 1–4 from 1 October; half 1–2; milestone 0.
    period_kind       text NOT NULL CHECK (period_kind IN ('month', 'quarter', 'half', 'milestone')),
    period            smallint NOT NULL CHECK (period BETWEEN 0 AND 12),
    period_start      date NOT NULL,
    period_end        date NOT NULL,
    action_plan_id    bigint,
    project_id        bigint,
    activity_id       bigint,
    agreement_id      bigint,
    agreement_item_id bigint,
    due_on            date NOT NULL,
    original_due_on   date NOT NULL,
    due_change_reason text CHECK (length(due_change_reason) BETWEEN 1 AND 2000),
    status            text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'withdrawn')),
    withdrawn_at      timestamptz,
    -- When the item's first report was submitted: kept by a trigger on progress_report, never
    -- written by the code, so that the overdue list reads each item's row alone.
    first_submitted_at timestamptz,
    version           integer NOT NULL DEFAULT 1,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (district_id, id),
    -- Leads with the project: it also finds a project's items (the moves of a revision).
    CONSTRAINT monitoring_item_unique UNIQUE NULLS NOT DISTINCT
        (district_id, project_id, activity_id, agreement_item_id, kind, period_kind, period),
    CONSTRAINT monitoring_item_source CHECK (CASE kind
        WHEN 'progress_report' THEN project_id IS NOT NULL AND activity_id IS NULL AND agreement_item_id IS NULL
        WHEN 'checkpoint' THEN project_id IS NOT NULL AND activity_id IS NOT NULL AND agreement_item_id IS NULL
        ELSE agreement_item_id IS NOT NULL AND project_id IS NULL END),
    CONSTRAINT monitoring_item_moved_with_reason CHECK (due_on = original_due_on OR due_change_reason IS NOT NULL),
    CONSTRAINT monitoring_item_period_dates CHECK (period_end >= period_start)
) WITH (fillfactor = 90);
COMMENT ON TABLE monitoring_item IS 'แผนการติดตาม — a due item of the monitoring plan: a progress report, a milestone checkpoint or an agreement follow-up';
SELECT tidtam_distribute('monitoring_item');
-- No foreign keys: a key check is a query per inserted row, and at national scale it was half
-- the cost of generating 5.4 million items (measured: 15 µs of 35 per row). Items are written
-- only by INSERT … SELECT from the project, milestone or agreement item they follow (the
-- generator, the moves of a revision), which copies the unit, the plan or agreement and the
-- district from that row, so they cannot name one that is not there. What a key adds beyond that,
-- that the row followed cannot go away, the trigger below keeps at the cost of one index probe
-- per deleted row instead of one per inserted item (the rows followed belong to approved, frozen
-- plans and agreements, so the service never deletes them anyway).
CREATE FUNCTION tidtam_keep_followed_rows() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
    followed boolean;
BEGIN
    -- One branch per table: a branch names the fields of its own table's rows only.
    IF TG_TABLE_NAME = 'project' THEN
        followed := EXISTS (SELECT FROM monitoring_item m WHERE m.district_id = OLD.district_id AND m.project_id = OLD.id);
    ELSIF TG_TABLE_NAME = 'activity' THEN
        followed := EXISTS (SELECT FROM monitoring_item m WHERE m.district_id = OLD.district_id
                                                            AND m.project_id = OLD.project_id AND m.activity_id = OLD.id);
    ELSE
        followed := EXISTS (SELECT FROM monitoring_item m WHERE m.district_id = OLD.district_id AND m.agreement_item_id = OLD.id);
    END IF;
    IF followed THEN
        RAISE EXCEPTION '% % is still referenced from monitoring_item', TG_TABLE_NAME, OLD.id
            USING ERRCODE = '23503', CONSTRAINT = 'monitoring_item_follows', DETAIL = 'The row is still referenced from the monitoring plan.';
    END IF;
    RETURN OLD;
END
$fn$;
CREATE TRIGGER project_followed_by_monitoring BEFORE DELETE ON project
    FOR EACH ROW EXECUTE FUNCTION tidtam_keep_followed_rows();
CREATE TRIGGER activity_followed_by_monitoring BEFORE DELETE ON activity
    FOR EACH ROW EXECUTE FUNCTION tidtam_keep_followed_rows();
CREATE TRIGGER agreement_item_followed_by_monitoring BEFORE DELETE ON agreement_item
    FOR EACH ROW EXECUTE FUNCTION tidtam_keep_followed_rows();
-- Few indexes on a table of millions of generated rows: the overdue list (a district's open
-- items of one period not submitted, or submitted late: an item submitted on time leaves this
-- index), a unit's year (the withdrawals of a revision, a school's or a plan's list), and the
-- agreements' items, which are few.
CREATE INDEX monitoring_item_overdue ON monitoring_item (district_id, fiscal_year, period_kind, period, due_on) INCLUDE (school_id)
    WHERE status = 'open' AND (first_submitted_at IS NULL OR (first_submitted_at AT TIME ZONE 'Asia/Bangkok')::date > due_on);
CREATE INDEX monitoring_item_unit ON monitoring_item (district_id, school_id, fiscal_year, action_plan_id);
CREATE INDEX monitoring_item_agreement_item ON monitoring_item (district_id, agreement_item_id) WHERE agreement_item_id IS NOT NULL;
CREATE INDEX monitoring_item_agreement ON monitoring_item (district_id, agreement_id) WHERE agreement_id IS NOT NULL;
SELECT tidtam_monitoring_table('monitoring_item', audit_inserts => false);

-- Where a due item stands, from the data alone: withdrawn; reported on time or late (by the
-- first submission's day in Asia/Bangkok against the due date); missing once the due date has
-- passed without a submission; otherwise upcoming. Nobody sets a flag: the first submission's
-- time is the reports' own, copied to the item by the trigger below.
CREATE FUNCTION tidtam_item_standing(status text, due_on date, first_submitted_at timestamptz) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN status = 'withdrawn' THEN 'withdrawn'
        WHEN first_submitted_at IS NOT NULL THEN
            CASE WHEN (first_submitted_at AT TIME ZONE 'Asia/Bangkok')::date <= due_on THEN 'on_time' ELSE 'late' END
        WHEN due_on < (now() AT TIME ZONE 'Asia/Bangkok')::date THEN 'missing'
        ELSE 'upcoming' END
$$;

-- รายงานความก้าวหน้า: a report against one due item, one row per version. Only a draft is
-- edited; a submitted report changes only by a new version (previous_id) that keeps the old.
-- Submitted → acknowledged by the district, or returned with a reason (then a new version).
CREATE TABLE progress_report (
    district_id      bigint NOT NULL,
    id               bigint GENERATED BY DEFAULT AS IDENTITY,
    school_id        bigint,
    item_id          bigint NOT NULL,
    project_id       bigint,
    report_version   integer NOT NULL DEFAULT 1 CHECK (report_version >= 1),
    previous_id      bigint,
    status           text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'acknowledged', 'returned')),
    percent_complete numeric(5, 2) NOT NULL CHECK (percent_complete BETWEEN 0 AND 100),
    progress_status  text NOT NULL CHECK (progress_status IN ('on_track', 'delayed', 'at_risk', 'done', 'cancelled')),
    done_th          text CHECK (length(done_th) <= 8000),
    problems_th      text CHECK (length(problems_th) <= 8000),
    next_steps_th    text CHECK (length(next_steps_th) <= 8000),
    return_reason    text CHECK (length(return_reason) BETWEEN 1 AND 2000),
    created_by       bigint,
    submitted_at     timestamptz,
    submitted_by     bigint,
    decided_at       timestamptz,
    decided_by       bigint,
    version          integer NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (district_id, id),
    CONSTRAINT progress_report_version_unique UNIQUE (district_id, item_id, report_version),
    CONSTRAINT progress_report_returned_reason CHECK (status <> 'returned' OR return_reason IS NOT NULL),
    CONSTRAINT progress_report_submitted_at CHECK (status = 'draft' OR submitted_at IS NOT NULL)
);
COMMENT ON TABLE progress_report IS 'รายงานความก้าวหน้า — a progress report against a due item, one row per version';
SELECT tidtam_distribute('progress_report');
-- The unit is the item's (copied by the store); the item holds the row to its district.
ALTER TABLE progress_report
    ADD FOREIGN KEY (district_id, item_id) REFERENCES monitoring_item (district_id, id),
    ADD FOREIGN KEY (district_id, project_id) REFERENCES project (district_id, id),
    ADD FOREIGN KEY (district_id, previous_id) REFERENCES progress_report (district_id, id);
-- One draft per item: a second writer edits the draft there is.
CREATE UNIQUE INDEX progress_report_one_draft ON progress_report (district_id, item_id) WHERE status = 'draft';
CREATE INDEX progress_report_item ON progress_report (district_id, item_id, report_version DESC);
SELECT tidtam_monitoring_table('progress_report');

-- The item's first submission, from its reports: whenever a report is submitted (inserted
-- submitted, or submitted later), the item keeps the earliest time. Same district, co-located.
CREATE FUNCTION tidtam_item_first_submission() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    UPDATE monitoring_item SET first_submitted_at = NEW.submitted_at
    WHERE district_id = NEW.district_id AND id = NEW.item_id
      AND (first_submitted_at IS NULL OR first_submitted_at > NEW.submitted_at);
    RETURN NULL;
END
$fn$;
CREATE TRIGGER progress_report_first_submission AFTER INSERT OR UPDATE OF submitted_at ON progress_report
    FOR EACH ROW WHEN (NEW.submitted_at IS NOT NULL) EXECUTE FUNCTION tidtam_item_first_submission();

-- Budget disbursed to date per budget line of the report's project. More than the line
-- allocates needs a stated reason (checked by the store, which reads the line).
CREATE TABLE report_disbursement (
    district_id    bigint NOT NULL,
    id             bigint GENERATED BY DEFAULT AS IDENTITY,
    school_id      bigint,
    report_id      bigint NOT NULL,
    budget_line_id bigint NOT NULL,
    amount         numeric(14, 2) NOT NULL CHECK (amount >= 0),
    over_reason_th text CHECK (length(over_reason_th) BETWEEN 1 AND 2000),
    PRIMARY KEY (district_id, id),
    CONSTRAINT report_disbursement_line_unique UNIQUE (district_id, report_id, budget_line_id)
);
COMMENT ON TABLE report_disbursement IS 'การเบิกจ่ายงบประมาณ — budget disbursed to date per budget line, as a progress report states it';
SELECT tidtam_distribute('report_disbursement');
ALTER TABLE report_disbursement
    ADD FOREIGN KEY (district_id, report_id) REFERENCES progress_report (district_id, id) ON DELETE CASCADE,
    ADD FOREIGN KEY (district_id, budget_line_id) REFERENCES budget_line (district_id, id);
SELECT tidtam_monitoring_table('report_disbursement', versioned => false);

-- The bytes of an evidence file, apart from what describes it, so that an object store can
-- take the content over later (the SHA-256 names it) while the description stays here.
CREATE TABLE evidence_content (
    district_id bigint NOT NULL,
    id          bigint GENERATED BY DEFAULT AS IDENTITY,
    school_id   bigint,
    sha256      bytea NOT NULL CHECK (length(sha256) = 32),
    byte_size   integer NOT NULL CHECK (byte_size BETWEEN 1 AND 20971520),
    content     bytea NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (district_id, id),
    CONSTRAINT evidence_content_size CHECK (length(content) = byte_size)
);
COMMENT ON TABLE evidence_content IS 'เนื้อไฟล์หลักฐาน — the bytes of an evidence file (named by its SHA-256)';
SELECT tidtam_distribute('evidence_content');
ALTER TABLE evidence_content ADD FOREIGN KEY (district_id) REFERENCES district (id);
ALTER TABLE evidence_content ALTER COLUMN content SET STORAGE EXTERNAL;
SELECT tidtam_enable_tenancy('evidence_content', 'district_id', 'school_id');
GRANT SELECT, INSERT, DELETE ON evidence_content TO tidtam_app;

-- ไฟล์หลักฐาน: a file attached to a progress report (a new version lists the same files) or to
-- a finding (the evidence that closed it).
CREATE TABLE evidence_file (
    district_id  bigint NOT NULL,
    id           bigint GENERATED BY DEFAULT AS IDENTITY,
    school_id    bigint,
    report_id    bigint,
    finding_id   bigint,
    content_id   bigint NOT NULL,
    file_name    text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
    content_type text NOT NULL CHECK (length(content_type) BETWEEN 1 AND 100),
    byte_size    integer NOT NULL,
    sha256       bytea NOT NULL CHECK (length(sha256) = 32),
    created_by   bigint,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (district_id, id),
    CONSTRAINT evidence_file_one_owner CHECK (num_nonnulls(report_id, finding_id) = 1)
);
COMMENT ON TABLE evidence_file IS 'ไฟล์หลักฐาน — an evidence file of a progress report or of a finding''s closure';
SELECT tidtam_distribute('evidence_file');
ALTER TABLE evidence_file
    ADD FOREIGN KEY (district_id, report_id) REFERENCES progress_report (district_id, id) ON DELETE CASCADE,
    ADD FOREIGN KEY (district_id, content_id) REFERENCES evidence_content (district_id, id);
CREATE INDEX evidence_file_report ON evidence_file (district_id, report_id) WHERE report_id IS NOT NULL;
CREATE INDEX evidence_file_finding ON evidence_file (district_id, finding_id) WHERE finding_id IS NOT NULL;
CREATE INDEX evidence_file_content ON evidence_file (district_id, content_id);
SELECT tidtam_monitoring_table('evidence_file', versioned => false);

-- Indicator actuals are recorded and corrected through the API from here on: a correction is a
-- new row (the next seq) that says why; nothing is overwritten.
ALTER TABLE indicator_actual ADD COLUMN correction_reason text CHECK (length(correction_reason) BETWEEN 1 AND 2000);
ALTER TABLE indicator_actual ADD CONSTRAINT indicator_actual_correction_reason CHECK (seq = 1 OR correction_reason IS NOT NULL);
-- The service may add rows only (an indicator deleted with its plan still takes its actuals, as
-- the foreign key's owner does that).
REVOKE UPDATE, DELETE ON indicator_actual FROM tidtam_app;

-- ---------------------------------------------------------------------------------------------
-- Visits. วันหยุดราชการ: public holidays, kept by OBEC for every district (a reference table).
CREATE TABLE public_holiday (
    day     date PRIMARY KEY,
    name_th text COLLATE "th-TH-x-icu" NOT NULL CHECK (length(name_th) BETWEEN 1 AND 200),
    name_en text CHECK (length(name_en) <= 200)
);
COMMENT ON TABLE public_holiday IS 'วันหยุดราชการ — Thai public holidays, kept by OBEC';
SELECT tidtam_distribute('public_holiday', reference => true);
ALTER TABLE public_holiday ENABLE ROW LEVEL SECURITY;
ALTER TABLE public_holiday FORCE ROW LEVEL SECURITY;
CREATE POLICY public_holiday_read ON public_holiday FOR SELECT USING (true);
CREATE POLICY public_holiday_write ON public_holiday FOR ALL
    USING (nullif(current_setting('tidtam.role', true), '') = 'national')
    WITH CHECK (nullif(current_setting('tidtam.role', true), '') = 'national');
SELECT tidtam_guard_policies('public_holiday');
GRANT SELECT, INSERT, UPDATE, DELETE ON public_holiday TO tidtam_app;
GRANT SELECT ON public_holiday TO tidtam_analyst;

-- The cabinet's holidays for fiscal years 2569–2570 as announced; OBEC adds or changes days
-- through the API (PUT /public-holidays/{day}) as later years are announced.
SET tidtam.role = 'national';
INSERT INTO public_holiday (day, name_th, name_en) VALUES
    ('2025-10-13', 'วันนวมินทรมหาราช', 'King Bhumibol Adulyadej Memorial Day'),
    ('2025-10-23', 'วันปิยมหาราช', 'King Chulalongkorn Memorial Day'),
    ('2025-12-05', 'วันคล้ายวันพระบรมราชสมภพ รัชกาลที่ ๙ วันชาติ และวันพ่อแห่งชาติ', 'King Bhumibol''s Birthday, National Day and Father''s Day'),
    ('2025-12-10', 'วันรัฐธรรมนูญ', 'Constitution Day'),
    ('2025-12-31', 'วันสิ้นปี', 'New Year''s Eve'),
    ('2026-01-01', 'วันขึ้นปีใหม่', 'New Year''s Day'),
    ('2026-03-03', 'วันมาฆบูชา', 'Makha Bucha Day'),
    ('2026-04-06', 'วันจักรี', 'Chakri Memorial Day'),
    ('2026-04-13', 'วันสงกรานต์', 'Songkran'),
    ('2026-04-14', 'วันสงกรานต์', 'Songkran'),
    ('2026-04-15', 'วันสงกรานต์', 'Songkran'),
    ('2026-05-04', 'วันฉัตรมงคล', 'Coronation Day'),
    ('2026-06-01', 'ชดเชยวันวิสาขบูชา', 'Visakha Bucha Day (substitution)'),
    ('2026-06-03', 'วันเฉลิมพระชนมพรรษาสมเด็จพระนางเจ้าฯ พระบรมราชินี', 'Queen Suthida''s Birthday'),
    ('2026-07-28', 'วันเฉลิมพระชนมพรรษาพระบาทสมเด็จพระเจ้าอยู่หัว', 'King Vajiralongkorn''s Birthday'),
    ('2026-07-29', 'วันอาสาฬหบูชา', 'Asarnha Bucha Day'),
    ('2026-07-30', 'วันเข้าพรรษา', 'Buddhist Lent Day'),
    ('2026-08-12', 'วันเฉลิมพระชนมพรรษาสมเด็จพระบรมราชชนนีพันปีหลวง และวันแม่แห่งชาติ', 'Queen Mother''s Birthday and Mother''s Day'),
    ('2026-10-13', 'วันนวมินทรมหาราช', 'King Bhumibol Adulyadej Memorial Day'),
    ('2026-10-23', 'วันปิยมหาราช', 'King Chulalongkorn Memorial Day'),
    ('2026-12-07', 'ชดเชยวันคล้ายวันพระบรมราชสมภพ รัชกาลที่ ๙ วันชาติ และวันพ่อแห่งชาติ', 'Father''s Day (substitution)'),
    ('2026-12-10', 'วันรัฐธรรมนูญ', 'Constitution Day'),
    ('2026-12-31', 'วันสิ้นปี', 'New Year''s Eve'),
    ('2027-01-01', 'วันขึ้นปีใหม่', 'New Year''s Day'),
    ('2027-04-06', 'วันจักรี', 'Chakri Memorial Day'),
    ('2027-04-13', 'วันสงกรานต์', 'Songkran'),
    ('2027-04-14', 'วันสงกรานต์', 'Songkran'),
    ('2027-04-15', 'วันสงกรานต์', 'Songkran'),
    ('2027-05-04', 'วันฉัตรมงคล', 'Coronation Day'),
    ('2027-06-03', 'วันเฉลิมพระชนมพรรษาสมเด็จพระนางเจ้าฯ พระบรมราชินี', 'Queen Suthida''s Birthday'),
    ('2027-07-28', 'วันเฉลิมพระชนมพรรษาพระบาทสมเด็จพระเจ้าอยู่หัว', 'King Vajiralongkorn''s Birthday'),
    ('2027-08-12', 'วันเฉลิมพระชนมพรรษาสมเด็จพระบรมราชชนนีพันปีหลวง และวันแม่แห่งชาติ', 'Queen Mother''s Birthday and Mother''s Day');
RESET tidtam.role;

-- วันปิดทำการ: a district's own closed days (a provincial holiday, the office's move).
CREATE TABLE closed_day (
    district_id bigint NOT NULL,
    id          bigint GENERATED BY DEFAULT AS IDENTITY,
    day         date NOT NULL,
    name_th     text COLLATE "th-TH-x-icu" NOT NULL CHECK (length(name_th) BETWEEN 1 AND 200),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (district_id, id),
    CONSTRAINT closed_day_unique UNIQUE (district_id, day)
);
COMMENT ON TABLE closed_day IS 'วันปิดทำการของเขตพื้นที่ — a district''s own closed days';
SELECT tidtam_distribute('closed_day');
ALTER TABLE closed_day ADD FOREIGN KEY (district_id) REFERENCES district (id);
SELECT tidtam_monitoring_table('closed_day', school_column => NULL, versioned => false);

-- ทีม: a named team of the district's users (a supervision unit, an inspection team).
CREATE TABLE team (
    district_id bigint NOT NULL,
    id          bigint GENERATED BY DEFAULT AS IDENTITY,
    name_th     text COLLATE "th-TH-x-icu" NOT NULL CHECK (length(name_th) BETWEEN 1 AND 200),
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (district_id, id),
    CONSTRAINT team_name_unique UNIQUE (district_id, name_th)
);
COMMENT ON TABLE team IS 'ทีมติดตาม นิเทศ ตรวจราชการ — a named team of the district''s users';
SELECT tidtam_distribute('team');
ALTER TABLE team ADD FOREIGN KEY (district_id) REFERENCES district (id);
SELECT tidtam_monitoring_table('team', school_column => NULL);

CREATE TABLE team_member (
    district_id bigint NOT NULL,
    id          bigint GENERATED BY DEFAULT AS IDENTITY,
    team_id     bigint NOT NULL,
    user_id     bigint NOT NULL,
    PRIMARY KEY (district_id, id),
    CONSTRAINT team_member_unique UNIQUE (district_id, team_id, user_id)
);
SELECT tidtam_distribute('team_member');
ALTER TABLE team_member
    ADD FOREIGN KEY (district_id, team_id) REFERENCES team (district_id, id) ON DELETE CASCADE,
    ADD FOREIGN KEY (district_id, user_id) REFERENCES app_user (district_id, id);
SELECT tidtam_monitoring_table('team_member', school_column => NULL, versioned => false);

-- การลงพื้นที่: a visit of one school by a team, in a time range (stored in UTC, shown in
-- Asia/Bangkok). `during` and `active` are derived, so that the members' copy of them (below)
-- follows every change of time or status through the foreign key's ON UPDATE CASCADE: the
-- database keeps the exclusion constraint true, not the code.
CREATE TABLE visit (
    district_id    bigint NOT NULL,
    id             bigint GENERATED BY DEFAULT AS IDENTITY,
    school_id      bigint NOT NULL,
    team_id        bigint,
    kind           text NOT NULL CHECK (kind IN ('follow_up', 'oversight', 'supervision', 'inspection')),
    purpose_th     text NOT NULL CHECK (length(purpose_th) BETWEEN 1 AND 2000),
    starts_at      timestamptz NOT NULL,
    ends_at        timestamptz NOT NULL,
    status         text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'confirmed', 'done', 'cancelled')),
    cancel_reason  text CHECK (length(cancel_reason) BETWEEN 1 AND 2000),
    joined_into_id bigint,
    created_by     bigint,
    during         tstzrange GENERATED ALWAYS AS (tstzrange(starts_at, ends_at, '[)')) STORED,
    active         boolean GENERATED ALWAYS AS (status <> 'cancelled') STORED,
    version        integer NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (district_id, id),
    CONSTRAINT visit_time_range UNIQUE (district_id, id, school_id, during, active),
    CONSTRAINT visit_times CHECK (ends_at > starts_at AND ends_at <= starts_at + interval '14 days'),
    CONSTRAINT visit_cancel_reason CHECK (status <> 'cancelled' OR cancel_reason IS NOT NULL)
);
COMMENT ON TABLE visit IS 'การลงพื้นที่ติดตาม กำกับ นิเทศ ตรวจราชการ — a visit of a school by a team';
SELECT tidtam_distribute('visit');
ALTER TABLE visit
    ADD FOREIGN KEY (district_id, school_id) REFERENCES school (district_id, id),
    ADD FOREIGN KEY (district_id, team_id) REFERENCES team (district_id, id),
    ADD FOREIGN KEY (district_id, joined_into_id) REFERENCES visit (district_id, id);
CREATE INDEX visit_school_time ON visit USING gist (district_id, school_id, during) WHERE active;
CREATE INDEX visit_starts ON visit (district_id, starts_at, id);
CREATE INDEX visit_team ON visit (district_id, team_id) WHERE team_id IS NOT NULL;
SELECT tidtam_monitoring_table('visit');

-- No visit on a closed day: a weekend, a public holiday, or one of the district's closed days
-- (Asia/Bangkok days). It reads the district's own rows and the reference table only (rule 8).
-- The store checks first to name the day; this keeps the rule when anything else writes.
CREATE FUNCTION tidtam_visit_closed_days() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
    closed date;
BEGIN
    IF NEW.status = 'cancelled' THEN
        RETURN NEW;
    END IF;
    SELECT d INTO closed
    FROM (SELECT g::date AS d
          FROM generate_series((NEW.starts_at AT TIME ZONE 'Asia/Bangkok')::date::timestamp,
                               ((NEW.ends_at - interval '1 microsecond') AT TIME ZONE 'Asia/Bangkok')::date::timestamp,
                               interval '1 day') AS g) days
    WHERE extract(isodow FROM d) IN (6, 7)
       OR EXISTS (SELECT FROM public_holiday h WHERE h.day = d)
       OR EXISTS (SELECT FROM closed_day c WHERE c.district_id = NEW.district_id AND c.day = d)
    LIMIT 1;
    IF closed IS NOT NULL THEN
        RAISE EXCEPTION 'visit on a closed day (%)', closed
            USING ERRCODE = '23514', CONSTRAINT = 'visit_closed_day', TABLE = 'visit';
    END IF;
    RETURN NEW;
END
$fn$;
CREATE TRIGGER visit_closed_days BEFORE INSERT OR UPDATE OF starts_at, ends_at, status ON visit
    FOR EACH ROW EXECUTE FUNCTION tidtam_visit_closed_days();

-- ผู้ร่วมลงพื้นที่: a member of a visit's team. No user is in two active visits at once: the
-- exclusion constraint, keyed by district (Citus checks it on one node).
CREATE TABLE visit_member (
    district_id bigint NOT NULL,
    id          bigint GENERATED BY DEFAULT AS IDENTITY,
    visit_id    bigint NOT NULL,
    school_id   bigint NOT NULL,
    user_id     bigint NOT NULL,
    during      tstzrange NOT NULL,
    active      boolean NOT NULL,
    PRIMARY KEY (district_id, id),
    CONSTRAINT visit_member_unique UNIQUE (district_id, visit_id, user_id),
    CONSTRAINT visit_member_no_overlap EXCLUDE USING gist (district_id WITH =, user_id WITH =, during WITH &&) WHERE (active)
);
COMMENT ON TABLE visit_member IS 'ผู้ร่วมลงพื้นที่ — a member of a visit''s team (no one in two visits at once)';
SELECT tidtam_distribute('visit_member');
ALTER TABLE visit_member
    ADD CONSTRAINT visit_member_visit FOREIGN KEY (district_id, visit_id, school_id, during, active)
        REFERENCES visit (district_id, id, school_id, during, active) ON UPDATE CASCADE ON DELETE CASCADE,
    ADD FOREIGN KEY (district_id, user_id) REFERENCES app_user (district_id, id);
CREATE INDEX visit_member_user ON visit_member (district_id, user_id);
SELECT tidtam_monitoring_table('visit_member', versioned => false);

-- A proposal to join two visits of one school a few days apart, made when the second is
-- booked; either team accepts (the later visit's team joins the earlier visit) or declines.
CREATE TABLE joint_visit_proposal (
    district_id    bigint NOT NULL,
    id             bigint GENERATED BY DEFAULT AS IDENTITY,
    school_id      bigint NOT NULL,
    visit_id       bigint NOT NULL,
    other_visit_id bigint NOT NULL,
    status         text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'declined', 'lapsed')),
    decided_at     timestamptz,
    decided_by     bigint,
    version        integer NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (district_id, id),
    CONSTRAINT joint_visit_proposal_unique UNIQUE (district_id, visit_id, other_visit_id),
    CONSTRAINT joint_visit_proposal_order CHECK (visit_id < other_visit_id)
);
COMMENT ON TABLE joint_visit_proposal IS 'ข้อเสนอให้ลงพื้นที่ร่วมกัน — a proposal to join two visits of one school';
SELECT tidtam_distribute('joint_visit_proposal');
ALTER TABLE joint_visit_proposal
    ADD FOREIGN KEY (district_id, visit_id) REFERENCES visit (district_id, id) ON DELETE CASCADE,
    ADD FOREIGN KEY (district_id, other_visit_id) REFERENCES visit (district_id, id) ON DELETE CASCADE;
CREATE INDEX joint_visit_proposal_other ON joint_visit_proposal (district_id, other_visit_id);
SELECT tidtam_monitoring_table('joint_visit_proposal');

-- ข้อค้นพบและข้อเสนอแนะ: a finding of a visit, with its recommendation, who is responsible and
-- by when, followed until it is closed with the evidence that closed it.
CREATE TABLE finding (
    district_id       bigint NOT NULL,
    id                bigint GENERATED BY DEFAULT AS IDENTITY,
    school_id         bigint NOT NULL,
    visit_id          bigint NOT NULL,
    finding_th        text NOT NULL CHECK (length(finding_th) BETWEEN 1 AND 8000),
    recommendation_th text CHECK (length(recommendation_th) <= 8000),
    responsible_th    text CHECK (length(responsible_th) <= 200),
    due_on            date,
    status            text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'closed')),
    closure_note_th   text CHECK (length(closure_note_th) BETWEEN 1 AND 8000),
    closed_at         timestamptz,
    closed_by         bigint,
    created_by        bigint,
    version           integer NOT NULL DEFAULT 1,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (district_id, id),
    CONSTRAINT finding_closed_with_evidence CHECK (status <> 'closed' OR (closure_note_th IS NOT NULL AND closed_at IS NOT NULL))
);
COMMENT ON TABLE finding IS 'ข้อค้นพบและข้อเสนอแนะจากการลงพื้นที่ — a finding of a visit, followed to closure';
SELECT tidtam_distribute('finding');
ALTER TABLE finding
    ADD FOREIGN KEY (district_id, visit_id) REFERENCES visit (district_id, id);
CREATE INDEX finding_visit ON finding (district_id, visit_id);
CREATE INDEX finding_open ON finding (district_id, due_on) WHERE status <> 'closed';
SELECT tidtam_monitoring_table('finding');
ALTER TABLE evidence_file ADD FOREIGN KEY (district_id, finding_id) REFERENCES finding (district_id, id) ON DELETE CASCADE;

-- ปฏิทินออนไลน์: an iCalendar feed of a user's, a team's or a school's visits, read at a URL
-- with a secret in it (a calendar app sends no bearer token). Only the secret's SHA-256 is
-- kept; `tdc_<district id>_<secret>` lets the service set the tenant before it looks it up.
CREATE TABLE calendar_feed (
    district_id  bigint NOT NULL,
    id           bigint GENERATED BY DEFAULT AS IDENTITY,
    school_id    bigint,
    kind         text NOT NULL CHECK (kind IN ('user', 'team', 'school')),
    user_id      bigint,
    team_id      bigint,
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    token_prefix text NOT NULL,
    token_hash   bytea NOT NULL,
    created_by   bigint,
    revoked_at   timestamptz,
    version      integer NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (district_id, id),
    CONSTRAINT calendar_feed_hash_unique UNIQUE (district_id, token_hash),
    CONSTRAINT calendar_feed_target CHECK (CASE kind
        WHEN 'user' THEN user_id IS NOT NULL AND team_id IS NULL AND school_id IS NULL
        WHEN 'team' THEN team_id IS NOT NULL AND user_id IS NULL AND school_id IS NULL
        ELSE school_id IS NOT NULL AND user_id IS NULL AND team_id IS NULL END)
);
COMMENT ON TABLE calendar_feed IS 'ปฏิทินการลงพื้นที่ (iCalendar) — a feed of visits at a secret URL, revocable';
SELECT tidtam_distribute('calendar_feed');
ALTER TABLE calendar_feed
    ADD FOREIGN KEY (district_id) REFERENCES district (id),
    ADD FOREIGN KEY (district_id, school_id) REFERENCES school (district_id, id),
    ADD FOREIGN KEY (district_id, user_id) REFERENCES app_user (district_id, id),
    ADD FOREIGN KEY (district_id, team_id) REFERENCES team (district_id, id) ON DELETE CASCADE;
SELECT tidtam_enable_tenancy('calendar_feed', 'district_id', 'school_id');
CREATE TRIGGER calendar_feed_touch BEFORE UPDATE ON calendar_feed FOR EACH ROW EXECUTE FUNCTION tidtam_touch();
CREATE TRIGGER calendar_feed_audit AFTER INSERT OR UPDATE OR DELETE ON calendar_feed
    FOR EACH ROW EXECUTE FUNCTION tidtam_audit('district_id', 'school_id');
GRANT SELECT, INSERT, UPDATE ON calendar_feed TO tidtam_app;
