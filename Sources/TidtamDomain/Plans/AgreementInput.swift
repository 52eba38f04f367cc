import Foundation

/// A performance agreement (ข้อตกลงผลการปฏิบัติงาน) as written: who signs, and weighted items,
/// each an indicator with its target. Weights must sum to 100 before it can be submitted.
public struct AgreementInput: Sendable, Equatable {
    public struct Item: Sendable, Equatable {
        public var id: Int64?
        public var indicatorID: Int64
        public var weight: Decimal
        public var target: Decimal
        public init(id: Int64? = nil, indicatorID: Int64, weight: Decimal, target: Decimal) {
            self.id = id; self.indicatorID = indicatorID; self.weight = weight; self.target = target
        }
    }

    public var schoolID: Int64?
    public var fiscalYear: FiscalYear
    public var titleTH: String
    public var signedByTH: String?
    public var signerRoleTH: String?
    public var signedOn: CalendarDate?
    public var items: [Item]

    public init(
        schoolID: Int64? = nil, fiscalYear: FiscalYear, titleTH: String, signedByTH: String? = nil,
        signerRoleTH: String? = nil,
        signedOn: CalendarDate? = nil, items: [Item] = []
    ) {
        self.schoolID = schoolID; self.fiscalYear = fiscalYear; self.titleTH = titleTH; self.signedByTH = signedByTH
        self.signerRoleTH = signerRoleTH; self.signedOn = signedOn; self.items = items
    }

    /// Rules for saving a draft: each weight in range and each indicator once. The sum to 100
    /// is checked on submission (`AgreementWeights`), so a draft can be built up item by item.
    public func validate() -> [FieldError] {
        var errors: [FieldError] = []
        var indicators: Set<Int64> = []
        for (index, item) in items.enumerated() {
            if item.weight <= 0 || item.weight > 100 {
                errors.append(
                    FieldError(
                        .input["items"][index]["weight"], code: "out_of_range",
                        detail: "A weight is more than 0 and at most 100.",
                        th: "น้ำหนักต้องมากกว่า 0 และไม่เกิน 100"))
            }
            if !indicators.insert(item.indicatorID).inserted {
                errors.append(
                    FieldError(
                        .input["items"][index]["indicator_id"], code: "duplicate",
                        detail: "This indicator is already an item.",
                        th: "ตัวชี้วัดนี้อยู่ในข้อตกลงแล้ว"))
            }
        }
        errors += ProjectInput.duplicateIDs(items.map(\.id), path: .input["items"])
        return errors
    }
}
