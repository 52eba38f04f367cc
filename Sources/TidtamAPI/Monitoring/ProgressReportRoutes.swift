import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TidtamDomain
import TidtamStore

/// `/progress-reports`: a report's drafts, submission and the district's review; its evidence
/// files (`/evidence-files`), served with their SHA-256 as the ETag.
struct ProgressReportRoutes {
    let reports: ProgressReportStore

    func register(_ routes: AuthenticatedRoutes) {
        routes.add(.get, "/progress-reports") { request, context in
            let tenant = try context.tenant(for: .readMonitoring)
            var query = QueryParameters(request)
            let filter = ProgressReportFilter(
                districtID: query.integer("district_id", in: 1...Int64.max),
                schoolID: query.integer("school_id", in: 1...Int64.max),
                itemID: query.integer("item_id", in: 1...Int64.max),
                projectID: query.integer("project_id", in: 1...Int64.max),
                fiscalYear: query.integer("fiscal_year", in: 2500...2700).map(Int.init),
                status: query.choice("status", ReportStatus.self))
            let page = query.page()
            try query.finish()
            return try await JSONResponse.page(reports.list(tenant, filter: filter, page: page))
        }
        routes.add(.get, "/progress-reports/{reportId}") { _, context in
            let tenant = try context.tenant(for: .readMonitoring)
            guard let report = try await reports.get(tenant, id: context.id("reportId", .progressReport)) else {
                throw DomainError.notFound(.progressReport)
            }
            return JSONResponse.document(report)
        }
        routes.add(.put, "/progress-reports/{reportId}") { request, context in
            let tenant = try context.districtTenant(for: .writeReports)
            let id = try context.id("reportId", .progressReport)
            let version = try ETag.expectedVersion(request)
            let input = try await JSONBody.decode(request, context: context) { body in Self.input(&body) }
            return try await JSONResponse.document(reports.update(tenant, id: id, expectedVersion: version, input))
        }
        routes.add(.delete, "/progress-reports/{reportId}") { request, context in
            let tenant = try context.districtTenant(for: .writeReports)
            try await reports.delete(
                tenant, id: context.id("reportId", .progressReport), expectedVersion: ETag.expectedVersion(request))
            return JSONResponse.noContent()
        }
        for (action, transition, permission) in [
            ("submit", ReportTransition.submit, Action.writeReports), ("acknowledge", .acknowledge, .manageMonitoring),
        ] {
            routes.add(.post, "/progress-reports/{reportId}/\(action)") { request, context in
                let tenant = try context.districtTenant(for: permission)
                let id = try context.id("reportId", .progressReport)
                return try await JSONResponse.document(
                    reports.apply(transition, tenant, id: id, expectedVersion: ETag.expectedVersion(request)))
            }
        }
        routes.add(.post, "/progress-reports/{reportId}/return") { request, context in
            let tenant = try context.districtTenant(for: .manageMonitoring)
            let id = try context.id("reportId", .progressReport)
            let version = try ETag.expectedVersion(request)
            let reason = try await JSONBody.decode(request, context: context) { body in
                body.required("reason") { $0.text("reason", max: 2000, min: 1) }
            }
            return try await JSONResponse.document(
                reports.apply(.returnForChanges(reason: reason), tenant, id: id, expectedVersion: version))
        }
        routes.add(.post, "/progress-reports/{reportId}/evidence") { request, context in
            let tenant = try context.districtTenant(for: .writeReports)
            let id = try context.id("reportId", .progressReport)
            let upload = try await EvidenceUpload.read(request)
            let file = try await reports.attach(
                tenant, reportID: id, expectedVersion: nil, fileName: upload.name, type: upload.type,
                bytes: upload.bytes)
            return JSONResponse.document(file, status: .created, location: "/api/v1/evidence-files/\(file.id)")
        }
        routes.add(.get, "/evidence-files/{fileId}") { _, context in
            let tenant = try context.tenant(for: .readMonitoring)
            guard let file = try await reports.file(tenant, id: context.id("fileId", .evidenceFile)) else {
                throw DomainError.notFound(.evidenceFile)
            }
            return JSONResponse.raw(file.json)
        }
        routes.add(.delete, "/evidence-files/{fileId}") { _, context in
            let tenant = try context.districtTenant(for: .writeReports)
            try await reports.detach(tenant, fileID: context.id("fileId", .evidenceFile))
            return JSONResponse.noContent()
        }
        routes.add(.get, "/evidence-files/{fileId}/content") { request, context in
            let tenant = try context.tenant(for: .readMonitoring)
            guard let file = try await reports.fileContent(tenant, id: context.id("fileId", .evidenceFile)) else {
                throw DomainError.notFound(.evidenceFile)
            }
            return StoredFileResponse.make(
                bytes: file.bytes, contentType: file.contentType, sha256: file.sha256, fileName: file.fileName,
                request: request)
        }
    }

