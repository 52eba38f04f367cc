import Postgres
import TidtamDomain

/// The submit → approve/return → revise lifecycle that action plans and performance agreements
/// share (TidtamDomain.PlanLifecycle decides; this applies it). Table names are constants of
/// this enum, never input.
enum LifecycleTable {
    case actionPlan
    case agreement

    /// The table, as SQL (a constant of this enum, never input).
    var table: SQL {
        switch self {
        case .actionPlan: return "action_plan"
        case .agreement: return "performance_agreement"
        }
    }

    /// The columns a new revision copies from the one before.
    var copiedColumns: SQL {
        switch self {
        case .actionPlan: return "strategic_plan_id, title_th, title_en"
        case .agreement: return "title_th, signed_by_th, signer_role_th, signed_on"
        }
    }

    var entity: RecordKind { self == .actionPlan ? .actionPlan : .agreement }

    func monitoringSource(_ id: Int64) -> MonitoringSource {
        self == .actionPlan ? .actionPlan(id) : .agreement(id)
    }

    func lock(district: Int64, id: Int64) -> SQL {
        "SELECT status, version, school_id, fiscal_year FROM \(table) WHERE district_id = \(district) AND id = \(id) FOR UPDATE"
    }

    /// Children are written only while their parent is editable; FOR SHARE keeps a concurrent
    /// submission from slipping in between the check and the write.
    func shareLock(district: Int64, id: Int64) -> SQL {
        "SELECT status FROM \(table) WHERE district_id = \(district) AND id = \(id) FOR SHARE"
    }

    func submit(district: Int64, id: Int64) -> SQL {
        """
        UPDATE \(table) SET status = 'submitted', submitted_at = now(), return_reason = NULL
        WHERE district_id = \(district) AND id = \(id)
        """
    }
    func approve(district: Int64, id: Int64, by user: Int64?) -> SQL {
        """
        UPDATE \(table) SET status = 'approved', decided_at = now(), decided_by = \(user)
        WHERE district_id = \(district) AND id = \(id)
        """
    }
    func returnForChanges(district: Int64, id: Int64, reason: String, by user: Int64?) -> SQL {
        """
        UPDATE \(table) SET status = 'returned', return_reason = \(reason), decided_at = now(), decided_by = \(user)
        WHERE district_id = \(district) AND id = \(id)
        """
    }
    /// Approving a revision retires the one approved before it (kept, marked superseded).
    func supersede(district: Int64, school: Int64?, fiscalYear: Int, approved id: Int64) -> SQL {
        """
        UPDATE \(table) SET superseded_at = now()
        WHERE district_id = \(district) AND school_id IS NOT DISTINCT FROM \(school) AND fiscal_year = \(fiscalYear)
          AND status = 'approved' AND superseded_at IS NULL AND id <> \(id)
        """
    }
    func newRevision(district: Int64, of id: Int64) -> SQL {
        """
        INSERT INTO \(table) (district_id, school_id, fiscal_year, revision, previous_id, \(copiedColumns))
        SELECT district_id, school_id, fiscal_year,
               (SELECT max(revision) + 1 FROM \(table) r
                WHERE r.district_id = o.district_id AND r.school_id IS NOT DISTINCT FROM o.school_id AND r.fiscal_year = o.fiscal_year),
               id, \(copiedColumns)
        FROM \(table) o WHERE district_id = \(district) AND id = \(id)
        RETURNING id
        """
    }

    /// Newest first; without `allRevisions`, only the latest revision of each unit and year
    /// (the one no other revision points back to). `document` renders a row named `a`.
    func listQuery(_ a: SQL, document: SQL, district: Int64, _ f: PlanFilter, before: Int64?, limit: Int) -> SQL {
        let status = f.status?.rawValue
        return """
            SELECT \(a).id, \(a).version, \(document) AS doc FROM \(table) \(a)
            WHERE \(a).district_id = \(district)
              AND (\(f.schoolID)::bigint IS NULL OR \(a).school_id = \(f.schoolID)) AND (NOT \(f.districtOnly) OR \(a).school_id IS NULL)
              AND (\(f.fiscalYear)::int IS NULL OR \(a).fiscal_year = \(f.fiscalYear)) AND (\(status)::text IS NULL OR \(a).status = \(status))
              AND (\(f.allRevisions) OR NOT EXISTS (SELECT 1 FROM \(table) n WHERE n.district_id = \(a).district_id AND n.previous_id = \(a).id))
              AND (\(before)::bigint IS NULL OR \(a).id < \(before))
            ORDER BY \(a).id DESC
            LIMIT \(limit)
            """
    }

