/// A school's self-assessment report (SAR, รายงานการประเมินตนเองของสถานศึกษา): a level on each
/// of OBEC's three standards of basic education, with its strengths and points to improve.

/// OBEC's three standards of basic-education quality.
public enum SARStandard: Int, CaseIterable, Sendable, Codable {
    case learners = 1
    case management = 2
    case teaching = 3

    public var thaiName: String {
        switch self {
        case .learners: "มาตรฐานที่ 1 คุณภาพของผู้เรียน"
        case .management: "มาตรฐานที่ 2 กระบวนการบริหารและการจัดการ"
        case .teaching: "มาตรฐานที่ 3 กระบวนการจัดการเรียนการสอนที่เน้นผู้เรียนเป็นสำคัญ"
        }
    }
    public var englishName: String {
        switch self {
        case .learners: "quality of learners"
        case .management: "administration and management"
        case .teaching: "learner-centred teaching and learning"
        }
    }
    /// The JSON key of the standard's level.
    public var key: String {
        switch self {
        case .learners: "learners"
        case .management: "management"
        case .teaching: "teaching"
        }
    }
}

/// The five levels of OBEC's quality standards, lowest first.
public enum SARLevel: Int, CaseIterable, Sendable, Codable {
    case developing = 1
    case fair = 2
    case good = 3
    case excellent = 4
    case outstanding = 5

    public var thaiName: String {
        switch self {
        case .developing: "กำลังพัฒนา"
        case .fair: "ปานกลาง"
        case .good: "ดี"
        case .excellent: "ดีเลิศ"
        case .outstanding: "ยอดเยี่ยม"
        }
    }
    public var englishName: String {
        switch self {
        case .developing: "developing"
        case .fair: "fair"
        case .good: "good"
        case .excellent: "excellent"
        case .outstanding: "outstanding"
        }
    }
}

public enum SARStatus: String, CaseIterable, Sendable, Codable {
    case draft, submitted, returned
    public var thaiName: String {
        switch self {
        case .draft: "ร่าง"
        case .submitted: "ส่งแล้ว"
        case .returned: "ส่งกลับให้แก้ไข"
        }
    }
}

/// A strength or a point to improve under one standard.
public struct SARPoint: Sendable, Equatable, Codable {
    public enum Kind: String, CaseIterable, Sendable, Codable {
        case strength, improvement
    }
    public var standard: SARStandard
    public var kind: Kind
    public var textTH: String

    public init(standard: SARStandard, kind: Kind, textTH: String) {
        self.standard = standard
        self.kind = kind
        self.textTH = textTH
    }
}

/// What a school writes in its SAR. Levels may be left out in a draft; a submission needs all three.
public struct SARInput: Sendable, Equatable {
    public var levels: [SARStandard: SARLevel]
    public var summaryTH: String?
    public var points: [SARPoint]

    public init(levels: [SARStandard: SARLevel], summaryTH: String? = nil, points: [SARPoint] = []) {
        self.levels = levels
        self.summaryTH = summaryTH
        self.points = points
    }

    /// The academic year a SAR is for: Buddhist Era, the year it begins in (16 May).
    public static let academicYears: ClosedRange<Int64> = 2500...2700

    /// What keeps the SAR from being submitted: every standard without a level, at once.
    public var submissionProblems: [FieldError] {
        SARStandard.allCases.filter { levels[$0] == nil }.map {
            FieldError(
                .input["levels"][$0.key], code: "required",
                detail: "A submitted SAR gives a level for \($0.englishName).",
                th: "ต้องระบุระดับคุณภาพของ\($0.thaiName) ก่อนส่ง")
        }
    }
}
