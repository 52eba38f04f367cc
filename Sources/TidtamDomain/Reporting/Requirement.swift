import Foundation

/// How often a requirement's report is due: every month, quarter or half of the fiscal year, or
/// once for the year.
public enum RequirementFrequency: String, CaseIterable, Sendable, Codable {
    case month, quarter, half, year

    public var th: String {
        switch self {
        case .month: "รายเดือน"
        case .quarter: "รายไตรมาส"
        case .half: "รายครึ่งปี"
        case .year: "รายปี"
        }
    }

    /// Periods in a fiscal year.
    public var periodsPerYear: Int {
        switch self {
        case .month: 12
        case .quarter: 4
        case .half: 2
        case .year: 1
        }
    }
}

/// Who must submit.
public enum RequirementAudience: String, CaseIterable, Sendable, Codable {
    /// Every school of the district (that exists in the period).
    case schools
    /// The schools the requirement names.
    case listedSchools = "listed_schools"
    /// The district office itself.
    case districtOffice = "district_office"

    public var th: String {
        switch self {
        case .schools: "สถานศึกษาทุกแห่ง"
        case .listedSchools: "สถานศึกษาที่กำหนด"
        case .districtOffice: "สำนักงานเขตพื้นที่การศึกษา"
        }
    }
}

/// What a section of a requirement's form holds. Data sections are filled from the system's own
/// data when the unit submits, and frozen with the submission; the others the unit writes.
public enum SectionKind: String, CaseIterable, Sendable, Codable {
    /// The unit's projects of the fiscal year and their latest progress reports in the period.
    case progress
    /// The unit's indicators and their current actuals for the fiscal year.
    case actuals
    /// The unit's evaluations of the fiscal year (its agreement's, its projects').
    case evaluation
    /// Free text.
    case text
    /// Attached files.
    case file

    public var th: String {
        switch self {
        case .progress: "ความก้าวหน้าของโครงการ"
        case .actuals: "ผลการดำเนินงานตามตัวชี้วัด"
        case .evaluation: "ผลการประเมิน"
        case .text: "ข้อความ"
        case .file: "ไฟล์แนบ"
        }
    }

    public var isData: Bool { self == .progress || self == .actuals || self == .evaluation }
}

public struct RequirementSection: Sendable, Codable, Equatable {
    public var key: String
    public var kind: SectionKind
    public var titleTH: String
    public var titleEN: String?
    public var required: Bool

    public init(key: String, kind: SectionKind, titleTH: String, titleEN: String? = nil, required: Bool = true) {
        self.key = key; self.kind = kind; self.titleTH = titleTH; self.titleEN = titleEN; self.required = required
    }

    enum CodingKeys: String, CodingKey {
        case key, kind, required
        case titleTH = "title_th"
        case titleEN = "title_en"
    }

    public static func isValidKey(_ key: String) -> Bool {
        !key.isEmpty && key.count <= 40
            && key.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }
}

/// A report requirement as it is issued (by OBEC for every district, or by a district).
public struct RequirementInput: Sendable {
    public var titleTH: String
    public var titleEN: String?
    public var fiscalYear: FiscalYear
    public var frequency: RequirementFrequency
    public var dueDays: Int
    public var onTimeDays: Int
    public var audience: RequirementAudience
    public var schoolIDs: [Int64]
    public var sections: [RequirementSection]
    public var reminderPolicy: ReminderPolicy

    public init(
        titleTH: String, titleEN: String? = nil, fiscalYear: FiscalYear, frequency: RequirementFrequency,
        dueDays: Int, onTimeDays: Int = 0, audience: RequirementAudience, schoolIDs: [Int64] = [],
        sections: [RequirementSection], reminderPolicy: ReminderPolicy = .standard
    ) {
        self.titleTH = titleTH; self.titleEN = titleEN; self.fiscalYear = fiscalYear; self.frequency = frequency
        self.dueDays = dueDays; self.onTimeDays = onTimeDays; self.audience = audience; self.schoolIDs = schoolIDs
        self.sections = sections; self.reminderPolicy = reminderPolicy
    }

    /// Rules across fields: section keys unique, a list of schools exactly when the audience is
    /// a list, OBEC's audience never a list.
    public func problems(national: Bool) -> [FieldError] {
        var errors: [FieldError] = []
        var keys: Set<String> = []
        for (index, section) in sections.enumerated() where !keys.insert(section.key).inserted {
            errors.append(
                FieldError(
                    .input["sections"][index]["key"], code: "duplicate",
                    detail: "Another section already has the key \(section.key).",
                    th: "มีหัวข้ออื่นใช้รหัส \(section.key) แล้ว"))
        }
        if sections.isEmpty {
            errors.append(
                FieldError(
                    .input["sections"], code: "required", detail: "The form needs at least one section.",
                    th: "แบบรายงานต้องมีอย่างน้อยหนึ่งหัวข้อ"))
        }
        if national && audience == .listedSchools {
            errors.append(
                FieldError(
                    .input["audience"], code: "national_audience",
                    detail: "OBEC's requirements go to every school or to every district office.",
                    th: "รายงานที่ สพฐ. กำหนดต้องส่งโดยสถานศึกษาทุกแห่งหรือสำนักงานเขตพื้นที่ทุกแห่ง"))
        }
        if audience == .listedSchools && schoolIDs.isEmpty {
            errors.append(
                FieldError(
                    .input["school_ids"], code: "required", detail: "Name the schools that must submit.",
                    th: "ต้องระบุสถานศึกษาที่ต้องส่งรายงาน"))
        } else if audience != .listedSchools && !schoolIDs.isEmpty {
            errors.append(
                FieldError(
                    .input["school_ids"], code: "not_a_list",
                    detail: "Schools are named only when the audience is listed_schools.",
                    th: "ระบุรายชื่อสถานศึกษาได้เฉพาะเมื่อผู้ส่งคือสถานศึกษาที่กำหนด"))
        }
        return errors + reminderPolicy.problems(at: .input["reminder_policy"])
    }
}

/// What may change in a requirement once issued: its title and its dates (a deadline moved or a
/// longer window that still counts as on time, which then holds for every period, as an
/// extension does). Its year, frequency, audience and form stay as issued, because submissions
/// and reminders already refer to its periods and sections; changing them is a new requirement.
public struct RequirementTerms: Sendable, Equatable {
    public var titleTH: String?
    /// `.some(nil)` clears the English title.
    public var titleEN: String??
    public var dueDays: Int?
    public var onTimeDays: Int?

    public init(titleTH: String? = nil, titleEN: String?? = nil, dueDays: Int? = nil, onTimeDays: Int? = nil) {
        self.titleTH = titleTH
        self.titleEN = titleEN
        self.dueDays = dueDays
        self.onTimeDays = onTimeDays
    }

    public var isEmpty: Bool { titleTH == nil && titleEN == nil && dueDays == nil && onTimeDays == nil }

    /// The fields of a requirement that are fixed once it is issued.
    public static let fixedFields = [
        "fiscal_year", "frequency", "audience", "school_ids", "sections", "reminder_policy",
    ]
}
