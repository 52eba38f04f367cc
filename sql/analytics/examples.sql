-- The analysts' example queries (docs/analysts.md), each as an analyst runs it on the views
-- (`-- query:` … its login reads its own district) and, for the benchmark, the same question on
-- the base tables as the owner with the district named (`-- base:`, :district). Fiscal year
-- 2569 and academic year 2568 as in the demo and the national data set.

-- query: 1. สถานศึกษาที่ส่งรายงานล่าช้าหรือไม่ส่งในทุกรายงานของปีนี้ — schools late or missing on every requirement they owed this year
SELECT s.obec_code, s.name_th, count(DISTINCT x.requirement_id) AS requirements
FROM analytics.submissions x JOIN analytics.schools s ON s.district_id = x.district_id AND s.school_id = x.school_id
WHERE x.fiscal_year = 2569 AND x.on_time_until < current_date
GROUP BY s.obec_code, s.name_th
HAVING count(DISTINCT x.requirement_id) FILTER (WHERE x.late OR x.missing) = count(DISTINCT x.requirement_id)
ORDER BY s.name_th;
-- base:
SELECT s.obec_code, s.name_th, count(DISTINCT r.id) AS requirements
FROM report_requirement r CROSS JOIN LATERAL tidtam_fiscal_periods(r.fiscal_year, r.frequency) p
CROSS JOIN LATERAL (
    SELECT s.id AS school_id FROM school s
    WHERE r.audience <> 'district_office' AND s.district_id = r.district_id
      AND (s.opened_on IS NULL OR s.opened_on <= p.ends_on) AND (s.closed_on IS NULL OR s.closed_on >= p.starts_on)
      AND (r.audience = 'schools' OR EXISTS (SELECT FROM report_requirement_school l
                                              WHERE l.district_id = r.district_id AND l.requirement_id = r.id AND l.school_id = s.id))
    UNION ALL SELECT NULL::bigint WHERE r.audience = 'district_office') u
JOIN school s ON s.district_id = r.district_id AND s.id = u.school_id
LEFT JOIN report_submission sub ON sub.district_id = r.district_id AND sub.requirement_id = r.id AND sub.period_no = p.period_no
     AND sub.school_id = s.id
WHERE r.district_id = :district AND r.status = 'active' AND r.fiscal_year = 2569
  AND p.ends_on + r.due_days + r.on_time_days < current_date
GROUP BY s.obec_code, s.name_th
HAVING count(DISTINCT r.id) FILTER (WHERE sub.status IS NULL OR sub.status NOT IN ('submitted', 'accepted')
          OR (sub.first_submitted_at AT TIME ZONE 'Asia/Bangkok')::date > p.ends_on + r.due_days + r.on_time_days) = count(DISTINCT r.id)
ORDER BY s.name_th;

-- query: 2. งบประมาณที่เบิกจ่ายเทียบกับที่ได้รับจัดสรร รายแหล่งงบประมาณ — budget disbursed against allocated, by source
SELECT source_th, sum(allocated) AS allocated, sum(disbursed) AS disbursed,
       round(100 * sum(disbursed) / nullif(sum(allocated), 0), 2) AS per_cent
FROM analytics.project_budgets WHERE fiscal_year = 2569 AND in_force
GROUP BY source_th ORDER BY allocated DESC;
-- base:
SELECT b.source, sum(b.amount) AS allocated, sum(d.amount) AS disbursed,
       round(100 * sum(d.amount) / nullif(sum(b.amount), 0), 2) AS per_cent
FROM budget_line b JOIN project pr ON pr.district_id = b.district_id AND pr.id = b.project_id
JOIN action_plan a ON a.district_id = pr.district_id AND a.id = pr.plan_id
LEFT JOIN LATERAL (SELECT r.id FROM monitoring_item m JOIN progress_report r ON r.district_id = m.district_id AND r.item_id = m.id
                   WHERE m.district_id = pr.district_id AND m.project_id = pr.id AND m.kind = 'progress_report'
                     AND r.status IN ('submitted', 'acknowledged') ORDER BY m.period_end DESC, r.report_version DESC LIMIT 1) lr ON true
LEFT JOIN report_disbursement d ON d.district_id = b.district_id AND d.report_id = lr.id AND d.budget_line_id = b.id
WHERE b.district_id = :district AND a.fiscal_year = 2569 AND a.status = 'approved' AND a.superseded_at IS NULL
GROUP BY b.source ORDER BY allocated DESC;

