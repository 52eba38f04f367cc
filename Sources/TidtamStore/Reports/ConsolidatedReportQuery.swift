import Postgres
import TidtamDomain

/// The data of a requirement's consolidated report, in one statement: the district, the
/// requirement and its period's dates, and every unit expected for the period (as the reporting
/// rates count them: `ReportingRates.expected`) with its standing and the latest version it sent,
/// as `TidtamReports.ConsolidatedReport` decodes it.
enum ConsolidatedReportQuery {
    /// The period's last day, and whether the requirement and period exist in the district.
    static func periodEnd(district: Int64, requirementID: Int64, period: Int) -> SQL {
        """
        SELECT p.ends_on::text AS ends_on FROM report_requirement r, tidtam_fiscal_periods(r.fiscal_year, r.frequency) p
        WHERE r.district_id = \(district) AND r.id = \(requirementID) AND p.period_no = \(period)
        """
    }

    static func data(district: Int64, requirementID: Int64, period: Int, endsOn: CalendarDate) -> SQL {
        let expected = ReportingRates.expected(
            district: district,
            ReportingRates.Query(requirementID: requirementID, from: endsOn, to: endsOn, groupBy: .requirement))
        let statusTH = SQLJSON.thai("sub.status", SubmissionStatus.allCases.map { ($0.rawValue, $0.th) })
        return """
            WITH e AS MATERIALIZED (\(expected)),
            units AS (
                SELECT e.school_id, sc.obec_code, coalesce(sc.name_th, 'สำนักงานเขตพื้นที่การศึกษา') AS name_th,
                       CASE WHEN e.on_time THEN 'on_time' WHEN e.reported THEN 'late' ELSE 'missing' END AS standing,
                       sub.id AS submission_id, sub.status, \(statusTH) AS status_th, sub.first_submitted_at,
                       coalesce(sub.versions, 0) AS versions,
                       (SELECT v.content->'sections' FROM report_submission_version v
                        WHERE v.district_id = sub.district_id AND v.submission_id = sub.id
                        ORDER BY v.number DESC LIMIT 1) AS sections
                FROM e
                LEFT JOIN school sc ON sc.district_id = e.district_id AND sc.id = e.school_id
                LEFT JOIN report_submission sub ON sub.district_id = e.district_id AND sub.id = e.submission_id
            ), requirement AS (
                SELECT r.*, p.period_no, p.starts_on, p.ends_on + r.due_days AS due_on, p.ends_on + r.due_days + r.on_time_days AS on_time_until
                FROM report_requirement r, tidtam_fiscal_periods(r.fiscal_year, r.frequency) p
                WHERE r.district_id = \(district) AND r.id = \(requirementID) AND p.period_no = \(period)
            )
            SELECT json_build_object(
                'district', (SELECT json_build_object('id', d.id, 'code', d.code, 'name_th', d.name_th)
                             FROM district d WHERE d.id = \(district)),
                'requirement', (SELECT json_build_object(
                        'id', r.id, 'title_th', r.title_th, 'title_en', r.title_en,
                        'issuer_th', CASE WHEN r.national_requirement_id IS NULL THEN 'สำนักงานเขตพื้นที่การศึกษา' ELSE 'สพฐ.' END,
                        'fiscal_year', r.fiscal_year, 'period', r.period_no,
                        'period_th', \(ReportingSQL.periodTH("r.frequency", "r.period_no", "r.starts_on", "r.fiscal_year")),
                        'due_on', r.due_on, 'due_on_th', \(SQLJSON.thaiDate("r.due_on")),
                        'on_time_until', r.on_time_until, 'on_time_until_th', \(SQLJSON.thaiDate("r.on_time_until")))
                    FROM requirement r),
                'summary', (SELECT json_build_object(
                        'expected', count(*), 'submitted', count(*) FILTER (WHERE u.standing <> 'missing'),
                        'on_time', count(*) FILTER (WHERE u.standing = 'on_time'),
                        'late', count(*) FILTER (WHERE u.standing = 'late'),
                        'missing', count(*) FILTER (WHERE u.standing = 'missing'),
                        'reporting_rate', CASE WHEN count(*) > 0
                            THEN round(100.0 * count(*) FILTER (WHERE u.standing <> 'missing') / count(*), 2) END,
                        'on_time_rate', CASE WHEN count(*) > 0
                            THEN round(100.0 * count(*) FILTER (WHERE u.standing = 'on_time') / count(*), 2) END)
                    FROM units u),
                'units', (SELECT coalesce(json_agg(json_build_object(
                        'school_id', u.school_id, 'obec_code', u.obec_code, 'name_th', u.name_th, 'standing', u.standing,
                        'submission_id', u.submission_id, 'submission_status', u.status, 'submission_status_th', u.status_th,
                        'first_submitted_at', \(SQLJSON.time("u.first_submitted_at")),
                        'first_submitted_on_th', \(SQLJSON.thaiDate("(u.first_submitted_at AT TIME ZONE 'Asia/Bangkok')::date")),
                        'versions', u.versions, 'sections', u.sections)
                        ORDER BY u.school_id IS NOT NULL, u.name_th COLLATE "th-TH-x-icu", u.school_id), '[]')
                    FROM units u),
                'assembled_on_th', \(SQLJSON.thaiDate("(now() AT TIME ZONE 'Asia/Bangkok')::date"))
            )::text AS data
            """
    }
}
