import ArgumentParser
import Foundation
import Postgres
import TidtamDomain
import TidtamStore

/// `tidtam bench reminders`: the reporting scan of every district at once, as one worker runs
/// it (a transaction per district, as the service's role), when every school of the country has
/// a reminder due today on each of OBEC's monthly requirements; then the same scan again, which
/// must make nothing. Against the floor in the same run: the same reminder and job rows put into
/// the same tables by one `INSERT … SELECT` per district, as the service's role, rolled back.
struct ReminderBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reminders")

    @Option var districts = 245
    @Option(help: "Schools per district, each with one school staff user.") var schools = 120
    @Option(help: "OBEC's monthly requirements, each with a reminder due today for every school.") var requirements = 4

    func run() async throws {
        let (app, owner) = try Self.databases()
        let today = CalendarDate.today()
        let ids = try await Self.load(
            app: app, owner: owner, today: today, districts: districts, schools: schools, requirements: requirements)

        // The floor first (rolled back), then the scan, then the scan again.
        var floorSeconds = 0.0, floorRows = 0
        for district in ids {
            let (rows, seconds) = try await floor(app, district: district, today: today)
            floorRows += rows
            floorSeconds += seconds
        }
        var made = 0
        var started = ContinuousClock.now
        for district in ids {
            made += try await app.transaction(DistrictTenant.background(district)) { tx in
                try ReportingScan.run(tx, district: district, today: today).reminders
            }
        }
        let scanSeconds = (ContinuousClock.now - started).seconds
        var again = 0
        started = ContinuousClock.now
        for district in ids {
            again += try await app.transaction(DistrictTenant.background(district)) { tx in
                try ReportingScan.run(tx, district: district, today: today).reminders
            }
        }
        let rescanSeconds = (ContinuousClock.now - started).seconds
        let jobs: Int = try await app.read(
            Tenant.workerAcrossDistricts, "SELECT count(*)::int AS n FROM job WHERE kind = 'reminder.deliver'"
        ).first!.decode("n")
        print(
            String(
                format:
                    "scan: %d reminders (and %d delivery jobs) for %d districts in %.2f s   floor (INSERT … SELECT of the same rows): %d in %.2f s   ratio %.2f",
                made, jobs, ids.count, scanSeconds, floorRows, floorSeconds, scanSeconds / floorSeconds))
        print(String(format: "rescan: %d reminders in %.2f s", again, rescanSeconds))
        await app.shutdown()
        await owner.shutdown()
    }

    /// The service's pool and the schema owner's (for the bulk load), as the reminder benchmarks use them.
    static func databases() throws -> (app: Database, owner: Database) {
        let settings = Settings()
        return (
            Database(
                PoolConfiguration(
                    conninfo: try settings.databaseURL, maxConnections: 4, applicationName: "tidtam-bench")),
            Database(
                PoolConfiguration(
                    conninfo: try settings.migrationURL, maxConnections: 2, applicationName: "tidtam-bench"))
        )
    }

    /// Districts with schools and one school staff user each, and OBEC's monthly requirements
    /// (copied into every district) due a week from today for the month that ended last.
    static func load(
        app: Database, owner: Database, today: CalendarDate, districts: Int, schools: Int, requirements: Int
    ) async throws -> [Int64] {
        let existing = try await app.read(
            Tenant.nationalService, "SELECT id FROM district WHERE code LIKE 'RB%' ORDER BY id"
        ).rows.map { try $0.decode("id", as: Int64.self) }
        var ids = existing
        if existing.isEmpty {
            let store = DistrictStore(app)
            for n in 1...districts {
                ids.append(
                    try await store.create(
                        DistrictInput(
                            code: String(format: "RB%04d", n), nameTH: "สพป.ทดสอบการแจ้งเตือน เขต \(n)", kind: .primary)
                    ).id)
            }
            let perDistrict = schools
            for district in ids {
                try await owner.transaction(DistrictTenant(districtID: district, actor: .unauditedBulkLoad)) { tx in
                    try tx.query(
                        """
                        INSERT INTO school (district_id, obec_code, name_th)
                        SELECT \(district), lpad((\(district) * 10000 + s)::text, 10, '0'), 'โรงเรียนทดสอบ ' || s
                        FROM generate_series(1, \(perDistrict)) s
                        """)
                    try tx.query(
                        """
                        WITH u AS (
                            INSERT INTO app_user (district_id, email, display_name)
                            SELECT s.district_id, 'staff' || s.id || '@bench.tidtam.test', 'ครูโรงเรียน ' || s.id
                            FROM school s WHERE s.district_id = \(district)
                            RETURNING district_id, id, email
                        )
                        INSERT INTO membership (district_id, user_id, role, school_id)
                        SELECT u.district_id, u.id, 'school_staff', substring(u.email FROM 'staff([0-9]+)@')::bigint FROM u
                        """)
                }
            }
        }
        // The month that ended last is due in 7 days: today is its reminder "a week before".
        let (year, month) = today.month == 1 ? (today.year - 1, 12) : (today.year, today.month - 1)
        let lastMonthEnd = CalendarDate(year: year, month: month, day: CalendarDate.daysIn(month: month, year: year))!
        let dueDays = today.day + 7
        let national = NationalRequirementStore(app)
        let issued = try await national.list(Tenant.nationalService, fiscalYear: nil, page: PageRequest(limit: 200))
        for n in (issued.items.count + 1)..<(requirements + 1) {
            _ = try await national.issue(
                .nationalService,
                RequirementInput(
                    titleTH: "รายงานรายเดือนที่ \(n)", fiscalYear: FiscalYear(containing: lastMonthEnd), frequency: .month,
                    dueDays: dueDays, audience: .schools,
                    sections: [RequirementSection(key: "summary", kind: .text, titleTH: "สรุป")]))
        }
        // The copies, and no job left from issuing them.
        for district in ids {
            try await app.transaction(DistrictTenant.background(district)) { tx in
                try ReportingScan.copy(tx, district: district)
            }
        }
        _ = try await owner.transaction(Tenant.workerAcrossDistricts) { tx in
            try tx.query("DELETE FROM job")
            try tx.query("DELETE FROM job_key")
        }
        return ids
    }

    struct RolledBack: Error { let rows: Int; let seconds: Double }

    /// The same reminders and jobs as the scan makes, from a list made beforehand (not timed),
    /// by one INSERT … SELECT, rolled back.
    func floor(_ app: Database, district: Int64, today: CalendarDate) async throws -> (Int, Double) {
        do {
            try await app.transaction(DistrictTenant.background(district)) { tx in
                try tx.query(
                    """
                    CREATE TEMP TABLE due ON COMMIT DROP AS
                    SELECT r.district_id, r.id AS requirement_id, p.period_no, m.school_id, m.user_id,
                           'before_7'::text AS step, p.ends_on + r.due_days AS due_on, \(today.iso)::date AS step_on
                    FROM report_requirement r CROSS JOIN LATERAL tidtam_fiscal_periods(r.fiscal_year, r.frequency) p
                    JOIN membership m ON m.district_id = r.district_id AND m.role = 'school_staff'
                    WHERE r.district_id = \(district) AND p.ends_on + r.due_days - 7 = \(today.iso)::date
                    """)
                let started = ContinuousClock.now
                let rows = try tx.query(
                    """
                    WITH made AS (
                        INSERT INTO reminder (district_id, requirement_id, period_no, school_id, recipient_id, step, due_on, step_on)
                        SELECT district_id, requirement_id, period_no, school_id, user_id, step, due_on, step_on FROM due
                        RETURNING district_id, id
                    )
                    INSERT INTO job (district_id, kind, args, max_attempts, unique_key)
                    SELECT district_id, 'reminder.deliver', jsonb_build_object('reminder_id', id), 25, 'reminder:' || id FROM made
                    """
                ).affectedRows
                throw RolledBack(rows: rows, seconds: (ContinuousClock.now - started).seconds)
            }
        } catch let done as RolledBack {
            return (done.rows, done.seconds)
        }
        return (0, 0)
    }
}
