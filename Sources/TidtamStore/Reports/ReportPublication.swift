import Foundation
import Postgres
import TidtamDomain

/// The district's annual report made public: a version published for its fiscal year, and the
/// public reading of it with no token. Publishing again publishes a newer version beside the
/// earlier ones (numbered 1, 2, … within the year); none is changed or removed. The public sees
/// the stored files of published versions only, nothing computed and nothing else.
public struct ReportPublicationStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    /// Publishes an assembled annual report; publishing the same version again answers with
    /// the publication it has. Returns the version's document (with its publication).
    public func publish(_ tenant: DistrictTenant, versionID: Int64) async throws -> JSONDocument {
        let district = tenant.districtID
        return try await db.transaction(tenant) { tx in
            guard
                let row = try tx.query(
                    """
                    SELECT kind, report_key, (data->>'fiscal_year')::int AS fiscal_year FROM report_version
                    WHERE district_id = \(district) AND id = \(versionID)
                    """
                ).first
            else { throw DomainError.notFound(.reportVersion) }
            guard try row.decode("kind", as: String.self) == ReportKind.annual.rawValue,
                let year: Int = try row.decode("fiscal_year")
            else {
                throw DomainError.invalid([
                    FieldError(
                        .parameter("versionId"), code: "not_publishable",
                        detail: "Only the district's annual report is published to the public.",
                        th: "เผยแพร่ต่อสาธารณะได้เฉพาะรายงานผลการดำเนินงานประจำปี")
                ])
            }
            try Self.publish(
                tx, district: district, versionID: versionID, reportKey: try row.decode("report_key"),
                fiscalYear: year, by: tenant.userID)
            return try tx.document(ReportStore.versionByID, district: district, id: versionID)
        }
    }

    /// The publication of a version, numbered next in its fiscal year; nothing when it has one.
    /// Under the report's advisory lock, as its versions are numbered.
    static func publish(
        _ tx: Transaction, district: Int64, versionID: Int64, reportKey: String, fiscalYear: Int, by user: Int64?
    ) throws {
        try ReportAssembly.lockReport(tx, district: district, reportKey: reportKey)
        try tx.query(
            """
            INSERT INTO report_publication (district_id, version_id, fiscal_year, number, published_by)
            SELECT \(district), \(versionID), \(fiscalYear),
                   coalesce((SELECT max(number) FROM report_publication
                             WHERE district_id = \(district) AND fiscal_year = \(fiscalYear)), 0) + 1, \(user)
            ON CONFLICT (district_id, version_id) DO NOTHING
            """)
    }

    /// The version's publication as its document shows it (`v` is the version).
    static let publicationDocument: SQL = """
        (SELECT json_build_object('number', p.number, 'fiscal_year', p.fiscal_year,
                                  'published_at', \(SQLJSON.time("p.published_at")), 'published_by', p.published_by,
                                  'href', '/public/districts/' || d.code || '/annual-reports/' || p.fiscal_year
                                          || '/versions/' || p.number)
         FROM report_publication p JOIN district d ON d.id = p.district_id
         WHERE p.district_id = v.district_id AND p.version_id = v.id)
        """

    /// A published file as the public reads it, and every publication of its fiscal year.
    public struct PublicFile: Sendable {
        public struct Publication: Sendable, Equatable {
            public var number: Int
            public var publishedOnTH: String
            public var hasPDF: Bool
        }
        public var bytes: [UInt8]
        public var contentType: String
        public var sha256: String
        public var number: Int
        public var fiscalYear: Int
        public var districtCode: String
        public var districtNameTH: String
        public var lastModified: Date
        /// Newest first.
        public var publications: [Publication]
    }

    /// A published version's file (`html` or `pdf`), the latest when `number` is nil; read as
    /// the service reading across districts, which writes nothing. Nil when there is none.
    public func published(districtCode: String, fiscalYear: Int, number: Int?, format: String) async throws
        -> PublicFile?
    {
        let rows = try await db.read(
            Tenant.nationalService,
            """
            WITH d AS (SELECT id, code, name_th FROM district WHERE code = \(districtCode)),
            pubs AS (
                SELECT p.district_id, p.number, p.version_id, p.published_at,
                       (SELECT f.created_at FROM report_file f WHERE f.district_id = p.district_id
                          AND f.version_id = p.version_id AND f.format = 'pdf') AS pdf_at
                FROM report_publication p JOIN d ON p.district_id = d.id WHERE p.fiscal_year = \(fiscalYear)
            ), chosen AS (
                SELECT * FROM pubs WHERE number = coalesce(\(number)::int, (SELECT max(number) FROM pubs))
            )
            SELECT encode(f.content, 'base64') AS b, f.content_type, f.sha256, c.number, d.code, d.name_th,
                   greatest((SELECT max(published_at) FROM pubs), (SELECT max(pdf_at) FROM pubs)) AS last_modified,
                   (SELECT json_agg(json_build_object(
                        'number', number, 'published_on_th', \(SQLJSON.thaiDate("(published_at AT TIME ZONE 'Asia/Bangkok')::date")),
                        'pdf', pdf_at IS NOT NULL) ORDER BY number DESC) FROM pubs)::text AS publications
            FROM chosen c CROSS JOIN d
            JOIN report_file f ON f.district_id = c.district_id AND f.version_id = c.version_id AND f.format = \(format)
            """)
        guard let row = rows.first, let text: String = try row.decode("b"),
            let bytes = Data(base64Encoded: text, options: .ignoreUnknownCharacters)
        else { return nil }
        struct Listed: Decodable {
            var number: Int
            var published_on_th: String
            var pdf: Bool
        }
        let listed = try JSONDecoder().decode(
            [Listed].self, from: Data((try row.decode("publications") as String).utf8))
        return PublicFile(
            bytes: [UInt8](bytes), contentType: try row.decode("content_type"), sha256: try row.decode("sha256"),
            number: try row.decode("number"), fiscalYear: fiscalYear, districtCode: try row.decode("code"),
            districtNameTH: try row.decode("name_th"), lastModified: try row.decode("last_modified"),
            publications: listed.map { .init(number: $0.number, publishedOnTH: $0.published_on_th, hasPDF: $0.pdf) })
    }

    /// The fiscal years a district has published, newest first (nil: no such district).
    public func publishedYears(districtCode: String) async throws -> (nameTH: String, years: [Int])? {
        let rows = try await db.read(
            Tenant.nationalService,
            """
            SELECT d.name_th, (SELECT coalesce(array_agg(DISTINCT p.fiscal_year ORDER BY p.fiscal_year DESC), '{}')
                               FROM report_publication p WHERE p.district_id = d.id) AS years
            FROM district d WHERE d.code = \(districtCode)
            """)
        guard let row = rows.first else { return nil }
        return (try row.decode("name_th"), try row.decode("years"))
    }
}
