import Foundation
import Logging
import Postgres
import TidtamReports
import TidtamStore

/// Reports' job: a requested report assembled from every school of the district. Progress is
/// committed step by step so the office sees where it is; the version and its files are written
/// with the job's completion, once per request (`ReportAssembly.record`).
public enum ReportJobs {
    public static let assemble = ClosureJobHandler(kind: ReportAssembly.kind) { context in
        let args = try context.job.args.decoded(as: ReportAssembly.Args.self)
        let district = context.job.districtID, tenant = context.tenant, db = context.db
        do {
            guard
                let request = try await db.transaction(
                    tenant, { tx in try ReportAssembly.start(tx, district: district, requestID: args.requestID) })
            else {
                try await context.finish { _ in }  // assembled already
                return
            }
            let data = try await db.transaction(tenant) { tx in
                try tx.query("SET LOCAL statement_timeout = '5min'")
                return try ReportAssembly.gather(tx, district: district, request)
            }
            try await db.transaction(tenant) { tx in
                try ReportAssembly.progress(
                    tx, district: district, requestID: request.id, stage: "rendering", th: "กำลังจัดทำไฟล์รายงาน")
            }
            let rendered = try ReportRenderer.render(request.kind, data: data)
            let files = rendered.files.map {
                ReportAssembly.RenderedFile(format: $0.format, contentType: $0.contentType, bytes: $0.bytes)
            }
            let job = context.job.id
            let version = try await context.finish { tx in
                try ReportAssembly.record(
                    tx, district: district, request, jobID: job, titleTH: rendered.titleTH, data: data, files: files)
            }
            Logger(label: "tidtam.jobs.reports").debug(
                "report assembled",
                metadata: ["district": "\(district)", "request": "\(request.id)", "version": "\(version)"])
        } catch {
            // The last attempt: the office is told it failed, and why, rather than left waiting.
            if context.job.attempt >= context.job.maxAttempts {
                try? await db.transaction(tenant) { tx in
                    try ReportAssembly.failed(tx, district: district, requestID: args.requestID, error: "\(error)")
                }
            }
            throw error
        }
    }

    /// A version's PDF from its HTML, by the renderer in a process of its own.
    public static func pdf(_ renderer: PDFRenderer) -> ClosureJobHandler {
        ClosureJobHandler(kind: ReportAssembly.pdfKind) { context in
            let args = try context.job.args.decoded(as: ReportAssembly.PDFArgs.self)
            let district = context.job.districtID
            guard
                let html = try await context.db.transaction(
                    context.tenant,
                    { tx in try ReportAssembly.htmlAwaitingPDF(tx, district: district, versionID: args.versionID) })
            else {
                try await context.finish { _ in }
                return
            }
            let pdf: [UInt8]
            do {
                pdf = try await renderer.render(html: html)
            } catch let failure as PDFRenderer.Failure {
                if case .notInstalled = failure { throw RetryLater(seconds: 3600, reason: failure.description) }
                throw failure
            }
            try await context.finish { tx in
                try ReportAssembly.addFiles(
                    tx, district: district, versionID: args.versionID,
                    [.init(format: "pdf", contentType: "application/pdf", bytes: pdf)])
            }
        }
    }

    public static var all: [any JobHandler] { [assemble, pdf(PDFRenderer())] }
}
