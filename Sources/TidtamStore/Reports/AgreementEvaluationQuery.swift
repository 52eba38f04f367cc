import Postgres

/// The data of the report on output targets under the performance agreements (report 2 of seed
/// 5.3), in one statement: the fiscal year's year-end round (else its latest), each school's
/// agreement evaluation in it with its weighted score, and item by item what it was scored from
/// (the weight, target and actual recorded in the evaluation's inputs) and how it scored; then
/// the district's distribution — how many schools at each level, the mean and median, how many
/// not reported (never counted as zero). As `TidtamReports.AgreementEvaluationReport` decodes it.
enum AgreementEvaluationQuery {
    static func data(district: Int64, fiscalYear: Int) -> SQL {
        """
        WITH rnd AS (
            SELECT r.* FROM evaluation_round r WHERE r.district_id = \(district) AND r.fiscal_year = \(fiscalYear)
            ORDER BY r.kind = 'year_end' DESC, r.through_month DESC, r.id DESC LIMIT 1
        ), ev AS (
            SELECT e.*, sc.obec_code, coalesce(sc.name_th, 'สำนักงานเขตพื้นที่การศึกษา') AS unit_th
            FROM evaluation e JOIN rnd ON rnd.district_id = e.district_id AND rnd.id = e.round_id
            LEFT JOIN school sc ON sc.district_id = e.district_id AND sc.id = e.school_id
            WHERE e.district_id = \(district) AND e.subject = 'agreement'
        ), items AS (
            SELECT ev.id AS evaluation_id, inp.ord, inp.value->>'name_th' AS name_th,
                   (inp.value->>'weight')::numeric AS weight, (inp.value->>'target')::numeric AS target,
                   (inp.value->'actual'->>'value')::numeric AS actual, res.value->>'standing' AS standing,
                   (res.value->>'score')::numeric AS score, (res.value->>'met')::boolean AS met
            FROM ev CROSS JOIN LATERAL jsonb_array_elements(ev.inputs->'root'->'indicators') WITH ORDINALITY inp(value, ord)
            LEFT JOIN LATERAL (SELECT r.value FROM jsonb_array_elements(ev.result->'root'->'indicators') r(value)
                               WHERE r.value->>'key' = inp.value->>'key' LIMIT 1) res ON true
        )
        SELECT json_build_object(
            'district', (SELECT json_build_object('id', d.id, 'code', d.code, 'name_th', d.name_th)
                         FROM district d WHERE d.id = \(district)),
            'fiscal_year', \(fiscalYear)::int,
            'round', (SELECT json_build_object('id', r.id, 'name_th', r.name_th, 'kind', r.kind) FROM rnd r),
            'distribution', (SELECT json_build_object(
                    'evaluated', count(*), 'scored', count(ev.score), 'not_reported', count(*) - count(ev.score),
                    'levels', json_build_array(count(*) FILTER (WHERE ev.level = 0), count(*) FILTER (WHERE ev.level = 1),
                                               count(*) FILTER (WHERE ev.level = 2), count(*) FILTER (WHERE ev.level = 3),
                                               count(*) FILTER (WHERE ev.level = 4), count(*) FILTER (WHERE ev.level = 5)),
                    'mean', round(avg(ev.score), 2),
                    'median', round((percentile_cont(0.5) WITHIN GROUP (ORDER BY ev.score))::numeric, 2),
                    'final', count(*) FILTER (WHERE ev.status = 'final'))
                FROM ev),
            'schools', (SELECT coalesce(json_agg(json_build_object(
                    'school_id', ev.school_id, 'obec_code', ev.obec_code, 'name_th', ev.unit_th,
                    'evaluation_id', ev.id, 'status', ev.status,
                    'status_th', CASE ev.status WHEN 'final' THEN 'ประเมินเสร็จสิ้น' ELSE 'ร่าง' END,
                    'score', ev.score, 'level', ev.level, 'reported_weight', ev.reported_weight,
                    'missing_weight', ev.missing_weight,
                    'items', (SELECT coalesce(json_agg(json_build_object(
                                  'name_th', i.name_th, 'weight', i.weight, 'target', i.target, 'actual', i.actual,
                                  'standing', i.standing, 'score', i.score, 'met', i.met) ORDER BY i.ord), '[]')
                              FROM items i WHERE i.evaluation_id = ev.id))
                    ORDER BY ev.score DESC NULLS LAST, ev.unit_th COLLATE "th-TH-x-icu", ev.id), '[]')
                FROM ev),
            'assembled_on_th', \(SQLJSON.thaiDate("(now() AT TIME ZONE 'Asia/Bangkok')::date"))
        )::text AS data
        """
    }
}
