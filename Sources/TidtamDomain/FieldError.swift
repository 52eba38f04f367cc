/// One invalid field of a request, named by its JSON Pointer (RFC 6901), with a reason in
/// Thai and English. Validation collects all of them before answering, never just the first.
public struct FieldError: Sendable, Equatable, Codable {
    public let pointer: String
    public let code: String
    public let detail: String
    public let detailTH: String

    public init(_ pointer: String, code: String, detail: String, th: String) {
        self.pointer = pointer
        self.code = code
        self.detail = detail
        self.detailTH = th
    }

    enum CodingKeys: String, CodingKey {
        case pointer, code, detail
        case detailTH = "detail_th"
    }
}

/// Failures that mean something to the user; the HTTP edge maps each to a status, in one place.
public enum DomainError: Error, Sendable, Equatable {
    case invalid([FieldError])
    /// The body is not JSON at all (bad syntax, bad UTF-8, too deep).
    case malformedBody(Explanation)
    case notFound(RecordKind)
    case conflict(Explanation)
    case forbidden(Explanation)
    case versionMismatch(current: Int)
    case preconditionRequired
    case unavailable(Explanation)
}
