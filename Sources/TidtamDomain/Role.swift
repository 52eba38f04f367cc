/// What a user may do inside a district (see docs/architecture.md, "Roles").
/// The database enforces the tenant; these rules decide which actions a role may take in it.
public enum Role: String, CaseIterable, Sendable, Codable {
    /// OBEC staff: read across all districts, change nothing in them.
    case national
    /// Runs the district's account: schools, users, memberships, tokens; all plans.
    case districtAdmin = "district_admin"
    /// The monitoring, evaluation and reporting group: all plans and data of the district.
    case districtStaff = "district_staff"
    /// A school's own staff: their own school only.
    case schoolStaff = "school_staff"
    /// The district education committee: reads, never writes.
    case committee

    public var thaiName: String {
        switch self {
        case .national: return "สพฐ. (ส่วนกลาง)"
        case .districtAdmin: return "ผู้ดูแลระบบเขตพื้นที่"
        case .districtStaff: return "เจ้าหน้าที่เขตพื้นที่"
        case .schoolStaff: return "เจ้าหน้าที่สถานศึกษา"
        case .committee: return "คณะกรรมการเขตพื้นที่การศึกษา"
        }
    }

    /// Whether this role is bound to one school (and the membership must name it).
    public var needsSchool: Bool { self == .schoolStaff }
}

/// Actions that the API authorises. Each handler names the one it needs.
public enum Action: Sendable {
    case readDistrict, updateDistrict
    case readSchools, manageSchools, updateOwnSchool
    case readUsers, manageUsers
    case manageTokens
    case readAudit
    case managePlans, readPlans
    case manageJobs
    /// Monitoring: read the monitoring plan, reports, actuals, visits and findings.
    case readMonitoring
    /// Write progress reports and indicator actuals (school staff: their own school's).
    case writeReports
    /// The district office's side of monitoring: settings, due dates, reviewing reports,
    /// visits, teams, closed days, findings.
    case manageMonitoring
    /// OBEC's list of public holidays.
    case manageHolidays
    /// Evaluation: read rounds, evaluations, indicator proposals and roll-ups.
    case readEvaluations
    /// The district office evaluates: rounds, computing and finalising evaluations, deciding
    /// schools' indicator proposals, asking for roll-ups.
    case evaluate
    /// The evaluated unit's side: a school's response to its evaluation, its indicator proposals.
    case respondToEvaluations
    /// Reporting: read requirements, submissions and reporting rates.
    case readReporting
    /// The district office issues its own requirements and tightens OBEC's reminders.
    case manageRequirements
    /// A unit writes and sends its submissions (school staff: their own school's).
    case submitReports
    /// The district office accepts or returns submissions.
    case reviewSubmissions
    /// OBEC issues and withdraws requirements for every district.
    case issueNationalRequirements
    /// OBEC's own change log (its requirements, staff and tokens), which belongs to no district.
    case readNationalAudit
    /// The district's webhook endpoints: made, changed, rotated, their deliveries read and redone.
    case manageWebhooks
    /// Reports assembled across schools: read the requests, versions and files (not school
    /// staff: a district's report holds every school's data).
    case readReports
    /// Ask for a report to be assembled.
    case requestReports
    /// OBEC's reports assembled across every district: asked for and read by OBEC only (they
    /// hold every district's figures).
    case nationalReports
    /// Publish the district's annual report to the public (its admin only: it speaks for the office).
    case publishReports
    /// A school's self-assessment report (SAR): written and submitted by its school (or the office for it).
    case writeSAR
    /// The office returns a submitted SAR to its school with a reason.
    case reviewSAR

    public func isAllowed(for role: Role) -> Bool {
        switch (self, role) {
        case (.readDistrict, _), (.readSchools, _), (.readPlans, _), (.readMonitoring, _), (.readEvaluations, _),
            (.readReporting, _):
            return true
        case (.manageRequirements, .districtAdmin), (.manageRequirements, .districtStaff),
            (.reviewSubmissions, .districtAdmin), (.reviewSubmissions, .districtStaff):
            return true
        case (.submitReports, .districtAdmin), (.submitReports, .districtStaff), (.submitReports, .schoolStaff):
            return true
        case (.issueNationalRequirements, .national), (.manageWebhooks, .districtAdmin): return true
        case (.readNationalAudit, .national), (.nationalReports, .national): return true
        case (.readReports, .districtAdmin), (.readReports, .districtStaff), (.readReports, .committee),
            (.readReports, .national), (.requestReports, .districtAdmin), (.requestReports, .districtStaff):
            return true
        case (.publishReports, .districtAdmin): return true
        case (.writeSAR, .districtAdmin), (.writeSAR, .districtStaff), (.writeSAR, .schoolStaff),
            (.reviewSAR, .districtAdmin), (.reviewSAR, .districtStaff):
            return true
        case (.evaluate, .districtAdmin), (.evaluate, .districtStaff): return true
        case (.respondToEvaluations, .districtAdmin), (.respondToEvaluations, .districtStaff),
            (.respondToEvaluations, .schoolStaff):
            return true
        case (.writeReports, .districtAdmin), (.writeReports, .districtStaff), (.writeReports, .schoolStaff):
            return true
        case (.manageMonitoring, .districtAdmin), (.manageMonitoring, .districtStaff): return true
        case (.manageHolidays, .national): return true
        case (.readAudit, .national), (.readAudit, .districtAdmin), (.readAudit, .districtStaff),
            (.readAudit, .committee):
            return true
        case (.readUsers, .districtAdmin), (.readUsers, .districtStaff): return true
        case (.updateDistrict, .districtAdmin), (.manageSchools, .districtAdmin), (.manageUsers, .districtAdmin),
            (.manageTokens, .districtAdmin), (.manageJobs, .districtAdmin):
            return true
        case (.updateOwnSchool, .districtAdmin), (.updateOwnSchool, .schoolStaff): return true
        case (.managePlans, .districtAdmin), (.managePlans, .districtStaff), (.managePlans, .schoolStaff): return true
        default: return false
        }
    }
}
