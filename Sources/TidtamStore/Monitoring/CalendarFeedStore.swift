import Foundation
import Postgres
import TidtamDomain

/// What an iCalendar feed shows: one user's visits, a team's, or a school's.
public enum FeedTarget: Sendable, Equatable {
    case user(Int64)
    case team(Int64)
    case school(Int64)

    var kind: String {
        switch self {
        case .user: return "user"
        case .team: return "team"
        case .school: return "school"
        }
    }
}

/// iCalendar feeds at a secret URL: a calendar app subscribes without a bearer token, and
/// revoking the feed ends it. Only the secret's SHA-256 is kept.
public struct CalendarFeedStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    static let document: SQL = """
        json_build_object('id', c.id, 'district_id', c.district_id, 'kind', c.kind, 'user_id', c.user_id,
                          'team_id', c.team_id, 'school_id', c.school_id, 'name', c.name, 'token_prefix', c.token_prefix,
                          'revoked_at', \(SQLJSON.time("c.revoked_at")), 'created_by', c.created_by,
                          'version', c.version, 'created_at', \(SQLJSON.time("c.created_at")))
        """
    static let byID = DocumentQuery("calendar_feed", "c", document: document)

    /// Makes a feed; returns it with its one-time token (`tdc_<district>_<secret>`).
    public func create(_ tenant: DistrictTenant, _ target: FeedTarget, name: String) async throws -> (
        JSONDocument, String
    ) {
        let district = tenant.districtID
        // Anyone may subscribe to their own visits; other users' and teams' calendars are the
        // district office's to share; a school's staff may share their school's.
        switch target {
        case .user(let user) where user == tenant.userID: break
        case .school(let school) where school == tenant.schoolID: break
        default:
            guard tenant.role.reviewsReports else {
                throw DomainError.forbidden(
                    Explanation(
                        "Your role may make a feed of your own visits (or your school's) only.",
                        th: "บทบาทของท่านสร้างปฏิทินได้เฉพาะการลงพื้นที่ของตนเอง (หรือของสถานศึกษาของตน)"))
            }
        }
        let token = "tdc_\(district)_\(TokenStore.newSecret())"
        let prefix = String(token.prefix(token.count - 36))
        let (user, team, school): (Int64?, Int64?, Int64?) =
            switch target {
            case .user(let id): (id, nil, nil)
            case .team(let id): (nil, id, nil)
            case .school(let id): (nil, nil, id)
            }
        let document = try await db.transaction(tenant) { tx in
            let id: Int64 = try tx.query(
                """
                INSERT INTO calendar_feed (district_id, school_id, kind, user_id, team_id, name, token_prefix, token_hash, created_by)
                VALUES (\(district), \(school), \(target.kind), \(user), \(team), \(name), \(prefix),
                        sha256(convert_to(\(token), 'UTF8')), \(tenant.userID))
                RETURNING id
                """
            ).first!.decode("id")
            return try tx.document(Self.byID, district: district, id: id)
        }
        return (document, token)
    }

    public func list(_ tenant: DistrictTenant, page: PageRequest) async throws -> JSONPage {
        let after = try Cursor.decodeID(page.cursor)
        let rows = try await db.read(
            tenant,
            """
            SELECT c.id, c.version, \(Self.document) AS doc FROM calendar_feed c
            WHERE c.district_id = \(tenant.districtID)
              AND (\(tenant.role.reviewsReports) OR c.created_by = \(tenant.userID) OR c.user_id = \(tenant.userID))
              AND (\(after)::bigint IS NULL OR c.id > \(after))
            ORDER BY c.id LIMIT \(page.limit + 1)
            """)
        return try JSONPage(rows: rows.rows, limit: page.limit) { [String(try $0.decode("id", as: Int64.self))] }
    }

    /// Ends a feed: its URL answers 404 from now on.
    public func revoke(_ tenant: DistrictTenant, id: Int64) async throws -> JSONDocument {
        let district = tenant.districtID
        return try await db.transaction(tenant) { tx in
            guard
                let row = try tx.query(
                    "SELECT created_by, user_id FROM calendar_feed WHERE district_id = \(district) AND id = \(id) FOR UPDATE"
                ).first
            else { throw DomainError.notFound(.calendarFeed) }
            let own =
                try row.decode("created_by", as: Int64?.self) == tenant.userID
                || row.decode("user_id", as: Int64?.self) == tenant.userID
            guard own || tenant.role.reviewsReports else { throw DomainError.notFound(.calendarFeed) }
            try tx.query(
                """
                UPDATE calendar_feed SET revoked_at = coalesce(revoked_at, now()) WHERE district_id = \(district) AND id = \(id)
                """)
            return try tx.document(Self.byID, district: district, id: id)
        }
    }

    /// The feed a token opens, rendered; nil for a token that is unknown, malformed or revoked.
    /// The district in the token sets the tenant before the hash is looked up, as for API tokens.
    public func calendar(token: String, now: Date = Date()) async throws -> ICalendar? {
        let parts = token.split(separator: "_", maxSplits: 2)
        guard parts.count == 3, parts[0] == "tdc", let district = Int64(parts[1]), district > 0 else { return nil }
        let tenant = DistrictTenant.background(district)
        let rows = try await db.read(
            tenant,
            """
            WITH feed AS (
                SELECT c.kind, c.user_id, c.team_id, c.school_id, c.name FROM calendar_feed c
                WHERE c.district_id = \(district) AND c.token_hash = sha256(convert_to(\(token), 'UTF8')) AND c.revoked_at IS NULL
            )
            SELECT feed.name, v.id, v.version, v.kind, v.purpose_th, v.starts_at, v.ends_at, v.status, v.updated_at,
                   s.name_th AS school_name,
                   (SELECT string_agg(u.display_name, ', ' ORDER BY u.display_name)
                    FROM visit_member m JOIN app_user u ON u.district_id = m.district_id AND u.id = m.user_id
                    WHERE m.district_id = v.district_id AND m.visit_id = v.id) AS members
            FROM feed
            LEFT JOIN visit v ON v.district_id = \(district)
                 AND v.starts_at > \(now)::timestamptz - interval '180 days' AND v.starts_at < \(now)::timestamptz + interval '400 days'
                 AND CASE feed.kind
                         WHEN 'school' THEN v.school_id = feed.school_id
                         WHEN 'team' THEN v.team_id = feed.team_id
                         ELSE EXISTS (SELECT FROM visit_member m WHERE m.district_id = v.district_id AND m.visit_id = v.id
                                      AND m.user_id = feed.user_id) END
            LEFT JOIN school s ON s.district_id = v.district_id AND s.id = v.school_id
            ORDER BY v.starts_at, v.id
            """)
        guard let first = rows.first else { return nil }
        var events: [ICalendar.Event] = []
        for row in rows.rows {
            guard let id: Int64 = try row.decode("id") else { continue }
            let kind = VisitKind(rawValue: try row.decode("kind")) ?? .followUp
            let status = VisitStatus(rawValue: try row.decode("status")) ?? .planned
            let school: String = try row.decode("school_name")
            let members: String? = try row.decode("members")
            let purpose: String = try row.decode("purpose_th")
            events.append(
                ICalendar.Event(
                    uid: "visit-\(district)-\(id)@tidtam", sequence: try row.decode("version"),
                    stamp: try row.decode("updated_at"), start: try row.decode("starts_at"),
                    end: try row.decode("ends_at"), summary: "\(kind.thaiName): \(school)",
                    description: "\(purpose)\nผู้ร่วมลงพื้นที่: \(members ?? "-")\nสถานะ: \(status.thaiName)",
                    location: school,
                    status: status == .cancelled ? .cancelled : status == .planned ? .tentative : .confirmed))
        }
        return ICalendar(name: try first.decode("name"), events: events)
    }
}