-- query: 3. ตัวชี้วัดที่ต่ำกว่าค่าเป้าหมายมากที่สุด — indicators furthest below target (higher is better)
SELECT code, name_th, school_id, target, actual, round(100 * (actual - target) / nullif(target, 0), 2) AS per_cent_off
FROM analytics.indicator_results
WHERE fiscal_year = 2569 AND direction = 'higher_is_better' AND actual IS NOT NULL AND actual < target
ORDER BY (actual - target) / nullif(target, 0) LIMIT 20;
-- base:
SELECT i.code, i.name_th, t.school_id, t.target, a.value AS actual, round(100 * (a.value - t.target) / nullif(t.target, 0), 2) AS per_cent_off
FROM indicator_target t JOIN indicator i ON i.district_id = t.district_id AND i.id = t.indicator_id
JOIN LATERAL (SELECT x.value FROM indicator_actual x WHERE x.district_id = t.district_id AND x.indicator_id = t.indicator_id
              AND x.school_id IS NOT DISTINCT FROM t.school_id AND x.fiscal_year = t.fiscal_year
              ORDER BY x.period DESC, x.seq DESC LIMIT 1) a ON true
WHERE t.district_id = :district AND t.fiscal_year = 2569 AND t.period = 0 AND i.direction = 'higher_is_better' AND a.value < t.target
ORDER BY (a.value - t.target) / nullif(t.target, 0) LIMIT 20;

-- query: 4. จำนวนครั้งที่ลงพื้นที่แต่ละสถานศึกษา รายประเภท — visits per school, by kind
SELECT s.name_th, count(v.visit_id) FILTER (WHERE v.kind = 'follow_up') AS follow_up,
       count(v.visit_id) FILTER (WHERE v.kind = 'supervision') AS supervision,
       count(v.visit_id) FILTER (WHERE v.kind = 'inspection') AS inspection, count(v.visit_id) AS visits
FROM analytics.schools s LEFT JOIN analytics.visits v ON v.district_id = s.district_id AND v.school_id = s.school_id
     AND v.status <> 'cancelled' AND v.fiscal_year = 2569
GROUP BY s.name_th ORDER BY visits, s.name_th;
-- base:
SELECT s.name_th, count(v.id) FILTER (WHERE v.kind = 'follow_up') AS follow_up,
       count(v.id) FILTER (WHERE v.kind = 'supervision') AS supervision,
       count(v.id) FILTER (WHERE v.kind = 'inspection') AS inspection, count(v.id) AS visits
FROM school s LEFT JOIN visit v ON v.district_id = s.district_id AND v.school_id = s.id AND v.status <> 'cancelled'
     AND (v.starts_at AT TIME ZONE 'Asia/Bangkok') >= '2025-10-01' AND (v.starts_at AT TIME ZONE 'Asia/Bangkok') < '2026-10-01'
WHERE s.district_id = :district
GROUP BY s.name_th ORDER BY visits, s.name_th;

-- query: 5. อัตราการส่งรายงานและการส่งตรงเวลา รายรายงาน — reporting and on-time rates by requirement this year
SELECT title_th, sum(expected) AS expected, sum(reported) AS reported, sum(on_time) AS on_time,
       round(100.0 * sum(reported) / sum(expected), 2) AS reporting_rate, round(100.0 * sum(on_time) / sum(expected), 2) AS on_time_rate
FROM analytics.reporting_rates WHERE fiscal_year = 2569 AND due_on < current_date
GROUP BY title_th ORDER BY reporting_rate;
-- base:
SELECT r.title_th, count(*) AS expected, count(sub.id) FILTER (WHERE sub.status IN ('submitted', 'accepted')) AS reported,
       count(sub.id) FILTER (WHERE sub.status IN ('submitted', 'accepted')
             AND (sub.first_submitted_at AT TIME ZONE 'Asia/Bangkok')::date <= p.ends_on + r.due_days + r.on_time_days) AS on_time
FROM report_requirement r CROSS JOIN LATERAL tidtam_fiscal_periods(r.fiscal_year, r.frequency) p
CROSS JOIN LATERAL (
    SELECT s.id AS school_id FROM school s
    WHERE r.audience <> 'district_office' AND s.district_id = r.district_id
      AND (s.opened_on IS NULL OR s.opened_on <= p.ends_on) AND (s.closed_on IS NULL OR s.closed_on >= p.starts_on)
      AND (r.audience = 'schools' OR EXISTS (SELECT FROM report_requirement_school l
                                              WHERE l.district_id = r.district_id AND l.requirement_id = r.id AND l.school_id = s.id))
    UNION ALL SELECT NULL::bigint WHERE r.audience = 'district_office') u
