-- One district of the national-scale data set (`tidtam demo --scale national`), generated in
-- the database. Parameters: $1 district id, $2 number of schools, $3 first OBEC code number,
-- $4 fiscal year (BE). Each school: an approved action plan, 40 projects (3 activities, 2 budget
-- lines, 3 indicators each), a yearly target and 12 monthly actuals per indicator; and an
-- approved performance agreement on the district's five indicators, with the year's actuals.
-- Statements are separated by lines holding only `;;` (the loader sends them one at a time);
-- each names its parameters once, in the `arg` row.
WITH arg AS (SELECT $1::bigint AS district_id, $2::int AS schools, $3::bigint AS first_code, $4::int AS fiscal_year)
INSERT INTO school (district_id, obec_code, name_th, province_th, size, student_count)
SELECT arg.district_id, lpad((arg.first_code + g)::text, 10, '0'),
       'โรงเรียนบ้าน' || (ARRAY['หนองบัว','โนนสูง','ดอนแดง','ป่าตาล','นาคำ','ห้วยทราย','โคกกลาง','สระแก้ว','ทุ่งใหญ่','หนองแวง',
                                'บ่อทอง','วังน้ำเย็น','คลองหลวง','บางกระเจ้า','เขาดิน','ท่าช้าง','ดงเย็น','นาดี','หัวนา','สันทราย'])[1 + g % 20]
           || CASE WHEN g > 20 THEN ' ' || (1 + g / 20)::text ELSE '' END,
       (SELECT province_th FROM district WHERE id = arg.district_id), (ARRAY['small','medium','large','extra_large'])[1 + g % 4], 40 + (g * 137) % 1800
FROM arg, generate_series(1, arg.schools) AS g
;;
WITH arg AS (SELECT $1::bigint AS district_id, $2::int AS schools, $3::bigint AS first_code, $4::int AS fiscal_year)
INSERT INTO action_plan (district_id, school_id, fiscal_year, title_th, status, submitted_at, decided_at)
SELECT s.district_id, s.id, arg.fiscal_year, 'แผนปฏิบัติการประจำปีงบประมาณ ' || arg.fiscal_year || ' ' || s.name_th, 'approved', now(), now()
FROM arg, school s WHERE s.district_id = arg.district_id
;;
WITH arg AS (SELECT $1::bigint AS district_id, $2::int AS schools, $3::bigint AS first_code, $4::int AS fiscal_year)
INSERT INTO project (district_id, plan_id, school_id, code, kind, name_th, responsible_th, start_date, end_date, expected_outputs_th)
SELECT p.district_id, p.id, p.school_id, 'P' || lpad(g::text, 2, '0'), CASE WHEN g % 5 = 0 THEN 'work' ELSE 'project' END,
       (ARRAY['โครงการส่งเสริมการอ่าน','โครงการพัฒนาทักษะคณิตศาสตร์','โครงการโรงเรียนปลอดภัย','โครงการอาหารกลางวัน',
              'โครงการพัฒนาครูด้านดิจิทัล','โครงการสุขภาวะนักเรียน','โครงการห้องเรียนวิทยาศาสตร์','โครงการภาษาอังกฤษเพื่อการสื่อสาร',
              'งานบริหารงานบุคคล','งานพัสดุและการเงิน'])[1 + g % 10] || ' ' || g,
       'ครูผู้รับผิดชอบโครงการ ' || g,
       make_date(arg.fiscal_year - 544, 10, 1) + (g % 6) * 30, make_date(arg.fiscal_year - 543, 9, 30) - (g % 3) * 30,
       'นักเรียนร้อยละ 80 ได้รับการพัฒนา'
