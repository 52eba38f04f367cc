import Foundation
import Postgres
import TidtamDomain

/// Filters of the monitoring plan's due items.
public struct MonitoringItemFilter: Sendable {
    public var districtID: Int64?
    public var schoolID: Int64?
    public var fiscalYear: Int?
    public var periodKind: PeriodKind?
    public var period: Int?
    public var kind: MonitoringItemKind?
    public var standing: ItemStanding?
    /// Late or missing only (the overdue list).
    public var overdue: Bool
    public var actionPlanID: Int64?
    public var projectID: Int64?
    public var agreementID: Int64?

    public init(
        districtID: Int64? = nil, schoolID: Int64? = nil, fiscalYear: Int? = nil, periodKind: PeriodKind? = nil,
        period: Int? = nil, kind: MonitoringItemKind? = nil, standing: ItemStanding? = nil, overdue: Bool = false,
        actionPlanID: Int64? = nil, projectID: Int64? = nil, agreementID: Int64? = nil
    ) {
        self.districtID = districtID; self.schoolID = schoolID; self.fiscalYear = fiscalYear
        self.periodKind = periodKind; self.period = period; self.kind = kind; self.standing = standing
        self.overdue = overdue; self.actionPlanID = actionPlanID; self.projectID = projectID
        self.agreementID = agreementID
    }
}

