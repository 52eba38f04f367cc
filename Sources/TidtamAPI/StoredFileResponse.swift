import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TidtamDomain
import TidtamStore

/// A stored file as a download (evidence, a report's rendered files): its SHA-256 is its ETag,
/// since its bytes never change under an id; If-None-Match with it answers 304; the type is
/// never sniffed; the name travels as RFC 6266 asks (an ASCII fallback and the UTF-8 name).
enum StoredFileResponse {
    static func make(
        bytes: [UInt8], contentType: String, sha256: String, fileName: String, lastModified: Date? = nil,
        request: Request
    ) -> Response {
        let etag = "\"\(sha256)\""
        var headers: HTTPFields = [
            .contentType: contentType, .eTag: etag, .cacheControl: "private, max-age=0, must-revalidate",
            .contentDisposition: EvidenceUpload.disposition(fileName),
        ]
        if let lastModified { headers[.lastModified] = HTTPDate.format(lastModified) }
        if let match = request.headers[.ifNoneMatch],
            match.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == etag })
        {
            headers[.contentType] = nil
            return Response(status: .notModified, headers: headers)
        }
        headers[.xContentTypeOptions] = "nosniff"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// HTTP dates (RFC 9110 §5.6.7) for Last-Modified.
enum HTTPDate {
    static func format(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }
}

extension StoredFileResponse {
    /// A report version's stored file (a district's or a national one), or 404.
    static func report(_ file: ReportStore.File?, request: Request) throws -> Response {
        guard let file else { throw DomainError.notFound(.reportFile) }
        return make(
            bytes: file.bytes, contentType: file.contentType, sha256: file.sha256, fileName: file.fileName,
            lastModified: file.createdAt, request: request)
    }
}
