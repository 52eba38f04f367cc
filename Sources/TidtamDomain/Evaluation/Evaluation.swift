import Foundation

/// What is evaluated (seed 5.2): a project of an action plan, a performance agreement, a
/// strategic plan.
public enum EvaluationSubject: String, Sendable, Codable, CaseIterable {
    case project
    case agreement
    case strategicPlan = "strategic_plan"

    public var th: String {
        switch self {
        case .project: "โครงการ"
        case .agreement: "ข้อตกลงผลการปฏิบัติงาน"
        case .strategicPlan: "แผนกลยุทธ์"
        }
    }
}

/// An evaluation round: mid-year and year-end are every year's; a district may add others.
/// A round looks at the reporting period that ends with its fiscal month (1 = October).
public enum EvaluationRoundKind: String, Sendable, Codable, CaseIterable {
    case midYear = "mid_year"
    case yearEnd = "year_end"
    case extra

    public var defaultThroughMonth: Int? {
        switch self {
        case .midYear: 6
        case .yearEnd: 12
        case .extra: nil
        }
    }
    public var th: String {
        switch self {
        case .midYear: "รอบครึ่งปี"
        case .yearEnd: "รอบสิ้นปี"
        case .extra: "รอบเพิ่มเติม"
        }
    }
    public var en: String {
        switch self {
        case .midYear: "Mid-year"
        case .yearEnd: "Year-end"
        case .extra: "Additional round"
        }
    }

    /// The periods of an indicator of `kind` that a round through fiscal month `month` may
    /// score, the one preferred first: the last period ending by then (at year-end the whole
    /// year's value first, then the last period's). Empty when none has ended: a yearly
    /// indicator at mid-year is not yet due, which is neither reported nor missing.
    public static func periods(of kind: ReportingPeriod, throughMonth month: Int) -> [Int] {
        let last: Int? =
            switch kind {
            case .month: month
            case .quarter: month >= 3 ? month / 3 : nil
            case .half: month >= 6 ? month / 6 : nil
            case .year: nil
            }
        if month == 12 { return [0] + (last.map { [$0] } ?? []) }
        return last.map { [$0] } ?? []
    }
}

/// Exactly what an evaluation is computed from, recorded with it (JSON) so that it can be
/// computed again years later and give the same result: every indicator's rule, target and the
/// actual used (its row and correction number), the progress report used, and the tree of
/// strategies and projects of a strategic plan.
public struct EvaluationInputs: Sendable, Codable, Equatable {
    /// The engine's rules, so a later change of rules is told apart (not silently applied).
    public var engine: Int
    public var subject: EvaluationSubject
    public var root: Node

    public static let engineVersion = 1

    public init(subject: EvaluationSubject, root: Node) {
        self.engine = Self.engineVersion; self.subject = subject; self.root = root
    }

    /// A scored thing: an agreement, a project, a strategy, a plan. Its score is the weighted
    /// mean of its indicators' or its children's scores; a project's progress is a part of
    /// weight `progressWeight` beside its indicators (which share the rest by their weights); a
    /// strategy's goal indicators are one part (by their weights) beside each of its projects.
    public struct Node: Sendable, Codable, Equatable {
        public var key: String
        public var nameTH: String
        public var weight: Decimal
        public var indicators: [IndicatorInput]
        public var progress: ProgressInput?
        public var progressWeight: Decimal?
        public var children: [Node]

        public init(
            key: String, nameTH: String, weight: Decimal = 1, indicators: [IndicatorInput] = [],
            progress: ProgressInput? = nil, progressWeight: Decimal? = nil, children: [Node] = []
        ) {
            self.key = key; self.nameTH = nameTH; self.weight = weight; self.indicators = indicators
            self.progress = progress; self.progressWeight = progressWeight; self.children = children
        }

        enum CodingKeys: String, CodingKey {
            case key, weight, indicators, progress, children
            case nameTH = "name_th"
            case progressWeight = "progress_weight"
        }
    }

    /// One indicator as scored: the rule, the target, the actual (nil: not reported).
    public struct IndicatorInput: Sendable, Codable, Equatable {
        public var key: String
        public var indicatorID: Int64
        public var nameTH: String
        public var weight: Decimal
        public var rule: RuleRecord
        public var target: Decimal?
        /// The period scored; nil when the round comes before the indicator's first period ends.
        public var period: Int?
        public var actual: ActualRecord?

        public init(
            key: String, indicatorID: Int64, nameTH: String, weight: Decimal, rule: RuleRecord, target: Decimal?,
            period: Int?, actual: ActualRecord?
        ) {
            self.key = key; self.indicatorID = indicatorID; self.nameTH = nameTH; self.weight = weight
            self.rule = rule; self.target = target; self.period = period; self.actual = actual
        }

        enum CodingKeys: String, CodingKey {
            case key, weight, rule, target, period, actual
            case indicatorID = "indicator_id"
            case nameTH = "name_th"
        }
    }

