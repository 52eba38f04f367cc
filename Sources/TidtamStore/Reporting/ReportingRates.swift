import Foundation
import Postgres
import TidtamDomain

/// How reporting rates are grouped.
public enum RateGrouping: String, Sendable, CaseIterable {
    case requirement, school, period, district
}

/// Completeness and timeliness as DHIS2 defines its reporting rates: for the periods that end
/// within a range, `expected` is the units that must submit × those periods (a school only for
/// the periods it was open in: opened on or before the period's end, not closed before its
/// start), `actual` the expected reports that stand submitted or accepted now (a returned one
/// counts again once it is sent again), `on_time` the actual ones first submitted by the due
/// date plus the days that still count; each as a count and a rate in percent.
public struct ReportingRates: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    public struct Query: Sendable {
        public var districtID: Int64?
        public var requirementID: Int64?
        public var nationalRequirementID: Int64?
        public var schoolID: Int64?
        public var from: CalendarDate
        public var to: CalendarDate
        public var groupBy: RateGrouping
        public init(
            districtID: Int64? = nil, requirementID: Int64? = nil, nationalRequirementID: Int64? = nil,
            schoolID: Int64? = nil, from: CalendarDate, to: CalendarDate, groupBy: RateGrouping
        ) {
            self.districtID = districtID; self.requirementID = requirementID
            self.nationalRequirementID = nationalRequirementID; self.schoolID = schoolID; self.from = from; self.to = to
            self.groupBy = groupBy
        }
    }

    /// Every expected report of `district` (nil: every district the reader sees) in the range,
    /// with whether it is in and whether it came in time.
    static func expected(district: Int64?, _ q: Query) -> SQL {
        """
        WITH req AS (
            SELECT r.* FROM report_requirement r
            WHERE (\(district)::bigint IS NULL OR r.district_id = \(district)) AND r.status = 'active'
              AND (\(q.requirementID)::bigint IS NULL OR r.id = \(q.requirementID))
              AND (\(q.nationalRequirementID)::bigint IS NULL OR r.national_requirement_id = \(q.nationalRequirementID))
        ), periods AS (
            SELECT req.district_id, req.id AS requirement_id, req.audience, req.title_th, req.frequency, req.fiscal_year,
                   p.period_no, p.starts_on, p.ends_on, p.ends_on + req.due_days + req.on_time_days AS on_time_until
            FROM req, tidtam_fiscal_periods(req.fiscal_year, req.frequency) p
            WHERE p.ends_on BETWEEN \(q.from.sql)::date AND \(q.to.sql)::date
        ), units AS (
            SELECT p.*, s.id AS school_id FROM periods p
            JOIN school s ON s.district_id = p.district_id
             AND (s.opened_on IS NULL OR s.opened_on <= p.ends_on) AND (s.closed_on IS NULL OR s.closed_on >= p.starts_on)
            WHERE p.audience = 'schools'
               OR (p.audience = 'listed_schools' AND EXISTS (
                   SELECT FROM report_requirement_school l
                   WHERE l.district_id = p.district_id AND l.requirement_id = p.requirement_id AND l.school_id = s.id))
            UNION ALL
            SELECT p.*, NULL::bigint FROM periods p WHERE p.audience = 'district_office'
        )
        SELECT u.*, sub.id AS submission_id,
               coalesce(sub.status IN ('submitted', 'accepted'), false) AS reported,
               coalesce(sub.status IN ('submitted', 'accepted')
                        AND (sub.first_submitted_at AT TIME ZONE 'Asia/Bangkok')::date <= u.on_time_until, false) AS on_time
        FROM units u
        LEFT JOIN report_submission sub ON sub.district_id = u.district_id AND sub.requirement_id = u.requirement_id
             AND sub.period_no = u.period_no AND sub.school_id IS NOT DISTINCT FROM u.school_id
        WHERE (\(q.schoolID)::bigint IS NULL OR u.school_id = \(q.schoolID))
        """
    }

    static func rates(_ expected: SQL) -> SQL {
        """
        'expected', count(*), 'actual', count(*) FILTER (WHERE e.reported), 'on_time', count(*) FILTER (WHERE e.on_time),
        'reporting_rate', CASE WHEN count(*) > 0 THEN round(100.0 * count(*) FILTER (WHERE e.reported) / count(*), 2) END,
        'on_time_rate', CASE WHEN count(*) > 0 THEN round(100.0 * count(*) FILTER (WHERE e.on_time) / count(*), 2) END
        """
    }

    static func grouped(_ q: Query) -> (key: SQL, fields: SQL, order: SQL) {
        switch q.groupBy {
        case .requirement:
            return (
                "e.district_id, e.requirement_id, e.title_th",
                "'requirement_id', e.requirement_id, 'title_th', e.title_th,", "e.district_id, e.requirement_id"
            )
        case .school:
            return (
                "e.district_id, e.school_id",
                """
                'school_id', e.school_id, 'unit_th', CASE WHEN e.school_id IS NULL THEN 'สำนักงานเขตพื้นที่การศึกษา'
                    ELSE (SELECT sc.name_th FROM school sc WHERE sc.district_id = e.district_id AND sc.id = e.school_id) END,
                """, "e.district_id, e.school_id NULLS FIRST"
            )
        case .period:
            return (
                "e.district_id, e.requirement_id, e.frequency, e.fiscal_year, e.period_no, e.starts_on, e.ends_on",
                """
                'requirement_id', e.requirement_id, 'period', e.period_no,
                'period_th', \(ReportingSQL.periodTH("e.frequency", "e.period_no", "e.starts_on", "e.fiscal_year")),
                """, "e.district_id, e.requirement_id, e.period_no"
            )
        case .district:
            return (
                "e.district_id",
                """
                'district_id', e.district_id, 'district_th', (SELECT d.name_th FROM district d WHERE d.id = e.district_id),
                """, "e.district_id"
            )
        }
    }

    /// The rates, in total and grouped as asked: `{"from", "to", "total", "groups": [...]}`.
    /// A district's reader sees its district; the national reader names one, or names OBEC's
    /// requirement to see every district side by side.
    public func compute(_ tenant: some TenantReading, _ q: Query) async throws -> String {
        let district: Int64? =
            if q.nationalRequirementID != nil && tenant.district == nil { q.districtID } else {
                try tenant.districtToList(named: q.districtID)
            }
        let (key, fields, order) = Self.grouped(q)
        let rows = try await db.read(
            tenant,
            """
            WITH e AS MATERIALIZED (\(Self.expected(district: district, q))),
            g AS (SELECT json_build_object(\(fields) \(Self.rates("e"))) AS doc, row_number() OVER (ORDER BY \(order)) AS n
                  FROM e GROUP BY \(key))
            SELECT json_build_object(
                'from', \(q.from.sql)::date, 'to', \(q.to.sql)::date, 'group_by', \(q.groupBy.rawValue)::text,
                'total', (SELECT json_build_object(\(Self.rates("e"))) FROM e),
                'groups', coalesce((SELECT json_agg(g.doc ORDER BY g.n) FROM g), '[]'))::text AS doc
            """)
        return try rows.first!.decode("doc")
    }
}
