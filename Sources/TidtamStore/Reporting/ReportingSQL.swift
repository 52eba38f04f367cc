import Postgres
import TidtamDomain

/// SQL that requirements, submissions and rates share.
enum ReportingSQL {
    /// A requirement period's Thai name: "ไตรมาสที่ 1 ปีงบประมาณ พ.ศ. 2569", "เดือนตุลาคม 2568",
    /// "ครึ่งปีแรก ปีงบประมาณ พ.ศ. 2569", "ปีงบประมาณ พ.ศ. 2569".
    static func periodTH(_ frequency: SQL, _ number: SQL, _ startsOn: SQL, _ fiscalYear: SQL) -> SQL {
        """
        CASE \(frequency)
            WHEN 'quarter' THEN 'ไตรมาสที่ ' || \(number) || ' ปีงบประมาณ พ.ศ. ' || \(fiscalYear)
            WHEN 'month' THEN 'เดือน' || (ARRAY[\(SQLJSON.thaiMonths)])[extract(month FROM \(startsOn))::int] || ' '
                              || (extract(year FROM \(startsOn))::int + 543)
            WHEN 'half' THEN CASE \(number) WHEN 1 THEN 'ครึ่งปีแรก' ELSE 'ครึ่งปีหลัง' END || ' ปีงบประมาณ พ.ศ. ' || \(fiscalYear)
            ELSE 'ปีงบประมาณ พ.ศ. ' || \(fiscalYear) END
        """
    }

    /// The unit's name: its school's, or the district office's.
    static func unitTH(_ s: SQL) -> SQL {
        """
        CASE WHEN \(s).school_id IS NULL THEN 'สำนักงานเขตพื้นที่การศึกษา'
             ELSE (SELECT sc.name_th FROM school sc WHERE sc.district_id = \(s).district_id AND sc.id = \(s).school_id) END
        """
    }

    /// What a submission `s` of requirement `r` for period `p` (with ends_on) holds when it is
    /// sent: each section by its key, the data sections filled from the unit's data as it
    /// stands, the text and files as the unit wrote them.
    static func frozenSections(_ s: SQL, _ r: SQL, _ p: SQL) -> SQL {
        """
        (SELECT coalesce(jsonb_object_agg(sec->>'key', jsonb_build_object(
                'kind', sec->>'kind', 'title_th', sec->>'title_th', 'title_en', sec->'title_en',
                'value', CASE sec->>'kind'
                    WHEN 'text' THEN \(s).content->(sec->>'key')
                    WHEN 'file' THEN \(files(s, "sec->>'key'"))
                    WHEN 'progress' THEN \(progress(s, r, p))
                    WHEN 'actuals' THEN \(actuals(s, r))
                    WHEN 'evaluation' THEN \(evaluations(s, r)) END)), '{}')
         FROM jsonb_array_elements(\(r).sections) sec)
        """
    }

    static func files(_ s: SQL, _ key: SQL) -> SQL {
        """
        (SELECT coalesce(jsonb_agg(jsonb_build_object('id', e.id, 'file_name', e.file_name, 'content_type', e.content_type,
                                                      'byte_size', e.byte_size, 'sha256', encode(e.sha256, 'hex')) ORDER BY e.id), '[]')
         FROM evidence_file e WHERE e.district_id = \(s).district_id AND e.submission_id = \(s).id AND e.section_key = \(key))
        """
    }

    /// The unit's projects in its approved action plan of the fiscal year, each with its budget
    /// and its latest accepted or submitted progress report of a period ending by `p`'s end.
    static func progress(_ s: SQL, _ r: SQL, _ p: SQL) -> SQL {
        """
        (SELECT coalesce(jsonb_agg(jsonb_build_object(
                'project_id', pr.id, 'code', pr.code, 'name_th', pr.name_th,
                'budget', (SELECT coalesce(sum(b.amount), 0) FROM budget_line b WHERE b.district_id = pr.district_id AND b.project_id = pr.id),
                'report', (SELECT jsonb_build_object('report_id', rep.id, 'report_version', rep.report_version,
                                                     'period_th', \(SQLJSON.periodTH("m")), 'percent_complete', rep.percent_complete,
                                                     'progress_status', rep.progress_status, 'status', rep.status,
                                                     'disbursed', (SELECT coalesce(sum(d.amount), 0) FROM report_disbursement d
                                                                   WHERE d.district_id = rep.district_id AND d.report_id = rep.id))
                           FROM progress_report rep JOIN monitoring_item m ON m.district_id = rep.district_id AND m.id = rep.item_id
                           WHERE rep.district_id = pr.district_id AND rep.project_id = pr.id
                             AND rep.status IN ('submitted', 'acknowledged') AND m.period_end <= \(p).ends_on
                           ORDER BY m.period_end DESC, rep.report_version DESC LIMIT 1)) ORDER BY pr.code), '[]')
         FROM action_plan ap JOIN project pr ON pr.district_id = ap.district_id AND pr.plan_id = ap.id
         WHERE ap.district_id = \(s).district_id AND ap.school_id IS NOT DISTINCT FROM \(s).school_id
           AND ap.fiscal_year = \(r).fiscal_year AND ap.status = 'approved' AND ap.superseded_at IS NULL)
        """
    }

    /// The unit's current actuals of the fiscal year (the latest correction of each).
    static func actuals(_ s: SQL, _ r: SQL) -> SQL {
        """
        (SELECT coalesce(jsonb_agg(jsonb_build_object('indicator_id', i.id, 'code', i.code, 'name_th', i.name_th,
                                                      'unit_th', i.unit_th, 'period', a.period, 'value', a.value,
                                                      'actual_id', a.id, 'seq', a.seq) ORDER BY i.id, a.period), '[]')
         FROM (SELECT DISTINCT ON (x.indicator_id, x.period) x.* FROM indicator_actual x
               WHERE x.district_id = \(s).district_id AND x.school_id IS NOT DISTINCT FROM \(s).school_id
                 AND x.fiscal_year = \(r).fiscal_year
               ORDER BY x.indicator_id, x.period, x.seq DESC) a
         JOIN indicator i ON i.district_id = a.district_id AND i.id = a.indicator_id)
        """
    }

    /// The unit's evaluations of the fiscal year, with their round.
    static func evaluations(_ s: SQL, _ r: SQL) -> SQL {
        """
        (SELECT coalesce(jsonb_agg(jsonb_build_object('evaluation_id', e.id, 'subject', e.subject, 'subject_id', e.subject_id,
                                                      'round_th', er.name_th, 'status', e.status, 'score', e.score,
                                                      'level', e.level) ORDER BY e.id), '[]')
         FROM evaluation e JOIN evaluation_round er ON er.district_id = e.district_id AND er.id = e.round_id
         WHERE e.district_id = \(s).district_id AND e.school_id IS NOT DISTINCT FROM \(s).school_id
           AND e.fiscal_year = \(r).fiscal_year)
        """
    }
}
