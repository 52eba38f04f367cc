import Foundation
import HTTPTypes
import Hummingbird
import TidtamDomain
import TidtamImport
import TidtamStore

/// A refused import, answered as problem+json with every bad row.
struct ImportRejected: Error {
    let report: ImportReport
}

/// `POST /imports/{kind}`: a CSV file as the body (`text/csv`), imported all or nothing into
/// the caller's district. The same importer as `tidtam import`.
struct ImportRoutes {
    let importer: Importer

    /// Larger than JSON bodies: a district's project list is several megabytes.
    static let maxFileSize = 64 << 20

    func register(_ routes: APIRoutes) {
        routes.add(.post, "/imports/{kind}") { request, context in
            guard let kind = context.parameters.get("kind").flatMap(Importer.Kind.init(rawValue:)) else {
                throw DomainError.notFound("import kind")
            }
            let scope = try context.scope(for: kind == .schools ? .manageSchools : .managePlans)
            let buffer = try await collectBody(request, upTo: Self.maxFileSize)
            let report = try await importer.run(kind, data: Data(buffer.readableBytesView), scope: scope)
            guard report.succeeded else { throw ImportRejected(report: report) }
            return try JSONResponse.make(report)
        }
    }
}
