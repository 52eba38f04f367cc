/// The lifecycle an annual action plan and a performance agreement share (seed 5.1, 5.2):
/// a unit drafts and submits; the district approves, or returns it with a reason; an approved
/// plan is frozen, and changing it starts a new revision that keeps the approved one.
public enum PlanStatus: String, Sendable, Codable, CaseIterable {
    case draft, submitted, returned, approved

    public var thaiName: String {
        switch self {
        case .draft: return "ร่าง"
        case .submitted: return "เสนอขออนุมัติ"
        case .returned: return "ส่งกลับแก้ไข"
        case .approved: return "อนุมัติแล้ว"
        }
    }

    /// Whether the content may be edited in place.
    public var isEditable: Bool { self == .draft || self == .returned }
}

public enum PlanTransition: Sendable, Equatable {
    case submit
    case approve
    case returnForChanges(reason: String)
    /// An edit of an approved plan: a new draft revision, the approved one kept as it was.
    case revise
}

public enum PlanTransitionError: Error, Sendable, Equatable {
    case notAllowed(from: PlanStatus, transition: String)
    case reasonRequired
    case notPermitted(Role)
}

/// The result of a transition: the new status, and whether it opens a new revision.
public struct PlanTransitionOutcome: Sendable, Equatable {
    public let status: PlanStatus
    public let newRevision: Bool

    public init(status: PlanStatus, newRevision: Bool) {
        self.status = status
        self.newRevision = newRevision
    }
}

public enum PlanLifecycle {
    /// Who may do what: units (school staff for their school, district staff for the district's
    /// own plan) submit and revise; only the district (admin or staff) approves or returns.
    public static func apply(_ transition: PlanTransition, to status: PlanStatus, by role: Role) throws
        -> PlanTransitionOutcome
    {
        switch (transition, status) {
        case (.submit, .draft), (.submit, .returned):
            guard Action.managePlans.isAllowed(for: role) else { throw PlanTransitionError.notPermitted(role) }
            return PlanTransitionOutcome(status: .submitted, newRevision: false)
        case (.approve, .submitted):
            guard role == .districtAdmin || role == .districtStaff else { throw PlanTransitionError.notPermitted(role) }
            return PlanTransitionOutcome(status: .approved, newRevision: false)
        case (.returnForChanges(let reason), .submitted):
            guard role == .districtAdmin || role == .districtStaff else { throw PlanTransitionError.notPermitted(role) }
            guard !reason.trimmingCharacters(in: " ").isEmpty else { throw PlanTransitionError.reasonRequired }
            return PlanTransitionOutcome(status: .returned, newRevision: false)
        case (.revise, .approved):
            guard Action.managePlans.isAllowed(for: role) else { throw PlanTransitionError.notPermitted(role) }
            return PlanTransitionOutcome(status: .draft, newRevision: true)
        default:
            throw PlanTransitionError.notAllowed(from: status, transition: "\(transition)")
        }
    }
}
