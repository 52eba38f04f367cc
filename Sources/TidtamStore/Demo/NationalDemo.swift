import Foundation
import Postgres
import TidtamDomain

/// The size of the whole country for one fiscal year, for benchmarks: 245 district offices
/// (183 primary, 62 secondary, as OBEC has them), 29,000 schools, and for each school an
/// approved action plan of 40 projects with activities, budget lines, 3 indicators, targets and
/// 12 monthly actuals, and an approved performance agreement on five district-wide indicators
/// (sql/demo/national_district.sql).
///
/// It runs as the schema owner, one transaction per district (so an interrupted run resumes
/// where it stopped: districts already there are skipped), on several connections at once.
/// Row-level security still applies: each transaction acts as its district. Generated schools
/// and plan rows write no audit rows (`tidtam.audit = off`, honoured for the owner only); each
/// district's own row is audited as usual.
public struct NationalDemo: Sendable {
    public static let districtCount = 245
    public static let primaryDistricts = 183
    public static let schoolCount = 29_000

    public struct Progress: Sendable {
        public let districtsDone: Int
        public let districtsTotal: Int
        public let rows: Int
    }

    let db: Database
    let statements: [String]

    /// `owner`: connections as the schema owner. `sqlDirectory`: the `sql` folder (the one that
    /// holds `migrations` and `demo`).
    public init(owner: Database, sqlDirectory: URL) throws {
        db = owner
        let text = try String(
            contentsOf: sqlDirectory.appendingPathComponent("demo/national_district.sql"), encoding: .utf8)
        let body = text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("--") }.joined(
            separator: "\n")
        statements = body.components(separatedBy: "\n;;\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty }
    }

    /// The 77 provinces; district offices are named after them (`… เขต n` for the primary ones).
    static let provinces = [
        "กรุงเทพมหานคร", "กระบี่", "กาญจนบุรี", "กาฬสินธุ์", "กำแพงเพชร", "ขอนแก่น", "จันทบุรี", "ฉะเชิงเทรา", "ชลบุรี", "ชัยนาท",
        "ชัยภูมิ", "ชุมพร", "เชียงราย", "เชียงใหม่", "ตรัง", "ตราด", "ตาก", "นครนายก", "นครปฐม", "นครพนม",
        "นครราชสีมา", "นครศรีธรรมราช", "นครสวรรค์", "นนทบุรี", "นราธิวาส", "น่าน", "บึงกาฬ", "บุรีรัมย์", "ปทุมธานี", "ประจวบคีรีขันธ์",
        "ปราจีนบุรี", "ปัตตานี", "พระนครศรีอยุธยา", "พะเยา", "พังงา", "พัทลุง", "พิจิตร", "พิษณุโลก", "เพชรบุรี", "เพชรบูรณ์",
        "แพร่", "ภูเก็ต", "มหาสารคาม", "มุกดาหาร", "แม่ฮ่องสอน", "ยโสธร", "ยะลา", "ร้อยเอ็ด", "ระนอง", "ระยอง",
        "ราชบุรี", "ลพบุรี", "ลำปาง", "ลำพูน", "เลย", "ศรีสะเกษ", "สกลนคร", "สงขลา", "สตูล", "สมุทรปราการ",
        "สมุทรสงคราม", "สมุทรสาคร", "สระแก้ว", "สระบุรี", "สิงห์บุรี", "สุโขทัย", "สุพรรณบุรี", "สุราษฎร์ธานี", "สุรินทร์", "หนองคาย",
        "หนองบัวลำภู", "อ่างทอง", "อำนาจเจริญ", "อุดรธานี", "อุตรดิตถ์", "อุทัยธานี", "อุบลราชธานี",
    ]

    struct Plan: Sendable {
        let index: Int
        let code: String
        let nameTH: String
        let kind: String
        let province: String
        let schools: Int
    }

