import Foundation
import Postgres
import TidtamDomain

public struct RequirementFilter: Sendable {
    public var districtID: Int64?
    public var fiscalYear: Int?
    public var nationalOnly: Bool
    public var includeWithdrawn: Bool
    public init(
        districtID: Int64? = nil, fiscalYear: Int? = nil, nationalOnly: Bool = false, includeWithdrawn: Bool = false
    ) {
        self.districtID = districtID; self.fiscalYear = fiscalYear; self.nationalOnly = nationalOnly
        self.includeWithdrawn = includeWithdrawn
    }
}

/// Report requirements (seed 5.3 step 1): OBEC's, issued once for every district (each district
/// works on its own copy, made by its reporting scan), and each district's own for its schools
/// and its office.
public struct RequirementStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    /// The periods of requirement `r` with their due dates and the last day that counts as on time.
    static func periods(_ r: SQL) -> SQL {
        """
        (SELECT json_agg(json_build_object(
            'period', p.period_no, 'name_th', \(ReportingSQL.periodTH("\(r).frequency", "p.period_no", "p.starts_on", "\(r).fiscal_year")),
            'starts_on', p.starts_on, 'ends_on', p.ends_on, 'due_on', p.ends_on + \(r).due_days,
            'due_on_th', \(SQLJSON.thaiDate("p.ends_on + \(r).due_days")),
            'on_time_until', p.ends_on + \(r).due_days + \(r).on_time_days) ORDER BY p.period_no)
         FROM tidtam_fiscal_periods(\(r).fiscal_year, \(r).frequency) p)
        """
    }

    /// What OBEC's requirement and a district's share.
    static func terms(_ r: SQL) -> SQL {
        """
        'title_th', \(r).title_th, 'title_en', \(r).title_en,
        'fiscal_year', \(r).fiscal_year, 'fiscal_year_th', 'ปีงบประมาณ พ.ศ. ' || \(r).fiscal_year,
        'frequency', \(r).frequency, 'frequency_th', \(SQLJSON.thai("\(r).frequency", RequirementFrequency.allCases.map { ($0.rawValue, $0.th) })),
        'due_days', \(r).due_days, 'on_time_days', \(r).on_time_days,
        'audience', \(r).audience, 'audience_th', \(SQLJSON.thai("\(r).audience", RequirementAudience.allCases.map { ($0.rawValue, $0.th) })),
        'sections', \(r).sections, 'reminder_policy', \(r).reminder_policy,
        'status', \(r).status, 'status_th', CASE \(r).status WHEN 'active' THEN 'ใช้งาน' ELSE 'ยกเลิกแล้ว' END,
        'periods', \(periods(r)),
        'version', \(r).version, 'created_at', \(SQLJSON.time("\(r).created_at")), 'updated_at', \(SQLJSON.time("\(r).updated_at"))
        """
    }

    static let document: SQL = """
        json_build_object(
            'id', r.id, 'district_id', r.district_id, 'national_requirement_id', r.national_requirement_id,
            'issuer', CASE WHEN r.national_requirement_id IS NULL THEN 'district' ELSE 'obec' END,
            'issuer_th', CASE WHEN r.national_requirement_id IS NULL THEN 'สำนักงานเขตพื้นที่การศึกษา' ELSE 'สพฐ.' END,
            'school_ids', (SELECT coalesce(json_agg(l.school_id ORDER BY l.school_id), '[]') FROM report_requirement_school l
                           WHERE l.district_id = r.district_id AND l.requirement_id = r.id),
            \(terms("r")))
        """
    static let byID = DocumentQuery("report_requirement", "r", document: document)

    static let nationalDocument: SQL = """
        json_build_object('id', n.id, 'issuer', 'obec', 'issuer_th', 'สพฐ.', \(terms("n")))
        """

    public func get(_ tenant: some TenantReading, id: Int64) async throws -> JSONDocument? {
        try await db.document(tenant, Self.byID, id: id)
    }

    public func list(_ tenant: some TenantReading, filter f: RequirementFilter, page: PageRequest) async throws
        -> JSONPage
    {
        let district = try tenant.districtToList(named: f.districtID)
        let after = try Cursor.decodeID(page.cursor)
        let rows = try await db.read(
            tenant,
            """
            SELECT r.id, \(Self.document) AS doc FROM report_requirement r
            WHERE r.district_id = \(district) AND (\(f.fiscalYear)::integer IS NULL OR r.fiscal_year = \(f.fiscalYear))
              AND (NOT \(f.nationalOnly) OR r.national_requirement_id IS NOT NULL)
              AND (\(f.includeWithdrawn) OR r.status = 'active')
              AND (\(after)::bigint IS NULL OR r.id > \(after))
            ORDER BY r.id LIMIT \(page.limit + 1)
            """)
        return try JSONPage(rows: rows.rows, limit: page.limit) { [String(try $0.decode("id", as: Int64.self))] }
    }

    static func encoded<T: Encodable>(_ value: T) -> PostgresJSON {
        PostgresJSON(String(decoding: (try? JSONEncoder().encode(value)) ?? Data("null".utf8), as: UTF8.self))
    }

    static func validate(_ input: RequirementInput, national: Bool) throws {
        let problems = input.problems(national: national)
        if !problems.isEmpty { throw DomainError.invalid(problems) }
    }

    /// A district issues a requirement for its schools (all of them or a list) or its own office.
    public func create(_ tenant: DistrictTenant, _ input: RequirementInput) async throws -> JSONDocument {
        try Self.validate(input, national: false)
        let district = tenant.districtID
        return try await db.transaction(tenant) { tx in
            let id: Int64 = try tx.query(
                """
                INSERT INTO report_requirement (district_id, title_th, title_en, fiscal_year, frequency, due_days, on_time_days,
                                                audience, sections, reminder_policy, created_by)
                VALUES (\(district), \(input.titleTH), \(input.titleEN), \(input.fiscalYear.buddhistYear), \(input.frequency.rawValue),
                        \(input.dueDays), \(input.onTimeDays), \(input.audience.rawValue), \(Self.encoded(input.sections)),
                        \(Self.encoded(input.reminderPolicy)), \(tenant.userID))
                RETURNING id
                """
            ).first!.decode("id")
            if !input.schoolIDs.isEmpty {
                let found = try tx.query(
                    """
                    INSERT INTO report_requirement_school (district_id, requirement_id, school_id)
                    SELECT \(district), \(id), s.id FROM school s
                    WHERE s.district_id = \(district) AND s.id = ANY (\(input.schoolIDs)::bigint[])
                    """
                ).affectedRows
                if found != Set(input.schoolIDs).count {
                    throw DomainError.invalid([
                        FieldError(
                            .input["school_ids"], code: "unknown_school",
                            detail: "A school named is not one of this district's.",
                            th: "มีสถานศึกษาที่ระบุซึ่งไม่อยู่ในสังกัดเขตพื้นที่นี้")
                    ])
                }
            }
            return try tx.document(Self.byID, district: district, id: id)
        }
    }

    /// The district makes its reminders stricter than the requirement's (OBEC's copy: never
    /// looser than OBEC's own policy; its own: as it likes).
    public func setReminderPolicy(_ tenant: DistrictTenant, id: Int64, expectedVersion: Int, _ policy: ReminderPolicy)
        async throws -> JSONDocument
    {
        let problems = policy.problems(at: .input)
        if !problems.isEmpty { throw DomainError.invalid(problems) }
        let district = tenant.districtID
        return try await db.transaction(tenant) { tx in
            let row = try tx.lockVersioned(
                """
                SELECT r.version, n.reminder_policy::text AS national_policy FROM report_requirement r
                LEFT JOIN national_requirement n ON n.id = r.national_requirement_id
                WHERE r.district_id = \(district) AND r.id = \(id) FOR UPDATE OF r
                """, expectedVersion: expectedVersion, entity: .requirement)
            if let text: String = try row.decode("national_policy"),
                let national = try? JSONDecoder().decode(ReminderPolicy.self, from: Data(text.utf8)),
                !policy.isAtLeastAsStrict(as: national)
            {
                throw DomainError.invalid([
                    FieldError(
                        .input, code: "looser_than_obec",
                        detail:
                            "A district may tighten OBEC's reminders, not loosen them: keep every reminder OBEC's policy sends and escalate no later.",
                        th:
                            "เขตพื้นที่ปรับการแจ้งเตือนให้เข้มกว่าที่ สพฐ. กำหนดได้เท่านั้น ต้องคงการแจ้งเตือนทุกครั้งของ สพฐ. และแจ้งผู้บริหารไม่ช้ากว่าเดิม"
                    )
                ])
            }
            try tx.query(
                "UPDATE report_requirement SET reminder_policy = \(Self.encoded(policy)) WHERE district_id = \(district) AND id = \(id)"
            )
            return try tx.document(Self.byID, district: district, id: id)
        }
    }

    /// A district changes the title or dates of its own requirement (OBEC changes its own).
    public func changeTerms(_ tenant: DistrictTenant, id: Int64, expectedVersion: Int, _ terms: RequirementTerms)
        async throws -> JSONDocument
    {
        let district = tenant.districtID
        return try await db.transaction(tenant) { tx in
            let row = try tx.lockVersioned(
                "SELECT version, national_requirement_id, status FROM report_requirement WHERE district_id = \(district) AND id = \(id) FOR UPDATE",
                expectedVersion: expectedVersion, entity: .requirement)
            if try row.decode("national_requirement_id", as: Int64?.self) != nil {
                throw DomainError.forbidden(
                    Explanation(
                        "This requirement is OBEC's: only OBEC changes its terms (the district may tighten its reminders).",
                        th: "รายงานนี้ สพฐ. เป็นผู้กำหนด แก้ไขได้โดย สพฐ. เท่านั้น (เขตพื้นที่ปรับการแจ้งเตือนให้เข้มขึ้นได้)"))
            }
            try Self.refuseWithdrawn(row)
            try tx.query(
                Self.changeTerms(table: "report_requirement", terms, where: "district_id = \(district) AND id = \(id)"))
            return try tx.document(Self.byID, district: district, id: id)
        }
    }

    static func refuseWithdrawn(_ row: Row) throws {
        if try row.decode("status", as: String.self) == "withdrawn" {
            throw DomainError.conflict(
                Explanation(
                    "The requirement has been withdrawn; its terms no longer change.",
                    th: "รายงานนี้ถูกยกเลิกแล้ว จึงแก้ไขไม่ได้"))
        }
    }

    /// The UPDATE of a requirement's terms (the district's own, or OBEC's).
    static func changeTerms(table: SQL, _ terms: RequirementTerms, where condition: SQL) -> SQL {
        let clearEN = terms.titleEN.map { $0 == nil } ?? false
        return """
            UPDATE \(table)
            SET title_th = coalesce(\(terms.titleTH), title_th),
                title_en = CASE WHEN \(clearEN) THEN NULL ELSE coalesce(\(terms.titleEN ?? nil), title_en) END,
                due_days = coalesce(\(terms.dueDays), due_days), on_time_days = coalesce(\(terms.onTimeDays), on_time_days)
            WHERE \(condition)
            """
    }

    /// A district withdraws its own requirement (OBEC withdraws its own for every district).
    public func withdraw(_ tenant: DistrictTenant, id: Int64, expectedVersion: Int) async throws -> JSONDocument {
        let district = tenant.districtID
        return try await db.transaction(tenant) { tx in
            let row = try tx.lockVersioned(
                "SELECT version, national_requirement_id FROM report_requirement WHERE district_id = \(district) AND id = \(id) FOR UPDATE",
                expectedVersion: expectedVersion, entity: .requirement)
            if try row.decode("national_requirement_id", as: Int64?.self) != nil {
                throw DomainError.forbidden(
                    Explanation(
                        "This requirement is OBEC's: only OBEC withdraws it.",
                        th: "รายงานนี้ สพฐ. เป็นผู้กำหนด ยกเลิกได้โดย สพฐ. เท่านั้น"))
            }
            try tx.query(
                "UPDATE report_requirement SET status = 'withdrawn' WHERE district_id = \(district) AND id = \(id)")
            return try tx.document(Self.byID, district: district, id: id)
        }
    }
}
