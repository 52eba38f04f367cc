-- pgTAP tests of the analysts' schema (migration 0014), run by the test command on a clone
-- of the migrated database holding the demo's three districts (AnalyticsSchemaTests). Each
-- test's description says what an analyst may rely on. Everything is rolled back, the roles too.
\set ON_ERROR_STOP 1
\pset format unaligned
\pset tuples_only on
BEGIN;
-- pgTAP in a schema of its own that every login may use (analysts have no USAGE on public), and
-- its bookkeeping (temporary tables it opens to PUBLIC itself) reachable by the logins the tests become.
CREATE SCHEMA tap;
CREATE EXTENSION pgtap SCHEMA tap;
GRANT USAGE ON SCHEMA tap TO PUBLIC;
SET search_path = public, tap;
SELECT plan(242);

-- The contract: the views, their columns and types (a removed or retyped column is a new view).
SELECT has_schema('analytics', 'the analysts'' schema exists');
SELECT views_are('analytics', ARRAY['fiscal_calendar', 'schools', 'strategic_goals', 'projects', 'project_budgets', 'indicator_results', 'progress_reports', 'submissions', 'reporting_rates', 'visits', 'findings', 'evaluations', 'self_assessments'], 'the analytics schema holds exactly the documented views');
SELECT columns_are('analytics', 'fiscal_calendar', ARRAY['fiscal_year', 'fiscal_year_th', 'quarter', 'quarter_th', 'month_no', 'month_start', 'month_end', 'month_th', 'month_en', 'calendar_year_be'], 'fiscal_calendar: its columns, in the contract');
SELECT col_type_is('analytics', 'fiscal_calendar', 'fiscal_year', 'integer', 'fiscal_calendar.fiscal_year is integer');
SELECT col_type_is('analytics', 'fiscal_calendar', 'fiscal_year_th', 'text', 'fiscal_calendar.fiscal_year_th is text');
SELECT col_type_is('analytics', 'fiscal_calendar', 'quarter', 'integer', 'fiscal_calendar.quarter is integer');
SELECT col_type_is('analytics', 'fiscal_calendar', 'quarter_th', 'text', 'fiscal_calendar.quarter_th is text');
SELECT col_type_is('analytics', 'fiscal_calendar', 'month_no', 'integer', 'fiscal_calendar.month_no is integer');
SELECT col_type_is('analytics', 'fiscal_calendar', 'month_start', 'date', 'fiscal_calendar.month_start is date');
SELECT col_type_is('analytics', 'fiscal_calendar', 'month_end', 'date', 'fiscal_calendar.month_end is date');
SELECT col_type_is('analytics', 'fiscal_calendar', 'month_th', 'text', 'fiscal_calendar.month_th is text');
SELECT col_type_is('analytics', 'fiscal_calendar', 'month_en', 'text', 'fiscal_calendar.month_en is text');
SELECT col_type_is('analytics', 'fiscal_calendar', 'calendar_year_be', 'integer', 'fiscal_calendar.calendar_year_be is integer');
SELECT columns_are('analytics', 'schools', ARRAY['district_id', 'district_code', 'district_name_th', 'school_id', 'obec_code', 'name_th', 'province_th', 'size', 'size_th', 'student_count', 'opened_on', 'closed_on'], 'schools: its columns, in the contract');
SELECT col_type_is('analytics', 'schools', 'district_id', 'bigint', 'schools.district_id is bigint');
SELECT col_type_is('analytics', 'schools', 'district_code', 'text', 'schools.district_code is text');
SELECT col_type_is('analytics', 'schools', 'district_name_th', 'text', 'schools.district_name_th is text');
SELECT col_type_is('analytics', 'schools', 'school_id', 'bigint', 'schools.school_id is bigint');
SELECT col_type_is('analytics', 'schools', 'obec_code', 'text', 'schools.obec_code is text');
SELECT col_type_is('analytics', 'schools', 'name_th', 'text', 'schools.name_th is text');
SELECT col_type_is('analytics', 'schools', 'province_th', 'text', 'schools.province_th is text');
SELECT col_type_is('analytics', 'schools', 'size', 'text', 'schools.size is text');
SELECT col_type_is('analytics', 'schools', 'size_th', 'text', 'schools.size_th is text');
SELECT col_type_is('analytics', 'schools', 'student_count', 'integer', 'schools.student_count is integer');
SELECT col_type_is('analytics', 'schools', 'opened_on', 'date', 'schools.opened_on is date');
SELECT col_type_is('analytics', 'schools', 'closed_on', 'date', 'schools.closed_on is date');
SELECT columns_are('analytics', 'strategic_goals', ARRAY['district_id', 'school_id', 'plan_id', 'plan_title_th', 'first_year_be', 'last_year_be', 'strategy_id', 'strategy_code', 'strategy_name_th', 'goal_id', 'goal_code', 'goal_name_th'], 'strategic_goals: its columns, in the contract');
SELECT col_type_is('analytics', 'strategic_goals', 'district_id', 'bigint', 'strategic_goals.district_id is bigint');
SELECT col_type_is('analytics', 'strategic_goals', 'school_id', 'bigint', 'strategic_goals.school_id is bigint');
SELECT col_type_is('analytics', 'strategic_goals', 'plan_id', 'bigint', 'strategic_goals.plan_id is bigint');
SELECT col_type_is('analytics', 'strategic_goals', 'plan_title_th', 'text', 'strategic_goals.plan_title_th is text');
SELECT col_type_is('analytics', 'strategic_goals', 'first_year_be', 'integer', 'strategic_goals.first_year_be is integer');
SELECT col_type_is('analytics', 'strategic_goals', 'last_year_be', 'integer', 'strategic_goals.last_year_be is integer');
SELECT col_type_is('analytics', 'strategic_goals', 'strategy_id', 'bigint', 'strategic_goals.strategy_id is bigint');
SELECT col_type_is('analytics', 'strategic_goals', 'strategy_code', 'text', 'strategic_goals.strategy_code is text');
SELECT col_type_is('analytics', 'strategic_goals', 'strategy_name_th', 'text', 'strategic_goals.strategy_name_th is text');
SELECT col_type_is('analytics', 'strategic_goals', 'goal_id', 'bigint', 'strategic_goals.goal_id is bigint');
SELECT col_type_is('analytics', 'strategic_goals', 'goal_code', 'text', 'strategic_goals.goal_code is text');
SELECT col_type_is('analytics', 'strategic_goals', 'goal_name_th', 'text', 'strategic_goals.goal_name_th is text');
SELECT columns_are('analytics', 'projects', ARRAY['district_id', 'school_id', 'fiscal_year', 'action_plan_id', 'plan_revision', 'plan_status', 'plan_status_th', 'in_force', 'project_id', 'code', 'name_th', 'kind', 'strategy_id', 'start_date', 'end_date', 'allocated', 'disbursed', 'percent_complete', 'progress_status', 'progress_status_th'], 'projects: its columns, in the contract');
SELECT col_type_is('analytics', 'projects', 'district_id', 'bigint', 'projects.district_id is bigint');
SELECT col_type_is('analytics', 'projects', 'school_id', 'bigint', 'projects.school_id is bigint');
SELECT col_type_is('analytics', 'projects', 'fiscal_year', 'integer', 'projects.fiscal_year is integer');
SELECT col_type_is('analytics', 'projects', 'action_plan_id', 'bigint', 'projects.action_plan_id is bigint');
SELECT col_type_is('analytics', 'projects', 'plan_revision', 'integer', 'projects.plan_revision is integer');
SELECT col_type_is('analytics', 'projects', 'plan_status', 'text', 'projects.plan_status is text');
SELECT col_type_is('analytics', 'projects', 'plan_status_th', 'text', 'projects.plan_status_th is text');
SELECT col_type_is('analytics', 'projects', 'in_force', 'boolean', 'projects.in_force is boolean');
SELECT col_type_is('analytics', 'projects', 'project_id', 'bigint', 'projects.project_id is bigint');
SELECT col_type_is('analytics', 'projects', 'code', 'text', 'projects.code is text');
SELECT col_type_is('analytics', 'projects', 'name_th', 'text', 'projects.name_th is text');
SELECT col_type_is('analytics', 'projects', 'kind', 'text', 'projects.kind is text');
SELECT col_type_is('analytics', 'projects', 'strategy_id', 'bigint', 'projects.strategy_id is bigint');
SELECT col_type_is('analytics', 'projects', 'start_date', 'date', 'projects.start_date is date');
SELECT col_type_is('analytics', 'projects', 'end_date', 'date', 'projects.end_date is date');
SELECT col_type_is('analytics', 'projects', 'allocated', 'numeric', 'projects.allocated is numeric');
SELECT col_type_is('analytics', 'projects', 'disbursed', 'numeric', 'projects.disbursed is numeric');
SELECT col_type_is('analytics', 'projects', 'percent_complete', 'numeric(5,2)', 'projects.percent_complete is numeric(5,2)');
SELECT col_type_is('analytics', 'projects', 'progress_status', 'text', 'projects.progress_status is text');
SELECT col_type_is('analytics', 'projects', 'progress_status_th', 'text', 'projects.progress_status_th is text');
SELECT columns_are('analytics', 'project_budgets', ARRAY['district_id', 'school_id', 'fiscal_year', 'in_force', 'project_id', 'budget_line_id', 'source', 'source_th', 'description_th', 'allocated', 'disbursed'], 'project_budgets: its columns, in the contract');
SELECT col_type_is('analytics', 'project_budgets', 'district_id', 'bigint', 'project_budgets.district_id is bigint');
SELECT col_type_is('analytics', 'project_budgets', 'school_id', 'bigint', 'project_budgets.school_id is bigint');
SELECT col_type_is('analytics', 'project_budgets', 'fiscal_year', 'integer', 'project_budgets.fiscal_year is integer');
SELECT col_type_is('analytics', 'project_budgets', 'in_force', 'boolean', 'project_budgets.in_force is boolean');
SELECT col_type_is('analytics', 'project_budgets', 'project_id', 'bigint', 'project_budgets.project_id is bigint');
SELECT col_type_is('analytics', 'project_budgets', 'budget_line_id', 'bigint', 'project_budgets.budget_line_id is bigint');
SELECT col_type_is('analytics', 'project_budgets', 'source', 'text', 'project_budgets.source is text');
SELECT col_type_is('analytics', 'project_budgets', 'source_th', 'text', 'project_budgets.source_th is text');
SELECT col_type_is('analytics', 'project_budgets', 'description_th', 'text', 'project_budgets.description_th is text');
SELECT col_type_is('analytics', 'project_budgets', 'allocated', 'numeric(14,2)', 'project_budgets.allocated is numeric(14,2)');
SELECT col_type_is('analytics', 'project_budgets', 'disbursed', 'numeric(14,2)', 'project_budgets.disbursed is numeric(14,2)');
SELECT columns_are('analytics', 'indicator_results', ARRAY['district_id', 'school_id', 'indicator_id', 'code', 'name_th', 'unit_th', 'kind', 'is_csf', 'goal_id', 'project_id', 'direction', 'fiscal_year', 'target', 'actual', 'actual_period', 'actual_seq', 'met', 'score'], 'indicator_results: its columns, in the contract');
SELECT col_type_is('analytics', 'indicator_results', 'district_id', 'bigint', 'indicator_results.district_id is bigint');
SELECT col_type_is('analytics', 'indicator_results', 'school_id', 'bigint', 'indicator_results.school_id is bigint');
SELECT col_type_is('analytics', 'indicator_results', 'indicator_id', 'bigint', 'indicator_results.indicator_id is bigint');
SELECT col_type_is('analytics', 'indicator_results', 'code', 'text', 'indicator_results.code is text');
SELECT col_type_is('analytics', 'indicator_results', 'name_th', 'text', 'indicator_results.name_th is text');
SELECT col_type_is('analytics', 'indicator_results', 'unit_th', 'text', 'indicator_results.unit_th is text');
SELECT col_type_is('analytics', 'indicator_results', 'kind', 'text', 'indicator_results.kind is text');
SELECT col_type_is('analytics', 'indicator_results', 'is_csf', 'boolean', 'indicator_results.is_csf is boolean');
SELECT col_type_is('analytics', 'indicator_results', 'goal_id', 'bigint', 'indicator_results.goal_id is bigint');
SELECT col_type_is('analytics', 'indicator_results', 'project_id', 'bigint', 'indicator_results.project_id is bigint');
SELECT col_type_is('analytics', 'indicator_results', 'direction', 'text', 'indicator_results.direction is text');
SELECT col_type_is('analytics', 'indicator_results', 'fiscal_year', 'integer', 'indicator_results.fiscal_year is integer');
SELECT col_type_is('analytics', 'indicator_results', 'target', 'numeric', 'indicator_results.target is numeric');
SELECT col_type_is('analytics', 'indicator_results', 'actual', 'numeric', 'indicator_results.actual is numeric');
SELECT col_type_is('analytics', 'indicator_results', 'actual_period', 'smallint', 'indicator_results.actual_period is smallint');
SELECT col_type_is('analytics', 'indicator_results', 'actual_seq', 'smallint', 'indicator_results.actual_seq is smallint');
SELECT col_type_is('analytics', 'indicator_results', 'met', 'boolean', 'indicator_results.met is boolean');
SELECT col_type_is('analytics', 'indicator_results', 'score', 'numeric', 'indicator_results.score is numeric');
SELECT columns_are('analytics', 'progress_reports', ARRAY['district_id', 'school_id', 'item_id', 'project_id', 'fiscal_year', 'period_kind', 'period', 'period_start', 'period_end', 'due_on', 'first_submitted_at', 'standing', 'standing_th', 'is_late', 'is_missing', 'percent_complete', 'progress_status'], 'progress_reports: its columns, in the contract');
SELECT col_type_is('analytics', 'progress_reports', 'district_id', 'bigint', 'progress_reports.district_id is bigint');
SELECT col_type_is('analytics', 'progress_reports', 'school_id', 'bigint', 'progress_reports.school_id is bigint');
SELECT col_type_is('analytics', 'progress_reports', 'item_id', 'bigint', 'progress_reports.item_id is bigint');
SELECT col_type_is('analytics', 'progress_reports', 'project_id', 'bigint', 'progress_reports.project_id is bigint');
SELECT col_type_is('analytics', 'progress_reports', 'fiscal_year', 'integer', 'progress_reports.fiscal_year is integer');
SELECT col_type_is('analytics', 'progress_reports', 'period_kind', 'text', 'progress_reports.period_kind is text');
SELECT col_type_is('analytics', 'progress_reports', 'period', 'smallint', 'progress_reports.period is smallint');
SELECT col_type_is('analytics', 'progress_reports', 'period_start', 'date', 'progress_reports.period_start is date');
SELECT col_type_is('analytics', 'progress_reports', 'period_end', 'date', 'progress_reports.period_end is date');
SELECT col_type_is('analytics', 'progress_reports', 'due_on', 'date', 'progress_reports.due_on is date');
SELECT col_type_is('analytics', 'progress_reports', 'first_submitted_at', 'timestamp with time zone', 'progress_reports.first_submitted_at is timestamp with time zone');
SELECT col_type_is('analytics', 'progress_reports', 'standing', 'text', 'progress_reports.standing is text');
SELECT col_type_is('analytics', 'progress_reports', 'standing_th', 'text', 'progress_reports.standing_th is text');
SELECT col_type_is('analytics', 'progress_reports', 'is_late', 'boolean', 'progress_reports.is_late is boolean');
SELECT col_type_is('analytics', 'progress_reports', 'is_missing', 'boolean', 'progress_reports.is_missing is boolean');
SELECT col_type_is('analytics', 'progress_reports', 'percent_complete', 'numeric(5,2)', 'progress_reports.percent_complete is numeric(5,2)');
SELECT col_type_is('analytics', 'progress_reports', 'progress_status', 'text', 'progress_reports.progress_status is text');
SELECT columns_are('analytics', 'submissions', ARRAY['district_id', 'requirement_id', 'national_requirement_id', 'title_th', 'fiscal_year', 'frequency', 'period_no', 'starts_on', 'ends_on', 'due_on', 'on_time_until', 'school_id', 'submission_id', 'status', 'first_submitted_at', 'reported', 'on_time', 'late', 'missing'], 'submissions: its columns, in the contract');
SELECT col_type_is('analytics', 'submissions', 'district_id', 'bigint', 'submissions.district_id is bigint');
SELECT col_type_is('analytics', 'submissions', 'requirement_id', 'bigint', 'submissions.requirement_id is bigint');
SELECT col_type_is('analytics', 'submissions', 'national_requirement_id', 'bigint', 'submissions.national_requirement_id is bigint');
SELECT col_type_is('analytics', 'submissions', 'title_th', 'text', 'submissions.title_th is text');
SELECT col_type_is('analytics', 'submissions', 'fiscal_year', 'integer', 'submissions.fiscal_year is integer');
SELECT col_type_is('analytics', 'submissions', 'frequency', 'text', 'submissions.frequency is text');
SELECT col_type_is('analytics', 'submissions', 'period_no', 'integer', 'submissions.period_no is integer');
SELECT col_type_is('analytics', 'submissions', 'starts_on', 'date', 'submissions.starts_on is date');
SELECT col_type_is('analytics', 'submissions', 'ends_on', 'date', 'submissions.ends_on is date');
SELECT col_type_is('analytics', 'submissions', 'due_on', 'date', 'submissions.due_on is date');
SELECT col_type_is('analytics', 'submissions', 'on_time_until', 'date', 'submissions.on_time_until is date');
SELECT col_type_is('analytics', 'submissions', 'school_id', 'bigint', 'submissions.school_id is bigint');
SELECT col_type_is('analytics', 'submissions', 'submission_id', 'bigint', 'submissions.submission_id is bigint');
SELECT col_type_is('analytics', 'submissions', 'status', 'text', 'submissions.status is text');
SELECT col_type_is('analytics', 'submissions', 'first_submitted_at', 'timestamp with time zone', 'submissions.first_submitted_at is timestamp with time zone');
SELECT col_type_is('analytics', 'submissions', 'reported', 'boolean', 'submissions.reported is boolean');
SELECT col_type_is('analytics', 'submissions', 'on_time', 'boolean', 'submissions.on_time is boolean');
SELECT col_type_is('analytics', 'submissions', 'late', 'boolean', 'submissions.late is boolean');
SELECT col_type_is('analytics', 'submissions', 'missing', 'boolean', 'submissions.missing is boolean');
SELECT columns_are('analytics', 'reporting_rates', ARRAY['district_id', 'requirement_id', 'title_th', 'fiscal_year', 'period_no', 'due_on', 'expected', 'reported', 'on_time', 'reporting_rate', 'on_time_rate'], 'reporting_rates: its columns, in the contract');
SELECT col_type_is('analytics', 'reporting_rates', 'district_id', 'bigint', 'reporting_rates.district_id is bigint');
SELECT col_type_is('analytics', 'reporting_rates', 'requirement_id', 'bigint', 'reporting_rates.requirement_id is bigint');
SELECT col_type_is('analytics', 'reporting_rates', 'title_th', 'text', 'reporting_rates.title_th is text');
SELECT col_type_is('analytics', 'reporting_rates', 'fiscal_year', 'integer', 'reporting_rates.fiscal_year is integer');
SELECT col_type_is('analytics', 'reporting_rates', 'period_no', 'integer', 'reporting_rates.period_no is integer');
SELECT col_type_is('analytics', 'reporting_rates', 'due_on', 'date', 'reporting_rates.due_on is date');
SELECT col_type_is('analytics', 'reporting_rates', 'expected', 'bigint', 'reporting_rates.expected is bigint');
SELECT col_type_is('analytics', 'reporting_rates', 'reported', 'bigint', 'reporting_rates.reported is bigint');
SELECT col_type_is('analytics', 'reporting_rates', 'on_time', 'bigint', 'reporting_rates.on_time is bigint');
SELECT col_type_is('analytics', 'reporting_rates', 'reporting_rate', 'numeric', 'reporting_rates.reporting_rate is numeric');
SELECT col_type_is('analytics', 'reporting_rates', 'on_time_rate', 'numeric', 'reporting_rates.on_time_rate is numeric');
SELECT columns_are('analytics', 'visits', ARRAY['district_id', 'visit_id', 'school_id', 'kind', 'kind_th', 'purpose_th', 'starts_at', 'ends_at', 'visit_date_th', 'fiscal_year', 'status', 'status_th', 'team_id', 'members', 'joined_into_id'], 'visits: its columns, in the contract');
SELECT col_type_is('analytics', 'visits', 'district_id', 'bigint', 'visits.district_id is bigint');
SELECT col_type_is('analytics', 'visits', 'visit_id', 'bigint', 'visits.visit_id is bigint');
SELECT col_type_is('analytics', 'visits', 'school_id', 'bigint', 'visits.school_id is bigint');
SELECT col_type_is('analytics', 'visits', 'kind', 'text', 'visits.kind is text');
SELECT col_type_is('analytics', 'visits', 'kind_th', 'text', 'visits.kind_th is text');
SELECT col_type_is('analytics', 'visits', 'purpose_th', 'text', 'visits.purpose_th is text');
SELECT col_type_is('analytics', 'visits', 'starts_at', 'timestamp with time zone', 'visits.starts_at is timestamp with time zone');
SELECT col_type_is('analytics', 'visits', 'ends_at', 'timestamp with time zone', 'visits.ends_at is timestamp with time zone');
SELECT col_type_is('analytics', 'visits', 'visit_date_th', 'date', 'visits.visit_date_th is date');
SELECT col_type_is('analytics', 'visits', 'fiscal_year', 'integer', 'visits.fiscal_year is integer');
SELECT col_type_is('analytics', 'visits', 'status', 'text', 'visits.status is text');
SELECT col_type_is('analytics', 'visits', 'status_th', 'text', 'visits.status_th is text');
SELECT col_type_is('analytics', 'visits', 'team_id', 'bigint', 'visits.team_id is bigint');
SELECT col_type_is('analytics', 'visits', 'members', 'bigint', 'visits.members is bigint');
SELECT col_type_is('analytics', 'visits', 'joined_into_id', 'bigint', 'visits.joined_into_id is bigint');
SELECT columns_are('analytics', 'findings', ARRAY['district_id', 'finding_id', 'visit_id', 'school_id', 'finding_th', 'recommendation_th', 'responsible_th', 'due_on', 'status', 'status_th', 'overdue', 'closed_at'], 'findings: its columns, in the contract');
SELECT col_type_is('analytics', 'findings', 'district_id', 'bigint', 'findings.district_id is bigint');
SELECT col_type_is('analytics', 'findings', 'finding_id', 'bigint', 'findings.finding_id is bigint');
SELECT col_type_is('analytics', 'findings', 'visit_id', 'bigint', 'findings.visit_id is bigint');
SELECT col_type_is('analytics', 'findings', 'school_id', 'bigint', 'findings.school_id is bigint');
SELECT col_type_is('analytics', 'findings', 'finding_th', 'text', 'findings.finding_th is text');
SELECT col_type_is('analytics', 'findings', 'recommendation_th', 'text', 'findings.recommendation_th is text');
SELECT col_type_is('analytics', 'findings', 'responsible_th', 'text', 'findings.responsible_th is text');
SELECT col_type_is('analytics', 'findings', 'due_on', 'date', 'findings.due_on is date');
SELECT col_type_is('analytics', 'findings', 'status', 'text', 'findings.status is text');
SELECT col_type_is('analytics', 'findings', 'status_th', 'text', 'findings.status_th is text');
SELECT col_type_is('analytics', 'findings', 'overdue', 'boolean', 'findings.overdue is boolean');
SELECT col_type_is('analytics', 'findings', 'closed_at', 'timestamp with time zone', 'findings.closed_at is timestamp with time zone');
SELECT columns_are('analytics', 'evaluations', ARRAY['district_id', 'evaluation_id', 'school_id', 'fiscal_year', 'round_id', 'round_name_th', 'round_kind', 'subject', 'subject_th', 'subject_id', 'status', 'score', 'level', 'reported_weight', 'missing_weight', 'indicators_reported', 'indicators_missing', 'computed_at', 'finalized_at'], 'evaluations: its columns, in the contract');
SELECT col_type_is('analytics', 'evaluations', 'district_id', 'bigint', 'evaluations.district_id is bigint');
SELECT col_type_is('analytics', 'evaluations', 'evaluation_id', 'bigint', 'evaluations.evaluation_id is bigint');
SELECT col_type_is('analytics', 'evaluations', 'school_id', 'bigint', 'evaluations.school_id is bigint');
SELECT col_type_is('analytics', 'evaluations', 'fiscal_year', 'integer', 'evaluations.fiscal_year is integer');
SELECT col_type_is('analytics', 'evaluations', 'round_id', 'bigint', 'evaluations.round_id is bigint');
SELECT col_type_is('analytics', 'evaluations', 'round_name_th', 'text', 'evaluations.round_name_th is text');
SELECT col_type_is('analytics', 'evaluations', 'round_kind', 'text', 'evaluations.round_kind is text');
SELECT col_type_is('analytics', 'evaluations', 'subject', 'text', 'evaluations.subject is text');
SELECT col_type_is('analytics', 'evaluations', 'subject_th', 'text', 'evaluations.subject_th is text');
SELECT col_type_is('analytics', 'evaluations', 'subject_id', 'bigint', 'evaluations.subject_id is bigint');
SELECT col_type_is('analytics', 'evaluations', 'status', 'text', 'evaluations.status is text');
SELECT col_type_is('analytics', 'evaluations', 'score', 'numeric(4,2)', 'evaluations.score is numeric(4,2)');
SELECT col_type_is('analytics', 'evaluations', 'level', 'smallint', 'evaluations.level is smallint');
SELECT col_type_is('analytics', 'evaluations', 'reported_weight', 'numeric', 'evaluations.reported_weight is numeric');
SELECT col_type_is('analytics', 'evaluations', 'missing_weight', 'numeric', 'evaluations.missing_weight is numeric');
SELECT col_type_is('analytics', 'evaluations', 'indicators_reported', 'integer', 'evaluations.indicators_reported is integer');
SELECT col_type_is('analytics', 'evaluations', 'indicators_missing', 'integer', 'evaluations.indicators_missing is integer');
SELECT col_type_is('analytics', 'evaluations', 'computed_at', 'timestamp with time zone', 'evaluations.computed_at is timestamp with time zone');
SELECT col_type_is('analytics', 'evaluations', 'finalized_at', 'timestamp with time zone', 'evaluations.finalized_at is timestamp with time zone');
SELECT columns_are('analytics', 'self_assessments', ARRAY['district_id', 'sar_id', 'school_id', 'academic_year', 'status', 'learners_level', 'management_level', 'teaching_level', 'submitted_at'], 'self_assessments: its columns, in the contract');
SELECT col_type_is('analytics', 'self_assessments', 'district_id', 'bigint', 'self_assessments.district_id is bigint');
SELECT col_type_is('analytics', 'self_assessments', 'sar_id', 'bigint', 'self_assessments.sar_id is bigint');
SELECT col_type_is('analytics', 'self_assessments', 'school_id', 'bigint', 'self_assessments.school_id is bigint');
SELECT col_type_is('analytics', 'self_assessments', 'academic_year', 'integer', 'self_assessments.academic_year is integer');
SELECT col_type_is('analytics', 'self_assessments', 'status', 'text', 'self_assessments.status is text');
SELECT col_type_is('analytics', 'self_assessments', 'learners_level', 'smallint', 'self_assessments.learners_level is smallint');
SELECT col_type_is('analytics', 'self_assessments', 'management_level', 'smallint', 'self_assessments.management_level is smallint');
SELECT col_type_is('analytics', 'self_assessments', 'teaching_level', 'smallint', 'self_assessments.teaching_level is smallint');
SELECT col_type_is('analytics', 'self_assessments', 'submitted_at', 'timestamp with time zone', 'self_assessments.submitted_at is timestamp with time zone');

