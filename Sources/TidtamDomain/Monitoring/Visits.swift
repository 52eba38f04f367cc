import Foundation

/// The four kinds of visit a district office coordinates.
public enum VisitKind: String, CaseIterable, Sendable, Codable {
    case followUp = "follow_up"
    case oversight
    case supervision
    case inspection

    public var thaiName: String {
        switch self {
        case .followUp: return "ติดตาม"
        case .oversight: return "กำกับ"
        case .supervision: return "นิเทศ"
        case .inspection: return "ตรวจราชการ"
        }
    }
}

public enum VisitStatus: String, CaseIterable, Sendable, Codable {
    case planned, confirmed, done, cancelled

    public var thaiName: String {
        switch self {
        case .planned: return "วางแผนแล้ว"
        case .confirmed: return "ยืนยันแล้ว"
        case .done: return "ลงพื้นที่แล้ว"
        case .cancelled: return "ยกเลิก"
        }
    }

    /// planned → confirmed → done; anything not done may be cancelled (with a reason).
    public func mayBecome(_ next: VisitStatus) -> Bool {
        switch (self, next) {
        case (.planned, .confirmed), (.planned, .done), (.confirmed, .done), (.planned, .cancelled),
            (.confirmed, .cancelled):
            return true
        default: return false
        }
    }
}

public enum FindingStatus: String, CaseIterable, Sendable, Codable {
    case open
    case inProgress = "in_progress"
    case closed

    public var thaiName: String {
        switch self {
        case .open: return "ยังไม่ดำเนินการ"
        case .inProgress: return "อยู่ระหว่างดำเนินการ"
        case .closed: return "ดำเนินการแล้ว (ปิด)"
        }
    }
}

/// A visit as booked: who goes where, when, and why.
public struct VisitInput: Sendable, Equatable {
    public var kind: VisitKind
    public var schoolID: Int64
    public var teamID: Int64?
    /// The team's members when nil and a team is named.
    public var memberIDs: [Int64]?
    public var purposeTH: String
    public var startsAt: Date
    public var endsAt: Date

    public init(
        kind: VisitKind, schoolID: Int64, teamID: Int64? = nil, memberIDs: [Int64]?, purposeTH: String,
        startsAt: Date, endsAt: Date
    ) {
        self.kind = kind; self.schoolID = schoolID; self.teamID = teamID; self.memberIDs = memberIDs
        self.purposeTH = purposeTH; self.startsAt = startsAt; self.endsAt = endsAt
    }

    /// What is wrong with the times and the team, every problem at once.
    public func validate() -> [FieldError] {
        var errors: [FieldError] = []
        if endsAt <= startsAt {
            errors.append(
                FieldError(
                    .input["ends_at"], code: "before_start", detail: "A visit ends after it starts.",
                    th: "เวลาสิ้นสุดต้องอยู่หลังเวลาเริ่มต้น"))
        } else if endsAt.timeIntervalSince(startsAt) > 14 * 86400 {
            errors.append(
                FieldError(
                    .input["ends_at"], code: "too_long", detail: "A visit lasts 14 days at most.",
                    th: "การลงพื้นที่หนึ่งครั้งต้องไม่เกิน 14 วัน"))
        }
        if teamID == nil, (memberIDs ?? []).isEmpty {
            errors.append(
                FieldError(
                    .input["member_ids"], code: "required", detail: "Name the team or its members.",
                    th: "ต้องระบุทีมหรือรายชื่อผู้ร่วมลงพื้นที่อย่างน้อยหนึ่งคน"))
        }
        if let members = memberIDs, Set(members).count != members.count {
            errors.append(
                FieldError(
                    .input["member_ids"], code: "duplicate", detail: "Each member is named once.",
                    th: "รายชื่อผู้ร่วมลงพื้นที่ซ้ำกัน"))
        }
        return errors
    }
}
