import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import TidtamDomain
import TidtamStore

/// What a request carries through the middleware: its id (also in every log line) and, once
/// the bearer token is checked, who is calling.
public struct TidtamRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var requestID: String = ""
    public var principal: Principal?
    /// The connection's event loop (nil when a test drives the router without a server).
    public let eventLoop: (any EventLoop)?

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.eventLoop = source.channel.eventLoop
    }

    /// Request bodies larger than this are refused with 413 before they are read.
    public var maxUploadSize: Int { 1 << 20 }

    /// The caller; routes behind `AuthMiddleware` always have one.
    func caller() throws -> Principal {
        guard let principal else { throw APIError.unauthenticated }
        return principal
    }

    /// The tenant scope of this request's transactions, after checking the role may `action`.
    func scope(for action: Action) throws -> TenantScope {
        let principal = try caller()
        guard principal.may(action) else { throw DomainError.forbidden(Explanation("Your role (\(principal.role.rawValue)) may not do this.",
                                                                                      th: "บทบาท\(principal.role.thaiName)ไม่มีสิทธิ์ทำรายการนี้")) }
        return TenantScope(districtID: principal.districtID, schoolID: principal.schoolID, role: principal.role,
                           userID: principal.userID, requestID: requestID)
    }
}

/// Failures that only exist at the HTTP edge.
enum APIError: Error {
    case unauthenticated
    /// 415: the body is not in a form this operation reads.
    case unsupportedMediaType(Explanation)
}
