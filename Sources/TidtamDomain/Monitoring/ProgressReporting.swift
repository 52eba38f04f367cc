/// How a project stands, as its progress report says (สถานะการดำเนินงาน).
public enum ProgressStatus: String, CaseIterable, Sendable, Codable {
    case onTrack = "on_track"
    case delayed
    case atRisk = "at_risk"
    case done
    case cancelled

    public var thaiName: String {
        switch self {
        case .onTrack: return "เป็นไปตามแผน"
        case .delayed: return "ล่าช้ากว่าแผน"
        case .atRisk: return "มีความเสี่ยง"
        case .done: return "ดำเนินการแล้วเสร็จ"
        case .cancelled: return "ยกเลิก"
        }
    }
    public var englishName: String {
        switch self {
        case .onTrack: return "on track"
        case .delayed: return "delayed"
        case .atRisk: return "at risk"
        case .done: return "done"
        case .cancelled: return "cancelled"
        }
    }
}

/// Where a progress report is in its review.
public enum ReportStatus: String, CaseIterable, Sendable, Codable {
    case draft, submitted, acknowledged, returned

    public var thaiName: String {
        switch self {
        case .draft: return "ร่าง"
        case .submitted: return "ส่งรายงานแล้ว"
        case .acknowledged: return "เขตพื้นที่รับทราบแล้ว"
        case .returned: return "ส่งกลับให้แก้ไข"
        }
    }
}

/// What can be done to a progress report.
public enum ReportTransition: Sendable, Equatable {
    case submit
    case acknowledge
    case returnForChanges(reason: String)
}

/// Why a report transition was refused.
public enum ReportTransitionError: Error, Equatable, Sendable {
    case notAllowed(from: ReportStatus)
    case notPermitted(Role)
    case reasonRequired
}

/// The review of a progress report: the unit that owes it drafts and submits; the district
/// office acknowledges or returns it with a reason. Only a draft changes; a submitted report
/// changes by a new version (a new draft that keeps the old), which is not a transition here.
public enum ReportLifecycle {
    public static func apply(_ transition: ReportTransition, to status: ReportStatus, by role: Role)
        throws(ReportTransitionError) -> ReportStatus
    {
        switch transition {
        case .submit:
            guard role.mayWriteReports else { throw .notPermitted(role) }
            guard status == .draft else { throw .notAllowed(from: status) }
            return .submitted
        case .acknowledge:
            guard role.reviewsReports else { throw .notPermitted(role) }
            guard status == .submitted else { throw .notAllowed(from: status) }
            return .acknowledged
        case .returnForChanges(let reason):
            guard role.reviewsReports else { throw .notPermitted(role) }
            guard status == .submitted else { throw .notAllowed(from: status) }
            guard !reason.trimmingCharacters(in: " ").isEmpty else { throw .reasonRequired }
            return .returned
        }
    }

    /// A new version may be started from a report that is no longer a draft.
    public static func mayRevise(_ status: ReportStatus) -> Bool { status != .draft }
}

extension Role {
    /// Writes progress reports (school staff for their own school, the district office for all).
    public var mayWriteReports: Bool { [.districtAdmin, .districtStaff, .schoolStaff].contains(self) }
    /// Acknowledges or returns submitted reports, moves due dates, books visits.
    public var reviewsReports: Bool { [.districtAdmin, .districtStaff].contains(self) }
}

/// The kinds of due item in a monitoring plan.
public enum MonitoringItemKind: String, CaseIterable, Sendable, Codable {
    case progressReport = "progress_report"
    case checkpoint
    case agreementFollowUp = "agreement_follow_up"

    public var thaiName: String {
        switch self {
        case .progressReport: return "รายงานความก้าวหน้าโครงการ"
        case .checkpoint: return "จุดตรวจสอบกิจกรรมสำคัญ"
        case .agreementFollowUp: return "ติดตามข้อตกลงผลการปฏิบัติงาน"
        }
    }
}

/// Where a due item stands, read from the data: due today or later, reported (on time or
/// late), missing (the due date passed without a report), or withdrawn with its project.
public enum ItemStanding: String, CaseIterable, Sendable, Codable {
    case upcoming
    case onTime = "on_time"
    case late
    case missing
    case withdrawn

    public var thaiName: String {
        switch self {
        case .upcoming: return "ยังไม่ถึงกำหนด"
        case .onTime: return "ส่งตรงเวลา"
        case .late: return "ส่งล่าช้า"
        case .missing: return "ยังไม่ส่ง (เลยกำหนด)"
        case .withdrawn: return "ยกเลิกตามการปรับแผน"
        }
    }
}