/// The monitoring plan: the district's settings, the due items with where each stands, the
/// overdue list, and moving a due date.
public struct MonitoringStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    // MARK: settings

    static let settingsDocument: SQL = """
        SELECT 1::bigint AS id, coalesce(max(version), 0) AS version,
               json_build_object('report_frequency', coalesce(max(report_frequency), 'quarterly'),
                                 'report_due_days', coalesce(max(report_due_days), 15),
                                 'joint_visit_days', coalesce(max(joint_visit_days), 3),
                                 'version', coalesce(max(version), 0))::text AS doc
        FROM monitoring_setting
        """

    public func settings(_ tenant: DistrictTenant) async throws -> JSONDocument {
        try await db.read(tenant, "\(Self.settingsDocument) WHERE district_id = \(tenant.districtID)").first.map(
            JSONDocument.init(row:))!
    }

    /// Replaces the settings (version 0: none were set yet). Applies to plans approved from now on.
    public func updateSettings(_ tenant: DistrictTenant, expectedVersion: Int, _ settings: MonitoringSettings)
        async throws -> JSONDocument
    {
        let district = tenant.districtID
        return try await db.transaction(tenant) { tx in
            let current: Int =
                try tx.query("SELECT version FROM monitoring_setting WHERE district_id = \(district) FOR UPDATE").first?
                .decode("version") ?? 0
            guard current == expectedVersion else { throw DomainError.versionMismatch(current: current) }
            try tx.query(
                """
                INSERT INTO monitoring_setting (district_id, report_frequency, report_due_days, joint_visit_days)
                VALUES (\(district), \(settings.reportFrequency.rawValue), \(settings.reportDueDays), \(settings.jointVisitDays))
                ON CONFLICT (district_id) DO UPDATE SET report_frequency = excluded.report_frequency,
                    report_due_days = excluded.report_due_days, joint_visit_days = excluded.joint_visit_days
                """)
            return try JSONDocument(
                row: tx.query("\(Self.settingsDocument) WHERE district_id = \(district)").first!)
        }
    }

    // MARK: items

    /// When the first version of an item's report was submitted (nil: never), which the
    /// reports' trigger keeps on the item.
    static func firstSubmitted(_ m: SQL) -> SQL { "\(m).first_submitted_at" }

    static func standing(_ m: SQL) -> SQL {
        "tidtam_item_standing(\(m).status, \(m).due_on, \(firstSubmitted(m)))"
    }

    static let document: SQL = """
        json_build_object(
            'id', m.id, 'district_id', m.district_id, 'school_id', m.school_id,
            'school_name_th', (SELECT s.name_th FROM school s WHERE s.district_id = m.district_id AND s.id = m.school_id),
            'kind', m.kind, 'kind_th', \(SQLJSON.thai("m.kind", MonitoringItemKind.allCases.map { ($0.rawValue, $0.thaiName) })),
            'fiscal_year', m.fiscal_year, 'period_kind', m.period_kind, 'period', m.period,
            'period_th', \(SQLJSON.periodTH("m")), 'period_start', m.period_start, 'period_end', m.period_end,
            'action_plan_id', m.action_plan_id, 'project_id', m.project_id,
            'project_name_th', (SELECT x.name_th FROM project x WHERE x.district_id = m.district_id AND x.id = m.project_id),
            'activity_id', m.activity_id,
            'activity_name_th', (SELECT a.name_th FROM activity a WHERE a.district_id = m.district_id AND a.id = m.activity_id),
            'agreement_id', m.agreement_id, 'agreement_item_id', m.agreement_item_id,
            'indicator_name_th', (SELECT i.name_th FROM agreement_item it JOIN indicator i ON i.district_id = it.district_id AND i.id = it.indicator_id
                                  WHERE it.district_id = m.district_id AND it.id = m.agreement_item_id),
            'due_on', m.due_on, 'due_on_th', \(SQLJSON.thaiDate("m.due_on")), 'original_due_on', m.original_due_on,
            'due_change_reason', m.due_change_reason, 'status', m.status,
            'standing', \(standing("m")),
            'standing_th', \(SQLJSON.thai(standing("m"), ItemStanding.allCases.map { ($0.rawValue, $0.thaiName) })),
            'first_submitted_at', \(SQLJSON.time(firstSubmitted("m"))),
            'latest_report', (SELECT json_build_object('id', r.id, 'report_version', r.report_version, 'status', r.status,
                                                       'percent_complete', r.percent_complete, 'progress_status', r.progress_status)
                              FROM progress_report r WHERE r.district_id = m.district_id AND r.item_id = m.id
                              ORDER BY r.report_version DESC LIMIT 1),
            'withdrawn_at', \(SQLJSON.time("m.withdrawn_at")),
            'version', m.version, 'created_at', \(SQLJSON.time("m.created_at")), 'updated_at', \(SQLJSON.time("m.updated_at")))
        """
    static let byID = DocumentQuery("monitoring_item", "m", document: document)

    public func get(_ tenant: some TenantReading, id: Int64) async throws -> JSONDocument? {
        try await db.document(tenant, Self.byID, id: id)
    }

    /// The filter as SQL: only the conditions that are set, so that each list is planned for
    /// its own filters (a prepared statement's generic plan cannot use an index for
    /// `($1 IS NULL OR col = $1)`), and the overdue list's index serves it.
    static func conditions(_ f: MonitoringItemFilter, district: Int64) -> SQL {
        var parts: [SQL] = ["m.district_id = \(district)"]
        if let school = f.schoolID { parts.append("m.school_id = \(school)") }
        if let year = f.fiscalYear { parts.append("m.fiscal_year = \(year)") }
        if let kind = f.periodKind { parts.append("m.period_kind = \(kind.rawValue)") }
        if let period = f.period { parts.append("m.period = \(period)") }
        if let kind = f.kind { parts.append("m.kind = \(kind.rawValue)") }
        if let plan = f.actionPlanID { parts.append("m.action_plan_id = \(plan)") }
        if let project = f.projectID { parts.append("m.project_id = \(project)") }
        if let agreement = f.agreementID { parts.append("m.agreement_id = \(agreement)") }
        if let standing = f.standing { parts.append("\(Self.standing("m")) = \(standing.rawValue)") }
        if f.overdue {
            // Late or missing, said as the overdue index's predicate (the same as the standing's
            // rule once the due date has passed), so that the index serves the list.
            parts.append(
                """
                m.status = 'open' AND m.due_on < (now() AT TIME ZONE 'Asia/Bangkok')::date
                AND (m.first_submitted_at IS NULL OR (m.first_submitted_at AT TIME ZONE 'Asia/Bangkok')::date > m.due_on)
                """)
        }
        return SQL.join(parts, " AND ")
    }

    /// Due items by due date, then id.
    public func list(_ tenant: some TenantReading, filter: MonitoringItemFilter, page: PageRequest) async throws
        -> JSONPage
    {
        let district = try tenant.districtToList(named: filter.districtID)
        let after = try page.cursor.map { try Cursor.decode($0, count: 2) }
        let afterDue = after?[0], afterID = after.flatMap { Int64($0[1]) }
        if after != nil, afterID == nil || CalendarDate(iso: afterDue ?? "") == nil {
            throw DomainError.invalid([Cursor.invalid])
        }
        let sql: SQL = """
            SELECT m.id, m.version, m.due_on::text AS due, \(Self.document) AS doc FROM monitoring_item m
            WHERE \(Self.conditions(filter, district: district))
              AND (\(afterDue)::date IS NULL OR (m.due_on, m.id) > (\(afterDue)::date, \(afterID)))
            ORDER BY m.due_on, m.id
            LIMIT \(page.limit + 1)
            """
        let rows = try await db.read(tenant, sql)
        return try JSONPage(rows: rows.rows, limit: page.limit) {
            [try $0.decode("due", as: String.self), String(try $0.decode("id", as: Int64.self))]
        }
    }

    /// The overdue list: every late or missing item of the district's units for a period, by
    /// school name in Thai order (the district office's own items first), then due date. One
    /// statement, so one round trip.
    public func overdue(_ tenant: some TenantReading, filter: MonitoringItemFilter, page: PageRequest) async throws
        -> JSONPage
    {
        let district = try tenant.districtToList(named: filter.districtID)
        var f = filter
        f.overdue = true
        let after = try page.cursor.map { try Cursor.decode($0, count: 3) }
        let afterName = after?[0], afterSchool = after.flatMap { Int64($0[1]) },
            afterID = after.flatMap { Int64($0[2]) }
        if after != nil, afterSchool == nil || afterID == nil { throw DomainError.invalid([Cursor.invalid]) }
        // The page is chosen first and only its rows are rendered (a document computed below
        // the sort would be computed for every overdue item of the period).
        let sql: SQL = """
            WITH page AS (
                SELECT m.id, coalesce(s.name_th, '') AS school_name, coalesce(m.school_id, 0) AS school_key
                FROM monitoring_item m
                LEFT JOIN school s ON s.district_id = m.district_id AND s.id = m.school_id
                WHERE \(Self.conditions(f, district: district))
                  AND (\(afterName)::text IS NULL
                       OR (coalesce(s.name_th, ''), coalesce(m.school_id, 0), m.id) > (\(afterName)::text COLLATE "th-TH-x-icu", \(afterSchool), \(afterID)))
                ORDER BY coalesce(s.name_th, '') COLLATE "th-TH-x-icu", coalesce(m.school_id, 0), m.id
                LIMIT \(page.limit + 1)
            )
            SELECT m.id, m.version, p.school_name, p.school_key, \(Self.document) AS doc
            FROM page p JOIN monitoring_item m ON m.district_id = \(district) AND m.id = p.id
            ORDER BY p.school_name COLLATE "th-TH-x-icu", p.school_key, p.id
            """
        let rows = try await db.read(tenant, sql)
        return try JSONPage(rows: rows.rows, limit: page.limit) {
            [
                try $0.decode("school_name", as: String.self), String(try $0.decode("school_key", as: Int64.self)),
                String(try $0.decode("id", as: Int64.self)),
            ]
        }
    }

    /// How many items stand where, for the filter: the counts a district office reads first.
    public func summary(_ tenant: some TenantReading, filter: MonitoringItemFilter) async throws -> String {
        let district = try tenant.districtToList(named: filter.districtID)
        let sql: SQL = """
            SELECT json_build_object(
                'total', count(*),
                \(SQL.join(ItemStanding.allCases.map { "\(SQL.constant($0.rawValue)), count(*) FILTER (WHERE t.standing = \(SQL.constant($0.rawValue)))" }, ", "))
            )::text AS doc
            FROM (SELECT \(Self.standing("m")) AS standing FROM monitoring_item m WHERE \(Self.conditions(filter, district: district))) t
            """
        return try await db.read(tenant, sql).first!.decode("doc")
    }

    /// Moves an item's due date, with the reason (audited, as every change of the item is).
    public func moveDueDate(
        _ tenant: DistrictTenant, id: Int64, expectedVersion: Int, to day: CalendarDate, reason: String
    ) async throws -> JSONDocument {
        let district = tenant.districtID
        return try await db.transaction(tenant) { tx in
            let row = try tx.lockVersioned(
                "SELECT version, status FROM monitoring_item WHERE district_id = \(district) AND id = \(id) FOR UPDATE",
                expectedVersion: expectedVersion, entity: .monitoringItem)
            guard try row.decode("status", as: String.self) == "open" else {
                throw DomainError.conflict(
                    Explanation(
                        "This item was withdrawn with its project; its due date no longer applies.",
                        th: "รายการนี้ถูกยกเลิกไปพร้อมกับการปรับแผน จึงเลื่อนกำหนดส่งไม่ได้"))
            }
            try tx.query(
                """
                UPDATE monitoring_item SET due_on = \(day.sql)::date,
                    due_change_reason = CASE WHEN \(day.sql)::date = original_due_on THEN NULL ELSE \(reason) END
                WHERE district_id = \(district) AND id = \(id)
                """)
            return try tx.document(Self.byID, district: district, id: id)
        }
    }
}
