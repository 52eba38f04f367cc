import Postgres
import Foundation
import TidtamDomain

/// A year of plans for a demo district, written through the same stores as the API: the
/// district's strategic plan with goals and indicators, and for each school an action plan of
/// fiscal year 2569 with projects, activities and budgets, in every state of its lifecycle, and
/// a performance agreement. Loaded once per district (skipped when it has a strategic plan).
struct DemoPlans {
    let db: Database

    /// Each strategy cites the national policies it serves (DemoPolicies).
    static let strategies: [(code: String, name: String, goal: String, indicator: String, policies: [String])] = [
        (
            "1", "พัฒนาคุณภาพผู้เรียนให้มีความรู้และทักษะที่จำเป็นในศตวรรษที่ 21", "ผู้เรียนอ่านออก เขียนได้ คิดเลขเป็น",
            "ร้อยละของนักเรียนชั้น ป.1 ที่อ่านออกเขียนได้", ["NS-3", "MP-12", "OBEC-3"]
        ),
        (
            "2", "สร้างโอกาสและความเสมอภาคทางการศึกษา", "เด็กวัยเรียนทุกคนได้รับการศึกษาอย่างทั่วถึง",
            "ร้อยละของเด็กวัยเรียนในเขตบริการที่ได้เข้าเรียน", ["NS-4", "OBEC-2"]
        ),
        (
            "3", "พัฒนาครูและบุคลากรทางการศึกษาให้มีสมรรถนะสูง", "ครูจัดการเรียนรู้เชิงรุกได้",
            "ร้อยละของครูที่จัดการเรียนรู้เชิงรุก", ["NS-3", "OBEC-4"]
        ),
    ]

    static let projects: [(code: String, name: String, strategy: Int, obec: Decimal, other: (BudgetSource, Decimal)?)] =
        [
            ("P01", "โครงการส่งเสริมนิสัยรักการอ่าน", 0, 35_000, (.donation, 5_000)),
            ("P02", "โครงการพัฒนาทักษะคณิตศาสตร์", 0, 28_500, nil),
            ("P03", "โครงการโรงเรียนปลอดภัย", 1, 15_000, (.localGovernment, 20_000)),
            ("P04", "โครงการพัฒนาครูด้านการจัดการเรียนรู้เชิงรุก", 2, 42_000, (.schoolRevenue, 8_000)),
        ]

