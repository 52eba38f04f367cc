import Postgres
import TidtamDomain

/// The data of the summary of the schools' self-assessment reports for the district committee
/// (report 4 of seed 5.3), in one statement: how many schools submitted for the academic year
/// and which did not; for each of OBEC's three standards, the schools at each of the five
/// levels this year and last; the points to improve (and the strengths) that several schools
/// wrote, most common first; and every school's levels beside last year's. Only submitted SARs
/// count. As `TidtamReports.SARSummaryReport` decodes it.
enum SARSummaryQuery {
    static let commonLimit = 15

    static func data(district: Int64, academicYear: Int) -> SQL {
        let standardTH = SQLJSON.thai("standard::text", SARStandard.allCases.map { (String($0.rawValue), $0.thaiName) })
        let limit = SQL(stringLiteral: String(commonLimit))
        // The same point written with other spacing is the same point.
        let normal: SQL = "lower(regexp_replace(btrim(p.text_th), '\\s+', ' ', 'g'))"
        func common(_ kind: String) -> SQL {
            """
            (SELECT coalesce(json_agg(x ORDER BY x.schools DESC, x.standard, x.text_th COLLATE "th-TH-x-icu"), '[]') FROM (
                SELECT p.standard, \(standardTH) AS standard_th, min(btrim(p.text_th)) AS text_th,
                       count(DISTINCT p.sar_id) AS schools
                FROM sar_point p JOIN this_year s ON s.id = p.sar_id
                WHERE p.district_id = \(district) AND p.kind = \(kind)
                GROUP BY p.standard, \(normal)
                ORDER BY count(DISTINCT p.sar_id) DESC, p.standard LIMIT \(limit)) x)
            """
        }
        return """
            WITH sars AS (
                SELECT s.* FROM sar_report s
                WHERE s.district_id = \(district) AND s.status = 'submitted'
                  AND s.academic_year IN (\(academicYear)::int, \(academicYear)::int - 1)
            ), this_year AS (SELECT * FROM sars WHERE academic_year = \(academicYear)::int),
            last_year AS (SELECT * FROM sars WHERE academic_year = \(academicYear)::int - 1),
            levels AS (
                SELECT y.year, st.standard, st.level
                FROM (SELECT 'this' AS year, * FROM this_year UNION ALL SELECT 'last', * FROM last_year) y
                CROSS JOIN LATERAL (VALUES (1, y.learners_level), (2, y.management_level), (3, y.teaching_level))
                    AS st(standard, level)
            )
            SELECT json_build_object(
                'district', (SELECT json_build_object('id', d.id, 'code', d.code, 'name_th', d.name_th)
                             FROM district d WHERE d.id = \(district)),
                'academic_year', \(academicYear)::int,
                'assembled_on_th', \(SQLJSON.thaiDate("(now() AT TIME ZONE 'Asia/Bangkok')::date")),
                'schools', (SELECT count(*) FROM school WHERE district_id = \(district)),
                'submitted', (SELECT count(*) FROM this_year),
                'submitted_last_year', (SELECT count(*) FROM last_year),
                'not_submitted', (SELECT coalesce(json_agg(json_build_object(
                        'obec_code', sc.obec_code, 'name_th', sc.name_th,
                        'status_th', coalesce(\(SQLJSON.thai("r.status", SARStatus.allCases.map { ($0.rawValue, $0.thaiName) })),
                                              'ยังไม่ได้จัดทำ'))
                        ORDER BY sc.name_th COLLATE "th-TH-x-icu", sc.id), '[]')
                    FROM school sc LEFT JOIN sar_report r ON r.district_id = sc.district_id AND r.school_id = sc.id
                                                         AND r.academic_year = \(academicYear)
                    WHERE sc.district_id = \(district) AND (r.id IS NULL OR r.status <> 'submitted')),
                'standards', (SELECT json_agg(json_build_object(
                        'standard', n, 'name_th', \(SQLJSON.thai("n::text", SARStandard.allCases.map { (String($0.rawValue), $0.thaiName) })),
                        'levels', (SELECT json_agg((SELECT count(*) FROM levels l WHERE l.year = 'this' AND l.standard = n
                                                      AND l.level = lv)) FROM generate_series(1, 5) lv),
                        'levels_last_year', (SELECT json_agg((SELECT count(*) FROM levels l WHERE l.year = 'last'
                                                                AND l.standard = n AND l.level = lv))
                                             FROM generate_series(1, 5) lv),
                        'mean', (SELECT round(avg(level), 2) FROM levels l WHERE l.year = 'this' AND l.standard = n),
                        'mean_last_year', (SELECT round(avg(level), 2) FROM levels l WHERE l.year = 'last' AND l.standard = n))
                        ORDER BY n)
                    FROM generate_series(1, 3) n),
                'common_improvements', \(common("improvement")),
                'common_strengths', \(common("strength")),
                'school_levels', (SELECT coalesce(json_agg(json_build_object(
                        'obec_code', sc.obec_code, 'name_th', sc.name_th,
                        'levels', json_build_array(t.learners_level, t.management_level, t.teaching_level),
                        'levels_th', json_build_array(\(SARStore.levelTH("t.learners_level")), \(SARStore.levelTH("t.management_level")),
                                                      \(SARStore.levelTH("t.teaching_level"))),
                        'levels_last_year', CASE WHEN l.id IS NOT NULL THEN
                            json_build_array(l.learners_level, l.management_level, l.teaching_level) END)
                        ORDER BY sc.name_th COLLATE "th-TH-x-icu", sc.id), '[]')
                    FROM this_year t JOIN school sc ON sc.district_id = t.district_id AND sc.id = t.school_id
                    LEFT JOIN last_year l ON l.school_id = t.school_id)
            )::text AS data
            """
    }
}
