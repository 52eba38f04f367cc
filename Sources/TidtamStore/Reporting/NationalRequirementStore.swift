import Foundation
import Logging
import Postgres
import TidtamDomain

/// OBEC's requirements, kept once for the nation. Each district's reporting scan makes its own
/// copy (and follows a withdrawal); issuing one also enqueues that scan for every district at
/// once, so the copies appear within seconds rather than at the next scheduled scan.
public struct NationalRequirementStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    static let byID: SQL =
        "SELECT n.id, n.version, \(RequirementStore.nationalDocument) AS doc FROM national_requirement n"

    static func requireNational(_ tenant: Tenant) throws {
        switch tenant {
        case .national, .nationalService: return
        default:
            throw DomainError.forbidden(
                Explanation(
                    "Only OBEC issues requirements for every district.",
                    th: "รายงานที่ทุกเขตพื้นที่ต้องส่งกำหนดได้เฉพาะ สพฐ."))
        }
    }

    public func get(_ tenant: some TenantReading, id: Int64) async throws -> JSONDocument? {
        try await db.read(tenant, "\(Self.byID) WHERE n.id = \(id)").first.map(JSONDocument.init(row:))
    }

    public func list(_ tenant: some TenantReading, fiscalYear: Int?, page: PageRequest) async throws -> JSONPage {
        let after = try Cursor.decodeID(page.cursor)
        let rows = try await db.read(
            tenant,
            """
            \(Self.byID) WHERE (\(fiscalYear)::integer IS NULL OR n.fiscal_year = \(fiscalYear))
              AND (\(after)::bigint IS NULL OR n.id > \(after))
            ORDER BY n.id LIMIT \(page.limit + 1)
            """)
        return try JSONPage(rows: rows.rows, limit: page.limit) { [String(try $0.decode("id", as: Int64.self))] }
    }

    public func issue(_ tenant: Tenant, _ input: RequirementInput) async throws -> JSONDocument {
        try Self.requireNational(tenant)
        try RequirementStore.validate(input, national: true)
        let user: Int64? = if case .national(let user, _) = tenant { user } else { nil }
        let document = try await db.transaction(tenant) { tx in
            try JSONDocument(
                row: tx.query(
                    """
                    WITH n AS (
                        INSERT INTO national_requirement (title_th, title_en, fiscal_year, frequency, due_days, on_time_days,
                                                          audience, sections, reminder_policy, created_by)
                        VALUES (\(input.titleTH), \(input.titleEN), \(input.fiscalYear.buddhistYear), \(input.frequency.rawValue),
                                \(input.dueDays), \(input.onTimeDays), \(input.audience.rawValue),
                                \(RequirementStore.encoded(input.sections)), \(RequirementStore.encoded(input.reminderPolicy)), \(user))
                        RETURNING *
                    )
                    SELECT n.id, n.version, \(RequirementStore.nationalDocument) AS doc FROM n
                    """
                ).first!)
        }
        await reachEveryDistrict(key: "national_requirement:\(document.id):\(document.version)")
        return document
    }

    public func withdraw(_ tenant: Tenant, id: Int64, expectedVersion: Int) async throws -> JSONDocument {
        try Self.requireNational(tenant)
        let document = try await db.transaction(tenant) { tx in
            _ = try tx.lockVersioned(
                "SELECT version FROM national_requirement WHERE id = \(id) FOR UPDATE",
                expectedVersion: expectedVersion,
                entity: .requirement)
            try tx.query("UPDATE national_requirement SET status = 'withdrawn' WHERE id = \(id)")
            return try JSONDocument(row: tx.query("\(Self.byID) WHERE n.id = \(id)").first!)
        }
        await reachEveryDistrict(key: "national_requirement:\(document.id):\(document.version)")
        return document
    }

    /// OBEC changes the title or dates of its requirement; every district's copy follows it
    /// at its next scan (enqueued now), keeping the reminders the district tightened.
    public func changeTerms(_ tenant: Tenant, id: Int64, expectedVersion: Int, _ terms: RequirementTerms) async throws
        -> JSONDocument
    {
        try Self.requireNational(tenant)
        let document = try await db.transaction(tenant) { tx in
            let row = try tx.lockVersioned(
                "SELECT version, status FROM national_requirement WHERE id = \(id) FOR UPDATE",
                expectedVersion: expectedVersion, entity: .requirement)
            try RequirementStore.refuseWithdrawn(row)
            try tx.query(RequirementStore.changeTerms(table: "national_requirement", terms, where: "id = \(id)"))
            return try JSONDocument(row: tx.query("\(Self.byID) WHERE n.id = \(id)").first!)
        }
        await reachEveryDistrict(key: "national_requirement:\(document.id):\(document.version)")
        return document
    }

    /// One reporting scan per district now. The requirement has committed already: if this
    /// fails, the caller is not told it failed (it did not), and the next scheduled scan of each
    /// district brings the change in all the same.
    func reachEveryDistrict(key: String) async {
        do {
            let districts = try await db.read(Tenant.nationalService, "SELECT id FROM district ORDER BY id")
                .rows.map { try $0.decode("id", as: Int64.self) }
            try await db.transaction(Tenant.workerAcrossDistricts) { tx in
                try tx.query(DistrictFanOut.enqueue(districts: districts, key: key, kind: ReportingScan.kind))
            }
        } catch {
            Logger(label: "tidtam.reporting").warning(
                "OBEC's requirement is issued, but its scans were not enqueued now; the scheduled scans bring it in",
                metadata: ["key": "\(key)", "error": "\(error)"])
        }
    }
}