    /// An indicator's rule as stored (the columns of `indicator`).
    public struct RuleRecord: Sendable, Codable, Equatable {
        public var direction: IndicatorDefinition.Direction
        public var scoring: String
        public var levels: [Decimal]?
        public var scoreOne: Decimal?
        public var scoreFive: Decimal?
        public var bandLow: Decimal?
        public var bandHigh: Decimal?
        public var places: Int

        public init(
            direction: IndicatorDefinition.Direction, scoring: String, levels: [Decimal]?, scoreOne: Decimal?,
            scoreFive: Decimal?, bandLow: Decimal?, bandHigh: Decimal?, places: Int
        ) {
            self.direction = direction; self.scoring = scoring; self.levels = levels; self.scoreOne = scoreOne
            self.scoreFive = scoreFive; self.bandLow = bandLow; self.bandHigh = bandHigh; self.places = places
        }

        enum CodingKeys: String, CodingKey {
            case direction, scoring, levels, places
            case scoreOne = "score_one"
            case scoreFive = "score_five"
            case bandLow = "band_low"
            case bandHigh = "band_high"
        }

        public var rule: Scoring.Rule {
            let band: ClosedRange<Decimal>? =
                if let bandLow, let bandHigh, bandHigh >= bandLow { bandLow...bandHigh } else { nil }
            let scoring: IndicatorDefinition.Scoring =
                self.scoring == "linear"
                ? .linear(scoreOne: scoreOne ?? 0, scoreFive: scoreFive ?? 0) : .fiveLevels(levels ?? [])
            return Scoring.Rule(direction: direction, scoring: scoring, band: band)
        }
    }

    /// The actual used: its row and correction number, and its value.
    public struct ActualRecord: Sendable, Codable, Equatable {
        public var id: Int64
        public var seq: Int
        public var value: Decimal
        public init(id: Int64, seq: Int, value: Decimal) { self.id = id; self.seq = seq; self.value = value }
    }

    /// The progress report used: the latest submitted for the round's period or before.
    public struct ProgressInput: Sendable, Codable, Equatable {
        public var reportID: Int64
        public var reportVersion: Int
        public var period: Int
        public var percentComplete: Decimal

        public init(reportID: Int64, reportVersion: Int, period: Int, percentComplete: Decimal) {
            self.reportID = reportID; self.reportVersion = reportVersion; self.period = period
            self.percentComplete = percentComplete
        }

        enum CodingKeys: String, CodingKey {
            case period
            case reportID = "report_id"
            case reportVersion = "report_version"
            case percentComplete = "percent_complete"
        }
    }
}

/// The result of an evaluation, node by node as its inputs: scores rounded once (indicators to
/// their rule's places, the rest to two), what was missing and its weight, which targets were met.
public struct EvaluationResult: Sendable, Codable, Equatable {
    public var root: Node

    public var score: Decimal? { root.score }

    public struct Node: Sendable, Codable, Equatable {
        public var key: String
        public var score: Decimal?
        /// The level of the 0–5 scale the score reaches (its whole part).
        public var level: Int?
        public var reportedWeight: Decimal
        public var missingWeight: Decimal
        public var reported: Int
        public var missing: Int
        public var indicators: [Indicator]
        public var progressScore: Decimal?
        public var children: [Node]

        enum CodingKeys: String, CodingKey {
            case key, score, level, reported, missing, indicators, children
            case reportedWeight = "reported_weight"
            case missingWeight = "missing_weight"
            case progressScore = "progress_score"
        }
    }

    public struct Indicator: Sendable, Codable, Equatable {
        public var key: String
        public var indicatorID: Int64
        /// "scored", "missing" (not reported: never zero) or "not_due".
        public var standing: String
        public var score: Decimal? = nil
        /// Whether the actual reached its target (nil: no target, or nothing reported).
        public var met: Bool? = nil

        enum CodingKeys: String, CodingKey {
            case key, standing, score, met
            case indicatorID = "indicator_id"
        }
    }

    /// Every indicator of the tree, depth first.
    public var allIndicators: [Indicator] {
        func walk(_ node: Node) -> [Indicator] { node.indicators + node.children.flatMap(walk) }
        return walk(root)
    }
}

/// Computes an evaluation from its recorded inputs: a pure function, so the same inputs give
/// the same result whenever it runs.
public enum EvaluationComputation {
    public static let places = 2

    /// Exactly, in fractions; in `Decimal` only when a value does not fit them.
    public static func compute(_ inputs: EvaluationInputs) -> EvaluationResult {
        if let exact = try? node(inputs.root, in: ScoreFraction.self) { return EvaluationResult(root: exact.result) }
        return EvaluationResult(root: try! node(inputs.root, in: Decimal.self).result)
    }

    /// One indicator's score, rounded once to `places` from its exact value.
    public static func score(_ actual: Decimal, _ rule: Scoring.Rule, places: Int) -> Decimal {
        if let exact = try? ScoreFraction.raw(actual, rule).rounded(places) { return exact }
        return Scoring.round(Scoring.rawScore(actual, rule), places: places)
    }

