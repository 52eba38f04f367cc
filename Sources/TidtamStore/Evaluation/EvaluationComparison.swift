import Foundation
import TidtamDomain

/// What `GET /evaluations/{id}/comparison` answers.
struct EvaluationComparison: Encodable {
    let evaluationID: Int64
    let status: String
    let recordedScore: Decimal?
    let recomputedScore: Decimal?
    /// Computing again from the recorded inputs gives the recorded result, exactly.
    let reproduced: Bool
    let currentScore: Decimal?
    /// A computation from today's data would give another result.
    let differs: Bool
    let changed: [Change]

    struct Change: Encodable {
        let key: String
        let indicatorID: Int64?
        let what: String
        let whatTH: String
        let recorded: Decimal?
        let current: Decimal?
        let recordedSeq: Int?
        let currentSeq: Int?
    }

    enum CodingKeys: String, CodingKey {
        case status, reproduced, differs, changed
        case evaluationID = "evaluation_id"
        case recordedScore = "recorded_score"
        case recomputedScore = "recomputed_score"
        case currentScore = "current_score"
    }

    static func changes(from old: EvaluationInputs, to new: EvaluationInputs) -> [Change] {
        func indicators(_ node: EvaluationInputs.Node) -> [EvaluationInputs.IndicatorInput] {
            node.indicators + node.children.flatMap(indicators)
        }
        let before = Dictionary(indicators(old.root).map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        var changes: [Change] = []
        for now in indicators(new.root) {
            guard let then = before[now.key] else {
                changes.append(
                    Change(
                        key: now.key, indicatorID: now.indicatorID, what: "added", whatTH: "ตัวชี้วัดที่เพิ่มขึ้นภายหลัง",
                        recorded: nil, current: now.actual?.value, recordedSeq: nil, currentSeq: now.actual?.seq))
                continue
            }
            if then.actual != now.actual {
                changes.append(
                    Change(
                        key: now.key, indicatorID: now.indicatorID, what: "actual",
                        whatTH: "ผลการดำเนินงานถูกแก้ไขหรือรายงานภายหลัง",
                        recorded: then.actual?.value, current: now.actual?.value, recordedSeq: then.actual?.seq,
                        currentSeq: now.actual?.seq))
            }
            if then.target != now.target {
                changes.append(
                    Change(
                        key: now.key, indicatorID: now.indicatorID, what: "target", whatTH: "ค่าเป้าหมายเปลี่ยน",
                        recorded: then.target, current: now.target, recordedSeq: nil, currentSeq: nil))
            }
            if then.rule != now.rule || then.weight != now.weight {
                changes.append(
                    Change(
                        key: now.key, indicatorID: now.indicatorID, what: "rule", whatTH: "เกณฑ์การให้คะแนนหรือน้ำหนักเปลี่ยน",
                        recorded: then.weight, current: now.weight, recordedSeq: nil, currentSeq: nil))
            }
        }
        return changes
    }
}

extension EvaluationComparison.Change {
    enum CodingKeys: String, CodingKey {
        case key, what, recorded, current
        case indicatorID = "indicator_id"
        case whatTH = "what_th"
        case recordedSeq = "recorded_seq"
        case currentSeq = "current_seq"
    }
}