-- Every view and every column says what it holds, in Thai and in English ("ไทย — English").
SELECT is((SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'analytics' AND c.relkind = 'v'
             AND coalesce(obj_description(c.oid, 'pg_class'), '') !~ '[ก-๙].* — [A-Za-z]'), 0::bigint,
          'every view has a comment in Thai and English');
SELECT is((SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'analytics' AND c.relkind = 'v' AND a.attnum > 0 AND NOT a.attisdropped
             AND coalesce(col_description(c.oid, a.attnum), '') !~ '[ก-๙].* — [A-Za-z]'), 0::bigint,
          'every column has a comment in Thai and English');
-- A view checked as its owner would show every district: none may be.
SELECT is((SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'analytics' AND c.relkind IN ('v', 'm')
             AND NOT coalesce('security_invoker=true' = ANY (c.reloptions), false)), 0::bigint,
          'every view is security_invoker');
SELECT is((SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'analytics' AND c.relkind = 'm'), 0::bigint, 'no materialized view (they cannot hold a reader)');

-- The logins: one of district A, one of B, a national analyst, and a login bound to nothing.
SELECT id AS a FROM district WHERE code = 'CMI1' \gset
SELECT id AS b FROM district WHERE code = 'KKN1' \gset
SELECT count(*) AS districts FROM district \gset
SELECT format('CREATE ROLE tidtam_analyst_d%s_pgtapa LOGIN IN ROLE tidtam_analyst', :a) \gexec
SELECT format('CREATE ROLE tidtam_analyst_d%s_pgtap LOGIN IN ROLE tidtam_analyst', :b) \gexec
CREATE ROLE tidtam_analyst_national_pgtap LOGIN IN ROLE tidtam_national_analyst;
CREATE ROLE tidtam_pgtap_unbound LOGIN IN ROLE tidtam_analyst;
-- What the views hold for each district, as the owner sees it, to compare with what each login sees.
CREATE TEMP TABLE expected AS
SELECT 'schools' AS v, district_id, count(*) AS n FROM analytics.schools GROUP BY district_id;
GRANT SELECT ON expected TO PUBLIC;

