import HTTPTypes
import Hummingbird
import NIOConcurrencyHelpers

/// The router answers 404 for a known path asked with a method it does not serve; RFC 9110 asks
/// for 405 with the methods that are allowed. The routes are filled in after registration.
final class RouteTable: Sendable {
    private let entries = NIOLockedValueBox([RouteEntry]())

    func set(_ routes: [RouteEntry]) { entries.withLockedValue { $0 = routes } }

    /// The methods served at a request path (`/api/v1/schools/12`), upper-case.
    func methods(for path: String) -> [String] {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        return entries.withLockedValue { entries in
            entries.filter { entry in
                let template = ("/api/v1" + entry.path).split(separator: "/", omittingEmptySubsequences: true)
                return template.count == parts.count
                    && zip(template, parts).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
            }.map { $0.method.uppercased() }
        }
    }
}

struct MethodNotAllowedMiddleware: RouterMiddleware {
    typealias Context = TidtamRequestContext
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = routes.methods(for: request.uri.path)
            guard !allowed.isEmpty else { throw error }
            throw HTTPError(.methodNotAllowed, headers: [.allow: allowed.joined(separator: ", ")])
        }
    }
}
