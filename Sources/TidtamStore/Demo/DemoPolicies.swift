import Postgres
/// The national reference list that a demo's strategies cite: the six strategies of the 20-year
/// National Strategy, the master plan's issue on learning, and OBEC's four policy areas. OBEC
/// keeps the real list (`POST /national-policies`); loaded once, whoever loads the demo first.
struct DemoPolicies {
    let db: Database

    static let policies: [(code: String, kind: NationalPolicyKind, nameTH: String, nameEN: String)] = [
        ("NS-1", .nationalStrategy, "ยุทธศาสตร์ชาติด้านความมั่นคง", "National Strategy: security"),
        ("NS-2", .nationalStrategy, "ยุทธศาสตร์ชาติด้านการสร้างความสามารถในการแข่งขัน", "National Strategy: competitiveness"),
        (
            "NS-3", .nationalStrategy, "ยุทธศาสตร์ชาติด้านการพัฒนาและเสริมสร้างศักยภาพทรัพยากรมนุษย์",
            "National Strategy: human capital"
        ),
        (
            "NS-4", .nationalStrategy, "ยุทธศาสตร์ชาติด้านการสร้างโอกาสและความเสมอภาคทางสังคม",
            "National Strategy: social equality"
        ),
        (
            "NS-5", .nationalStrategy, "ยุทธศาสตร์ชาติด้านการสร้างการเติบโตบนคุณภาพชีวิตที่เป็นมิตรต่อสิ่งแวดล้อม",
            "National Strategy: green growth"
        ),
        (
            "NS-6", .nationalStrategy, "ยุทธศาสตร์ชาติด้านการปรับสมดุลและพัฒนาระบบการบริหารจัดการภาครัฐ",
            "National Strategy: public administration"
        ),
        (
            "MP-12", .masterPlan, "แผนแม่บทภายใต้ยุทธศาสตร์ชาติ ประเด็นการพัฒนาการเรียนรู้",
            "Master plan: the development of learning"
        ),
        ("OBEC-1", .obecPolicy, "นโยบาย สพฐ. ด้านความปลอดภัย", "OBEC policy: safety"),
        ("OBEC-2", .obecPolicy, "นโยบาย สพฐ. ด้านโอกาส", "OBEC policy: opportunity"),
        ("OBEC-3", .obecPolicy, "นโยบาย สพฐ. ด้านคุณภาพ", "OBEC policy: quality"),
        ("OBEC-4", .obecPolicy, "นโยบาย สพฐ. ด้านประสิทธิภาพ", "OBEC policy: efficiency"),
    ]

    func load() async throws {
        let store = NationalPolicyStore(db), tenant = Tenant.nationalService
        let existing = try await store.list(tenant, kind: nil, includeRetired: true, page: PageRequest(limit: 1))
        guard existing.items.isEmpty else { return }
        for policy in Self.policies {
            _ = try await store.create(
                tenant, code: policy.code, kind: policy.kind, nameTH: policy.nameTH, nameEN: policy.nameEN)
        }
    }
}