LEFT JOIN report_submission sub ON sub.district_id = r.district_id AND sub.requirement_id = r.id AND sub.period_no = p.period_no
     AND sub.school_id IS NOT DISTINCT FROM u.school_id
WHERE r.district_id = :district AND r.status = 'active' AND r.fiscal_year = 2569 AND p.ends_on + r.due_days < current_date
GROUP BY r.title_th ORDER BY reported;

-- query: 6. รายงานความก้าวหน้าที่ส่งล่าช้าและยังไม่ส่ง รายสถานศึกษา — progress reports late and missing, by school
SELECT s.name_th, count(*) FILTER (WHERE p.is_late) AS late, count(*) FILTER (WHERE p.is_missing) AS missing
FROM analytics.progress_reports p JOIN analytics.schools s ON s.district_id = p.district_id AND s.school_id = p.school_id
WHERE p.fiscal_year = 2569
GROUP BY s.name_th ORDER BY missing DESC, late DESC LIMIT 20;
-- base:
SELECT s.name_th, count(*) FILTER (WHERE tidtam_item_standing(m.status, m.due_on, m.first_submitted_at) = 'late') AS late,
       count(*) FILTER (WHERE tidtam_item_standing(m.status, m.due_on, m.first_submitted_at) = 'missing') AS missing
FROM monitoring_item m JOIN school s ON s.district_id = m.district_id AND s.id = m.school_id
WHERE m.district_id = :district AND m.kind = 'progress_report' AND m.fiscal_year = 2569
GROUP BY s.name_th ORDER BY missing DESC, late DESC LIMIT 20;

-- query: 7. โครงการที่ล่าช้าหรือมีความเสี่ยง พร้อมงบประมาณ — projects delayed or at risk, with their budget
SELECT p.code, p.name_th, s.name_th AS school_th, p.progress_status_th, p.percent_complete, p.allocated, p.disbursed
FROM analytics.projects p LEFT JOIN analytics.schools s ON s.district_id = p.district_id AND s.school_id = p.school_id
WHERE p.fiscal_year = 2569 AND p.in_force AND p.progress_status IN ('delayed', 'at_risk')
ORDER BY p.allocated DESC LIMIT 50;
-- base:
SELECT pr.code, pr.name_th, s.name_th AS school_th, lr.progress_status, lr.percent_complete,
       (SELECT sum(b.amount) FROM budget_line b WHERE b.district_id = pr.district_id AND b.project_id = pr.id) AS allocated
FROM project pr JOIN action_plan a ON a.district_id = pr.district_id AND a.id = pr.plan_id
LEFT JOIN school s ON s.district_id = pr.district_id AND s.id = pr.school_id
JOIN LATERAL (SELECT r.percent_complete, r.progress_status FROM monitoring_item m
              JOIN progress_report r ON r.district_id = m.district_id AND r.item_id = m.id
              WHERE m.district_id = pr.district_id AND m.project_id = pr.id AND m.kind = 'progress_report'
                AND r.status IN ('submitted', 'acknowledged') ORDER BY m.period_end DESC, r.report_version DESC LIMIT 1) lr ON true
WHERE pr.district_id = :district AND a.fiscal_year = 2569 AND a.status = 'approved' AND a.superseded_at IS NULL
  AND lr.progress_status IN ('delayed', 'at_risk')
ORDER BY allocated DESC LIMIT 50;

-- query: 8. สถานศึกษาที่ยังไม่รายงานผลตัวชี้วัด — schools with indicators not reported this year
SELECT s.name_th, count(*) AS not_reported
FROM analytics.indicator_results i JOIN analytics.schools s ON s.district_id = i.district_id AND s.school_id = i.school_id
WHERE i.fiscal_year = 2569 AND i.actual IS NULL
GROUP BY s.name_th ORDER BY not_reported DESC LIMIT 20;
-- base:
SELECT s.name_th, count(*) AS not_reported
FROM indicator_target t JOIN school s ON s.district_id = t.district_id AND s.id = t.school_id
WHERE t.district_id = :district AND t.fiscal_year = 2569 AND t.period = 0
  AND NOT EXISTS (SELECT FROM indicator_actual a WHERE a.district_id = t.district_id AND a.indicator_id = t.indicator_id
                  AND a.school_id = t.school_id AND a.fiscal_year = t.fiscal_year)
