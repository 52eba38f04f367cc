import Postgres
import TidtamDomain

/// The data of the district's annual report for a fiscal year (report 3 of seed 5.3), in one
/// statement across every school of the district, in the order of a Thai district office's
/// annual report: its basic figures; its direction (the strategic plan in force); the results of
/// the action plans (budget allocated and disbursed by source, each school, the office's own
/// projects), the indicators against their targets and the evaluations; the follow-up,
/// supervision and inspection visits and their findings; and what was learned (problems the
/// progress reports raised, the visits' recommendations, the evaluators' comments). As
/// `TidtamReports.AnnualReport` decodes it.
///
/// A project counts with the approved revision of its plan that is in force; its disbursement
/// is what its latest submitted progress report states; an indicator's actual is its latest
/// period's latest correction. An indicator or a project with nothing reported is counted as not
/// reported, never as zero.
enum AnnualReportQuery {
    /// How many of the longer lists the printed report shows (the JSON keeps the same).
    static let listLimit = 30

    static func data(district: Int64, fiscalYear: Int) -> SQL {
        let sourceTH = SQLJSON.thai("source", BudgetSource.allCases.map { ($0.rawValue, $0.thaiName) })
        let progressTH = SQLJSON.thai("status", ProgressStatus.allCases.map { ($0.rawValue, $0.thaiName) })
        let subjectTH = SQLJSON.thai("subject", EvaluationSubject.allCases.map { ($0.rawValue, $0.th) })
        let visitTH = SQLJSON.thai("v.kind", VisitKind.allCases.map { ($0.rawValue, $0.thaiName) })
        let findingTH = SQLJSON.thai("f.status", FindingStatus.allCases.map { ($0.rawValue, $0.thaiName) })
        let limit = SQL(stringLiteral: String(listLimit))
        let officeStatusTH = SQLJSON.thai("progress_status", ProgressStatus.allCases.map { ($0.rawValue, $0.thaiName) })
        return """
            WITH plans AS (
                SELECT p.id, p.school_id FROM action_plan p
                WHERE p.district_id = \(district) AND p.fiscal_year = \(fiscalYear)
                  AND p.status = 'approved' AND p.superseded_at IS NULL
            ), projects AS (
                SELECT pr.id, pr.school_id, pr.code, pr.name_th, pr.kind FROM project pr
                JOIN action_plan a ON a.district_id = pr.district_id AND a.id = pr.plan_id
                WHERE pr.district_id = \(district) AND a.fiscal_year = \(fiscalYear) AND a.status = 'approved'
                  AND a.superseded_at IS NULL
            ), per_project AS (
                -- Each project with its latest submitted progress report of the year, found by
                -- index per project (a join of two CTEs would be planned as if each had one row).
                SELECT pr.id, pr.school_id, pr.code, pr.name_th, lr.id AS report_id, lr.percent_complete,
                       lr.progress_status, lr.problems_th,
                       (SELECT coalesce(sum(b.amount), 0) FROM budget_line b
                        WHERE b.district_id = \(district) AND b.project_id = pr.id) AS allocated,
                       (SELECT coalesce(sum(d.amount), 0) FROM report_disbursement d
                        WHERE d.district_id = \(district) AND d.report_id = lr.id) AS disbursed
                FROM projects pr
                LEFT JOIN LATERAL (
                    SELECT r.id, r.percent_complete, r.progress_status, r.problems_th
                    FROM monitoring_item m JOIN progress_report r ON r.district_id = m.district_id AND r.item_id = m.id
                    WHERE m.district_id = \(district) AND m.project_id = pr.id AND m.kind = 'progress_report'
                      AND m.fiscal_year = \(fiscalYear) AND r.status IN ('submitted', 'acknowledged')
                    ORDER BY m.period_end DESC, r.report_version DESC LIMIT 1) lr ON true
            ), spent AS (
                SELECT b.source, b.amount AS allocated, coalesce(d.amount, 0) AS disbursed
                FROM per_project pp JOIN budget_line b ON b.district_id = \(district) AND b.project_id = pp.id
                LEFT JOIN report_disbursement d ON d.district_id = \(district) AND d.report_id = pp.report_id
                                               AND d.budget_line_id = b.id
            ), items AS (
                SELECT m.school_id, tidtam_item_standing(m.status, m.due_on, m.first_submitted_at) AS standing
                FROM monitoring_item m
                WHERE m.district_id = \(district) AND m.fiscal_year = \(fiscalYear) AND m.kind = 'progress_report'
                  AND m.status = 'open'
            ), targets AS (
                SELECT t.indicator_id, t.school_id, t.target, i.direction, i.band_low, i.band_high, i.name_th, i.code,
                       i.unit_th, i.school_id IS NULL AND t.school_id IS NULL AS office_own
                FROM indicator_target t JOIN indicator i ON i.district_id = t.district_id AND i.id = t.indicator_id
                WHERE t.district_id = \(district) AND t.fiscal_year = \(fiscalYear) AND t.period = 0
                  AND (i.project_id IS NULL OR i.project_id IN (SELECT id FROM projects))
            ), measured AS (
                -- Each target's actual: its latest period's latest correction, by index per target.
                -- A school's and the office's are looked up apart: `=` and `IS NULL` reach the index
                -- key by key, where IS NOT DISTINCT FROM would read every period of the indicator.
                SELECT t.*, a.value AS actual,
                       CASE WHEN a.value IS NULL THEN NULL
                            WHEN t.direction = 'higher_is_better' THEN a.value >= t.target
                            WHEN t.direction = 'lower_is_better' THEN a.value <= t.target
                            ELSE a.value BETWEEN t.band_low AND t.band_high END AS met
                FROM targets t
                LEFT JOIN LATERAL (
                    SELECT x.value FROM indicator_actual x
                    WHERE x.district_id = \(district) AND x.indicator_id = t.indicator_id AND x.school_id = t.school_id
                      AND x.fiscal_year = \(fiscalYear)
                    ORDER BY x.period DESC, x.seq DESC LIMIT 1) own ON true
                LEFT JOIN LATERAL (
                    SELECT x.value FROM indicator_actual x
                    WHERE t.school_id IS NULL AND x.district_id = \(district) AND x.indicator_id = t.indicator_id
                      AND x.school_id IS NULL AND x.fiscal_year = \(fiscalYear)
                    ORDER BY x.period DESC, x.seq DESC LIMIT 1) office ON true
                CROSS JOIN LATERAL (SELECT coalesce(own.value, office.value) AS value) a
            ), rnd AS (
                SELECT r.* FROM evaluation_round r WHERE r.district_id = \(district) AND r.fiscal_year = \(fiscalYear)
                ORDER BY r.kind = 'year_end' DESC, r.through_month DESC, r.id DESC LIMIT 1
            ), evals AS (
                SELECT e.subject, e.score, e.level, e.status, e.evaluator_comment_th, e.school_id
                FROM evaluation e JOIN rnd ON rnd.id = e.round_id WHERE e.district_id = \(district)
            ), visits AS (
                SELECT v.* FROM visit v
                WHERE v.district_id = \(district) AND v.joined_into_id IS NULL
                  AND v.starts_at >= make_date(\(fiscalYear)::int - 544, 10, 1)::timestamp AT TIME ZONE 'Asia/Bangkok'
                  AND v.starts_at < make_date(\(fiscalYear)::int - 543, 10, 1)::timestamp AT TIME ZONE 'Asia/Bangkok'
            ), findings AS (
                SELECT f.*, sc.name_th AS school_th FROM finding f JOIN visits v ON v.id = f.visit_id
                JOIN school sc ON sc.district_id = f.district_id AND sc.id = f.school_id
                WHERE f.district_id = \(district)
            )
            SELECT json_build_object(
                'district', (SELECT json_build_object('id', d.id, 'code', d.code, 'name_th', d.name_th)
                             FROM district d WHERE d.id = \(district)),
                'fiscal_year', \(fiscalYear)::int,
                'period_th', \(SQLJSON.thaiDate("make_date(\(fiscalYear)::int - 544, 10, 1)")) || ' ถึง '
                             || \(SQLJSON.thaiDate("make_date(\(fiscalYear)::int - 543, 9, 30)")),
                'assembled_on_th', \(SQLJSON.thaiDate("(now() AT TIME ZONE 'Asia/Bangkok')::date")),
                'overview', json_build_object(
                    'schools', (SELECT count(*) FROM school WHERE district_id = \(district)),
                    'students', (SELECT coalesce(sum(student_count), 0) FROM school WHERE district_id = \(district)),
                    'plans', (SELECT count(*) FROM plans),
                    'schools_with_plan', (SELECT count(DISTINCT school_id) FROM plans WHERE school_id IS NOT NULL),
                    'projects', (SELECT count(*) FROM projects WHERE kind = 'project'),
                    'works', (SELECT count(*) FROM projects WHERE kind = 'work')),
                'strategic_plan', (SELECT json_build_object(
                        'title_th', sp.title_th, 'years_th', 'พ.ศ. ' || sp.first_year_be || '–' || sp.last_year_be,
                        'vision_th', sp.vision_th, 'mission_th', sp.mission_th,
                        'strategies', (SELECT coalesce(json_agg(json_build_object(
                                'code', st.code, 'name_th', st.name_th,
                                'goals', (SELECT coalesce(json_agg(json_build_object('code', g.code, 'name_th', g.name_th)
                                                                   ORDER BY g.code, g.id), '[]')
                                          FROM goal g WHERE g.district_id = st.district_id AND g.strategy_id = st.id))
                                ORDER BY st.code, st.id), '[]')
                            FROM strategy st WHERE st.district_id = sp.district_id AND st.plan_id = sp.id))
                    FROM strategic_plan sp
                    WHERE sp.district_id = \(district) AND sp.school_id IS NULL
                      AND \(fiscalYear)::int BETWEEN sp.first_year_be AND sp.last_year_be
                    ORDER BY sp.first_year_be DESC, sp.id DESC LIMIT 1),
                'budget', json_build_object(
                    'allocated', (SELECT coalesce(sum(allocated), 0) FROM spent),
                    'disbursed', (SELECT coalesce(sum(disbursed), 0) FROM spent),
                    'by_source', (SELECT coalesce(json_agg(json_build_object(
                            'source', source, 'source_th', \(sourceTH), 'allocated', allocated, 'disbursed', disbursed)
                            ORDER BY source), '[]')
                        FROM (SELECT source, sum(allocated) AS allocated, sum(disbursed) AS disbursed
                              FROM spent GROUP BY source) s)),
                'projects_by_status', (SELECT coalesce(json_agg(json_build_object(
                        'status', status, 'status_th', coalesce(\(progressTH), 'ยังไม่ได้รายงานความก้าวหน้า'), 'projects', n)
                        ORDER BY status NULLS LAST), '[]')
                    FROM (SELECT progress_status AS status, count(*) AS n FROM per_project GROUP BY 1) s),
                'schools', (SELECT coalesce(json_agg(json_build_object(
                        'obec_code', sc.obec_code, 'name_th', sc.name_th, 'projects', coalesce(p.n, 0),
                        'allocated', coalesce(p.allocated, 0), 'disbursed', coalesce(p.disbursed, 0),
                        'mean_percent_complete', p.mean_percent,
                        'reports_on_time', coalesce(i.on_time, 0), 'reports_late', coalesce(i.late, 0),
                        'reports_missing', coalesce(i.missing, 0))
                        ORDER BY sc.name_th COLLATE "th-TH-x-icu", sc.id), '[]')
                    FROM school sc
                    LEFT JOIN (SELECT school_id, count(*) AS n, sum(allocated) AS allocated, sum(disbursed) AS disbursed,
                                      round(avg(percent_complete), 2) AS mean_percent
                               FROM per_project GROUP BY school_id) p ON p.school_id = sc.id
                    LEFT JOIN (SELECT school_id, count(*) FILTER (WHERE standing = 'on_time') AS on_time,
                                      count(*) FILTER (WHERE standing = 'late') AS late,
                                      count(*) FILTER (WHERE standing = 'missing') AS missing
                               FROM items GROUP BY school_id) i ON i.school_id = sc.id
                    WHERE sc.district_id = \(district)),
                'projects', (SELECT coalesce(json_agg(json_build_object(
                        'office', p.school_id IS NULL, 'school_th', coalesce(sc.name_th, 'สำนักงานเขตพื้นที่การศึกษา'),
                        'code', p.code, 'name_th', p.name_th,
                        'allocated', p.allocated, 'disbursed', p.disbursed, 'percent_complete', p.percent_complete,
                        'status_th', coalesce(\(officeStatusTH), 'ยังไม่ได้รายงาน'))
                        ORDER BY sc.name_th COLLATE "th-TH-x-icu" NULLS FIRST, p.code, p.id), '[]')
                    FROM per_project p LEFT JOIN school sc ON sc.district_id = \(district) AND sc.id = p.school_id),
                'progress_reports', (SELECT json_build_object(
                        'due', count(*) FILTER (WHERE standing <> 'upcoming'),
                        'on_time', count(*) FILTER (WHERE standing = 'on_time'),
                        'late', count(*) FILTER (WHERE standing = 'late'),
                        'missing', count(*) FILTER (WHERE standing = 'missing'),
                        'upcoming', count(*) FILTER (WHERE standing = 'upcoming')) FROM items),
                'indicators', (SELECT json_build_object(
                        'with_target', count(*), 'reported', count(actual), 'met', count(*) FILTER (WHERE met),
                        'not_met', count(*) FILTER (WHERE NOT met), 'not_reported', count(*) - count(actual))
                    FROM measured),
                'office_indicators', (SELECT coalesce(json_agg(json_build_object(
                        'code', code, 'name_th', name_th, 'unit_th', unit_th, 'target', target, 'actual', actual, 'met', met)
                        ORDER BY code NULLS LAST, name_th), '[]')
                    FROM measured WHERE office_own),
                'evaluation_round', (SELECT json_build_object('name_th', r.name_th, 'kind', r.kind) FROM rnd r),
                'evaluations', (SELECT coalesce(json_agg(json_build_object(
                        'subject', subject, 'subject_th', \(subjectTH), 'evaluated', n, 'scored', scored,
                        'not_reported', n - scored, 'mean', mean, 'final', final, 'levels', levels) ORDER BY subject), '[]')
                    FROM (SELECT subject, count(*) AS n, count(score) AS scored, round(avg(score), 2) AS mean,
                                 count(*) FILTER (WHERE status = 'final') AS final,
                                 json_build_array(count(*) FILTER (WHERE level = 0), count(*) FILTER (WHERE level = 1),
                                                  count(*) FILTER (WHERE level = 2), count(*) FILTER (WHERE level = 3),
                                                  count(*) FILTER (WHERE level = 4), count(*) FILTER (WHERE level = 5)) AS levels
                          FROM evals GROUP BY subject) e),
                'visits', (SELECT coalesce(json_agg(json_build_object(
                        'kind', kind, 'kind_th', kind_th, 'planned', planned, 'done', done, 'cancelled', cancelled,
                        'schools', schools) ORDER BY kind), '[]')
                    FROM (SELECT v.kind, \(visitTH) AS kind_th,
                                 count(*) FILTER (WHERE v.status IN ('planned', 'confirmed')) AS planned,
                                 count(*) FILTER (WHERE v.status = 'done') AS done,
                                 count(*) FILTER (WHERE v.status = 'cancelled') AS cancelled,
                                 count(DISTINCT v.school_id) FILTER (WHERE v.status <> 'cancelled') AS schools
                          FROM visits v GROUP BY v.kind) s),
                'findings', (SELECT json_build_object(
                        'total', count(*), 'open', count(*) FILTER (WHERE status = 'open'),
                        'in_progress', count(*) FILTER (WHERE status = 'in_progress'),
                        'closed', count(*) FILTER (WHERE status = 'closed')) FROM findings),
                'open_findings', (SELECT coalesce(json_agg(x ORDER BY x.due_on NULLS LAST, x.id), '[]') FROM (
                        SELECT f.id, f.due_on, f.school_th, f.finding_th, f.recommendation_th, \(findingTH) AS status_th,
                               \(SQLJSON.thaiDate("f.due_on")) AS due_on_th
                        FROM findings f WHERE f.status <> 'closed' ORDER BY f.due_on NULLS LAST, f.id LIMIT \(limit)) x),
                'lessons', json_build_object(
                    'problems', (SELECT coalesce(json_agg(x), '[]') FROM (
                            SELECT coalesce(sc.name_th, 'สำนักงานเขตพื้นที่การศึกษา') AS unit_th, p.name_th AS project_th,
                                   p.problems_th AS text_th
                            FROM per_project p LEFT JOIN school sc ON sc.district_id = \(district) AND sc.id = p.school_id
                            WHERE coalesce(btrim(p.problems_th), '') <> ''
                            ORDER BY p.progress_status IN ('at_risk', 'delayed') DESC, sc.name_th COLLATE "th-TH-x-icu"
                                     NULLS FIRST, p.code, p.id
                            LIMIT \(limit)) x),
                    'recommendations', (SELECT coalesce(json_agg(x), '[]') FROM (
                            SELECT f.school_th AS unit_th, f.recommendation_th AS text_th FROM findings f
                            WHERE coalesce(btrim(f.recommendation_th), '') <> '' ORDER BY f.id LIMIT \(limit)) x),
                    'evaluator_comments', (SELECT coalesce(json_agg(x), '[]') FROM (
                            SELECT coalesce(sc.name_th, 'สำนักงานเขตพื้นที่การศึกษา') AS unit_th, e.evaluator_comment_th AS text_th
                            FROM evals e LEFT JOIN school sc ON sc.district_id = \(district) AND sc.id = e.school_id
                            WHERE coalesce(btrim(e.evaluator_comment_th), '') <> ''
                            ORDER BY sc.name_th COLLATE "th-TH-x-icu" NULLS FIRST LIMIT \(limit)) x))
            )::text AS data
            """
    }
}
