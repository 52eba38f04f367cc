import Foundation
import Postgres
import TidtamDomain

/// An actual value as reported for one period of an indicator.
public struct ActualInput: Sendable, Equatable {
    public var fiscalYear: FiscalYear
    public var period: Int
    public var value: Decimal
    public var noteTH: String?
    /// The school the value is for (a district-wide indicator that schools adopted); school
    /// staff always report for their own.
    public var schoolID: Int64?
    /// Required when the period already has a value: the new row corrects it.
    public var correctionReason: String?

    public init(
        fiscalYear: FiscalYear, period: Int, value: Decimal, noteTH: String? = nil, schoolID: Int64? = nil,
        correctionReason: String? = nil
    ) {
        self.fiscalYear = fiscalYear; self.period = period; self.value = value; self.noteTH = noteTH
        self.schoolID = schoolID; self.correctionReason = correctionReason
    }
}

public struct ActualFilter: Sendable {
    public var districtID: Int64?
    public var schoolID: Int64?
    public var fiscalYear: Int?
    public var period: Int?
    public init(districtID: Int64? = nil, schoolID: Int64? = nil, fiscalYear: Int? = nil, period: Int? = nil) {
        self.districtID = districtID; self.schoolID = schoolID; self.fiscalYear = fiscalYear; self.period = period
    }
}