FROM arg, action_plan p CROSS JOIN generate_series(1, 40) AS g
WHERE p.district_id = arg.district_id AND p.fiscal_year = arg.fiscal_year
;;
WITH arg AS (SELECT $1::bigint AS district_id, $2::int AS schools, $3::bigint AS first_code, $4::int AS fiscal_year)
INSERT INTO activity (district_id, project_id, school_id, position, name_th, start_date, end_date, is_milestone)
SELECT x.district_id, x.id, x.school_id, g - 1, (ARRAY['วางแผนและเตรียมการ','ดำเนินกิจกรรมตามแผน','สรุปและรายงานผล'])[g],
       x.start_date + (g - 1) * 60, x.start_date + (g - 1) * 60 + 45, g = 3
FROM arg, project x CROSS JOIN generate_series(1, 3) AS g
WHERE x.district_id = arg.district_id
;;
WITH arg AS (SELECT $1::bigint AS district_id, $2::int AS schools, $3::bigint AS first_code, $4::int AS fiscal_year)
INSERT INTO budget_line (district_id, project_id, school_id, position, source, description_th, amount)
SELECT x.district_id, x.id, x.school_id, g - 1, CASE g WHEN 1 THEN 'obec' ELSE (ARRAY['school_revenue','local_government','donation'])[1 + x.id % 3] END,
       CASE g WHEN 1 THEN 'เงินอุดหนุนรายหัว' ELSE 'งบสมทบ' END, (5000 + (x.id * 7919) % 95000)::numeric / g
FROM arg, project x CROSS JOIN generate_series(1, 2) AS g
WHERE x.district_id = arg.district_id
;;
WITH arg AS (SELECT $1::bigint AS district_id, $2::int AS schools, $3::bigint AS first_code, $4::int AS fiscal_year)
INSERT INTO indicator (district_id, school_id, project_id, code, name_th, unit_th, kind, direction, period, baseline, scoring, levels, weight)
SELECT x.district_id, x.school_id, x.id, x.code || '-' || g,
       (ARRAY['ร้อยละของนักเรียนที่เข้าร่วมกิจกรรม','จำนวนกิจกรรมที่ดำเนินการแล้วเสร็จ','ร้อยละความพึงพอใจของผู้เกี่ยวข้อง'])[g],
       (ARRAY['ร้อยละ','กิจกรรม','ร้อยละ'])[g], CASE WHEN g = 2 THEN 'output' ELSE 'outcome' END, 'higher_is_better', 'month',
       50, 'five_levels', ARRAY[60, 70, 80, 90, 95]::numeric[], (ARRAY[40, 30, 30])[g]
FROM arg, project x CROSS JOIN generate_series(1, 3) AS g
WHERE x.district_id = arg.district_id
;;
WITH arg AS (SELECT $1::bigint AS district_id, $2::int AS schools, $3::bigint AS first_code, $4::int AS fiscal_year)
INSERT INTO indicator_target (district_id, indicator_id, school_id, fiscal_year, period, target)
SELECT i.district_id, i.id, i.school_id, arg.fiscal_year, 0, 80
FROM arg, indicator i WHERE i.district_id = arg.district_id
;;
WITH arg AS (SELECT $1::bigint AS district_id, $2::int AS schools, $3::bigint AS first_code, $4::int AS fiscal_year)
INSERT INTO indicator_actual (district_id, indicator_id, school_id, fiscal_year, period, value, reported_at)
SELECT i.district_id, i.id, i.school_id, arg.fiscal_year, m, 40 + (i.id * 7919 + m * 104729) % 60,
       make_date(arg.fiscal_year - 544, 10, 1) + (m * 30 + 5)
