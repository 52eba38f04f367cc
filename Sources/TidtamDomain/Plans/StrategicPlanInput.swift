/// A strategic plan (แผนกลยุทธ์) written as one document: strategies, each with its goals and
/// the national policies it answers to. Children named by `id` are kept, the rest replaced.
public struct StrategicPlanInput: Sendable, Equatable {
    public struct Goal: Sendable, Equatable {
        public var id: Int64?
        public var code: String
        public var nameTH: String
        public var nameEN: String?
        public init(id: Int64? = nil, code: String, nameTH: String, nameEN: String? = nil) {
            self.id = id; self.code = code; self.nameTH = nameTH; self.nameEN = nameEN
        }
    }

    public struct Strategy: Sendable, Equatable {
        public var id: Int64?
        public var code: String
        public var nameTH: String
        public var nameEN: String?
        public var policyCodes: [String]
        public var goals: [Goal]
        public init(
            id: Int64? = nil, code: String, nameTH: String, nameEN: String? = nil, policyCodes: [String] = [],
            goals: [Goal] = []
        ) {
            self.id = id; self.code = code; self.nameTH = nameTH; self.nameEN = nameEN; self.policyCodes = policyCodes;
            self.goals = goals
        }
    }

    public var schoolID: Int64?
    public var titleTH: String
    public var titleEN: String?
    public var firstYearBE: Int
    public var lastYearBE: Int
    public var visionTH: String?
    public var missionTH: String?
    public var strategies: [Strategy]

    public init(
        schoolID: Int64? = nil, titleTH: String, titleEN: String? = nil, firstYearBE: Int, lastYearBE: Int,
        visionTH: String? = nil, missionTH: String? = nil, strategies: [Strategy] = []
    ) {
        self.schoolID = schoolID; self.titleTH = titleTH; self.titleEN = titleEN; self.firstYearBE = firstYearBE
        self.lastYearBE = lastYearBE; self.visionTH = visionTH; self.missionTH = missionTH; self.strategies = strategies
    }

    public func validate() -> [FieldError] {
        var errors: [FieldError] = []
        if lastYearBE < firstYearBE || lastYearBE > firstYearBE + 9 {
            errors.append(
                FieldError(
                    .input["last_year_be"], code: "span",
                    detail: "A strategic plan spans 1 to 10 Buddhist Era years, ending no earlier than it starts.",
                    th: "แผนกลยุทธ์ครอบคลุม 1 ถึง 10 ปี และปีสิ้นสุดต้องไม่ก่อนปีเริ่มต้น"))
        }
        var strategyCodes: Set<String> = []
        for (s, strategy) in strategies.enumerated() {
            if !strategyCodes.insert(strategy.code).inserted {
                errors.append(
                    FieldError(
                        .input["strategies"][s]["code"], code: "duplicate", detail: "Another strategy has this code.",
                        th: "รหัสกลยุทธ์ซ้ำ"))
            }
            var goalCodes: Set<String> = []
            for (g, goal) in strategy.goals.enumerated() where !goalCodes.insert(goal.code).inserted {
                errors.append(
                    FieldError(
                        .input["strategies"][s]["goals"][g]["code"], code: "duplicate",
                        detail: "Another goal of this strategy has this code.",
                        th: "รหัสเป้าประสงค์ซ้ำ"))
            }
            errors += ProjectInput.duplicateIDs(strategy.goals.map(\.id), path: .input["strategies"][s]["goals"])
        }
        errors += ProjectInput.duplicateIDs(strategies.map(\.id), path: .input["strategies"])
        return errors
    }
}