-- As district A's analyst (a session of its own: SET ROLE would keep the superuser's rights to SET ROLE back).
SELECT format('SET SESSION AUTHORIZATION tidtam_analyst_d%s_pgtapa', :a) \gexec
SELECT is((SELECT count(*) FROM analytics.schools WHERE district_id <> :a), 0::bigint, 'A''s analyst sees no other district in schools');
SELECT is((SELECT count(*) FROM analytics.strategic_goals WHERE district_id <> :a), 0::bigint, 'A''s analyst sees no other district in strategic_goals');
SELECT is((SELECT count(*) FROM analytics.projects WHERE district_id <> :a), 0::bigint, 'A''s analyst sees no other district in projects');
SELECT is((SELECT count(*) FROM analytics.project_budgets WHERE district_id <> :a), 0::bigint, 'A''s analyst sees no other district in project_budgets');
SELECT is((SELECT count(*) FROM analytics.indicator_results WHERE district_id <> :a), 0::bigint, 'A''s analyst sees no other district in indicator_results');
SELECT is((SELECT count(*) FROM analytics.progress_reports WHERE district_id <> :a), 0::bigint, 'A''s analyst sees no other district in progress_reports');
SELECT is((SELECT count(*) FROM analytics.submissions WHERE district_id <> :a), 0::bigint, 'A''s analyst sees no other district in submissions');
SELECT is((SELECT count(*) FROM analytics.reporting_rates WHERE district_id <> :a), 0::bigint, 'A''s analyst sees no other district in reporting_rates');
SELECT is((SELECT count(*) FROM analytics.visits WHERE district_id <> :a), 0::bigint, 'A''s analyst sees no other district in visits');
SELECT is((SELECT count(*) FROM analytics.findings WHERE district_id <> :a), 0::bigint, 'A''s analyst sees no other district in findings');
SELECT is((SELECT count(*) FROM analytics.evaluations WHERE district_id <> :a), 0::bigint, 'A''s analyst sees no other district in evaluations');
SELECT is((SELECT count(*) FROM analytics.self_assessments WHERE district_id <> :a), 0::bigint, 'A''s analyst sees no other district in self_assessments');
SELECT ok((SELECT count(*) FROM analytics.schools) > 0, 'A''s analyst sees A''s schools');
SELECT ok((SELECT count(*) FROM analytics.projects) > 0, 'and A''s projects');
SELECT ok((SELECT count(*) FROM analytics.fiscal_calendar WHERE fiscal_year = 2569) = 12, 'and the calendar (every district''s)');
-- Settings widen nothing.
SELECT format('SET tidtam.district_id = %L', :'b') \gexec
SET tidtam.role = 'national';
SELECT is((SELECT count(*) FROM analytics.schools WHERE district_id = :b), 0::bigint, 'SET tidtam.district_id and tidtam.role widen nothing');
SELECT is((SELECT count(*) FROM analytics.projects WHERE district_id = :b), 0::bigint, 'nor for projects');
SELECT throws_ok('SET ROLE tidtam_app', '42501', NULL, 'an analyst cannot SET ROLE to the service');
SELECT throws_ok('SET ROLE tidtam_national_analyst', '42501', NULL, 'nor to the national analysts');
SELECT throws_ok('SELECT count(*) FROM public.school', '42501', NULL, 'an analyst cannot read the base tables');
SELECT throws_ok('SELECT count(*) FROM public.evaluation', '42501', NULL, 'any of them');
SELECT throws_ok('CREATE VIEW analytics.mine AS SELECT 1', '42501', NULL, 'an analyst cannot make a view of its own');
CREATE TEMP VIEW mine AS SELECT * FROM analytics.schools;
SELECT is((SELECT count(*) FROM mine WHERE district_id <> :a), 0::bigint, 'a temporary view of its own widens nothing');
SELECT throws_ok('UPDATE analytics.schools SET name_th = ''x''', NULL, 'an analyst cannot write through a view');
SELECT throws_ok('DELETE FROM analytics.self_assessments', NULL, 'nor delete through one');
RESET SESSION AUTHORIZATION;