GROUP BY s.name_th ORDER BY not_reported DESC LIMIT 20;

-- query: 9. ข้อค้นพบที่เลยกำหนดและยังไม่ปิด — findings past their due date and not closed
SELECT s.name_th, f.finding_th, f.recommendation_th, f.due_on, f.status_th
FROM analytics.findings f JOIN analytics.schools s ON s.district_id = f.district_id AND s.school_id = f.school_id
WHERE f.overdue ORDER BY f.due_on LIMIT 50;
-- base:
SELECT s.name_th, f.finding_th, f.recommendation_th, f.due_on, f.status
FROM finding f JOIN school s ON s.district_id = f.district_id AND s.id = f.school_id
WHERE f.district_id = :district AND f.status <> 'closed' AND f.due_on < current_date ORDER BY f.due_on LIMIT 50;

-- query: 10. การกระจายของคะแนนข้อตกลงผลการปฏิบัติงาน ณ สิ้นปี — agreements' year-end scores by level, not reported apart
SELECT coalesce(level::text, 'ไม่ได้รายงานผล') AS level, count(*) AS agreements, round(avg(score), 2) AS mean
FROM analytics.evaluations WHERE fiscal_year = 2569 AND subject = 'agreement' AND round_kind = 'year_end'
GROUP BY level ORDER BY level NULLS LAST;
-- base:
SELECT coalesce(e.level::text, 'ไม่ได้รายงานผล') AS level, count(*) AS agreements, round(avg(e.score), 2) AS mean
FROM evaluation e JOIN evaluation_round r ON r.district_id = e.district_id AND r.id = e.round_id
WHERE e.district_id = :district AND e.fiscal_year = 2569 AND e.subject = 'agreement' AND r.kind = 'year_end'
GROUP BY e.level ORDER BY e.level NULLS LAST;

-- query: 11. ระดับคุณภาพตาม SAR รายมาตรฐาน — schools per SAR level, by standard
SELECT level, count(*) FILTER (WHERE learners_level = level) AS learners,
       count(*) FILTER (WHERE management_level = level) AS management, count(*) FILTER (WHERE teaching_level = level) AS teaching
FROM analytics.self_assessments, generate_series(1, 5) level
WHERE academic_year = 2568 AND status = 'submitted'
GROUP BY level ORDER BY level DESC;
-- base:
SELECT level, count(*) FILTER (WHERE learners_level = level) AS learners,
       count(*) FILTER (WHERE management_level = level) AS management, count(*) FILTER (WHERE teaching_level = level) AS teaching
FROM sar_report, generate_series(1, 5) level
WHERE district_id = :district AND academic_year = 2568 AND status = 'submitted'
GROUP BY level ORDER BY level DESC;

-- query: 12. งบประมาณและจำนวนโครงการตามกลยุทธ์ — projects and budget per strategy of the plans in force
SELECT g.strategy_code, g.strategy_name_th, count(DISTINCT p.project_id) AS projects, sum(p.allocated) AS allocated
FROM analytics.projects p
JOIN (SELECT DISTINCT district_id, strategy_id, strategy_code, strategy_name_th FROM analytics.strategic_goals) g
  ON g.district_id = p.district_id AND g.strategy_id = p.strategy_id
WHERE p.fiscal_year = 2569 AND p.in_force
GROUP BY g.strategy_code, g.strategy_name_th ORDER BY allocated DESC NULLS LAST LIMIT 30;
-- base:
SELECT st.code, st.name_th, count(DISTINCT pr.id) AS projects,
       sum((SELECT sum(b.amount) FROM budget_line b WHERE b.district_id = pr.district_id AND b.project_id = pr.id)) AS allocated
FROM project pr JOIN action_plan a ON a.district_id = pr.district_id AND a.id = pr.plan_id
JOIN strategy st ON st.district_id = pr.district_id AND st.id = pr.strategy_id
WHERE pr.district_id = :district AND a.fiscal_year = 2569 AND a.status = 'approved' AND a.superseded_at IS NULL
GROUP BY st.code, st.name_th ORDER BY allocated DESC NULLS LAST LIMIT 30;