    func list(
        _ db: Database, _ a: SQL, document: SQL, tenant: some TenantReading, filter: PlanFilter, page: PageRequest
    ) async throws -> JSONPage {
        let district = try tenant.districtToList(named: filter.districtID)
        let sql = listQuery(
            a, document: document, district: district, filter, before: try Cursor.decodeID(page.cursor),
            limit: page.limit + 1)
        let result = try await db.read(tenant, sql)
        return try JSONPage(rows: result.rows, limit: page.limit) { [String(try $0.decode("id", as: Int64.self))] }
    }

    /// Refuses a child write unless the parent is a draft or returned.
    func requireEditable(_ tx: Transaction, district: Int64, id: Int64) throws {
        guard let row = try tx.query(shareLock(district: district, id: id)).first else {
            throw DomainError.notFound(entity)
        }
        let status = try PlanStatus(rawValue: row.decode("status", as: String.self)) ?? .approved
        guard status.isEditable else { throw DomainError.conflict(Self.frozen(status, entity)) }
    }

    /// Locks the row for a change of its own content: it must still be at `expectedVersion`
    /// and editable (draft or returned).
    /// Returns the locked row (`status`, `version`, `school_id`, `fiscal_year`).
    @discardableResult
    func lockEditable(_ tx: Transaction, district: Int64, id: Int64, expectedVersion: Int) throws -> Row {
        let row = try tx.lockVersioned(
            lock(district: district, id: id), expectedVersion: expectedVersion, entity: entity)
        let status = try PlanStatus(rawValue: row.decode("status", as: String.self)) ?? .approved
        guard status.isEditable else { throw DomainError.conflict(Self.frozen(status, entity)) }
        return row
    }

    /// Deletes a draft or returned row (its children go with it); an approved one is a record.
    func delete(_ db: Database, _ tenant: DistrictTenant, id: Int64, expectedVersion: Int) async throws {
        let district = tenant.districtID
        try await db.transaction(tenant) { tx in
            try lockEditable(tx, district: district, id: id, expectedVersion: expectedVersion)
            try tx.query("DELETE FROM \(table) WHERE district_id = \(district) AND id = \(id)")
        }
    }

    static func frozen(_ status: PlanStatus, _ entity: RecordKind) -> Explanation {
        status == .approved
            ? Explanation(
                "The \(entity.english) is approved and frozen; start a new revision to change it.",
                th: "\(entity.thai)นี้อนุมัติแล้วจึงแก้ไขไม่ได้ ให้สร้างฉบับปรับปรุงใหม่แล้วแก้ไขในฉบับนั้น")
            : Explanation(
                "The \(entity.english) is submitted for approval; it can change again once it is returned.",
                th: "\(entity.thai)นี้อยู่ระหว่างเสนอขออนุมัติ จะแก้ไขได้อีกเมื่อเขตพื้นที่ส่งกลับให้แก้ไข")
    }

