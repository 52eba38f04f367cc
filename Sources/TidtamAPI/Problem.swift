import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import TidtamDomain
import TidtamStore

/// An RFC 9457 problem document (`application/problem+json`), with Thai beside English and
/// every invalid field listed under `errors`.
struct Problem: Encodable, Sendable {
    var type = "about:blank"
    var title: String
    var titleTH: String
    var status: Int
    var detail: String?
    /// The detail in Thai: every problem that says more than its title says it in both languages.
    var detailTH: String?
    var instance: String?
    var requestID: String?
    var errors: [InvalidField]?
    var currentETag: String?
    /// A refused import: every bad row with its line (RFC 9457 extension member), the refusal in
    /// the import history, and the earlier import that loaded the very same file, if one did.
    var rowErrors: [RowError]?
    var importID: Int64?
    var loadedBefore: EarlierImport?

    func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)) ?? Data("{}".utf8)
    }

    enum CodingKeys: String, CodingKey {
        case type, title, status, detail, instance, errors
        case titleTH = "title_th"
        case detailTH = "detail_th"
        case requestID = "request_id"
        case currentETag = "current_etag"
        case rowErrors = "row_errors"
        case importID = "import_id"
        case loadedBefore = "loaded_before"
    }
}

/// Turns every error into a problem response, in one place. SQL text and server messages are
/// logged, never sent: a client sees what it can act on.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = TidtamRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            var problem = Self.problem(for: error, logger: context.logger)
            problem.instance = request.uri.path
            problem.requestID = context.requestID
            var headers: HTTPFields = [.contentType: "application/problem+json; charset=utf-8"]
            if let allow = (error as? HTTPError)?.headers[.allow] { headers[.allow] = allow }
            if problem.status == 503 { headers[.retryAfter] = "1" }
            if problem.status == 401 { headers[.wwwAuthenticate] = "Bearer realm=\"tidtam\"" }
            // A refused import may list 300,000 bad rows (tens of megabytes): encoded off the event
            // loop, which other connections share.
            let body =
                (problem.rowErrors?.count ?? 0) > 1_000
                ? try await NIOThreadPool.singleton.runIfActive { [problem] in problem.encoded() }
                : problem.encoded()
            return Response(
                status: .init(code: problem.status), headers: headers,
                body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
    }

    static func problem(for error: any Error, logger: Logger) -> Problem {
        switch error {
        case let error as DomainError:
            return problem(for: error)
        case APIError.unauthenticated:
            return Problem(
                title: "Authentication required", titleTH: "ต้องยืนยันตัวตนด้วยโทเคน", status: 401,
                detail: "Send a valid token as `Authorization: Bearer <token>`.",
                detailTH: "ส่งโทเคนที่ใช้ได้ในรูป `Authorization: Bearer <token>`")
        case APIError.unsupportedMediaType(let why):
            return Problem(
                title: "Unsupported media type", titleTH: "ชนิดข้อมูลที่ส่งมาไม่รองรับ", status: 415,
                detail: why.english, detailTH: why.thai)
        case let reporting as any ProblemReporting:
            return reporting.problem
        case let error as BodyTooLarge:
            return tooLarge(limit: error.limit)
        case is NIOTooManyBytesError:
            return tooLarge(limit: nil)
        case let error as HTTPError:
            return problem(for: error)
        case let error as any HTTPResponseError:
            return Problem(title: error.status.reasonPhrase, titleTH: "คำขอไม่ถูกต้อง", status: error.status.code)
        default:
            if let (domain, note) = DatabaseFailure.domainError(for: error) {
                let metadata: Logger.Metadata = ["error": "\(note.message)"]
                switch note.level {
                case .info: logger.info("\(note.summary)", metadata: metadata)
                case .warning: logger.warning("\(note.summary)", metadata: metadata)
                }
                return problem(for: domain)
            }
            logger.error("unexpected error", metadata: ["error": "\(error)"])
            return internalError
        }
    }

    static let internalError = Problem(
        title: "Internal error", titleTH: "เกิดข้อผิดพลาดภายในระบบ", status: 500,
        detail: "The error was logged with this request's id.",
        detailTH: "ระบบบันทึกข้อผิดพลาดไว้พร้อมรหัสคำขอ (request_id) นี้แล้ว")

    static func problem(for error: DomainError) -> Problem {
        switch error {
        case .invalid(let errors):
            return Problem(
                type: "urn:tidtam:problem:invalid-fields", title: "Invalid fields", titleTH: "ข้อมูลไม่ถูกต้อง",
                status: 422, detail: "\(errors.count) field(s) are invalid; see `errors`.",
                detailTH: "ข้อมูลไม่ถูกต้อง \(errors.count) รายการ ดูรายละเอียดใน `errors`",
                errors: errors.map(InvalidField.init))
        case .malformedBody(let why):
            return Problem(
                type: "urn:tidtam:problem:malformed-body", title: "Malformed body", titleTH: "รูปแบบข้อมูลไม่ถูกต้อง",
                status: 400, detail: why.english, detailTH: why.thai)
        case .notFound(let what):
            return Problem(
                title: "Not found", titleTH: "ไม่พบข้อมูล", status: 404, detail: "No such \(what.english).",
                detailTH: "ไม่พบ\(what.thai)นี้")
        case .conflict(let why):
            return Problem(
                title: "Conflict", titleTH: "ข้อมูลซ้ำหรือขัดแย้งกัน", status: 409, detail: why.english, detailTH: why.thai)
        case .duplicate(let field):
            let key = field?.name
            return Problem(
                title: "Conflict", titleTH: "ข้อมูลซ้ำกับที่มีอยู่แล้ว", status: 409,
                detail: "A record with the same \(key ?? "key") already exists.",
                detailTH: key.map { "มีข้อมูลที่ใช้ค่า \($0) นี้อยู่แล้ว" } ?? "มีข้อมูลเดียวกันนี้อยู่แล้ว",
                errors: field.map {
                    [InvalidField(FieldError($0, code: "duplicate", detail: "Already used.", th: "มีอยู่แล้ว"))]
                })
        case .stillReferenced:
            return Problem(
                title: "Conflict", titleTH: "ข้อมูลนี้ยังถูกใช้งานอยู่", status: 409,
                detail:
                    "Other records still refer to this one (for example users of a school); change or remove them first.",
                detailTH: "ยังมีข้อมูลอื่นอ้างถึงรายการนี้ (เช่น ผู้ใช้ของสถานศึกษา) โปรดแก้ไขหรือลบข้อมูลเหล่านั้นก่อน")
        case .forbidden(let why):
            return Problem(
                title: "Forbidden", titleTH: "ไม่มีสิทธิ์ทำรายการนี้", status: 403, detail: why.english, detailTH: why.thai)
        case .versionMismatch(let current):
            return Problem(
                title: "Precondition failed", titleTH: "ข้อมูลถูกแก้ไขโดยผู้อื่นแล้ว", status: 412,
                detail: "The resource changed since you read it; read it again and retry with its new ETag.",
                detailTH: "ข้อมูลนี้ถูกแก้ไขหลังจากที่ท่านอ่าน โปรดอ่านใหม่แล้วส่งอีกครั้งพร้อม ETag ล่าสุด",
                currentETag: ETag.make(current))
        case .preconditionRequired:
            return Problem(
                title: "Precondition required", titleTH: "ต้องระบุ If-Match", status: 428,
                detail: "Send `If-Match` with the ETag you read, so that concurrent edits are not lost.",
                detailTH: "ส่ง `If-Match` พร้อม ETag ที่อ่านได้ เพื่อไม่ให้การแก้ไขพร้อมกันทับกันจนข้อมูลหาย")
        case .unavailable(let why):
            return Problem(
                title: "Service unavailable", titleTH: "ระบบไม่พร้อมให้บริการชั่วคราว", status: 503,
                detail: why.english, detailTH: why.thai)
        }
    }

    /// A body past the route's limit (JSON bodies 1 MiB, CSV files 64 MiB), named when known.
    static func tooLarge(limit: Int?) -> Problem {
        let size = limit.map { $0 % (1 << 20) == 0 ? "\($0 >> 20) MiB" : "\($0) bytes" }
        return Problem(
            title: "Body too large", titleTH: "ข้อมูลหรือไฟล์ที่ส่งมีขนาดใหญ่เกินกำหนด", status: 413,
            detail: size.map { "This request's body may be at most \($0); split the file or send less." }
                ?? "The body is larger than this request allows.",
            detailTH: size.map { "ข้อมูลที่ส่งในคำขอนี้ต้องไม่เกิน \($0) โปรดแบ่งไฟล์หรือส่งให้น้อยลง" }
                ?? "ข้อมูลที่ส่งมีขนาดเกินกว่าที่คำขอนี้รับได้")
    }

    static func problem(for error: HTTPError) -> Problem {
        switch error.status {
        case .contentTooLarge:
            return tooLarge(limit: nil)
        case .notFound:
            return Problem(
                title: "Not found", titleTH: "ไม่พบข้อมูล", status: 404, detail: "No such path; the API is under /api/v1.",
                detailTH: "ไม่พบที่อยู่นี้ในระบบ (API อยู่ที่ /api/v1)")
        case .methodNotAllowed:
            return Problem(
                title: "Method not allowed", titleTH: "ไม่รองรับวิธีเรียกนี้", status: 405,
                detail: "This path does not take this method; `Allow` lists those it takes.",
                detailTH: "ที่อยู่นี้ไม่รองรับวิธีเรียกนี้ วิธีที่รองรับอยู่ในส่วนหัว `Allow`")
        default:
            // Hummingbird's own refusals (a bad header, say) come in English only.
            return Problem(
                title: error.status.reasonPhrase, titleTH: "คำขอไม่ถูกต้อง", status: error.status.code, detail: error.body,
                detailTH: error.body.map { _ in "คำขอนี้ไม่ถูกต้อง รายละเอียดเป็นภาษาอังกฤษอยู่ใน detail" })
        }
    }
}

