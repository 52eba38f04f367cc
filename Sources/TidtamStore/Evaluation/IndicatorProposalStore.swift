import Foundation
import Postgres
import TidtamDomain

/// What the district decides a proposed indicator becomes.
public enum ProposalScope: String, Sendable, CaseIterable {
    /// The proposing school's own indicator.
    case school
    /// A district-wide indicator, adopted by the proposing school, for other schools to adopt.
    case district

    public var th: String { self == .school ? "ตัวชี้วัดของสถานศึกษา" : "ตัวชี้วัดระดับเขตพื้นที่" }
}

public enum ProposalStatus: String, Sendable, CaseIterable {
    case proposed, accepted, returned
    public var th: String {
        switch self {
        case .proposed: "เสนอแล้ว รอพิจารณา"
        case .accepted: "รับแล้ว"
        case .returned: "ส่งกลับให้แก้ไข"
        }
    }
}

public struct ProposalFilter: Sendable {
    public var districtID: Int64?
    public var schoolID: Int64?
    public var status: ProposalStatus?
    public init(districtID: Int64? = nil, schoolID: Int64? = nil, status: ProposalStatus? = nil) {
        self.districtID = districtID; self.schoolID = schoolID; self.status = status
    }
}

/// KPIs and CSFs set with the schools (seed 5.2): a school proposes an indicator of its own;
/// the district accepts it, as the school's own or district-wide, or returns it with a reason;
/// a returned proposal is changed and sent again.
public struct IndicatorProposalStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    static let document: SQL = """
        json_build_object(
            'id', p.id, 'district_id', p.district_id, 'school_id', p.school_id, 'code', p.code,
            'name_th', p.name_th, 'name_en', p.name_en, 'unit_th', p.unit_th, 'kind', p.kind, 'direction', p.direction,
            'period', p.period, 'baseline', p.baseline,
            'scoring', json_build_object('method', p.scoring, 'levels', p.levels, 'score_one', p.score_one,
                                         'score_five', p.score_five, 'places', p.score_places),
            'band', CASE WHEN p.band_low IS NOT NULL THEN json_build_object('low', p.band_low, 'high', p.band_high) END,
            'weight', p.weight, 'is_csf', p.is_csf, 'targets', p.targets, 'rationale_th', p.rationale_th,
            'status', p.status, 'status_th', \(SQLJSON.thai("p.status", ProposalStatus.allCases.map { ($0.rawValue, $0.th) })),
            'scope', p.scope, 'scope_th', \(SQLJSON.thai("p.scope", ProposalScope.allCases.map { ($0.rawValue, $0.th) })),
            'return_reason', p.return_reason, 'indicator_id', p.indicator_id,
            'decided_at', \(SQLJSON.time("p.decided_at")), 'decided_by', p.decided_by,
            'version', p.version, 'created_at', \(SQLJSON.time("p.created_at")), 'updated_at', \(SQLJSON.time("p.updated_at")))
        """
    static let byID = DocumentQuery("indicator_proposal", "p", document: document)

    public func get(_ tenant: some TenantReading, id: Int64) async throws -> JSONDocument? {
        try await db.document(tenant, Self.byID, id: id)
    }

    public func list(_ tenant: some TenantReading, filter f: ProposalFilter, page: PageRequest) async throws -> JSONPage
    {
        let district = try tenant.districtToList(named: f.districtID)
        let after = try Cursor.decodeID(page.cursor)
        let rows = try await db.read(
            tenant,
            """
            SELECT p.id, \(Self.document) AS doc FROM indicator_proposal p
            WHERE p.district_id = \(district) AND (\(f.schoolID)::bigint IS NULL OR p.school_id = \(f.schoolID))
              AND (\(f.status?.rawValue)::text IS NULL OR p.status = \(f.status?.rawValue))
              AND (\(after)::bigint IS NULL OR p.id > \(after))
            ORDER BY p.id LIMIT \(page.limit + 1)
            """)
        return try JSONPage(rows: rows.rows, limit: page.limit) { [String(try $0.decode("id", as: Int64.self))] }
    }

    static func targets(_ input: IndicatorInput) -> PostgresJSON {
        PostgresJSON(
            SQLJSON.encode(
                input.targets.map {
                    IndicatorStore.TargetRow(
                        fiscalYear: $0.fiscalYear.buddhistYear, period: $0.period, target: "\($0.target)")
                }))
    }

    /// A school proposes (school staff: their own school; the district may enter it for one).
    public func propose(_ tenant: DistrictTenant, _ input: IndicatorInput, rationaleTH: String?) async throws
        -> JSONDocument
    {
        let district = tenant.districtID
        try IndicatorStore.validate(input)
        guard let school = try tenant.unit(input.schoolID) else {
            throw DomainError.invalid([
                FieldError(
                    .input["school_id"], code: "required", detail: "Name the school that proposes the indicator.",
                    th: "ต้องระบุสถานศึกษาที่เสนอตัวชี้วัด")
            ])
        }
        return try await db.transaction(tenant) { tx in
            let id: Int64 = try tx.query(
                """
                INSERT INTO indicator_proposal (district_id, school_id, \(IndicatorStore.columns), targets, rationale_th)
                VALUES (\(district), \(school), \(IndicatorStore.values(input)), \(Self.targets(input))::jsonb, \(rationaleTH))
                RETURNING id
                """
            ).first!.decode("id")
            return try tx.document(Self.byID, district: district, id: id)
        }
    }

    static func lock(_ tx: Transaction, district: Int64, id: Int64, expectedVersion: Int, allowed: Set<ProposalStatus>)
        throws -> Row
    {
        let row = try tx.lockVersioned(
            "SELECT version, status, school_id FROM indicator_proposal WHERE district_id = \(district) AND id = \(id) FOR UPDATE",
            expectedVersion: expectedVersion, entity: .indicatorProposal)
        let status = ProposalStatus(rawValue: try row.decode("status"))!
        guard allowed.contains(status) else {
            throw DomainError.conflict(
                Explanation(
                    "This proposal is \(status.rawValue): it cannot be changed that way.",
                    th: "ข้อเสนอนี้อยู่ในสถานะ「\(status.th)」 ทำรายการนี้ไม่ได้"))
        }
        return row
    }

    /// The school changes its proposal while it waits, or after it was returned (which sends it
    /// again).
    public func revise(
        _ tenant: DistrictTenant, id: Int64, expectedVersion: Int, _ input: IndicatorInput, rationaleTH: String?
    ) async throws -> JSONDocument {
        let district = tenant.districtID
        try IndicatorStore.validate(input)
        return try await db.transaction(tenant) { tx in
            _ = try Self.lock(
                tx, district: district, id: id, expectedVersion: expectedVersion, allowed: [.proposed, .returned])
            try tx.query(
                """
                UPDATE indicator_proposal SET (\(IndicatorStore.columns), targets, rationale_th) =
                    (\(IndicatorStore.values(input)), \(Self.targets(input))::jsonb, \(rationaleTH)),
                    status = 'proposed', return_reason = NULL
                WHERE district_id = \(district) AND id = \(id)
                """)
            return try tx.document(Self.byID, district: district, id: id)
        }
    }

    /// The district accepts: the indicator is made (with the school's targets), the school's own
    /// or district-wide and adopted by the school.
    public func accept(_ tenant: DistrictTenant, id: Int64, expectedVersion: Int, scope: ProposalScope) async throws
        -> JSONDocument
    {
        let district = tenant.districtID
        return try await db.transaction(tenant) { tx in
            let row = try Self.lock(
                tx, district: district, id: id, expectedVersion: expectedVersion, allowed: [.proposed])
            let school: Int64 = try row.decode("school_id")
            let indicator: Int64 = try tx.query(
                """
                INSERT INTO indicator (district_id, school_id, \(IndicatorStore.columns))
                SELECT district_id, \(scope == .school ? school : nil)::bigint, \(IndicatorStore.columns)
                FROM indicator_proposal WHERE district_id = \(district) AND id = \(id)
                RETURNING id
                """
            ).first!.decode("id")
            if scope == .district {
                try tx.query(
                    """
                    INSERT INTO indicator_adoption (district_id, indicator_id, school_id)
                    VALUES (\(district), \(indicator), \(school))
                    """)
            }
            try tx.query(
                """
                INSERT INTO indicator_target (district_id, indicator_id, school_id, fiscal_year, period, target)
                SELECT \(district), \(indicator), \(school), x.fiscal_year, x.period, x.target
                FROM indicator_proposal p, jsonb_to_recordset(p.targets) AS x(fiscal_year integer, period smallint, target numeric)
                WHERE p.district_id = \(district) AND p.id = \(id)
                """)
            try tx.query(
                """
                UPDATE indicator_proposal SET status = 'accepted', scope = \(scope.rawValue), indicator_id = \(indicator),
                                              decided_at = now(), decided_by = \(tenant.userID)
                WHERE district_id = \(district) AND id = \(id)
                """)
            return try tx.document(Self.byID, district: district, id: id)
        }
    }

    /// The district returns the proposal with its reason.
    public func returnProposal(_ tenant: DistrictTenant, id: Int64, expectedVersion: Int, reason: String) async throws
        -> JSONDocument
    {
        let district = tenant.districtID
        return try await db.transaction(tenant) { tx in
            _ = try Self.lock(tx, district: district, id: id, expectedVersion: expectedVersion, allowed: [.proposed])
            try tx.query(
                """
                UPDATE indicator_proposal SET status = 'returned', return_reason = \(reason), decided_at = now(),
                                              decided_by = \(tenant.userID)
                WHERE district_id = \(district) AND id = \(id)
                """)
            return try tx.document(Self.byID, district: district, id: id)
        }
    }
}
