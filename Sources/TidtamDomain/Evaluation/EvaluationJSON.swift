import Foundation

/// An evaluation's inputs and result written as JSON by hand: the same document `JSONEncoder`
/// writes from their `Codable` conformances (the same keys, a nil optional left out), which a
/// test holds equal.
///
/// Why: a district's year-end round writes about 5,000 evaluations with their inputs and
/// results in one upsert, and `JSONEncoder` took a third of the round's time (0.5 s a
/// district, measured by `tidtam bench evaluation --profile`).
public struct JSONObjectWriter {
    public private(set) var text: String
    private var first = true

    public init(capacity: Int = 256) {
        text = "{"
        text.reserveCapacity(capacity)
    }

    /// The object, closed.
    public mutating func close() -> String {
        text += "}"
        return text
    }

    mutating func key(_ key: StaticString) {
        text += first ? "\"" : ",\""
        first = false
        text += key.description
        text += "\":"
    }

    public mutating func field(_ key: StaticString, _ value: String?) {
        guard let value else { return }
        self.key(key)
        Self.appendString(value, to: &text)
    }

    public mutating func field(_ key: StaticString, _ value: Decimal?) {
        guard let value else { return }
        self.key(key)
        text += value.description
    }

    public mutating func field(_ key: StaticString, _ value: Int64?) {
        guard let value else { return }
        self.key(key)
        text += String(value)
    }

    public mutating func field(_ key: StaticString, _ value: Int?) {
        field(key, value.map(Int64.init))
    }

    public mutating func field(_ key: StaticString, _ value: Bool?) {
        guard let value else { return }
        self.key(key)
        text += value ? "true" : "false"
    }

    /// A value already written as JSON (an object or an array).
    public mutating func field(_ key: StaticString, json: String?) {
        guard let json else { return }
        self.key(key)
        text += json
    }

    public mutating func field<T>(_ key: StaticString, array: [T]?, _ element: (T) -> String) {
        guard let array else { return }
        self.key(key)
        text += "["
        for (index, value) in array.enumerated() {
            if index > 0 { text += "," }
            text += element(value)
        }
        text += "]"
    }

    /// `value` as a JSON string: quotes, backslashes and control characters escaped, the rest
    /// (Thai included) as it is.
    public static func appendString(_ value: String, to text: inout String) {
        text += "\""
        if !value.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            text += value
        } else {
            for scalar in value.unicodeScalars {
                switch scalar {
                case "\"": text += "\\\""
                case "\\": text += "\\\\"
                case "\n": text += "\\n"
                case "\r": text += "\\r"
                case "\t": text += "\\t"
                case _ where scalar.value < 0x20: text += String(format: "\\u%04x", scalar.value)
                default: text.unicodeScalars.append(scalar)
                }
            }
        }
        text += "\""
    }
}

extension EvaluationInputs {
    /// The JSON of `Codable`, written by hand (see `JSONObjectWriter`).
    public var json: String {
        var w = JSONObjectWriter(capacity: 1024)
        w.field("engine", engine)
        w.field("subject", subject.rawValue)
        w.field("root", json: root.json)
        return w.close()
    }
}

extension EvaluationInputs.Node {
    public var json: String {
        var w = JSONObjectWriter(capacity: 1024)
        w.field("key", key)
        w.field("name_th", nameTH)
        w.field("weight", weight)
        w.field("indicators", array: indicators) { $0.json }
        w.field("progress", json: progress?.json)
        w.field("progress_weight", progressWeight)
        w.field("children", array: children) { $0.json }
        return w.close()
    }
}

extension EvaluationInputs.IndicatorInput {
    public var json: String {
        var w = JSONObjectWriter()
        w.field("key", key)
        w.field("indicator_id", indicatorID)
        w.field("name_th", nameTH)
        w.field("weight", weight)
        w.field("rule", json: rule.json)
        w.field("target", target)
        w.field("period", period)
        w.field("actual", json: actual?.json)
        return w.close()
    }
}

extension EvaluationInputs.RuleRecord {
    public var json: String {
        var w = JSONObjectWriter(capacity: 160)
        w.field("direction", direction.rawValue)
        w.field("scoring", scoring)
        w.field("levels", array: levels) { $0.description }
        w.field("score_one", scoreOne)
        w.field("score_five", scoreFive)
        w.field("band_low", bandLow)
        w.field("band_high", bandHigh)
        w.field("places", places)
        return w.close()
    }
}

extension EvaluationInputs.ActualRecord {
    public var json: String {
        var w = JSONObjectWriter(capacity: 64)
        w.field("id", id)
        w.field("seq", seq)
        w.field("value", value)
        return w.close()
    }
}

extension EvaluationInputs.ProgressInput {
    public var json: String {
        var w = JSONObjectWriter(capacity: 96)
        w.field("report_id", reportID)
        w.field("report_version", reportVersion)
        w.field("period", period)
        w.field("percent_complete", percentComplete)
        return w.close()
    }
}

extension EvaluationResult {
    public var json: String {
        var w = JSONObjectWriter(capacity: 512)
        w.field("root", json: root.json)
        return w.close()
    }
}

extension EvaluationResult.Node {
    public var json: String {
        var w = JSONObjectWriter(capacity: 512)
        w.field("key", key)
        w.field("score", score)
        w.field("level", level)
        w.field("reported_weight", reportedWeight)
        w.field("missing_weight", missingWeight)
        w.field("reported", reported)
        w.field("missing", missing)
        w.field("indicators", array: indicators) { $0.json }
        w.field("progress_score", progressScore)
        w.field("children", array: children) { $0.json }
        return w.close()
    }
}

extension EvaluationResult.Indicator {
    public var json: String {
        var w = JSONObjectWriter(capacity: 96)
        w.field("key", key)
        w.field("indicator_id", indicatorID)
        w.field("standing", standing)
        w.field("score", score)
        w.field("met", met)
        return w.close()
    }
}
