import Foundation
import HTTPTypes
import Hummingbird
import TidtamDomain
import TidtamStore

/// `/indicators`: KPIs and CSFs of goals, projects and the district, their targets, and
/// schools adopting the district's indicators with targets of their own.
struct IndicatorRoutes {
    let indicators: IndicatorStore

    func register(_ routes: AuthenticatedRoutes) {
        routes.add(.get, "/indicators") { request, context in
            let tenant = try context.tenant(for: .readPlans)
            var query = QueryParameters(request)
            let filter = IndicatorFilter(
                districtID: query.integer("district_id", in: 1...Int64.max),
                schoolID: query.integer("school_id", in: 1...Int64.max),
                districtOnly: query.choice("unit", UnitFilter.self) == .district,
                goalID: query.integer("goal_id", in: 1...Int64.max),
                projectID: query.integer("project_id", in: 1...Int64.max),
                csfOnly: query.choice("csf", YesFilter.self) == .true)
            let page = query.page()
            try query.finish()
            return try await JSONResponse.page(indicators.list(tenant, filter: filter, page: page))
        }
        routes.add(.post, "/indicators") { request, context in
            let tenant = try context.districtTenant(for: .managePlans)
            let input = try await JSONBody.decode(request, context: context) { body in
                Self.input(&body, attachable: true)
            }
            let indicator = try await indicators.create(tenant, input)
            return JSONResponse.document(indicator, status: .created, location: "/api/v1/indicators/\(indicator.id)")
        }
        routes.add(.get, "/indicators/{indicatorId}") { _, context in
            let tenant = try context.tenant(for: .readPlans)
            guard let indicator = try await indicators.get(tenant, id: context.id("indicatorId", .indicator)) else {
                throw DomainError.notFound(.indicator)
            }
            return JSONResponse.document(indicator)
        }
        routes.add(.put, "/indicators/{indicatorId}") { request, context in
            let tenant = try context.districtTenant(for: .managePlans)
            let id = try context.id("indicatorId", .indicator)
            let version = try ETag.expectedVersion(request)
            let input = try await JSONBody.decode(request, context: context) { body in
                Self.input(&body, attachable: false)
            }
            return try await JSONResponse.document(indicators.replace(tenant, id: id, expectedVersion: version, input))
        }
        routes.add(.delete, "/indicators/{indicatorId}") { request, context in
            let tenant = try context.districtTenant(for: .managePlans)
            try await indicators.delete(
                tenant, id: context.id("indicatorId", .indicator), expectedVersion: ETag.expectedVersion(request))
            return JSONResponse.noContent()
        }
        routes.add(.post, "/indicators/{indicatorId}/adoptions") { request, context in
            let tenant = try context.districtTenant(for: .managePlans)
            let id = try context.id("indicatorId", .indicator)
            var body = try await JSONBody.read(request, context: context)
            let school = body.integer("school_id", in: 1...Int64.max) ?? nil
            let targets = Self.targets(&body)
            try body.finish()
            return try await JSONResponse.document(
                indicators.adopt(tenant, indicatorID: id, schoolID: school, targets: targets ?? []))
        }
        routes.add(.delete, "/indicators/{indicatorId}/adoptions/{schoolId}") { _, context in
            let tenant = try context.districtTenant(for: .managePlans)
            try await indicators.unadopt(
                tenant, indicatorID: context.id("indicatorId", .indicator), schoolID: context.id("schoolId", .adoption))
            return JSONResponse.noContent()
        }
    }

    static func targets(_ body: inout JSONBody) -> [TargetInput]? {
        body.objects("targets", max: 200) { item -> TargetInput? in
            let year = item.required("fiscal_year") { $0.fiscalYear("fiscal_year") }
            let period = item.integer("period", in: 0...12) ?? nil
            let target = item.required("target") { $0.decimal("target") }
            guard let year, let target else { return nil }
            return TargetInput(fiscalYear: year, period: Int(period ?? 0), target: target)
        } ?? nil
    }