/// Indicator actuals: recorded per period, corrected by a new row that says why (the next
/// `seq`); nothing is overwritten or erased (the service may only insert into the table).
public struct IndicatorActualStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    static let document: SQL = """
        json_build_object(
            'id', a.id, 'district_id', a.district_id, 'indicator_id', a.indicator_id, 'school_id', a.school_id,
            'fiscal_year', a.fiscal_year, 'period', a.period, 'seq', a.seq, 'value', a.value, 'note_th', a.note_th,
            'correction_reason', a.correction_reason, 'reported_at', \(SQLJSON.time("a.reported_at")),
            'reported_by', a.reported_by,
            'is_current', NOT EXISTS (SELECT FROM indicator_actual n WHERE n.district_id = a.district_id AND n.indicator_id = a.indicator_id
                                      AND n.school_id IS NOT DISTINCT FROM a.school_id AND n.fiscal_year = a.fiscal_year
                                      AND n.period = a.period AND n.seq > a.seq))
        """
    static let byID = DocumentQuery("indicator_actual", "a", document: document, version: "a.seq")

    public func record(_ tenant: DistrictTenant, indicatorID: Int64, _ input: ActualInput) async throws
        -> JSONDocument
    {
        let district = tenant.districtID
        return try await db.transaction(tenant) { tx in
            guard
                let indicator = try tx.query(
                    "SELECT school_id, period FROM indicator WHERE district_id = \(district) AND id = \(indicatorID)"
                ).first
            else { throw DomainError.notFound(.indicator) }
            var errors: [FieldError] = []
            let owner: Int64? = try indicator.decode("school_id")
            let school: Int64?
            if let owner {
                if let asked = input.schoolID, asked != owner {
                    errors.append(
                        FieldError(
                            .input["school_id"], code: "mismatch", detail: "This indicator belongs to another school.",
                            th: "ตัวชี้วัดนี้เป็นของสถานศึกษาอื่น"))
                }
                school = owner
            } else {
                school = try tenant.unit(input.schoolID)
                if let school {
                    let adopted = try tx.query(
                        """
                        SELECT 1 FROM indicator_adoption
                        WHERE district_id = \(district) AND indicator_id = \(indicatorID) AND school_id = \(school)
                        """
                    ).rowCount
                    if adopted == 0 {
                        errors.append(
                            FieldError(
                                .input["school_id"], code: "not_adopted",
                                detail: "This school has not adopted the indicator.",
                                th: "สถานศึกษานี้ยังไม่ได้รับตัวชี้วัดนี้ไปใช้"))
                    }
                }
            }
            let kind = ReportingPeriod(rawValue: try indicator.decode("period")) ?? .year
            if !kind.periods.contains(input.period) {
                errors.append(
                    FieldError(
                        .input["period"], code: "out_of_range",
                        detail:
                            "A \(kind.rawValue) indicator reports periods \(kind.periods.lowerBound)–\(kind.periods.upperBound).",
                        th: "ตัวชี้วัดนี้รายงานได้ในงวดที่ \(kind.periods.lowerBound)–\(kind.periods.upperBound)"))
            }
            let latest: Int? = try tx.query(
                """
                SELECT max(seq) AS seq FROM indicator_actual
                WHERE district_id = \(district) AND indicator_id = \(indicatorID) AND school_id IS NOT DISTINCT FROM \(school)
                  AND fiscal_year = \(input.fiscalYear.buddhistYear) AND period = \(input.period)
                """
            ).first!.decode("seq")
            if latest != nil, (input.correctionReason ?? "").isEmpty {
                errors.append(
                    FieldError(
                        .input["correction_reason"], code: "required",
                        detail: "This period already has a value; a new one corrects it, so say why.",
                        th: "งวดนี้มีผลการดำเนินงานบันทึกไว้แล้ว การบันทึกใหม่เป็นการแก้ไข ต้องระบุเหตุผล"))
            }
            if !errors.isEmpty { throw DomainError.invalid(errors) }
            let id: Int64 = try tx.query(
                """
                INSERT INTO indicator_actual (district_id, indicator_id, school_id, fiscal_year, period, seq, value, note_th,
                                              correction_reason, reported_by)
                VALUES (\(district), \(indicatorID), \(school), \(input.fiscalYear.buddhistYear), \(input.period), \((latest ?? 0) + 1),
                        \(input.value), \(input.noteTH), \(input.correctionReason), \(tenant.userID))
                RETURNING id
                """
            ).first!.decode("id")
            // The roll-ups of the year are due again (one job for a burst of actuals).
            try RollupRequests.mark(tx, district: district, fiscalYear: input.fiscalYear.buddhistYear)
            return try tx.document(Self.byID, district: district, id: id)
        }
    }

    /// The current value of each school and period (`history: false`), or every row ever
    /// recorded, corrections included (`history: true`), in the order they were recorded.
    public func list(
        _ tenant: some TenantReading, indicatorID: Int64, filter f: ActualFilter, history: Bool, page: PageRequest
    ) async throws -> JSONPage {
        let district = try tenant.districtToList(named: f.districtID)
        let after = try Cursor.decodeID(page.cursor)
        let sql: SQL = """
            SELECT a.id, a.seq AS version, \(Self.document) AS doc FROM indicator_actual a
            WHERE a.district_id = \(district) AND a.indicator_id = \(indicatorID)
              AND (\(f.schoolID)::bigint IS NULL OR a.school_id = \(f.schoolID))
              AND (\(f.fiscalYear)::int IS NULL OR a.fiscal_year = \(f.fiscalYear))
              AND (\(f.period)::int IS NULL OR a.period = \(f.period))
              AND (\(history) OR NOT EXISTS (SELECT FROM indicator_actual n WHERE n.district_id = a.district_id AND n.indicator_id = a.indicator_id
                                             AND n.school_id IS NOT DISTINCT FROM a.school_id AND n.fiscal_year = a.fiscal_year
                                             AND n.period = a.period AND n.seq > a.seq))
              AND (\(after)::bigint IS NULL OR a.id > \(after))
            ORDER BY a.id
            LIMIT \(page.limit + 1)
            """
        let rows = try await db.read(tenant, sql)
        let page = try JSONPage(rows: rows.rows, limit: page.limit) { [String(try $0.decode("id", as: Int64.self))] }
        try await db.requireParent(tenant, of: page, "indicator", district: district, id: indicatorID, .indicator)
        return page
    }
}