FROM arg, indicator i CROSS JOIN generate_series(1, 12) AS m
WHERE i.district_id = arg.district_id
;;
-- Five district-wide indicators (two of them CSFs), for the schools' performance agreements.
WITH arg AS (SELECT $1::bigint AS district_id, $2::int AS schools, $3::bigint AS first_code, $4::int AS fiscal_year)
INSERT INTO indicator (district_id, code, name_th, unit_th, kind, direction, period, scoring, levels, score_one, score_five, weight, is_csf)
SELECT arg.district_id, 'KPI-' || g,
       (ARRAY['ร้อยละของนักเรียนที่อ่านออกเขียนได้','ร้อยละของนักเรียนที่มีผลสัมฤทธิ์ทางการเรียนระดับดีขึ้นไป',
              'ร้อยละของครูที่จัดการเรียนรู้เชิงรุก','ร้อยละของนักเรียนที่ออกกลางคัน','ร้อยละของผู้ปกครองที่พึงพอใจ'])[g],
       'ร้อยละ', 'outcome', CASE WHEN g = 4 THEN 'lower_is_better' ELSE 'higher_is_better' END, 'year',
       CASE WHEN g IN (2, 4) THEN 'linear' ELSE 'five_levels' END,
       CASE WHEN g IN (2, 4) THEN NULL ELSE ARRAY[60, 70, 80, 90, 95]::numeric[] END,
       CASE g WHEN 2 THEN 50 WHEN 4 THEN 5 END, CASE g WHEN 2 THEN 90 WHEN 4 THEN 0.5 END, 0, g <= 2
FROM arg, generate_series(1, 5) AS g
;;
WITH arg AS (SELECT $1::bigint AS district_id, $2::int AS schools, $3::bigint AS first_code, $4::int AS fiscal_year)
INSERT INTO indicator_adoption (district_id, indicator_id, school_id)
SELECT i.district_id, i.id, s.id
FROM arg, indicator i JOIN school s ON s.district_id = i.district_id
WHERE i.district_id = arg.district_id AND i.school_id IS NULL AND i.code LIKE 'KPI-%'
;;
-- Each school's approved agreement: the five indicators, weighted 30/20/20/15/15, with targets.
WITH arg AS (SELECT $1::bigint AS district_id, $2::int AS schools, $3::bigint AS first_code, $4::int AS fiscal_year)
INSERT INTO performance_agreement (district_id, school_id, fiscal_year, title_th, status, signed_by_th, submitted_at, decided_at)
SELECT s.district_id, s.id, arg.fiscal_year, 'ข้อตกลงผลการปฏิบัติงาน ปีงบประมาณ ' || arg.fiscal_year || ' ' || s.name_th, 'approved',
       'ผู้อำนวยการ' || s.name_th, now(), now()
FROM arg, school s WHERE s.district_id = arg.district_id
;;
WITH arg AS (SELECT $1::bigint AS district_id, $2::int AS schools, $3::bigint AS first_code, $4::int AS fiscal_year)
INSERT INTO agreement_item (district_id, agreement_id, school_id, position, indicator_id, weight, target)
SELECT a.district_id, a.id, a.school_id, g - 1, i.id, (ARRAY[30, 20, 20, 15, 15])[g], (ARRAY[80, 70, 75, 2, 85])[g]
FROM arg, performance_agreement a
CROSS JOIN generate_series(1, 5) AS g
JOIN indicator i ON i.district_id = a.district_id AND i.school_id IS NULL AND i.code = 'KPI-' || g
WHERE a.district_id = arg.district_id AND a.fiscal_year = arg.fiscal_year
;;
-- The year's actuals of the agreement indicators; about one in ten is not reported.
WITH arg AS (SELECT $1::bigint AS district_id, $2::int AS schools, $3::bigint AS first_code, $4::int AS fiscal_year)
INSERT INTO indicator_actual (district_id, indicator_id, school_id, fiscal_year, period, value, reported_at)
SELECT it.district_id, it.indicator_id, it.school_id, arg.fiscal_year, 0,
       CASE WHEN it.position = 3 THEN round(((it.school_id * 31 + it.position) % 60)::numeric / 10, 1)
            ELSE 50 + (it.school_id * 7919 + it.position * 104729) % 50 END,
       make_date(arg.fiscal_year - 543, 9, 25)
FROM arg, agreement_item it
WHERE it.district_id = arg.district_id AND (it.school_id * 13 + it.position) % 10 <> 0