-- B's labelled analyst sees B only.
SELECT format('SET SESSION AUTHORIZATION tidtam_analyst_d%s_pgtap', :b) \gexec
SELECT is((SELECT count(*) FROM analytics.schools WHERE district_id <> :b), 0::bigint, 'B''s analyst (a labelled login) sees B only');
SELECT is((SELECT count(*) FROM analytics.schools), (SELECT n FROM expected WHERE district_id = :b), 'all of B''s schools');
RESET SESSION AUTHORIZATION;

-- A login bound to no district sees nothing, whatever it sets.
SET SESSION AUTHORIZATION tidtam_pgtap_unbound;
SELECT format('SET tidtam.district_id = %L', :'a') \gexec
SELECT is((SELECT count(*) FROM analytics.schools), 0::bigint, 'a login bound to no district sees no school');
SELECT is((SELECT count(*) FROM analytics.submissions), 0::bigint, 'and no submission');
RESET SESSION AUTHORIZATION;

-- Names that only look bound read nothing: the binding is the whole name, not a prefix.
SELECT format('CREATE ROLE %I LOGIN IN ROLE tidtam_analyst', 'tidtam_analyst_d' || :a || suffix)
FROM unnest(ARRAY['_', '_a_b', '_Upper']) suffix \gexec
SELECT format('SET SESSION AUTHORIZATION %I', 'tidtam_analyst_d' || :a || '_') \gexec
SELECT is((SELECT count(*) FROM analytics.schools), 0::bigint, 'a name ending in _ is bound to nothing');
RESET SESSION AUTHORIZATION;
SELECT format('SET SESSION AUTHORIZATION %I', 'tidtam_analyst_d' || :a || '_a_b') \gexec
SELECT is((SELECT count(*) FROM analytics.schools), 0::bigint, 'nor a name with two labels');
RESET SESSION AUTHORIZATION;
SELECT format('SET SESSION AUTHORIZATION %I', 'tidtam_analyst_d' || :a || '_Upper') \gexec
SELECT is((SELECT count(*) FROM analytics.schools), 0::bigint, 'nor a label outside a-z and 0-9');
RESET SESSION AUTHORIZATION;

