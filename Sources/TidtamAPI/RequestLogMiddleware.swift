import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Gives every request an id (the client's `X-Request-Id` when it is a sane token, else a new
/// one), returns it in the response, and writes one structured log line per request.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = TidtamRequestContext
    static let header = HTTPField.Name("X-Request-Id")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var context = context
        let incoming = request.headers[Self.header].flatMap { Self.isSane($0) ? $0 : nil }
        context.requestID = incoming ?? context.id
        context.logger[metadataKey: "request_id"] = .string(context.requestID)
        let started = ContinuousClock.now
        var response = try await next(request, context)
        response.headers[Self.header] = context.requestID
        // The line's fields cost more than the rest of a cached read; build them only when written.
        guard context.logger.logLevel <= .info else { return response }
        let elapsed = ContinuousClock.now - started
        let ms = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        var metadata: Logger.Metadata = [
            "method": .string(request.method.rawValue),
            "path": .string(request.uri.path),
            "route": .string(context.endpointPath ?? "-"),
            "status": .stringConvertible(response.status.code),
            "ms": .string(String(format: "%.2f", ms)),
        ]
        if let principal = context.principal {
            metadata["user_id"] = .stringConvertible(principal.userID)
            metadata["district_id"] = principal.districtID.map { .stringConvertible($0) } ?? "national"
        }
        context.logger.info("request", metadata: metadata)
        return response
    }

    static func isSane(_ id: String) -> Bool {
        id.utf8.count <= 64 && !id.isEmpty
            && id.utf8.allSatisfy {
                ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == UInt8(ascii: "-")
                    || $0 == UInt8(ascii: "_")
            }
    }
}
