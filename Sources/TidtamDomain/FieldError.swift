/// One invalid field of an input, named by its path in the domain's terms, with a reason in
/// Thai and English. Validation collects all of them before answering, never just the first.
public struct FieldError: Sendable, Equatable {
    public let field: FieldPath
    public let code: String
    public let detail: String
    public let detailTH: String

    public init(_ field: FieldPath, code: String, detail: String, th: String) {
        self.field = field
        self.code = code
        self.detail = detail
        self.detailTH = th
    }
}

/// Failures that mean something to the user; the HTTP edge maps each to a status, in one place.
public enum DomainError: Error, Sendable, Equatable {
    case invalid([FieldError])
    /// The body is not JSON at all (bad syntax, bad UTF-8, too deep).
    case malformedBody(Explanation)
    case notFound(RecordKind)
    case conflict(Explanation)
    /// A record with the same key (the field, when known) already exists.
    case duplicate(FieldPath?)
    /// Other records still refer to this one, so it cannot go.
    case stillReferenced
    case forbidden(Explanation)
    case versionMismatch(current: Int)
    case preconditionRequired
    case unavailable(Explanation)
}
