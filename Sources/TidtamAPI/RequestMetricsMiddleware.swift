import Dispatch
import HTTPTypes
import Hummingbird
import Metrics
import NIOConcurrencyHelpers

/// Request counts and latencies by route, method and status (`hb_requests`,
/// `http_server_request_duration`, `hb_request_errors`: the names Hummingbird's own middleware
/// uses). Unlike that middleware it records when the handler returns, so a response whose body is
/// one buffer keeps it and goes out in one write; Hummingbird's wraps every body in a closure,
/// which sent the head and the body as two writes (and two TCP segments) per response.
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = TidtamRequestContext
    private let metrics = RouteMetricsCache()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let started = DispatchTime.now().uptimeNanoseconds
        do {
            let response = try await next(request, context)
            let route = metrics.route(context.endpointPath ?? "Unknown", request.method, response.status)
            route.counter.increment()
            route.timer.recordNanoseconds(DispatchTime.now().uptimeNanoseconds - started)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            let route = metrics.route(context.endpointPath ?? "NotFound", request.method, status)
            route.counter.increment()
            route.errors.increment()
            throw error
        }
    }
}

/// The metric handles of each route, method and status, made once.
final class RouteMetricsCache: Sendable {
    struct Key: Hashable {
        let route: String
        let method: HTTPRequest.Method
        let status: HTTPResponse.Status
    }

    struct Handles: Sendable {
        let counter: Counter
        let timer: Timer
        let errors: Counter

        init(_ key: Key) {
            let dimensions = [
                ("http.route", key.route), ("http.request.method", key.method.rawValue),
                ("http.response.status_code", String(key.status.code)),
            ]
            counter = Counter(label: "hb.requests", dimensions: dimensions)
            timer = Timer(label: "http.server.request.duration", dimensions: dimensions, preferredDisplayUnit: .seconds)
            errors = Counter(
                label: "hb.request.errors",
                dimensions: [
                    ("http.route", key.route), ("http.request.method", key.method.rawValue),
                    ("error.type", String(key.status.code)),
                ])
        }
    }

    private let handles = NIOLockedValueBox([Key: Handles]())

    func route(_ route: String, _ method: HTTPRequest.Method, _ status: HTTPResponse.Status) -> Handles {
        let key = Key(route: route, method: method, status: status)
        return handles.withLockedValue { handles in
            if let known = handles[key] { return known }
            let made = Handles(key)
            handles[key] = made
            return made
        }
    }
}