    func load(_ tenant: DistrictTenant, schools: [Int64]) async throws {
        let strategicPlans = StrategicPlanStore(db)
        let existing = try await strategicPlans.list(
            tenant, districtID: nil, schoolID: nil, districtOnly: true, year: nil, page: PageRequest(limit: 1))
        guard existing.items.isEmpty else { return }

        let plan = try await strategicPlans.create(
            tenant,
            StrategicPlanInput(
                titleTH: "แผนพัฒนาการศึกษา พ.ศ. 2569–2572", firstYearBE: 2569, lastYearBE: 2572,
                visionTH: "ผู้เรียนมีคุณภาพ ครูมีสมรรถนะ สถานศึกษามีมาตรฐาน ภาคีมีส่วนร่วม",
                missionTH: "พัฒนาคุณภาพผู้เรียนทุกช่วงวัยและส่งเสริมการมีส่วนร่วมของชุมชน",
                strategies: Self.strategies.map {
                    .init(
                        code: $0.code, nameTH: $0.name, policyCodes: $0.policies,
                        goals: [.init(code: "\($0.code).1", nameTH: $0.goal)])
                }))
        let ids = try Self.strategyAndGoalIDs(plan.json)
        let indicators = IndicatorStore(db)
        var goalIndicators: [Int64] = []
        for (index, strategy) in Self.strategies.enumerated() {
            let indicator = try await indicators.create(
                tenant,
                IndicatorInput(
                    goalID: ids.goals[index], code: "KPI-\(strategy.code)",
                    definition: IndicatorDefinition(
                        nameTH: strategy.indicator, unit: "ร้อยละ", kind: .outcome, direction: .higherIsBetter,
                        baseline: 70, scoring: .fiveLevels([60, 70, 80, 90, 95]), weight: 20, isCSF: index == 0),
                    targets: [2569, 2570, 2571, 2572].map {
                        TargetInput(fiscalYear: FiscalYear($0), target: Decimal(80 + ($0 - 2569) * 3))
                    }))
            goalIndicators.append(indicator.id)
        }

        let actionPlans = ActionPlanStore(db), projectStore = ProjectStore(db), agreements = AgreementStore(db)
        let year = FiscalYear(2569)
        for (n, school) in schools.enumerated() {
            var actionPlan = try await actionPlans.create(
                tenant,
                ActionPlanInput(
                    schoolID: school, fiscalYear: year, titleTH: "แผนปฏิบัติการประจำปีงบประมาณ 2569",
                    strategicPlanID: plan.id))
            for project in Self.projects.prefix(2 + n % 3) {
                var budget = [BudgetLineInput(source: .obec, descriptionTH: "เงินอุดหนุนรายหัว", amount: project.obec)]
                if let other = project.other { budget.append(BudgetLineInput(source: other.0, amount: other.1)) }
                let created = try await projectStore.create(
                    tenant, planID: actionPlan.id,
                    ProjectInput(
                        code: project.code, nameTH: project.name, strategyID: ids.strategies[project.strategy],
                        responsibleTH: "ครูผู้รับผิดชอบโครงการ",
                        startDate: CalendarDate(year: 2025, month: 11, day: 1),
                        endDate: CalendarDate(year: 2026, month: 9, day: 15),
                        expectedOutputsTH: "นักเรียนร้อยละ 90 เข้าร่วมกิจกรรม", expectedOutcomesTH: "ผลสัมฤทธิ์ทางการเรียนสูงขึ้น",
                        activities: [
                            ActivityInput(
                                nameTH: "ประชุมวางแผนและแต่งตั้งคณะทำงาน",
                                startDate: CalendarDate(year: 2025, month: 11, day: 1),
                                endDate: CalendarDate(year: 2025, month: 11, day: 30)),
                            ActivityInput(
                                nameTH: "ดำเนินกิจกรรมตามแผน", startDate: CalendarDate(year: 2025, month: 12, day: 1),
                                endDate: CalendarDate(year: 2026, month: 8, day: 31)),
                            ActivityInput(
                                nameTH: "สรุปและรายงานผลการดำเนินงาน",
                                startDate: CalendarDate(year: 2026, month: 9, day: 1),
                                endDate: CalendarDate(year: 2026, month: 9, day: 15), isMilestone: true),
                        ],
                        budgetLines: budget))
                _ = try await indicators.create(
                    tenant,
                    IndicatorInput(
                        projectID: created.id, code: "\(project.code)-1",
                        definition: IndicatorDefinition(
                            nameTH:
                                "ร้อยละของนักเรียนที่เข้าร่วม\(project.name.replacingOccurrences(of: "โครงการ", with: "กิจกรรม"))",
                            unit: "ร้อยละ", kind: .output, direction: .higherIsBetter,
                            scoring: .linear(scoreOne: 50, scoreFive: 90), weight: 10),
                        period: .quarter,
                        targets: (1...4).map { TargetInput(fiscalYear: year, period: $0, target: Decimal(60 + $0 * 8)) }
                    ))
            }
            // Every stage of the lifecycle shows up somewhere in the demo.
            switch n % 4 {
            case 0, 1:
                actionPlan = try await actionPlans.apply(
                    .submit, tenant, id: actionPlan.id, expectedVersion: actionPlan.version)
                if n % 4 == 0 {
                    _ = try await actionPlans.apply(
                        .approve, tenant, id: actionPlan.id, expectedVersion: actionPlan.version)
                }
            case 2:
                actionPlan = try await actionPlans.apply(
                    .submit, tenant, id: actionPlan.id, expectedVersion: actionPlan.version)
                _ = try await actionPlans.apply(
                    .returnForChanges(reason: "โปรดระบุตัวชี้วัดของโครงการให้ครบทุกโครงการ"), tenant,
                    id: actionPlan.id, expectedVersion: actionPlan.version)
            default:
                break
            }
            if n < 4 {
                _ = try await agreements.create(
                    tenant,
                    AgreementInput(
                        schoolID: school, fiscalYear: year, titleTH: "ข้อตกลงผลการปฏิบัติงาน ปีงบประมาณ 2569",
                        signedByTH: "ผู้อำนวยการโรงเรียน", signerRoleTH: "ผู้อำนวยการสถานศึกษา",
                        items: zip(goalIndicators, [40, 30, 30] as [Decimal]).map {
                            AgreementInput.Item(indicatorID: $0, weight: $1, target: 85)
                        }))
            }
        }
    }

    /// The ids of the strategies and of their first goals, in order, from the plan's document.
    static func strategyAndGoalIDs(_ json: String) throws -> (strategies: [Int64], goals: [Int64]) {
        struct Goal: Decodable { let id: Int64 }
        struct Strategy: Decodable { let id: Int64; let goals: [Goal] }
        struct Plan: Decodable { let strategies: [Strategy] }
        let plan = try JSONDecoder().decode(Plan.self, from: Data(json.utf8))
        return (plan.strategies.map(\.id), plan.strategies.map { $0.goals[0].id })
    }
}
