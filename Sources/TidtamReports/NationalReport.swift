import Foundation
import TidtamDomain

/// A report assembled across districts for OBEC: one row per district, read by that district's
/// part job from its own report's data (`NationalReport.Part`), and the country's totals. The
/// columns are a kind's (and, for budgets, the sources the districts have), so one table shape
/// renders every kind; counts and amounts add up, shares are recomputed from the sums (never
/// averaged), a mean is weighted by what it was the mean of.
public struct NationalReport: Codable, Sendable, Equatable {
    public enum Format: String, Codable, Sendable {
        /// Counted units (schools, projects): added up.
        case count
        /// Baht: added up.
        case amount
        /// A share in percent: the sum of `ratio[0]` over the sum of `ratio[1]`.
        case percent
        /// A mean: weighted by the column `weight`.
        case mean
        /// Words (whether a report reached OBEC): no total.
        case text
    }

    public struct Column: Codable, Sendable, Equatable {
        public var key: String
        public var th: String
        public var format: Format
        public var ratio: [String]?
        public var weight: String?

        public init(_ key: String, _ th: String, _ format: Format, ratio: [String]? = nil, weight: String? = nil) {
            self.key = key
            self.th = th
            self.format = format
            self.ratio = ratio
            self.weight = weight
        }
    }

    /// One district's row, as its part job stored it.
    public struct Part: Codable, Sendable, Equatable {
        public var district: ConsolidatedReport.District
        public var columns: [Column]
        public var values: [String: Decimal]
        public var texts: [String: String]
        /// Why the district has no figures (nil when it has them).
        public var errorTH: String?

        enum CodingKeys: String, CodingKey {
            case district, columns, values, texts
            case errorTH = "error_th"
        }

        public init(
            district: ConsolidatedReport.District, columns: [Column], values: [String: Decimal],
            texts: [String: String] = [:], errorTH: String? = nil
        ) {
            self.district = district
            self.columns = columns
            self.values = values
            self.texts = texts
            self.errorTH = errorTH
        }
    }

    public var kind: ReportKind
    public var titleTH: String
    public var subjectTH: String
    public var assembledOnTH: String
    public var columns: [Column]
    public var districts: [Part]
    public var totals: [String: Decimal]

    enum CodingKeys: String, CodingKey {
        case kind, columns, districts, totals
        case titleTH = "title_th", subjectTH = "subject_th", assembledOnTH = "assembled_on_th"
    }

    /// The national report of `parts`, in the order of the districts' codes (Thai collation is
    /// not needed: the codes are ASCII).
    public init(kind: ReportKind, subjectTH: String, assembledOnTH: String, parts: [Part]) {
        self.kind = kind
        self.subjectTH = subjectTH
        self.titleTH = "\(kind.thaiName) ระดับประเทศ \(subjectTH)"
        self.assembledOnTH = assembledOnTH
        self.districts = parts.sorted { ($0.district.code, $0.district.id) < ($1.district.code, $1.district.id) }
        var seen: Set<String> = []
        var columns: [Column] = []
        for part in districts {
            for column in part.columns where seen.insert(column.key).inserted { columns.append(column) }
        }
        self.columns = columns
        self.totals = Self.totals(columns: columns, rows: districts.filter { $0.errorTH == nil }.map(\.values))
    }

    /// The country's figure of each column that has one.
    static func totals(columns: [Column], rows: [[String: Decimal]]) -> [String: Decimal] {
        func sum(_ key: String) -> Decimal { rows.reduce(0) { $0 + ($1[key] ?? 0) } }
        var totals: [String: Decimal] = [:]
        for column in columns {
            switch column.format {
            case .count, .amount:
                totals[column.key] = sum(column.key)
            case .percent:
                guard let ratio = column.ratio, ratio.count == 2 else { continue }
                totals[column.key] = percent(sum(ratio[0]), of: sum(ratio[1]))
            case .mean:
                guard let weight = column.weight else { continue }
                let weighted = rows.reduce(Decimal(0)) { total, row in
                    guard let value = row[column.key], let w = row[weight] else { return total }
                    return total + value * w
                }
                let weights = rows.reduce(Decimal(0)) { $1[column.key] == nil ? $0 : $0 + ($1[weight] ?? 0) }
                totals[column.key] = weights == 0 ? nil : rounded(weighted / weights, places: 2)
            case .text:
                continue
            }
        }
        return totals
    }

    /// `part / whole` in percent with two places; nil when there is no whole.
    public static func percent(_ part: Decimal, of whole: Decimal) -> Decimal? {
        whole == 0 ? nil : rounded(part * 100 / whole, places: 2)
    }

    static func rounded(_ value: Decimal, places: Int) -> Decimal {
        var value = value
        var out = Decimal()
        NSDecimalRound(&out, &value, places, .plain)
        return out
    }

    /// A cell's words: a number as Excel reads it, a text, or empty (never a made-up zero).
    func cell(_ column: Column, _ part: Part) -> String? {
        if column.format == .text { return part.texts[column.key] }
        return part.values[column.key].map { "\($0)" }
    }
}
