import Foundation
import Logging
import NIOConcurrencyHelpers
import Postgres
import ServiceLifecycle
import TidtamDomain
import TidtamJobs
import TidtamStore

/// The national data set's monitoring: every approved plan's monitoring plan, generated as the
/// service generates it (a job per plan, run by one worker with the production handlers), and a
/// quarter of progress reports. Also the floor the generation is measured against.
struct NationalMonitoring {
    /// As the service (tidtam_app).
    let app: Database
    let appURL: String
    /// As the schema owner.
    let owner: Database
    let ownerURL: String

    /// The approved plans of the year that have no monitoring plan yet, by district.
    func plansWithoutItems(fiscalYear: Int) async throws -> [(district: Int64, plan: Int64)] {
        try await app.read(
            Tenant.nationalService,
            """
            SELECT p.district_id, p.id FROM action_plan p
            WHERE p.fiscal_year = \(fiscalYear) AND p.status = 'approved' AND p.superseded_at IS NULL
              AND NOT EXISTS (SELECT FROM monitoring_item m WHERE m.district_id = p.district_id AND m.school_id = p.school_id
                              AND m.fiscal_year = p.fiscal_year AND m.action_plan_id = p.id)
            ORDER BY p.district_id, p.id
            """
        ).rows.map { (try $0.decode("district_id"), try $0.decode("id")) }
    }

    /// Enqueues a generation job per plan still without items and runs one worker until they
    /// are done. Returns the number of jobs and the seconds from the first claim to the last.
    func generateThroughJobs(fiscalYear: Int, concurrency: Int = 16, batch: Int = 100) async throws -> (
        jobs: Int, seconds: Double
    ) {
        let plans = try await plansWithoutItems(fiscalYear: fiscalYear)
        guard !plans.isEmpty else { return (0, 0) }
        let queue = JobQueue(db: app)
        for chunk in stride(from: 0, to: plans.count, by: 1000) {
            let part = plans[chunk..<min(chunk + 1000, plans.count)]
            try await queue.enqueueMany(
                kind: MonitoringPlanJob.kind, priority: 1,
                jobs: part.map { ($0.district, "{\"action_plan_id\":\($0.plan)}") })
        }
        _ = try await app.transaction(Tenant.workerAcrossDistricts) { try $0.query("ANALYZE job") }
        var configuration = Worker.Configuration(listenConninfo: appURL)
        configuration.concurrency = concurrency
        configuration.batchSize = batch
        var logger = Logger(label: "tidtam.monitoring")
        logger.logLevel = .warning
        let worker = Worker(configuration: configuration, db: app, handlers: BuiltInJobs.production, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [worker], logger: logger))
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            while try await remaining() > 0 { try await Task.sleep(for: .milliseconds(200)) }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        return (plans.count, (ContinuousClock.now - started).seconds)
    }

    func remaining() async throws -> Int {
        try await app.read(
            Tenant.workerAcrossDistricts,
            "SELECT count(*) AS n FROM job WHERE kind = \(MonitoringPlanJob.kind)"
        ).first!.decode("n")
    }

    struct RolledBack: Error { let rows: Int }

    /// The floor: the same due items put into the same table by `INSERT … SELECT`, one
    /// statement per kind and district (the service's role reaches one district per transaction),
    /// each transaction rolled back so that the table is left as it was.
    func baseline(fiscalYear: Int) async throws -> (rows: Int, seconds: Double) {
        let districts = try await app.read(Tenant.nationalService, "SELECT id FROM district ORDER BY id").rows.map {
            try $0.decode("id", as: Int64.self)
        }
        let year = FiscalYear(fiscalYear)
        var rows = 0
        let started = ContinuousClock.now
        for district in districts {
            do {
                try await app.transaction(DistrictTenant.background(district)) { tx in
                    let settings = MonitoringSettings.defaults
                    var n = try tx.query(
                        MonitoringPlanGenerator.insertProgressItems(
                            district: district, plans: nil, year: year, frequency: settings.reportFrequency,
                            dueDays: settings.reportDueDays)
                    ).affectedRows
                    n += try tx.query(
                        MonitoringPlanGenerator.insertCheckpoints(
                            district: district, plans: nil, year: year, dueDays: settings.reportDueDays)
                    ).affectedRows
                    throw RolledBack(rows: n)
                }
            } catch let rolledBack as RolledBack {
                rows += rolledBack.rows
            }
        }
        return (rows, (ContinuousClock.now - started).seconds)
    }

    /// Removes the data set's monitoring (items, reports, their files) and reclaims the space:
    /// TRUNCATE as the owner, which neither row-level security nor the audit triggers see.
    func clear() throws {
        let connection = try Connection.connect(ownerURL, applicationName: "tidtam-bench")
        try connection.execute(script: "TRUNCATE monitoring_item CASCADE")
        try vacuum(connection)
    }

    func vacuum(_ connection: Connection? = nil) throws {
        let connection = try connection ?? Connection.connect(ownerURL, applicationName: "tidtam-bench")
        try connection.execute(script: "VACUUM ANALYZE monitoring_item")
        try connection.execute(script: "VACUUM ANALYZE job")
    }

    /// A quarter of progress reports: for quarter 1, nine items in ten reported, one in five of
    /// those after the due date; written as the owner without audit rows, one district at a time.
    func loadReports(fiscalYear: Int) async throws -> Int {
        let districts = try await app.read(Tenant.nationalService, "SELECT id FROM district ORDER BY id").rows.map {
            try $0.decode("id", as: Int64.self)
        }
        var rows = 0
        for district in districts {
            rows += try await owner.transaction(DistrictTenant(districtID: district, actor: .unauditedBulkLoad)) { tx in
                try tx.query(
                    """
                    INSERT INTO progress_report (district_id, school_id, item_id, project_id, status, percent_complete, progress_status,
                                                 done_th, problems_th, submitted_at)
                    SELECT m.district_id, m.school_id, m.id, m.project_id, 'submitted', 15 + m.id % 20,
                           CASE WHEN m.id % 9 = 0 THEN 'delayed' WHEN m.id % 13 = 0 THEN 'at_risk' ELSE 'on_track' END,
                           'ดำเนินกิจกรรมตามแผนไตรมาสที่ 1', CASE WHEN m.id % 9 = 0 THEN 'งบประมาณโอนล่าช้า' END,
                           (m.due_on + CASE WHEN m.id % 5 = 0 THEN 7 ELSE -3 END + time '10:00') AT TIME ZONE 'Asia/Bangkok'
                    FROM monitoring_item m
                    WHERE m.district_id = \(district) AND m.fiscal_year = \(fiscalYear) AND m.kind = 'progress_report'
                      AND m.period_kind = 'quarter' AND m.period = 1 AND m.id % 10 <> 0
                      AND NOT EXISTS (SELECT FROM progress_report r WHERE r.district_id = m.district_id AND r.item_id = m.id)
                    """
                ).affectedRows
            }
        }
        let connection = try Connection.connect(ownerURL, applicationName: "tidtam-demo")
        try connection.execute(script: "ANALYZE progress_report")
        return rows
    }
}