    /// A weighted score of indicators (an agreement's items, as the roll-ups take them), from the
    /// exact value as an evaluation computes it, with the weights reported and missing.
    public static func weightedScore(_ items: [(weight: Decimal, actual: Decimal?, rule: Scoring.Rule)]) -> (
        score: Decimal?, reportedWeight: Decimal, missingWeight: Decimal, reported: Int
    ) {
        func inN<N: ScoreArithmetic>(_: N.Type) throws -> (Decimal?, Decimal, Decimal) {
            let parts = try items.map { item in (item.weight, try item.actual.map { try N.raw($0, item.rule) }) }
            let raw = try weighted(parts)
            return (try raw.mean.map { try $0.rounded(places) }, raw.reportedWeight, raw.missingWeight)
        }
        let (score, reported, missing) = (try? inN(ScoreFraction.self)) ?? (try! inN(Decimal.self))
        return (score, reported, missing, items.filter { $0.actual != nil }.count)
    }

    /// Whether `actual` reaches `target` in the rule's direction (within a band: inside it).
    public static func met(_ actual: Decimal, target: Decimal?, rule: Scoring.Rule) -> Bool? {
        switch rule.direction {
        case .higherIsBetter: target.map { actual >= $0 }
        case .lowerIsBetter: target.map { actual <= $0 }
        case .withinBand: rule.band.map { $0.contains(actual) } ?? target.map { actual == $0 }
        }
    }

    /// A weighted mean of what was reported (parts of weight 0 count equally when every weight
    /// is 0), with the weights reported and missing, as `Scoring.weighted` gives it, in `N`.
    static func weighted<N: ScoreArithmetic>(_ parts: [(weight: Decimal, score: N?)]) throws -> (
        mean: N?, reportedWeight: Decimal, missingWeight: Decimal
    ) {
        let allUnweighted = parts.allSatisfy { $0.weight == 0 }
        var sum = N.zero, reportedWeight = Decimal(0), missingWeight = Decimal(0)
        for part in parts {
            let weight = allUnweighted ? 1 : part.weight
            if let score = part.score {
                sum = try sum.plus(try N(weight: weight).times(score))
                reportedWeight += weight
            } else {
                missingWeight += weight
            }
        }
        let mean = reportedWeight > 0 ? try sum.over(try N(weight: reportedWeight)) : nil
        return (mean, reportedWeight, missingWeight)
    }

    /// A node's result and its unrounded score (what its parent weighs).
    static func node<N: ScoreArithmetic>(_ input: EvaluationInputs.Node, in _: N.Type) throws -> (
        result: EvaluationResult.Node, raw: N?
    ) {
        var indicators: [EvaluationResult.Indicator] = []
        var indicatorParts: [(weight: Decimal, score: N?)] = []
        for item in input.indicators {
            let rule = item.rule.rule
            guard item.period != nil else {
                indicators.append(.init(key: item.key, indicatorID: item.indicatorID, standing: "not_due"))
                continue
            }
            guard let actual = item.actual?.value else {
                indicators.append(.init(key: item.key, indicatorID: item.indicatorID, standing: "missing"))
                indicatorParts.append((item.weight, nil))
                continue
            }
            let raw = try N.raw(actual, rule)
            indicators.append(
                .init(
                    key: item.key, indicatorID: item.indicatorID, standing: "scored",
                    score: try raw.rounded(item.rule.places), met: met(actual, target: item.target, rule: rule)))
            indicatorParts.append((item.weight, raw))
        }
        let children = try input.children.map { try node($0, in: N.self) }
        var parts: [(weight: Decimal, score: N?)] = zip(input.children, children).map { ($0.weight, $1.raw) }
        var progressScore: N?
        if let progressWeight = input.progressWeight {
            // A project: its indicators (one part, sharing 100 − the progress weight by their
            // weights) beside its progress, percent complete on the 0–5 scale.
            if !indicatorParts.isEmpty {
                parts.append((100 - progressWeight, try weighted(indicatorParts).mean))
            }
            progressScore = try input.progress.map { try N.progress($0.percentComplete) }
            parts.append((progressWeight, progressScore))
        } else if !parts.isEmpty, !indicatorParts.isEmpty {
            // A strategy: its goals' indicators (one part, by their weights) beside each of its
            // projects, equally; weights of 0–100 and of 1 are not mixed.
            parts = parts.map { (1, $0.score) }
            parts.append((1, try weighted(indicatorParts).mean))
        } else {
            parts += indicatorParts
        }
        let raw = try weighted(parts)
        let score = try raw.mean.map { try $0.rounded(places) }
        let result = EvaluationResult.Node(
            key: input.key, score: score, level: score.map { level(of: $0) }, reportedWeight: raw.reportedWeight,
            missingWeight: raw.missingWeight, reported: indicators.filter { $0.standing == "scored" }.count,
            missing: indicators.filter { $0.standing == "missing" }.count, indicators: indicators,
            progressScore: try progressScore.map { try $0.rounded(places) }, children: children.map(\.result))
        return (result, raw.mean)
    }

    /// The level (0–5) a score reaches: its whole part.
    public static func level(of score: Decimal) -> Int {
        var value = score, whole = Decimal()
        NSDecimalRound(&whole, &value, 0, .down)
        return min(5, max(0, NSDecimalNumber(decimal: whole).intValue))
    }
}
