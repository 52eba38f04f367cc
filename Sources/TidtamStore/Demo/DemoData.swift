import Foundation
import Postgres
import TidtamDomain

/// A small, believable demo: the national policy list (DemoPolicies), three district offices with
/// Thai names, a dozen schools each, a year of plans (DemoPlans) and of monitoring
/// (DemoMonitoring) and of evaluation (DemoEvaluation), and one user per role with a fresh token (printed, since a token is shown only once).
/// Loading twice adds no second copy of anything but new tokens.
public struct DemoData: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    public struct IssuedToken: Sendable {
        public let district: String
        public let email: String
        public let role: Role
        public let token: String
    }

    static let districts: [(DistrictInput, villages: [String])] = [
        (
            DistrictInput(
                code: "CMI1", nameTH: "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาเชียงใหม่ เขต 1",
                nameEN: "Chiang Mai Primary Educational Service Area Office 1", kind: .primary, provinceTH: "เชียงใหม่"),
            [
                "ป่าแดด", "หนองหอย", "สันกำแพง", "ดอยสะเก็ด", "แม่แตง", "ช้างเผือก", "ท่าศาลา", "หนองควาย", "ดอนจั่น", "แม่เหียะ",
                "สันผีเสื้อ", "ขัวมุง",
            ]
        ),
        (
            DistrictInput(
                code: "KKN1", nameTH: "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาขอนแก่น เขต 1",
                nameEN: "Khon Kaen Primary Educational Service Area Office 1", kind: .primary, provinceTH: "ขอนแก่น"),
            [
                "โนนทัน", "บ้านเป็ด", "ศิลา", "พระลับ", "ท่าพระ", "ดอนหัน", "โคกสี", "บึงเนียม", "หนองตูม", "สาวะถี", "แดงใหญ่",
                "บ้านหว้า",
            ]
        ),
        (
            DistrictInput(
                code: "BKK-M1", nameTH: "สำนักงานเขตพื้นที่การศึกษามัธยมศึกษากรุงเทพมหานคร เขต 1",
                nameEN: "Bangkok Secondary Educational Service Area Office 1", kind: .secondary,
                provinceTH: "กรุงเทพมหานคร"),
            [
                "วัดบวรนิเวศ", "สามเสนวิทยาลัย", "ราชวินิต", "ศึกษานารี", "วัดสุทธิวราราม", "สตรีวิทยา", "ไตรมิตรวิทยาลัย",
                "เบญจมราชาลัย",
                "วัดราชบพิธ", "พญาไท", "ทีปังกรวิทยาพัฒน์", "โยธินบูรณะ",
            ]
        ),
    ]

    static let people: [(role: Role, name: String, local: String)] = [
        (.districtAdmin, "สมชาย ใจดี", "admin"),
        (.districtStaff, "สุดารัตน์ ติดตามผล", "staff"),
        (.schoolStaff, "วิไลวรรณ ครูดี", "school"),
        (.committee, "ประเสริฐ กรรมการ", "committee"),
    ]

    public func load() async throws -> [IssuedToken] {
        let districtStore = DistrictStore(db), schoolStore = SchoolStore(db), userStore = UserStore(db),
            tokenStore = TokenStore(db)
        var issued: [IssuedToken] = []
        try await DemoPolicies(db: db).load()
        try await DemoReporting(db: db).loadNational()
        for (index, (input, villages)) in Self.districts.enumerated() {
            let districtID: Int64
            if let existing = try await districtStore.find(code: input.code) {
                districtID = existing
            } else {
                districtID = try await districtStore.create(input).id
            }
            let tenant = DistrictTenant.background(districtID)
            var firstSchool: Int64?
            let existingSchools = try await schoolStore.list(
                tenant, filter: SchoolFilter(), page: PageRequest(limit: 200)
            ).items
            if existingSchools.isEmpty {
                for (n, village) in villages.enumerated() {
                    let secondary = input.kind == .secondary
                    let school = try await schoolStore.create(
                        tenant,
                        SchoolInput(
                            obecCode: String(format: "10%02d%06d", index + 50, n + 1),
                            nameTH: secondary ? "โรงเรียน\(village)" : "โรงเรียนบ้าน\(village)",
                            provinceTH: input.provinceTH,
                            addressTH: "ตำบล\(village) จังหวัด\(input.provinceTH ?? "")",
                            size: [.small, .medium, .large, .extraLarge][n % 4],
                            studentCount: 60 + (n * 137) % 1500))
                    firstSchool = firstSchool ?? school.id
                }
            } else {
                firstSchool = existingSchools.first?.id
            }
            let schools = try await schoolStore.list(tenant, filter: SchoolFilter(), page: PageRequest(limit: 200))
                .items.map(\.id)
            try await DemoPlans(db: db).load(tenant, schools: schools)
            var people: [Role: Int64] = [:]
            for person in Self.people {
                let email = "\(person.local)@\(input.code.lowercased()).demo.tidtam.th"
                let user: User
                if let found = try await userStore.list(
                    tenant, filter: UserFilter(email: email), page: PageRequest(limit: 1)
                ).items.first {
                    user = found
                } else {
                    user = try await userStore.create(
                        tenant,
                        UserInput(
                            email: email, displayName: person.name, role: person.role,
                            schoolID: person.role == .schoolStaff ? firstSchool : nil))
                }
                people[person.role] = user.id
                let (_, secret) = try await tokenStore.create(tenant, userID: user.id, name: "demo", expiresAt: nil)
                issued.append(IssuedToken(district: input.code, email: email, role: person.role, token: secret))
            }
            try await DemoMonitoring(db: db).load(tenant, users: people)
            try await DemoEvaluation(db: db).load(tenant)
            try await DemoReporting(db: db).load(tenant, schools: schools)
            try await DemoReports(db: db).load(tenant, schools: schools, publishes: index == 0)
        }
        try await DemoReports(db: db).loadNational()
        // OBEC's reader, to read the national report (and every district, changing nothing).
        let obec = try await tokenStore.createNational(
            email: "obec@demo.tidtam.th", displayName: "สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน", name: "demo")
        issued.append(IssuedToken(district: "OBEC", email: "obec@demo.tidtam.th", role: .national, token: obec))
        return issued
    }
}
