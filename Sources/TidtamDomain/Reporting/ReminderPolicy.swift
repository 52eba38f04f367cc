import Foundation

/// When a unit that has not submitted is reminded, counted in days from the period's due date:
/// some days before, on the day, every few days overdue up to a number of times, and then (if
/// `escalate`) the district's administrators hear of it in their daily summary.
public struct ReminderPolicy: Sendable, Codable, Equatable {
    /// Days before the due date, each a reminder (7 and 1: a week before and the day before).
    public var beforeDays: [Int]
    public var onDueDay: Bool
    /// Days between overdue reminders (nil: none).
    public var overdueEveryDays: Int?
    public var overdueTimes: Int
    public var escalate: Bool

    public init(beforeDays: [Int], onDueDay: Bool, overdueEveryDays: Int?, overdueTimes: Int, escalate: Bool) {
        self.beforeDays = beforeDays; self.onDueDay = onDueDay; self.overdueEveryDays = overdueEveryDays
        self.overdueTimes = overdueTimes; self.escalate = escalate
    }

    /// 7 and 1 days before, on the day, every 3 days overdue up to 3 times, then escalation.
    public static let standard = ReminderPolicy(
        beforeDays: [7, 1], onDueDay: true, overdueEveryDays: 3, overdueTimes: 3, escalate: true)

    enum CodingKeys: String, CodingKey {
        case beforeDays = "before_days"
        case onDueDay = "on_due_day"
        case overdueEveryDays = "overdue_every_days"
        case overdueTimes = "overdue_times"
        case escalate
    }

    /// Every step, in the order they fall due.
    public var steps: [ReminderStep] {
        var steps = Set(beforeDays).sorted(by: >).map { ReminderStep(kind: .before, number: $0, offsetDays: -$0) }
        if onDueDay { steps.append(ReminderStep(kind: .dueDay, number: 0, offsetDays: 0)) }
        var last = 0
        if let every = overdueEveryDays, every > 0 {
            for n in stride(from: 1, through: overdueTimes, by: 1) {
                last = n * every
                steps.append(ReminderStep(kind: .overdue, number: n, offsetDays: last))
            }
        }
        if escalate { steps.append(ReminderStep(kind: .escalation, number: 0, offsetDays: last + 1)) }
        return steps
    }

    /// Whether this policy reminds at least whenever `other` does, and escalates no later: what
    /// a district may make of OBEC's policy for its own units.
    public func isAtLeastAsStrict(as other: ReminderPolicy) -> Bool {
        let mine = steps, theirs = other.steps
        let reminders = theirs.filter { $0.kind != .escalation }.allSatisfy { step in
            mine.contains { $0.kind != .escalation && $0.offsetDays == step.offsetDays }
        }
        let escalation: Bool
        if let theirEscalation = theirs.first(where: { $0.kind == .escalation }) {
            escalation =
                mine.first(where: { $0.kind == .escalation }).map { $0.offsetDays <= theirEscalation.offsetDays }
                ?? false
        } else {
            escalation = true
        }
        return reminders && escalation
    }

    public func problems(at path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        for (index, days) in beforeDays.enumerated() where !(1...90).contains(days) {
            errors.append(
                FieldError(
                    path["before_days"][index], code: "out_of_range", detail: "Must be between 1 and 90 days.",
                    th: "ต้องอยู่ระหว่าง 1 ถึง 90 วัน"))
        }
        if beforeDays.count > 10 {
            errors.append(
                FieldError(
                    path["before_days"], code: "too_many",
                    detail: "Must have at most 10 reminders before the due date.",
                    th: "แจ้งเตือนก่อนถึงกำหนดได้ไม่เกิน 10 ครั้ง"))
        }
        if let every = overdueEveryDays, !(1...30).contains(every) {
            errors.append(
                FieldError(
                    path["overdue_every_days"], code: "out_of_range", detail: "Must be between 1 and 30 days.",
                    th: "ต้องอยู่ระหว่าง 1 ถึง 30 วัน"))
        }
        if !(0...10).contains(overdueTimes) {
            errors.append(
                FieldError(
                    path["overdue_times"], code: "out_of_range", detail: "Must be between 0 and 10.",
                    th: "ต้องอยู่ระหว่าง 0 ถึง 10 ครั้ง"))
        }
        return errors
    }
}

/// One step of a policy. Its key (`before_7`, `due_day`, `overdue_2`, `escalation`) names it in
/// the unique key of the reminders it causes.
public struct ReminderStep: Sendable, Equatable, Hashable {
    public enum Kind: String, Sendable, CaseIterable {
        case before, dueDay = "due_day", overdue, escalation
    }
    public var kind: Kind
    public var number: Int
    /// Days from the due date (negative: before it).
    public var offsetDays: Int

    public var key: String {
        switch kind {
        case .before: "before_\(number)"
        case .dueDay: "due_day"
        case .overdue: "overdue_\(number)"
        case .escalation: "escalation"
        }
    }

    /// "อีก 7 วันถึงกำหนดส่ง", "ครบกำหนดส่งวันนี้", "เลยกำหนดส่งมาแล้ว 3 วัน".
    public var th: String {
        switch kind {
        case .before: number == 1 ? "พรุ่งนี้ครบกำหนดส่ง" : "อีก \(number) วันครบกำหนดส่ง"
        case .dueDay: "ครบกำหนดส่งวันนี้"
        case .overdue: "เลยกำหนดส่งมาแล้ว \(offsetDays) วัน"
        case .escalation: "เลยกำหนดส่งและแจ้งเตือนครบแล้ว — แจ้งผู้บริหารเขตพื้นที่"
        }
    }
}
