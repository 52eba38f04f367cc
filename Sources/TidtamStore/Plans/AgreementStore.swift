import Foundation
import Postgres
import TidtamDomain

/// Performance agreements: weighted items, the plan lifecycle, and revisions.
public struct AgreementStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    static let document: SQL = """
        json_build_object(
            'id', a.id, 'district_id', a.district_id, 'school_id', a.school_id, 'fiscal_year', a.fiscal_year,
            'revision', a.revision, 'previous_id', a.previous_id, 'title_th', a.title_th,
            'signed_by_th', a.signed_by_th, 'signer_role_th', a.signer_role_th, 'signed_on', a.signed_on,
            'status', a.status, 'status_th', \(SQLJSON.statusTH("a.status")), 'return_reason', a.return_reason,
            'submitted_at', \(SQLJSON.time("a.submitted_at")), 'decided_at', \(SQLJSON.time("a.decided_at")),
            'decided_by', a.decided_by, 'superseded_at', \(SQLJSON.time("a.superseded_at")),
            'items', coalesce((SELECT json_agg(json_build_object('id', it.id, 'indicator_id', it.indicator_id, 'name_th', i.name_th,
                                                                 'unit_th', i.unit_th, 'weight', it.weight, 'target', it.target)
                                               ORDER BY it.position)
                               FROM agreement_item it JOIN indicator i ON i.district_id = it.district_id AND i.id = it.indicator_id
                               WHERE it.district_id = a.district_id AND it.agreement_id = a.id), '[]'),
            'weight_total', (SELECT coalesce(sum(weight), 0) FROM agreement_item it WHERE it.district_id = a.district_id AND it.agreement_id = a.id),
            'version', a.version, 'created_at', \(SQLJSON.time("a.created_at")), 'updated_at', \(SQLJSON.time("a.updated_at")))
        """
    static let byID = DocumentQuery("performance_agreement", "a", document: document)

    public func get(_ tenant: some TenantReading, id: Int64) async throws -> JSONDocument? {
        try await db.document(tenant, Self.byID, id: id)
    }

    public func list(_ tenant: some TenantReading, filter: PlanFilter, page: PageRequest) async throws -> JSONPage {
        try await LifecycleTable.agreement.list(
            db, "a", document: Self.document, tenant: tenant, filter: filter, page: page)
    }

    public func create(_ tenant: DistrictTenant, _ input: AgreementInput) async throws -> JSONDocument {
        let district = tenant.districtID
        try Self.validate(input)
        let school = try tenant.unit(input.schoolID)
        return try await db.transaction(tenant) { tx in
            let id: Int64 = try tx.query(
                """
                INSERT INTO performance_agreement (district_id, school_id, fiscal_year, title_th, signed_by_th, signer_role_th, signed_on)
                VALUES (\(district), \(school), \(input.fiscalYear.buddhistYear), \(input.titleTH), \(input.signedByTH),
                        \(input.signerRoleTH), \(input.signedOn.sql)::date)
                RETURNING id, school_id
                """
            ).first!.decode("id")
            try Self.writeItems(tx, district: district, agreement: id, school: school, input.items)
            return try tx.document(Self.byID, district: district, id: id)
        }
    }

    /// Replaces the agreement's content while it is a draft or returned; the unit and year stay.
    public func replace(_ tenant: DistrictTenant, id: Int64, expectedVersion: Int, _ input: AgreementInput) async throws
        -> JSONDocument
    {
        let district = tenant.districtID
        try Self.validate(input)
        return try await db.transaction(tenant) { tx in
            let locked = try LifecycleTable.agreement.lockEditable(
                tx, district: district, id: id, expectedVersion: expectedVersion)
            try tx.query(
                """
                UPDATE performance_agreement SET title_th = \(input.titleTH), signed_by_th = \(input.signedByTH),
                                                 signer_role_th = \(input.signerRoleTH), signed_on = \(input.signedOn.sql)::date
                WHERE district_id = \(district) AND id = \(id)
                """)
            let school: Int64? = try locked.decode("school_id")
            try Self.writeItems(tx, district: district, agreement: id, school: school, input.items)
            return try tx.document(Self.byID, district: district, id: id)
        }
    }

    public func delete(_ tenant: DistrictTenant, id: Int64, expectedVersion: Int) async throws {
        try await LifecycleTable.agreement.delete(db, tenant, id: id, expectedVersion: expectedVersion)
    }

    /// Submit (the weights must sum to exactly 100), approve, return or revise.
    public func apply(_ transition: PlanTransition, _ tenant: DistrictTenant, id: Int64, expectedVersion: Int)
        async throws -> JSONDocument
    {
        let district = tenant.districtID
        return try await db.transaction(tenant) { tx in
            let resultID = try LifecycleTable.agreement.apply(
                transition, tx: tx, tenant: tenant, id: id, expectedVersion: expectedVersion,
                beforeSubmit: { tx in
                    let weights = try tx.query(
                        """
                        SELECT weight FROM agreement_item WHERE district_id = \(district) AND agreement_id = \(id) ORDER BY position
                        """
                    ).rows.map { try $0.decode("weight", as: Decimal.self) }
                    return AgreementWeights.validate(weights)
                },
                copyChildren: { tx, from, to in
                    try tx.query(
                        """
                        INSERT INTO agreement_item (district_id, agreement_id, school_id, position, indicator_id, weight, target, copied_from_id)
                        SELECT district_id, \(to), school_id, position, indicator_id, weight, target, id
                        FROM agreement_item WHERE district_id = \(district) AND agreement_id = \(from)
                        """)
                })
            return try tx.document(Self.byID, district: district, id: resultID)
        }
    }

    static func validate(_ input: AgreementInput) throws {
        let errors = input.validate()
        if !errors.isEmpty { throw DomainError.invalid(errors) }
    }

    static let items = ChildTable(
        table: "agreement_item", parent: "agreement_id",
        columns: [
            ("position", "integer"), ("indicator_id", "bigint"), ("weight", "numeric"), ("target", "numeric"),
        ])

    struct ItemRow: Encodable { let id: Int64?, position: Int, indicatorId: Int64, weight: String, target: String }

    static func writeItems(
        _ tx: Transaction, district: Int64, agreement: Int64, school: Int64?, _ input: [AgreementInput.Item]
    ) throws {
        let named = input.map(\.indicatorID)
        // An agreement's output indicators are the district's (set with the schools, adopted)
        // or the unit's own, never another school's.
        let owners = Dictionary(
            uniqueKeysWithValues: try tx.query(
                "SELECT id, school_id FROM indicator WHERE district_id = \(district) AND id = ANY(\(named)::bigint[])"
            ).rows.map { (try $0.decode("id", as: Int64.self), try $0.decode("school_id", as: Int64?.self)) })
        let refused = input.enumerated().compactMap { index, item -> FieldError? in
            guard let owner = owners[item.indicatorID] else {
                return FieldError(
                    .input["items"][index]["indicator_id"], code: "not_found",
                    detail: "No such indicator in this district.", th: "ไม่พบตัวชี้วัดนี้")
            }
            guard let owner, owner != school else { return nil }
            return FieldError(
                .input["items"][index]["indicator_id"], code: "another_units",
                detail: "This indicator is another school's own; use the district's or this unit's.",
                th: "ตัวชี้วัดนี้เป็นของสถานศึกษาอื่น ให้ใช้ตัวชี้วัดของเขตพื้นที่หรือของหน่วยงานนี้")
        }
        if !refused.isEmpty { throw DomainError.invalid(refused) }
        try items.sync(
            tx, district: district, parentID: agreement, school: school,
            rows: input.enumerated().map { index, item in
                ItemRow(
                    id: item.id, position: index, indicatorId: item.indicatorID, weight: "\(item.weight)",
                    target: "\(item.target)")
            },
            ids: input.map(\.id), path: .input["items"])
    }
}