/// An error that knows its own problem document (a refused import, defined where imports are
/// routed), so this file needs no module but the domain's and the stores'.
protocol ProblemReporting: Error {
    var problem: Problem { get }
}

/// One invalid field as RFC 9457 documents list it: the field's JSON Pointer (RFC 6901) into the
/// body, or `?name` for a query parameter, or `/` for the record as a whole.
struct InvalidField: Encodable, Sendable {
    let pointer: String
    let code: String
    let detail: String
    let detailTH: String

    init(_ error: FieldError) {
        pointer = Self.pointer(error.field)
        code = error.code
        detail = error.detail
        detailTH = error.detailTH
    }

    static func pointer(_ field: FieldPath) -> String {
        let steps = field.steps.map { step -> String in
            switch step {
            case .key(let key):
                return key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
            case .index(let index): return String(index)
            }
        }
        switch field.place {
        case .input: return steps.map { "/" + $0 }.joined()
        case .parameter: return "?" + steps.joined(separator: ".")
        case .record: return "/"
        }
    }

    enum CodingKeys: String, CodingKey {
        case pointer, code, detail
        case detailTH = "detail_th"
    }
}

enum ETag {
    static func make(_ version: Int) -> String { "\"\(version)\"" }

    /// The version a client expects, from `If-Match`; missing is 428, unparsable is 412. `*`
    /// ("whatever is there now") is 428 too: it would overwrite changes its sender has not seen.
    static func expectedVersion(_ request: Request) throws -> Int {
        guard let header = request.headers[.ifMatch] else { throw DomainError.preconditionRequired }
        var text = Substring(header.trimmingCharacters(in: .whitespaces))
        if text == "*" { throw DomainError.preconditionRequired }
        if text.hasPrefix("W/") { text = text.dropFirst(2) }
        // Versions are PostgreSQL integers: a larger number is no version of ours either.
        guard text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 3,
            let version = Int32(text.dropFirst().dropLast())
        else {
            return -1  // matches no version: the store answers 412 with the current ETag
        }
        return Int(version)
    }
}
