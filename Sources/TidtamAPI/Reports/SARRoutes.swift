import Foundation
import HTTPTypes
import Hummingbird
import TidtamDomain
import TidtamStore

/// `/sars`: schools' self-assessment reports (SAR) for an academic year — written as a draft,
/// the document attached (`/sars/{id}/documents`, served at `/evidence-files/{id}/content`),
/// submitted with a level on each of OBEC's three standards, returned by the office with a reason.
struct SARRoutes {
    let sars: SARStore

    func register(_ routes: AuthenticatedRoutes) {
        routes.add(.get, "/sars") { request, context in
            let tenant = try context.tenant(for: .readReporting)
            var query = QueryParameters(request)
            let filter = SARFilter(
                districtID: query.integer("district_id", in: 1...Int64.max),
                schoolID: query.integer("school_id", in: 1...Int64.max),
                academicYear: query.integer("academic_year", in: SARInput.academicYears).map(Int.init),
                status: query.choice("status", SARStatus.self))
            let page = query.page()
            try query.finish()
            return try await JSONResponse.page(sars.list(tenant, filter: filter, page: page))
        }
        routes.add(.post, "/sars") { request, context in
            let tenant = try context.districtTenant(for: .writeSAR)
            let (school, year, input) = try await JSONBody.decode(request, context: context) {
                body -> (Int64, Int, SARInput)? in
                let school = body.required("school_id") { $0.integer("school_id", in: 1...Int64.max) }
                let year = body.required("academic_year") { $0.integer("academic_year", in: SARInput.academicYears) }
                let input = Self.input(&body)
                guard let school, let year, let input else { return nil }
                return (school, Int(year), input)
            }
            let made = try await sars.create(tenant, schoolID: school, academicYear: year, input)
            return JSONResponse.document(made, status: .created, location: "/api/v1/sars/\(made.id)")
        }
        routes.add(.get, "/sars/{sarId}") { _, context in
            let tenant = try context.tenant(for: .readReporting)
            guard let found = try await sars.get(tenant, id: context.id("sarId", .sar)) else {
                throw DomainError.notFound(.sar)
            }
            return JSONResponse.document(found)
        }
        routes.add(.put, "/sars/{sarId}") { request, context in
            let tenant = try context.districtTenant(for: .writeSAR)
            let id = try context.id("sarId", .sar)
            let version = try ETag.expectedVersion(request)
            let input = try await JSONBody.decode(request, context: context) { body in Self.input(&body) }
            return try await JSONResponse.document(sars.update(tenant, id: id, expectedVersion: version, input))
        }
        routes.add(.post, "/sars/{sarId}/submit") { request, context in
            let tenant = try context.districtTenant(for: .writeSAR)
            let id = try context.id("sarId", .sar)
            return try await JSONResponse.document(
                sars.submit(tenant, id: id, expectedVersion: ETag.expectedVersion(request)))
        }
        routes.add(.post, "/sars/{sarId}/return") { request, context in
            let tenant = try context.districtTenant(for: .reviewSAR)
            let id = try context.id("sarId", .sar)
            let version = try ETag.expectedVersion(request)
            let reason = try await JSONBody.decode(request, context: context) { body in
                body.required("reason") { $0.text("reason", max: 2000, min: 1) }
            }
            return try await JSONResponse.document(
                sars.returnToSchool(tenant, id: id, expectedVersion: version, reason: reason))
        }
        routes.add(.post, "/sars/{sarId}/documents") { request, context in
            let tenant = try context.districtTenant(for: .writeSAR)
            let id = try context.id("sarId", .sar)
            let upload = try await EvidenceUpload.read(request)
            let file = try await sars.attach(
                tenant, id: id, expectedVersion: nil, fileName: upload.name, type: upload.type, bytes: upload.bytes)
            return JSONResponse.document(file, status: .created, location: "/api/v1/evidence-files/\(file.id)")
        }
    }

    /// The levels (1–5 on each standard; a draft may leave some out), a summary, and the points.
    static func input(_ body: inout JSONBody) -> SARInput? {
        let levels =
            body.object("levels") { levels -> [SARStandard: SARLevel]? in
                var found: [SARStandard: SARLevel] = [:]
                for standard in SARStandard.allCases {
                    if let level = levels.integer(standard.key, in: 1...5) ?? nil {
                        found[standard] = SARLevel(rawValue: Int(level))
                    }
                }
                return found
            } ?? nil
        let summary = body.text("summary_th", max: 8000) ?? nil
        let points =
            body.objects("points", max: 60) { item -> SARPoint? in
                let standard = item.required("standard") { $0.integer("standard", in: 1...3) }
                let kind = item.required("kind") { $0.choice("kind", SARPoint.Kind.self) }
                let text = item.required("text_th") { $0.text("text_th", max: 1000, min: 1) }
                guard let standard, let kind, let text, let which = SARStandard(rawValue: Int(standard)) else {
                    return nil
                }
                return SARPoint(standard: which, kind: kind, textTH: text)
            } ?? nil
        guard body.errors.isEmpty else { return nil }
        return SARInput(levels: levels ?? [:], summaryTH: summary, points: points ?? [])
    }
}
