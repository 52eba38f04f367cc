import Foundation

/// A performance agreement's items are weighted; the weights must sum to exactly 100 (checked
/// in `Decimal`, so 33.33 + 33.33 + 33.34 passes and no float rounding slips through).
public enum AgreementWeights {
    public static func validate(_ weights: [Decimal], path: FieldPath = .input["items"]) -> [FieldError] {
        var errors: [FieldError] = []
        for (index, weight) in weights.enumerated() where weight <= 0 || weight > 100 {
            errors.append(
                FieldError(
                    path[index]["weight"], code: "out_of_range", detail: "A weight is more than 0 and at most 100.",
                    th: "น้ำหนักต้องมากกว่า 0 และไม่เกิน 100"))
        }
        let total = weights.reduce(Decimal(0), +)
        if !weights.isEmpty, total != 100 {
            errors.append(
                FieldError(
                    path, code: "weights_sum", detail: "The weights add up to \(total), not 100.",
                    th: "ผลรวมน้ำหนักเท่ากับ \(total) ไม่ใช่ 100"))
        }
        if weights.isEmpty {
            errors.append(
                FieldError(
                    path, code: "required", detail: "An agreement has at least one item.",
                    th: "ข้อตกลงต้องมีอย่างน้อยหนึ่งรายการ"))
        }
        return errors
    }
}