-- The national analyst reads every district and writes none.
SET SESSION AUTHORIZATION tidtam_analyst_national_pgtap;
SELECT is((SELECT count(DISTINCT district_id) FROM analytics.schools), :districts::bigint, 'a national analyst reads every district');
SELECT throws_ok('UPDATE analytics.schools SET name_th = ''x''', NULL, 'and writes none');
SELECT throws_ok('SELECT count(*) FROM public.school', '42501', NULL, 'nor reads the base tables');
RESET SESSION AUTHORIZATION;

-- A tenant table made after migration 0015 gets its policies the same way: the settings' ones
-- for the service and the owner (here the migrating role, whoever runs this), an analyst's own.
CREATE TABLE tap_later_table (district_id bigint NOT NULL, id bigint NOT NULL, PRIMARY KEY (district_id, id));
SELECT tidtam_enable_tenancy('tap_later_table');
SELECT is((SELECT roles::text[] FROM pg_policies WHERE tablename = 'tap_later_table' AND policyname = 'tap_later_table_analyst'),
          ARRAY['tidtam_analyst'], 'a table made later has the analysts'' own policy');
SELECT is((SELECT qual FROM pg_policies WHERE tablename = 'tap_later_table' AND policyname = 'tap_later_table_analyst'),
          '(district_id = tidtam_login_district())', 'reading the login''s district');
SELECT ok((SELECT bool_and('tidtam_app' = ANY (roles) AND current_user::text = ANY (roles) AND cardinality(roles) = 2)
           FROM pg_policies WHERE tablename = 'tap_later_table' AND policyname <> 'tap_later_table_analyst'),
          'and its settings'' policies are the service''s and the owner''s only');

SELECT * FROM finish();
ROLLBACK;
