import Foundation
import HTTPTypes
import Hummingbird
import TidtamDomain
import TidtamStore

/// A method and path as the OpenAPI document writes it (`/schools/{schoolId}`).
public struct RouteEntry: Hashable, Sendable, CustomStringConvertible {
    public let method: String
    public let path: String
    public var description: String { "\(method) \(path)" }
}

/// Registers routes under `/api/v1` by their OpenAPI paths and remembers each one, so a test
/// can hold the router and `docs/openapi.yaml` to each other.
final class APIRoutes<Context: RequestContext>: @unchecked Sendable {
    typealias Handler = @Sendable (Request, Context) async throws -> Response
    let group: RouterGroup<Context>
    private(set) var entries: [RouteEntry] = []

    init(group: RouterGroup<Context>) { self.group = group }

    func add(_ method: HTTPRequest.Method, _ path: String, _ handler: @escaping Handler) {
        entries.append(RouteEntry(method: method.rawValue.lowercased(), path: path))
        let hummingbirdPath = path.split(separator: "/").map { part in
            part.hasPrefix("{") && part.hasSuffix("}") ? ":" + part.dropFirst().dropLast() : String(part)
        }.joined(separator: "/")
        group.on(RouterPath(hummingbirdPath), method: method, use: handler)
    }
}

enum JSONResponse {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        // Keys in a fixed order, as problem documents have them: the same answer is the same bytes.
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(
                date.formatted(
                    .iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted)))
        }
        return encoder
    }

    static func make<T: Encodable>(
        _ value: T, status: HTTPResponse.Status = .ok, version: Int? = nil,
        location: String? = nil
    ) throws -> Response {
        let data = try encoder().encode(value)
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if let version { headers[.eTag] = ETag.make(version) }
        if let location { headers[.location] = location }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func noContent() -> Response { Response(status: .noContent) }

    /// A document PostgreSQL already rendered as JSON, sent as it is, with its ETag.
    static func document(_ document: JSONDocument, status: HTTPResponse.Status = .ok, location: String? = nil)
        -> Response
    {
        raw(document.json, status: status, version: document.version, location: location)
    }

    static func page(_ page: JSONPage) -> Response { raw(page.json) }

    static func raw(_ json: String, status: HTTPResponse.Status = .ok, version: Int? = nil, location: String? = nil)
        -> Response
    {
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if let version { headers[.eTag] = ETag.make(version) }
        if let location { headers[.location] = location }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: json)))
    }
}

/// The routes behind the token check.
typealias AuthenticatedRoutes = APIRoutes<AuthenticatedContext>

extension RequestContext {
    /// A numeric path parameter; anything else cannot name a resource, so it is 404.
    func id(_ name: String, _ what: RecordKind) throws -> Int64 {
        guard let id = parameters.get(name, as: Int64.self), id > 0 else { throw DomainError.notFound(what) }
        return id
    }
}
