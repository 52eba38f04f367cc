import Postgres
import TidtamDomain

/// Who a transaction acts for. Each case holds exactly what it needs, and the `SET LOCAL
/// tidtam.*` settings that the row-level security policies read are derived from it here and
/// nowhere else, so a query that forgets its `WHERE` still sees one district (and one school for
/// school staff) only.
public enum Tenant: TransactionTenant, Equatable {
    /// A user or the district's own background work, inside one district.
    case district(DistrictTenant)
    /// OBEC's staff: read every district, write none.
    case national(userID: Int64, requestID: String?)
    /// The service itself reading across districts with no user (the district list for the
    /// schedules, a district's code for the CLI): read-only, as OBEC's staff are.
    case nationalService
    /// The job runner claiming, renewing and finishing jobs of every district at once (the
    /// `job_worker` policies); it reaches the job tables only.
    case workerAcrossDistricts
    /// No tenant at all: what belongs to no district (the schema's migration level, the next
    /// district id). Every tenant table shows it nothing.
    case unscoped

    /// The tenant of a request by `principal`: the one place a token's holder becomes a tenant.
    public init(_ principal: Principal, requestID: String?) throws {
        let user = principal.userID
        let actor: DistrictTenant.Actor
        switch principal.role {
        case .national:
            self = .national(userID: user, requestID: requestID)
            return
        case .districtAdmin: actor = .admin(userID: user)
        case .districtStaff: actor = .staff(userID: user)
        case .committee: actor = .committee(userID: user)
        case .schoolStaff:
            guard let school = principal.schoolID else {
                throw DomainError.forbidden(
                    Explanation("This school account names no school.", th: "บัญชีของสถานศึกษานี้ไม่ได้ระบุสถานศึกษา"))
            }
            actor = .school(userID: user, schoolID: school)
        }
        guard let district = principal.districtID else {
            throw DomainError.forbidden(
                Explanation("This account belongs to no district.", th: "บัญชีนี้ไม่ได้สังกัดเขตพื้นที่การศึกษาใด"))
        }
        self = .district(DistrictTenant(districtID: district, actor: actor, requestID: requestID))
    }

    /// The district this tenant is bound to, if it is bound to one.
    public var district: DistrictTenant? {
        if case .district(let tenant) = self { return tenant }
        return nil
    }

    public func transactionSettings(forWrite: Bool) throws -> [TransactionSetting] {
        switch self {
        case .district(let tenant): return try tenant.transactionSettings(forWrite: forWrite)
        case .national(let userID, let requestID):
            var settings = [Setting.role(Role.national.rawValue)]
            if forWrite { settings += [Setting.user(userID)] + Setting.request(requestID) }
            return try settings.map { try $0.make() }
        case .nationalService: return try [Setting.role(Role.national.rawValue).make()]
        case .workerAcrossDistricts: return try [Setting.role("worker").make()]
        case .unscoped: return []
        }
    }
}

/// A tenant that cannot lack a district: what every district-scoped write (and every job of a
/// district) acts for. A store method that takes one cannot be called without a district.
public struct DistrictTenant: TransactionTenant, Equatable {
    public enum Actor: Sendable, Equatable {
        case admin(userID: Int64)
        case staff(userID: Int64)
        case committee(userID: Int64)
        /// School staff: their own school only, which the policies read as `tidtam.school_id`.
        case school(userID: Int64, schoolID: Int64)
        /// The district's own background work (the CLI, a job): no user; the lifecycle rules
        /// let it do what the district's admin may.
        case background
        /// A bulk load of generated data by the schema owner (the national data set), which asks
        /// the audit triggers to skip it; the service's role cannot turn the audit off.
        case unauditedBulkLoad
    }

    public let districtID: Int64
    public let actor: Actor
    public let requestID: String?

    public init(districtID: Int64, actor: Actor, requestID: String? = nil) {
        self.districtID = districtID
        self.actor = actor
        self.requestID = requestID
    }

    /// A district's own background work.
    public static func background(_ district: Int64) -> DistrictTenant {
        DistrictTenant(districtID: district, actor: .background)
    }

