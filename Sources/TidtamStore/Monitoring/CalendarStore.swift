import Foundation
import Postgres
import TidtamDomain

/// The days no visit may fall on: OBEC's public holidays and each district's own closed days
/// (weekends need no rows). Teams of the district's users.
public struct CalendarStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    // MARK: public holidays (national)

    static let holidayDocument: SQL =
        "json_build_object('day', h.day, 'day_th', \(SQLJSON.thaiDate("h.day")), 'name_th', h.name_th, 'name_en', h.name_en)"

    public func holidays(_ tenant: some TenantReading, year: Int?) async throws -> String {
        try await db.read(
            tenant,
            """
            SELECT json_build_object('items', coalesce(json_agg(\(Self.holidayDocument) ORDER BY h.day), '[]'), 'next_cursor', NULL)::text AS doc
            FROM public_holiday h
            WHERE \(year)::int IS NULL OR h.day BETWEEN make_date(\(year) - 544, 10, 1) AND make_date(\(year) - 543, 9, 30)
            """
        ).first!.decode("doc")
    }

    /// OBEC adds or renames a public holiday.
    public func putHoliday(_ tenant: Tenant, day: CalendarDate, nameTH: String, nameEN: String?) async throws -> String
    {
        try await db.transaction(tenant) { tx in
            try tx.query(
                """
                INSERT INTO public_holiday (day, name_th, name_en) VALUES (\(day.sql)::date, \(nameTH), \(nameEN))
                ON CONFLICT (day) DO UPDATE SET name_th = excluded.name_th, name_en = excluded.name_en
                """)
            return try tx.query(
                "SELECT \(Self.holidayDocument)::text AS doc FROM public_holiday h WHERE h.day = \(day.sql)::date"
            ).first!.decode("doc")
        }
    }

    public func deleteHoliday(_ tenant: Tenant, day: CalendarDate) async throws {
        try await db.transaction(tenant) { tx in
            let gone = try tx.query("DELETE FROM public_holiday WHERE day = \(day.sql)::date").affectedRows
            if gone == 0 { throw DomainError.notFound(.publicHoliday) }
        }
    }

    // MARK: closed days (district)

    static let closedDocument: SQL = """
        json_build_object('id', c.id, 'district_id', c.district_id, 'day', c.day, 'day_th', \(SQLJSON.thaiDate("c.day")),
                          'name_th', c.name_th, 'created_at', \(SQLJSON.time("c.created_at")))
        """
    static let closedByID = DocumentQuery("closed_day", "c", document: closedDocument, version: "1")

    public func closedDays(_ tenant: some TenantReading, districtID: Int64?, year: Int?, page: PageRequest)
        async throws -> JSONPage
    {
        let district = try tenant.districtToList(named: districtID)
        let after = try Cursor.decodeID(page.cursor)
        let rows = try await db.read(
            tenant,
            """
            SELECT c.id, 1 AS version, \(Self.closedDocument) AS doc FROM closed_day c
            WHERE c.district_id = \(district)
              AND (\(year)::int IS NULL OR c.day BETWEEN make_date(\(year) - 544, 10, 1) AND make_date(\(year) - 543, 9, 30))
              AND (\(after)::bigint IS NULL OR c.id > \(after))
            ORDER BY c.id LIMIT \(page.limit + 1)
            """)
        return try JSONPage(rows: rows.rows, limit: page.limit) { [String(try $0.decode("id", as: Int64.self))] }
    }

    public func addClosedDay(_ tenant: DistrictTenant, day: CalendarDate, nameTH: String) async throws -> JSONDocument {
        let district = tenant.districtID
        return try await db.transaction(tenant) { tx in
            let id: Int64 = try tx.query(
                "INSERT INTO closed_day (district_id, day, name_th) VALUES (\(district), \(day.sql)::date, \(nameTH)) RETURNING id"
            ).first!.decode("id")
            return try tx.document(Self.closedByID, district: district, id: id)
        }
    }

    public func removeClosedDay(_ tenant: DistrictTenant, id: Int64) async throws {
        let district = tenant.districtID
        try await db.transaction(tenant) { tx in
            let gone = try tx.query("DELETE FROM closed_day WHERE district_id = \(district) AND id = \(id)")
                .affectedRows
            if gone == 0 { throw DomainError.notFound(.closedDay) }
        }
    }

    /// The closed days between two moments (Asia/Bangkok days), with why each is closed.
    static func closedDaysBetween(_ tx: Transaction, district: Int64, from start: Date, to end: Date) throws
        -> [FieldError]
    {
        let rows = try tx.query(
            """
            SELECT d.day, \(SQLJSON.thaiDate("d.day")) AS day_th, extract(isodow FROM d.day)::int AS weekday,
                   h.name_th AS holiday, c.name_th AS closed
            FROM (SELECT g::date AS day FROM generate_series((\(start)::timestamptz AT TIME ZONE 'Asia/Bangkok')::date::timestamp,
                                                             ((\(end)::timestamptz - interval '1 microsecond') AT TIME ZONE 'Asia/Bangkok')::date::timestamp,
                                                             interval '1 day') AS g) d
            LEFT JOIN public_holiday h ON h.day = d.day
            LEFT JOIN closed_day c ON c.district_id = \(district) AND c.day = d.day
            WHERE extract(isodow FROM d.day) IN (6, 7) OR h.day IS NOT NULL OR c.day IS NOT NULL
            ORDER BY d.day LIMIT 5
            """)
        return try rows.rows.map { row in
            let dayTH: String = try row.decode("day_th")
            let weekday: Int = try row.decode("weekday")
            let (why, whyTH): (String, String)
            if let holiday: String = try row.decode("holiday") {
                (why, whyTH) = ("a public holiday (\(holiday))", "วันหยุดราชการ (\(holiday))")
            } else if let closed: String = try row.decode("closed") {
                (why, whyTH) = ("a closed day of the district (\(closed))", "วันปิดทำการของเขตพื้นที่ (\(closed))")
            } else {
                (why, whyTH) = weekday == 6 ? ("a Saturday", "วันเสาร์") : ("a Sunday", "วันอาทิตย์")
            }
            let day: String = try row.decode("day")
            return FieldError(
                .input["starts_at"], code: "closed_day", detail: "\(day) is \(why); no visit may fall on it.",
                th: "\(dayTH) เป็น\(whyTH) ไม่สามารถนัดลงพื้นที่ได้")
        }
    }

    // MARK: teams

    static let teamDocument: SQL = """
        json_build_object('id', t.id, 'district_id', t.district_id, 'name_th', t.name_th,
            'members', coalesce((SELECT json_agg(json_build_object('user_id', u.id, 'display_name', u.display_name) ORDER BY u.display_name, u.id)
                                 FROM team_member m JOIN app_user u ON u.district_id = m.district_id AND u.id = m.user_id
                                 WHERE m.district_id = t.district_id AND m.team_id = t.id), '[]'),
            'version', t.version, 'created_at', \(SQLJSON.time("t.created_at")), 'updated_at', \(SQLJSON.time("t.updated_at")))
        """
    static let teamByID = DocumentQuery("team", "t", document: teamDocument)

    public func team(_ tenant: some TenantReading, id: Int64) async throws -> JSONDocument? {
        try await db.document(tenant, Self.teamByID, id: id)
    }

    public func teams(_ tenant: some TenantReading, districtID: Int64?, page: PageRequest) async throws -> JSONPage {
        let district = try tenant.districtToList(named: districtID)
        let after = try Cursor.decodeID(page.cursor)
        let rows = try await db.read(
            tenant,
            """
            SELECT t.id, t.version, \(Self.teamDocument) AS doc FROM team t
            WHERE t.district_id = \(district) AND (\(after)::bigint IS NULL OR t.id > \(after))
            ORDER BY t.id LIMIT \(page.limit + 1)
            """)
        return try JSONPage(rows: rows.rows, limit: page.limit) { [String(try $0.decode("id", as: Int64.self))] }
    }

    public func createTeam(_ tenant: DistrictTenant, nameTH: String, memberIDs: [Int64]) async throws -> JSONDocument {
        let district = tenant.districtID
        return try await db.transaction(tenant) { tx in
            let id: Int64 = try tx.query(
                "INSERT INTO team (district_id, name_th) VALUES (\(district), \(nameTH)) RETURNING id"
            ).first!.decode("id")
            try Self.writeMembers(tx, district: district, team: id, memberIDs)
            return try tx.document(Self.teamByID, district: district, id: id)
        }
    }

    public func replaceTeam(
        _ tenant: DistrictTenant, id: Int64, expectedVersion: Int, nameTH: String, memberIDs: [Int64]
    ) async throws -> JSONDocument {
        let district = tenant.districtID
        return try await db.transaction(tenant) { tx in
            try tx.lockVersioned(
                "SELECT version FROM team WHERE district_id = \(district) AND id = \(id) FOR UPDATE",
                expectedVersion: expectedVersion, entity: .team)
            try tx.query(
                "UPDATE team SET name_th = \(nameTH), updated_at = now() WHERE district_id = \(district) AND id = \(id)"
            )
            try Self.writeMembers(tx, district: district, team: id, memberIDs)
            return try tx.document(Self.teamByID, district: district, id: id)
        }
    }

    static func writeMembers(_ tx: Transaction, district: Int64, team: Int64, _ users: [Int64]) throws {
        try VisitStore.requireUsers(tx, district: district, users, field: .input["member_ids"])
        try tx.query(
            """
            DELETE FROM team_member WHERE district_id = \(district) AND team_id = \(team) AND NOT (user_id = ANY (\(users)::bigint[]))
            """)
        try tx.query(
            """
            INSERT INTO team_member (district_id, team_id, user_id)
            SELECT \(district), \(team), u FROM unnest(\(users)::bigint[]) AS u
            ON CONFLICT (district_id, team_id, user_id) DO NOTHING
            """)
    }
}