    /// A report's content: percent complete, status, what was done, problems, next steps, and
    /// the budget disbursed to date per budget line.
    static func input(_ body: inout JSONBody) -> ProgressReportInput? {
        let percent = body.required("percent_complete") { $0.decimal("percent_complete", in: 0...100) }
        let status = body.required("progress_status") { $0.choice("progress_status", ProgressStatus.self) }
        let done = body.text("done_th", max: 8000) ?? nil
        let problems = body.text("problems_th", max: 8000) ?? nil
        let next = body.text("next_steps_th", max: 8000) ?? nil
        let lines =
            body.objects("disbursements", max: 100) { item -> DisbursementInput? in
                let line = item.required("budget_line_id") { $0.integer("budget_line_id", in: 1...Int64.max) }
                let amount = item.required("amount") { $0.decimal("amount", in: ProjectRoutes.amounts) }
                let reason = item.text("over_reason_th", max: 2000, min: 1) ?? nil
                guard let line, let amount else { return nil }
                if amount.exponent < -2 {
                    item.reject(
                        "amount", "precision", "Amounts are in baht and satang (two decimals at most).",
                        "จำนวนเงินมีทศนิยมได้ไม่เกิน 2 ตำแหน่ง")
                    return nil
                }
                return DisbursementInput(budgetLineID: line, amount: amount, overReasonTH: reason)
            } ?? nil
        if let percent, percent.exponent < -2 {
            body.reject("percent_complete", "precision", "Two decimals at most.", "มีทศนิยมได้ไม่เกิน 2 ตำแหน่ง")
            return nil
        }
        guard let percent, let status else { return nil }
        return ProgressReportInput(
            percentComplete: percent, progressStatus: status, doneTH: done, problemsTH: problems, nextStepsTH: next,
            disbursements: lines ?? [])
    }
}

/// An evidence file as uploaded: the body is the file itself, its type in `Content-Type`, its
/// name in `?file_name=`.
struct EvidenceUpload {
    let name: String
    let type: EvidenceType
    let bytes: [UInt8]

    static func read(_ request: Request) async throws -> EvidenceUpload {
        var query = QueryParameters(request)
        let name = query.text("file_name")
        try query.finish()
        guard let declared = request.headers[.contentType], let type = EvidenceType(header: declared) else {
            let allowed = EvidenceType.allCases.map(\.rawValue).joined(separator: ", ")
            throw APIError.unsupportedMediaType(
                Explanation(
                    "Evidence files are one of: \(allowed).", th: "ไฟล์หลักฐานต้องเป็นชนิดใดชนิดหนึ่งต่อไปนี้: \(allowed)"))
        }
        var errors: [FieldError] = []
        let trimmed = name?.trimmingCharacters(in: .whitespaces) ?? ""
        if trimmed.isEmpty || trimmed.count > 255 || trimmed.contains("/") || trimmed.contains("\\")
            || trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        {
            errors.append(
                FieldError(
                    .parameter("file_name"), code: "required",
                    detail: "Name the file (up to 255 characters, no slashes).",
                    th: "ต้องระบุชื่อไฟล์ (ไม่เกิน 255 ตัวอักษร ไม่มีเครื่องหมาย /)"))
        }
        let buffer = try await collectBody(request, upTo: EvidenceType.maxBytes)
        let bytes = Array(buffer.readableBytesView)
        if bytes.isEmpty {
            errors.append(FieldError(.input, code: "required", detail: "The file is empty.", th: "ไฟล์ว่างเปล่า"))
        } else if !type.matches(bytes) {
            errors.append(
                FieldError(
                    .input, code: "content_type_mismatch",
                    detail: "The file's content is not \(type.rawValue), as its Content-Type says.",
                    th: "เนื้อไฟล์ไม่ตรงกับชนิดไฟล์ที่ระบุ (\(type.rawValue))"))
        }
        if !errors.isEmpty { throw DomainError.invalid(errors) }
        return EvidenceUpload(name: trimmed, type: type, bytes: bytes)
    }

    /// `attachment` with the name in UTF-8 (RFC 6266, RFC 8187), so a Thai name survives.
    static func disposition(_ name: String) -> String {
        let ascii = String(name.unicodeScalars.map { $0.isASCII && $0 != "\"" && $0 != "\\" ? Character($0) : "_" })
        let encoded =
            name.addingPercentEncoding(
                withAllowedCharacters: .init(
                    charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"))
            ?? ascii
        return "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)"
    }
}
