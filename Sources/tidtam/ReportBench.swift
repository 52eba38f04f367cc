import ArgumentParser
import Foundation
import Logging
import Postgres
import ServiceLifecycle
import TidtamDomain
import TidtamJobs
import TidtamStore

/// `tidtam bench annual-reports`: every district's annual report of the national data set
/// assembled (data and HTML, with the CSV and workbook) through the job runner by one worker,
/// against the floor in the same run — the plain SQL that reads the same data, the same
/// statement per district as the service's role, nothing rendered or kept. Then one district's
/// report (the largest) rendered to PDF by the renderer, beside a one-line page rendered the
/// same way (the renderer's own start), and that version published for the public page's figure.
/// Last, OBEC's annual report across every district (a part job per district, then the national
/// version with its PDF), against the same floor.
struct AnnualReportsBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "annual-reports")

    @Option(help: "Fiscal year (Buddhist Era).") var fiscalYear = 2569
    @Option(help: "Handlers the worker runs at once.") var concurrency = 2
    @Option(help: "Print the annual report's statement for this district (to EXPLAIN it) and stop.")
    var printQuery: Int64?

    func run() async throws {
        if let district = printQuery {
            let (text, binds) = ReportAssembly.annualQuery(district: district, fiscalYear: fiscalYear).rendered
            print(text)
            print("-- binds: " + binds.map { $0.postgresText ?? "NULL" }.joined(separator: ", "))
            return
        }
        let settings = Settings()
        let appURL = try settings.databaseURL
        let app = Database(PoolConfiguration(conninfo: appURL, maxConnections: 8, applicationName: "tidtam-bench"))
        let districts = try await app.read(Tenant.nationalService, "SELECT id FROM district ORDER BY id").rows.map {
            try $0.decode("id", as: Int64.self)
        }

        // The floor: the same data read by the same statement, one read transaction per district.
        var started = ContinuousClock.now
        var floorBytes = 0
        for district in districts {
            floorBytes += try await app.transaction(DistrictTenant.background(district)) { tx in
                try ReportAssembly.annualData(tx, district: district, fiscalYear: fiscalYear).utf8.count
            }
        }
        let floorSeconds = (ContinuousClock.now - started).seconds

        // Through the job runner: a request per district (written with its job), one worker.
        started = ContinuousClock.now
        var requests: [Int64] = []
        for district in districts {
            let made = try await ReportStore(app).request(
                DistrictTenant.background(district),
                ReportRequestInput(kind: .annual, fiscalYear: FiscalYear(fiscalYear)))
            requests.append(made.id)
        }
        // The PDFs each version enqueues are measured apart, below: put back for a day here.
        let later = ClosureJobHandler(kind: ReportAssembly.pdfKind) { _ in
            throw RetryLater(seconds: 86_400, reason: "the benchmark renders one PDF apart")
        }
        let asked = requests
        try await runOneWorker(app, conninfo: appURL, handlers: [ReportJobs.assemble, later], concurrency: concurrency)
        {
            try await app.read(
                Tenant.nationalService,
                "SELECT count(*) AS n FROM report_request WHERE id = ANY (\(asked)::bigint[]) AND status NOT IN ('done', 'failed')"
            ).first!.decode("n", as: Int.self) == 0
        }
        let jobSeconds = (ContinuousClock.now - started).seconds
        let made = try await app.read(
            Tenant.nationalService,
            """
            SELECT count(*) FILTER (WHERE q.status = 'done') AS done, count(*) FILTER (WHERE q.status = 'failed') AS failed,
                   (SELECT coalesce(sum(length(v.data::text)), 0) FROM report_version v
                    WHERE v.district_id = ANY (\(districts)::bigint[]) AND v.request_id = ANY (\(requests)::bigint[])) AS data_bytes,
                   (SELECT coalesce(sum(f.byte_size), 0) FROM report_file f JOIN report_version v
                      ON v.district_id = f.district_id AND v.id = f.version_id
                    WHERE v.request_id = ANY (\(requests)::bigint[]) AND f.format = 'html') AS html_bytes
            FROM report_request q WHERE q.id = ANY (\(requests)::bigint[])
            """
        ).first!
        print(
            String(
                format:
                    "annual reports: %d of %d districts assembled (%d failed; data %.1f MB, HTML %.1f MB) through the job runner %.1f s; plain SQL floor %.1f s (%.1f MB); ratio %.2f",
                try made.decode("done", as: Int.self), districts.count, try made.decode("failed", as: Int.self),
                Double(try made.decode("data_bytes", as: Int64.self)) / 1e6,
                Double(try made.decode("html_bytes", as: Int64.self)) / 1e6, jobSeconds, floorSeconds,
                Double(floorBytes) / 1e6, jobSeconds / floorSeconds))

        // One district's PDF: the largest HTML of this run, and a one-line page for the renderer's start.
        let largest = try await app.read(
            Tenant.nationalService,
            """
            SELECT f.district_id, f.version_id, f.byte_size, encode(f.content, 'base64') AS b FROM report_file f
            JOIN report_version v ON v.district_id = f.district_id AND v.id = f.version_id
            WHERE v.request_id = ANY (\(requests)::bigint[]) AND f.format = 'html'
            ORDER BY f.byte_size DESC LIMIT 1
            """
        ).first!
        let html = [UInt8](Data(base64Encoded: try largest.decode("b"), options: .ignoreUnknownCharacters)!)
        let renderer = PDFRenderer()
        started = ContinuousClock.now
        let tiny = try await renderer.render(html: Array("<html lang=\"th\"><body><p>หน้าเดียว</p></body></html>".utf8))
        let tinySeconds = (ContinuousClock.now - started).seconds
        started = ContinuousClock.now
        let pdf = try await renderer.render(html: html)
        let pdfSeconds = (ContinuousClock.now - started).seconds
        let pages = String(decoding: pdf, as: UTF8.self).components(separatedBy: "/Type /Page\n").count - 1
        print(
            String(
                format:
                    "one district's annual report to PDF: %.2f s for %d KB of HTML → %d KB of PDF (%@ pages); a one-line page %.2f s (%d KB)",
                pdfSeconds, try largest.decode("byte_size", as: Int.self) / 1024, pdf.count / 1024,
                pages > 0 ? "\(pages)" : "?", tinySeconds, tiny.count / 1024))

        // That version published, with its PDF, for the public page's figure.
        let district: Int64 = try largest.decode("district_id"), version: Int64 = try largest.decode("version_id")
        try await app.transaction(DistrictTenant.background(district)) { tx in
            try ReportAssembly.addFiles(
                tx, district: district, versionID: version,
                [.init(format: "pdf", contentType: "application/pdf", bytes: pdf)])
        }
        _ = try await ReportPublicationStore(app).publish(DistrictTenant.background(district), versionID: version)
        let code: String = try await app.read(
            Tenant.nationalService, "SELECT code FROM district WHERE id = \(district)"
        )
        .first!.decode("code")
        print("published: /public/districts/\(code)/annual-reports/\(fiscalYear)")

        // OBEC's annual report across every district: one part job per district, each reading
        // its district's annual data by the floor's statement; the last renders the national
        // report and its PDF and records the version.
        started = ContinuousClock.now
        let national = try await NationalReportStore(app).request(
            .nationalService, ReportRequestInput(kind: .annual, fiscalYear: FiscalYear(fiscalYear), national: true))
        try await runOneWorker(
            app, conninfo: appURL, handlers: [NationalReportJobs.part(renderer)], concurrency: concurrency
        ) {
            try await app.read(
                Tenant.nationalService, "SELECT status FROM national_report_request WHERE id = \(national.id)"
            ).first!.decode("status", as: String.self) == "done"
        }
        let nationalSeconds = (ContinuousClock.now - started).seconds
        let files = try await app.read(
            Tenant.nationalService,
            """
            SELECT string_agg(f.format || ' ' || (f.byte_size / 1024) || ' KB', ', ' ORDER BY f.format) AS files
            FROM national_report_file f JOIN national_report_version v ON v.id = f.version_id
            WHERE v.request_id = \(national.id)
            """
        ).first!.decode("files", as: String.self)
        print(
            String(
                format:
                    "OBEC's annual report across %d districts (%@) through the job runner %.1f s; plain SQL floor %.1f s; ratio %.2f",
                districts.count, files, nationalSeconds, floorSeconds, nationalSeconds / floorSeconds))
        await app.shutdown()
    }
}