    /// Every district of the data set; the schools are spread so that they add up to 29,000.
    static func plan() -> [Plan] {
        let base = schoolCount / districtCount, extra = schoolCount % districtCount
        return (0..<districtCount).map { i in
            let primary = i < primaryDistricts
            let province = provinces[(primary ? i : i - primaryDistricts) % provinces.count]
            let name =
                primary
                ? "สำนักงานเขตพื้นที่การศึกษาประถมศึกษา\(province) เขต \(i / provinces.count + 1)"
                : "สำนักงานเขตพื้นที่การศึกษามัธยมศึกษา\(province)"
            return Plan(
                index: i, code: String(format: "NAT-%03d", i + 1), nameTH: name,
                kind: primary ? "primary" : "secondary",
                province: province, schools: base + (i < extra ? 1 : 0))
        }
    }

    static let analyze: SQL = """
        ANALYZE district, school, action_plan, project, activity, budget_line, indicator, indicator_target, indicator_actual, indicator_adoption,
        performance_agreement, agreement_item, audit_log
        """

    /// Generates what is missing, `workers` districts at a time, and reports after each one.
    /// `districts` stops after the first few (tests).
    public func generate(
        fiscalYear: Int, workers: Int = 2, districts limit: Int = districtCount,
        progress: @escaping @Sendable (Progress) -> Void
    ) async throws -> Progress {
        let present = Set(
            try await db.read(Tenant.nationalService, "SELECT code FROM district WHERE code LIKE 'NAT-%'").rows.map {
                try $0.decode("code", as: String.self)
            })
        let todo = Self.plan().prefix(limit).filter { !present.contains($0.code) }
        let done = present.count
        let counter = Counter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            var queue = todo.makeIterator()
            func next() -> Plan? { queue.next() }
            for _ in 0..<max(1, workers) {
                guard let first = next() else { break }
                group.addTask {
                    try await self.generate(
                        first, fiscalYear: fiscalYear, counter: counter, done: done, progress: progress)
                }
            }
            while try await group.next() != nil {
                if let district = next() {
                    group.addTask {
                        try await self.generate(
                            district, fiscalYear: fiscalYear, counter: counter, done: done, progress: progress)
                    }
                }
            }
        }
        // Fresh statistics, so that the benchmarks' first queries are planned on the real sizes.
        _ = try await db.transaction(Tenant.unscoped) { tx in try tx.query(Self.analyze) }
        let (districts, rows) = await counter.totals
        return Progress(districtsDone: done + districts, districtsTotal: Self.districtCount, rows: rows)
    }

    func generate(
        _ district: Plan, fiscalYear: Int, counter: Counter, done: Int, progress: @Sendable (Progress) -> Void
    ) async throws {
        let id: Int64 = try await db.read(Tenant.unscoped, "SELECT nextval('district_id_seq') AS id").first!.decode(
            "id")
        let statements = self.statements
        let rows = try await db.transaction(DistrictTenant(districtID: id, actor: .unauditedBulkLoad)) { tx in
            try tx.query(
                """
                INSERT INTO district (id, code, name_th, kind, province_th)
                VALUES (\(id), \(district.code), \(district.nameTH), \(district.kind), \(district.province))
                """)
            var rows = 1
            let firstOBECCode = Int64(6_000_000_000) + Int64(district.index) * 1_000
            let values: [any PostgresEncodable] = [id, district.schools, firstOBECCode, fiscalYear]
            for statement in statements {
                rows += try tx.query(SQL(file: statement, binding: values)).affectedRows
            }
            return rows
        }
        let (districts, total) = await counter.add(rows: rows)
        progress(Progress(districtsDone: done + districts, districtsTotal: Self.districtCount, rows: total))
    }

    actor Counter {
        private var districts = 0
        private var rows = 0
        func add(rows more: Int) -> (Int, Int) {
            districts += 1
            rows += more
            return (districts, rows)
        }
        var totals: (Int, Int) { (districts, rows) }
    }
}
