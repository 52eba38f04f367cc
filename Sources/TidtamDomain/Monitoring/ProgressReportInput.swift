import Foundation

/// Budget disbursed to date on one budget line of the report's project.
public struct DisbursementInput: Sendable, Equatable, Codable {
    public var budgetLineID: Int64
    public var amount: Decimal
    /// Required when the amount is more than the line allocates.
    public var overReasonTH: String?

    public init(budgetLineID: Int64, amount: Decimal, overReasonTH: String? = nil) {
        self.budgetLineID = budgetLineID; self.amount = amount; self.overReasonTH = overReasonTH
    }
}

/// A progress report's content as written.
public struct ProgressReportInput: Sendable, Equatable {
    public var percentComplete: Decimal
    public var progressStatus: ProgressStatus
    public var doneTH: String?
    public var problemsTH: String?
    public var nextStepsTH: String?
    public var disbursements: [DisbursementInput]

    public init(
        percentComplete: Decimal, progressStatus: ProgressStatus, doneTH: String? = nil, problemsTH: String? = nil,
        nextStepsTH: String? = nil, disbursements: [DisbursementInput] = []
    ) {
        self.percentComplete = percentComplete; self.progressStatus = progressStatus; self.doneTH = doneTH
        self.problemsTH = problemsTH; self.nextStepsTH = nextStepsTH; self.disbursements = disbursements
    }

    /// Checks the disbursements against the project's budget lines (id → amount allocated):
    /// each must be a line of the project, named once, and within its allocation unless a
    /// reason is given. Every problem is listed.
    public func validate(budgetLines allocated: [Int64: Decimal]) -> [FieldError] {
        var errors: [FieldError] = []
        var seen = Set<Int64>()
        for (index, line) in disbursements.enumerated() {
            let path = FieldPath.input["disbursements"][index]
            guard let limit = allocated[line.budgetLineID] else {
                errors.append(
                    FieldError(
                        path["budget_line_id"], code: "not_found",
                        detail: "This budget line is not one of the report's project.",
                        th: "รายการงบประมาณนี้ไม่ได้อยู่ในโครงการของรายงานนี้"))
                continue
            }
            if !seen.insert(line.budgetLineID).inserted {
                errors.append(
                    FieldError(
                        path["budget_line_id"], code: "duplicate", detail: "Each budget line is reported once.",
                        th: "รายการงบประมาณแต่ละรายการรายงานได้ครั้งเดียวในรายงานหนึ่งฉบับ"))
            }
            if line.amount > limit, (line.overReasonTH ?? "").isEmpty {
                errors.append(
                    FieldError(
                        path["over_reason_th"], code: "required",
                        detail: "More than the line allocates (\(limit) baht) was disbursed; say why.",
                        th: "ยอดเบิกจ่ายเกินวงเงินที่จัดสรร (\(limit) บาท) ต้องระบุเหตุผล"))
            }
        }
        return errors
    }
}

/// An evidence file's type, checked against its first bytes: the declared type must be one of
/// these and the content must look like it, so a renamed executable is not kept as a PDF.
public enum EvidenceType: String, CaseIterable, Sendable {
    case pdf = "application/pdf"
    case jpeg = "image/jpeg"
    case png = "image/png"
    case docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    case xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    case pptx = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    case text = "text/plain"

    /// The most an evidence file may hold.
    public static let maxBytes = 10 << 20

    public func matches(_ bytes: some Collection<UInt8>) -> Bool {
        func starts(_ prefix: [UInt8]) -> Bool { bytes.starts(with: prefix) }
        switch self {
        case .pdf: return starts(Array("%PDF-".utf8))
        case .jpeg: return starts([0xFF, 0xD8, 0xFF])
        case .png: return starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        case .docx, .xlsx, .pptx: return starts([0x50, 0x4B, 0x03, 0x04])
        case .text: return !bytes.contains(0) && String(validating: Array(bytes), as: UTF8.self) != nil
        }
    }

    /// The type a `Content-Type` header names (parameters such as `charset` ignored).
    public init?(header: String) {
        let bare = header.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let bare, let type = EvidenceType(rawValue: bare) else { return nil }
        self = type
    }
}