    /// Reads an indicator. `attachable`: what it belongs to may be named (on create only).
    static func input(_ body: inout JSONBody, attachable: Bool) -> IndicatorInput? {
        var school: Int64?, goal: Int64?, project: Int64?
        if attachable {
            school = body.integer("school_id", in: 1...Int64.max) ?? nil
            goal = body.integer("goal_id", in: 1...Int64.max) ?? nil
            project = body.integer("project_id", in: 1...Int64.max) ?? nil
        }
        let code =
            body.text(
                "code", max: 30, min: 1, valid: { !$0.contains(where: \.isWhitespace) }, format: "a code without spaces"
            ) ?? nil
        let name = body.required("name_th") { $0.text("name_th", max: 500, min: 1) }
        let nameEN = body.text("name_en", max: 500) ?? nil
        let unit = body.required("unit_th") { $0.text("unit_th", max: 50, min: 1) }
        let kind = body.required("kind") { $0.choice("kind", IndicatorDefinition.Kind.self) }
        let direction = body.required("direction") { $0.choice("direction", IndicatorDefinition.Direction.self) }
        let period = body.choice("period", ReportingPeriod.self) ?? nil
        let baseline = body.decimal("baseline") ?? nil
        let scoring = body.required("scoring") { $0.object("scoring", Self.scoring) }
        let places = body.integer("score_places", in: 0...4) ?? nil
        let band =
            body.object("band") { b -> ClosedRange<Decimal>? in
                let low = b.required("low") { $0.decimal("low") }
                let high = b.required("high") { $0.decimal("high") }
                guard let low, let high else { return nil }
                guard low <= high else {
                    b.reject("high", "order", "The band's high end is below its low end.", "ค่าสูงสุดของช่วงน้อยกว่าค่าต่ำสุด")
                    return nil
                }
                return low...high
            } ?? nil
        let weight = body.decimal("weight", in: 0...100) ?? nil
        let csf = body.boolean("is_csf") ?? nil
        let targets = Self.targets(&body)
        // The rules run on whatever was readable, so one answer lists every problem; the
        // placeholders stand only for fields already reported as missing.
        guard let kind, let direction, let scoring else {
            body.add(IndicatorInput.validate(targets: targets ?? [], period: period ?? .year))
            return nil
        }
        let input = IndicatorInput(
            schoolID: school, goalID: goal, projectID: project, code: code, nameEN: nameEN,
            definition: IndicatorDefinition(
                nameTH: name ?? "-", unit: unit ?? "-", kind: kind, direction: direction, baseline: baseline,
                scoring: scoring, weight: weight ?? 0, isCSF: csf ?? false, band: band),
            period: period ?? .year, targets: targets ?? [], scorePlaces: places.map { Int($0) } ?? 2)
        body.add(input.validate())
        return name != nil && unit != nil ? input : nil
    }

    /// `{"method": "five_levels", "levels": [5 values]}` or `{"method": "linear", "score_one": x, "score_five": y}`.
    static func scoring(_ body: inout JSONBody) -> IndicatorDefinition.Scoring? {
        let method = body.required("method") { $0.choice("method", ScoringMethod.self) }
        switch method {
        case .fiveLevels:
            let levels = body.required("levels") { b -> [Decimal]?? in
                b.numbers("levels", max: 5)
            }
            return levels.map { .fiveLevels($0) }
        case .linear:
            let one = body.required("score_one") { $0.decimal("score_one") }
            let five = body.required("score_five") { $0.decimal("score_five") }
            guard let one, let five else { return nil }
            return .linear(scoreOne: one, scoreFive: five)
        case nil:
            return nil
        }
    }
}

enum ScoringMethod: String, CaseIterable {
    case fiveLevels = "five_levels", linear
}

enum YesFilter: String, CaseIterable { case `true`, `false` }

extension JSONBody {
    /// An array of numbers (a scoring table's levels).
    mutating func numbers(_ key: String, max: Int) -> [Decimal]?? {
        guard let raw = value(key) else { return .none }
        switch raw {
        case .null: return .some(nil)
        case .array(let elements) where elements.count <= max:
            var out: [Decimal] = []
            for (index, element) in elements.enumerated() {
                switch element {
                case .integer(let n): out.append(Decimal(n))
                case .number(let d): out.append(d)
                default: fail("\(key)/\(index)", "type", "Must be a number, not \(element.typeName).", "ต้องเป็นตัวเลข")
                }
            }
            return out.count == elements.count ? .some(out) : .none
        case .array:
            fail(key, "too_many", "Must have at most \(max) elements.", "มีได้ไม่เกิน \(max) รายการ")
        default:
            fail(key, "type", "Must be an array of numbers, not \(raw.typeName).", "ต้องเป็นอาร์เรย์ของตัวเลข")
        }
        return .none
    }
}
