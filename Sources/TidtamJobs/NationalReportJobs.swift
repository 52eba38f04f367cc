import Foundation
import Logging
import Postgres
import TidtamDomain
import TidtamReports
import TidtamStore

/// OBEC's reports across districts: one part job per district (fair with every other district's
/// work by the runner's per-district claiming) reads that district's own report data as the
/// district and stores its row; the part that completes the set renders the national report,
/// PDF included, and records its version (`NationalReportAssembly`).
public enum NationalReportJobs {
    public static func part(_ renderer: PDFRenderer) -> ClosureJobHandler {
        ClosureJobHandler(kind: NationalReportAssembly.partKind) { context in
            let args = try context.job.args.decoded(as: NationalReportAssembly.Args.self)
            let district = context.job.districtID, db = context.db, job = context.job
            guard
                let request = try await db.transaction(
                    Tenant.nationalService, { tx in try NationalReportAssembly.request(tx, id: args.requestID) }),
                !request.done
            else {
                try await context.finish { _ in }
                return
            }
            let stored = try await db.transaction(context.tenant) { tx in
                try NationalReportAssembly.hasPart(tx, district: district, requestID: request.id)
            }
            if !stored {
                do {
                    let part = try await db.transaction(context.tenant) { tx in
                        try Self.part(request.kind, NationalReportAssembly.gather(tx, district: district, request))
                    }
                    try await db.transaction(context.tenant) { tx in
                        try NationalReportAssembly.recordPart(
                            tx, district: district, requestID: request.id, jobID: job.id, data: part, error: nil)
                    }
                } catch let error where job.attempt >= job.maxAttempts {
                    // The last attempt: the district is shown without figures, and why, so that
                    // the other districts' report is not held up for ever.
                    try await db.transaction(context.tenant) { tx in
                        try NationalReportAssembly.recordPart(
                            tx, district: district, requestID: request.id, jobID: job.id, data: nil, error: "\(error)")
                    }
                }
            }
            try await complete(request, jobID: job.id, db: db, renderer: renderer)
            try await context.finish { _ in }
        }
    }

    /// A district's row (JSON) from its own report's data.
    static func part(_ kind: ReportKind, _ source: NationalReportAssembly.Source) throws -> String {
        let district = ConsolidatedReport.District(
            id: source.district.id, code: source.district.code, nameTH: source.district.nameTH)
        let part: NationalReport.Part
        if let data = source.data.map({ Data($0.utf8) }) {
            let decoder = JSONDecoder()
            switch kind {
            case .requirementConsolidated:
                part = .requirement(
                    try decoder.decode(ConsolidatedReport.self, from: data),
                    consolidatedVersions: source.consolidatedVersions)
            case .agreementEvaluation:
                part = .agreements(try decoder.decode(AgreementEvaluationReport.self, from: data))
            case .annual: part = .annual(try decoder.decode(AnnualReport.self, from: data))
            case .sarSummary: part = .selfAssessments(try decoder.decode(SARSummaryReport.self, from: data))
            }
        } else {
            part = .withoutRequirement(district)
        }
        return String(decoding: try JSONEncoder.sorted.encode(part), as: UTF8.self)
    }

    /// When every district's row is in: the national report rendered and its version recorded.
    static func complete(
        _ request: NationalReportAssembly.Request, jobID: Int64, db: Database, renderer: PDFRenderer
    ) async throws {
        guard
            let stored = try await db.transaction(
                Tenant.nationalService, { tx in try NationalReportAssembly.completeParts(tx, request) })
        else { return }
        let decoder = JSONDecoder()
        let parts = try stored.map { row -> NationalReport.Part in
            let district = ConsolidatedReport.District(id: row.districtID, code: row.code, nameTH: row.nameTH)
            guard let data = row.data else {
                return NationalReport.Part(
                    district: district, columns: [], values: [:], errorTH: "รวบรวมข้อมูลของเขตพื้นที่ไม่สำเร็จ")
            }
            var part = try decoder.decode(NationalReport.Part.self, from: Data(data.utf8))
            part.district = district
            return part
        }
        let report = NationalReport(
            kind: request.kind, subjectTH: request.subjectTH,
            assembledOnTH: ThaiCalendar.longDate(CalendarDate.today()), parts: parts)
        let data = String(decoding: try JSONEncoder.sorted.encode(report), as: UTF8.self)
        let rendered = try ReportRenderer.renderNational(data: data)
        var files = rendered.files.map {
            ReportAssembly.RenderedFile(format: $0.format, contentType: $0.contentType, bytes: $0.bytes)
        }
        if let html = rendered.files.first(where: { $0.format == "html" }) {
            do {
                let pdf = try await renderer.render(html: html.bytes)
                files.append(ReportAssembly.RenderedFile(format: "pdf", contentType: "application/pdf", bytes: pdf))
            } catch let failure as PDFRenderer.Failure {
                if case .notInstalled = failure { throw RetryLater(seconds: 3600, reason: failure.description) }
                throw failure
            }
        }
        let allFiles = files
        let version = try await db.transaction(Tenant.nationalService) { tx in
            try NationalReportAssembly.record(
                tx, request, jobID: jobID, titleTH: rendered.titleTH, data: data, files: allFiles)
        }
        Logger(label: "tidtam.jobs.reports").info(
            "national report assembled",
            metadata: ["request": "\(request.id)", "version": "\(version)", "districts": "\(parts.count)"])
    }

    public static var all: [any JobHandler] { [part(PDFRenderer())] }
}

extension JSONEncoder {
    /// Keys in order, so that the same report gives the same bytes (and the same SHA-256).
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