    /// The school of school staff; nil for everyone who acts for the whole district.
    public var schoolID: Int64? {
        if case .school(_, let school) = actor { return school }
        return nil
    }

    public var userID: Int64? {
        switch actor {
        case .admin(let user), .staff(let user), .committee(let user), .school(let user, _): return user
        case .background, .unauditedBulkLoad: return nil
        }
    }

    /// The role that lifecycle rules see; the district's own background work acts as its admin.
    public var role: Role {
        switch actor {
        case .admin, .background, .unauditedBulkLoad: return .districtAdmin
        case .staff: return .districtStaff
        case .committee: return .committee
        case .school: return .schoolStaff
        }
    }

    /// The organisation unit a write is for: school staff always write for their own school
    /// (naming another is refused here, and by row-level security anyway); district roles name
    /// a school, or none for the district office's own plan.
    public func unit(_ requested: Int64?) throws -> Int64? {
        guard let own = schoolID else { return requested }
        if let requested, requested != own {
            throw DomainError.forbidden(
                Explanation(
                    "School staff write their own school's plans only.",
                    th: "เจ้าหน้าที่สถานศึกษาบันทึกได้เฉพาะแผนของสถานศึกษาตนเอง"))
        }
        return own
    }

    public var tenant: Tenant { .district(self) }

    /// The role written as `tidtam.role` and into histories: a user's; none for the district's
    /// own work, which is recorded as done by no one.
    public var recordedRole: Role? {
        switch actor {
        case .background, .unauditedBulkLoad: return nil
        default: return role
        }
    }

    /// A read needs the district and school that the policies check; the actor and request id
    /// matter only to writes (the audit log).
    public func transactionSettings(forWrite: Bool) throws -> [TransactionSetting] {
        var settings = [Setting.district(districtID)]
        if let schoolID { settings.append(.school(schoolID)) }
        if forWrite {
            if actor == .unauditedBulkLoad { settings.append(.auditOff) }
            if let role = recordedRole { settings.append(.role(role.rawValue)) }
            if let userID { settings.append(.user(userID)) }
            settings += Setting.request(requestID)
        }
        return try settings.map { try $0.make() }
    }
}

/// The settings the policies and triggers read (migrations 0001–0004), by name in one place.
private enum Setting {
    case district(Int64), school(Int64), role(String), user(Int64), requestID(String), auditOff

    static func request(_ id: String?) -> [Setting] {
        guard let id, !id.isEmpty else { return [] }
        return [.requestID(id)]
    }

    func make() throws -> TransactionSetting {
        switch self {
        case .district(let id): return try TransactionSetting("tidtam.district_id", String(id))
        case .school(let id): return try TransactionSetting("tidtam.school_id", String(id))
        case .role(let role): return try TransactionSetting("tidtam.role", role)
        case .user(let id): return try TransactionSetting("tidtam.user_id", String(id))
        case .requestID(let id): return try TransactionSetting("tidtam.request_id", id)
        case .auditOff: return try TransactionSetting("tidtam.audit", "off")
        }
    }
}

/// Whoever may read: a tenant, or a district's tenant as it is. Reads take this, so a caller
/// that holds a `DistrictTenant` need not wrap it.
public protocol TenantReading: TransactionTenant {
    var tenant: Tenant { get }
}

extension TenantReading {
    /// The district this reader is bound to, if it is bound to one.
    public var district: DistrictTenant? { tenant.district }

    /// The district a list reads: the caller's own, or for a national reader the one it names
    /// (`parameter` is the name of the filter that names it). A district's user who names
    /// another district simply finds nothing (row-level security has the last word).
    public func districtToList(named requested: Int64?, parameter: String = "district_id") throws -> Int64 {
        if let requested { return requested }
        guard let own = district?.districtID else {
            throw DomainError.invalid([
                FieldError(
                    .parameter(parameter), code: "required",
                    detail: "Name the district to list (national users read one district at a time).",
                    th: "ต้องระบุเขตพื้นที่ที่ต้องการดู")
            ])
        }
        return own
    }
}

extension Tenant: TenantReading {
    public var tenant: Tenant { self }
}

extension DistrictTenant: TenantReading {}
