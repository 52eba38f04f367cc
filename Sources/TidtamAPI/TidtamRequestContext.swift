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
}

/// The context of every route behind `AuthMiddleware`: the caller is known, so it is not
/// optional, and a route cannot be reached without one (making this context from one that has
/// no caller is the 401).
struct AuthenticatedContext: ChildRequestContext {
    typealias ParentContext = TidtamRequestContext
    var coreContext: CoreRequestContextStorage
    let requestID: String
    let principal: Principal

    init(context: TidtamRequestContext) throws {
        guard let principal = context.principal else { throw APIError.unauthenticated }
        coreContext = context.coreContext
        requestID = context.requestID
        self.principal = principal
    }

    /// Request bodies larger than this are refused with 413 before they are read.
    var maxUploadSize: Int { 1 << 20 }

    /// Who this request's transactions act for, after checking the role may `action`.
    func tenant(for action: Action) throws -> Tenant {
        guard principal.may(action) else {
            throw DomainError.forbidden(
                Explanation(
                    "Your role (\(principal.role.rawValue)) may not do this.",
                    th: "บทบาท\(principal.role.thaiName)ไม่มีสิทธิ์ทำรายการนี้"))
        }
        return try Tenant(principal, requestID: requestID)
    }

    /// The tenant of an action that happens inside one district (every write): a caller who
    /// belongs to no district (OBEC's staff) is refused here, once, and the stores' district
    /// methods cannot be called without one.
    func districtTenant(for action: Action) throws -> DistrictTenant {
        guard let tenant = try tenant(for: action).district else {
            throw DomainError.forbidden(
                Explanation("This action needs a district.", th: "รายการนี้ต้องทำในนามเขตพื้นที่การศึกษา"))
        }
        return tenant
    }
}

/// Failures that only exist at the HTTP edge.
enum APIError: Error {
    case unauthenticated
    /// 415: the body is not in a form this operation reads.
    case unsupportedMediaType(Explanation)
}