    /// Applies `transition` if the row is still at `expectedVersion`, and returns the id of the
    /// resulting document: the same row, or the new revision. `beforeSubmit` lists what keeps
    /// the content from being submitted; `copyChildren` fills a new revision.
    func apply(
        _ transition: PlanTransition, tx: Transaction, tenant: DistrictTenant, id: Int64, expectedVersion: Int,
        beforeSubmit: (Transaction) throws -> [FieldError],
        copyChildren: (Transaction, _ from: Int64, _ to: Int64) throws -> Void
    ) throws -> Int64 {
        let district = tenant.districtID
        let row = try tx.lockVersioned(
            lock(district: district, id: id), expectedVersion: expectedVersion, entity: entity)
        let status = try PlanStatus(rawValue: row.decode("status", as: String.self)) ?? .draft
        let outcome: PlanTransitionOutcome
        do {
            outcome = try PlanLifecycle.apply(transition, to: status, by: tenant.role)
        } catch PlanTransitionError.notAllowed(let from, _) {
            let which = Explanation.indefinite("\(from.rawValue) \(entity.english)", capital: true)
            throw DomainError.conflict(
                Explanation(
                    "\(which) cannot be \(Self.verb(transition).english).",
                    th: "\(entity.thai)ที่อยู่ในสถานะ “\(from.thaiName)” \(Self.verb(transition).thai)ไม่ได้"))
        } catch PlanTransitionError.notPermitted(let role) {
            throw DomainError.forbidden(
                Explanation(
                    "Your role (\(role.rawValue)) may not do this to \(entity.withArticle).",
                    th: "บทบาท\(role.thaiName)ไม่มีสิทธิ์ทำรายการนี้กับ\(entity.thai)"))
        } catch PlanTransitionError.reasonRequired {
            throw DomainError.invalid([
                FieldError(
                    .input["reason"], code: "required", detail: "Say why it is returned.", th: "ต้องระบุเหตุผลที่ส่งกลับ")
            ])
        }
        switch transition {
        case .submit:
            let errors = try beforeSubmit(tx)
            if !errors.isEmpty { throw DomainError.invalid(errors) }
            try tx.query(submit(district: district, id: id))
        case .approve:
            try tx.query(approve(district: district, id: id, by: tenant.userID))
            try tx.query(
                supersede(
                    district: district, school: row.decode("school_id"), fiscalYear: row.decode("fiscal_year"),
                    approved: id))
            // The monitoring plan follows from the approval: its job commits with it, or neither does.
            try tx.enqueue(MonitoringPlanJob.job(district: district, monitoringSource(id)))
            // An approved agreement is what the roll-ups score schools on: the year's are due again.
            if entity == .agreement {
                try RollupRequests.mark(tx, district: district, fiscalYear: row.decode("fiscal_year"))
            }
            // The district's integrations hear of it (webhooks), with the approval or not at all.
            let kind = entity == .agreement ? "performance_agreement" : "action_plan"
            let school: Int64? = try row.decode("school_id"), year: Int = try row.decode("fiscal_year")
            try WebhookEvents.emit(
                tx, district: district, .planApproved, sourceKey: "\(kind):\(id):approved",
                data:
                    "SELECT jsonb_build_object('kind', \(kind)::text, 'id', \(id)::bigint, 'school_id', \(school)::bigint, 'fiscal_year', \(year)::int)"
            )
        case .returnForChanges(let reason):
            try tx.query(returnForChanges(district: district, id: id, reason: reason, by: tenant.userID))
        case .revise:
            precondition(outcome.newRevision)
            let newID: Int64
            do {
                newID = try tx.query(newRevision(district: district, of: id)).first!.decode("id")
            } catch let error as PostgresError where error.isUniqueViolation {
                throw DomainError.conflict(
                    Explanation(
                        "A newer revision of this \(entity.english) is already open; edit that one.",
                        th: "\(entity.thai)นี้มีฉบับปรับปรุงที่ยังไม่อนุมัติอยู่แล้ว ให้แก้ไขในฉบับนั้น"))
            }
            try copyChildren(tx, id, newID)
            return newID
        }
        return id
    }

    /// What a transition does to a plan, past participle and Thai verb: "cannot be submitted".
    static func verb(_ transition: PlanTransition) -> Explanation {
        switch transition {
        case .submit: return Explanation("submitted", th: "เสนอขออนุมัติ")
        case .approve: return Explanation("approved", th: "อนุมัติ")
        case .returnForChanges: return Explanation("returned", th: "ส่งกลับแก้ไข")
        case .revise: return Explanation("revised", th: "ปรับปรุงเป็นฉบับใหม่")
        }
    }
}
