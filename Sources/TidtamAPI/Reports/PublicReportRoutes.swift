import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TidtamDomain
import TidtamReports
import TidtamStore

/// `/public/districts/{code}/annual-reports/{fiscalYear}`: the district's published annual
/// report, read by anyone with no token — the latest publication's HTML (and `/pdf`), every
/// earlier one at `/versions/{n}` and linked from each page. Served from the stored snapshot,
/// never computed again; nothing that was not published is reachable here.
struct PublicReportRoutes {
    let publications: ReportPublicationStore

    func register(on router: Router<TidtamRequestContext>) {
        let group = router.group("public/districts/:code/annual-reports")
        group.get { request, context in
            guard let code = Self.code(context), let found = try await publications.publishedYears(districtCode: code)
            else { throw DomainError.notFound(.publishedReport) }
            return Self.index(code: code, nameTH: found.nameTH, years: found.years)
        }
        group.get(":year") { request, context in
            try await serve(request, context, number: nil, format: "html")
        }
        group.get(":year/pdf") { request, context in
            try await serve(request, context, number: nil, format: "pdf")
        }
        group.get(":year/versions/:number") { request, context in
            try await serve(request, context, number: Self.number(context), format: "html")
        }
        group.get(":year/versions/:number/pdf") { request, context in
            try await serve(request, context, number: Self.number(context), format: "pdf")
        }
    }

    static func code(_ context: TidtamRequestContext) -> String? {
        guard let code = context.parameters.get("code"),
            code.range(of: "^[A-Z0-9-]{2,20}$", options: .regularExpression) != nil
        else { return nil }
        return code
    }

    static func number(_ context: TidtamRequestContext) throws -> Int {
        guard let text = context.parameters.get("number"), let n = Int(text), (1...10_000).contains(n) else {
            throw DomainError.notFound(.publishedReport)
        }
        return n
    }

    func serve(_ request: Request, _ context: TidtamRequestContext, number: Int?, format: String) async throws
        -> Response
    {
        guard let code = Self.code(context), let text = context.parameters.get("year"), let year = Int(text),
            (2500...2700).contains(year),
            let file = try await publications.published(
                districtCode: code, fiscalYear: year, number: number, format: format)
        else { throw DomainError.notFound(.publishedReport) }
        let bytes: [UInt8]
        let etag: String
        if format == "html" {
            bytes = Self.withNavigation(file)
            // The page is its snapshot and the list of the year's publications beside it.
            let pdfs = file.publications.filter(\.hasPDF).count
            etag = "\"\(file.sha256.prefix(40))-\(file.number)-\(file.publications.count)-\(pdfs)\""
        } else {
            bytes = file.bytes
            etag = "\"\(file.sha256)\""
        }
        var headers: HTTPFields = [
            .contentType: file.contentType, .eTag: etag, .lastModified: HTTPDate.format(file.lastModified),
            .cacheControl: "public, max-age=60, must-revalidate", .xContentTypeOptions: "nosniff",
        ]
        if format == "pdf" {
            headers[.contentDisposition] = EvidenceUpload.disposition(
                "annual-report-\(file.districtCode)-\(file.fiscalYear)-\(file.number).pdf")
        }
        if let match = request.headers[.ifNoneMatch],
            match.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == etag })
        {
            headers[.contentType] = nil
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func base(_ file: ReportPublicationStore.PublicFile) -> String {
        "/public/districts/\(file.districtCode)/annual-reports/\(file.fiscalYear)"
    }

    /// The snapshot with, above it, what the public needs to find its way: which publication
    /// this is, its PDF, and every other publication of the year. Not printed.
    static func withNavigation(_ file: ReportPublicationStore.PublicFile) -> [UInt8] {
        let e = PrintHTML.escape
        let base = base(file)
        let this = file.publications.first { $0.number == file.number }
        let latest = file.publications.first?.number
        var nav = """
            <nav class="published" style="font-size: 13pt; border-bottom: 1px solid #888; margin-bottom: 1em;">
            <style>@media print { nav.published { display: none; } }</style>
            <p>เผยแพร่ต่อสาธารณะโดย\(e(file.districtNameTH)) · ฉบับเผยแพร่ครั้งที่ \(file.number)
            """
        if let this { nav += " เมื่อ \(e(this.publishedOnTH))" }
        if file.number != latest, let latest {
            nav += " · <a href=\"\(base)/versions/\(latest)\">มีฉบับที่ใหม่กว่า (ครั้งที่ \(latest))</a>"
        }
        if this?.hasPDF == true {
            nav += " · <a href=\"\(base)/versions/\(file.number)/pdf\">ดาวน์โหลด PDF</a>"
        } else {
            nav += " · ไฟล์ PDF กำลังจัดทำ"
        }
        nav += "</p>"
        let others = file.publications.filter { $0.number != file.number }
        if !others.isEmpty {
            nav += "<p>ฉบับเผยแพร่อื่น: "
            nav += others.map {
                "<a href=\"\(base)/versions/\($0.number)\">ครั้งที่ \($0.number) (\(e($0.publishedOnTH)))</a>"
            }
            .joined(separator: " · ")
            nav += "</p>"
        }
        nav += "</nav>\n"
        let html = String(decoding: file.bytes, as: UTF8.self)
        guard let body = html.range(of: "<body>\n") else { return Array((nav + html).utf8) }
        return Array((html[..<body.upperBound] + nav + html[body.upperBound...]).utf8)
    }

    /// The years a district has published, as a page of links.
    static func index(code: String, nameTH: String, years: [Int]) -> Response {
        let e = PrintHTML.escape
        let items =
            years.isEmpty
            ? "<p>ยังไม่มีรายงานที่เผยแพร่</p>"
            : "<ul>"
                + years.map {
                    "<li><a href=\"/public/districts/\(code)/annual-reports/\($0)\">\(e(ReportKind.annual.thaiName)) ปีงบประมาณ พ.ศ. \($0)</a></li>"
                }.joined() + "</ul>"
        let html = PrintHTML.document(
            titleTH: "รายงานผลการดำเนินงานประจำปี \(nameTH)",
            body: "<h1>\(e(ReportKind.annual.thaiName))</h1><p class=\"meta\">\(e(nameTH))</p>\(items)")
        return Response(
            status: .ok,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "public, max-age=60"],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
