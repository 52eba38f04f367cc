import Foundation
import HTTPTypes
import Hummingbird
import NIOConcurrencyHelpers
import TidtamDomain
import TidtamStore

/// Checks `Authorization: Bearer <token>` and puts the caller in the context; 401 otherwise.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = TidtamRequestContext
    let tokens: TokenStore
    let cache: TokenCache

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw APIError.unauthenticated
        }
        var bearer = header.utf8.dropFirst(7)
        while bearer.first == UInt8(ascii: " ") { bearer = bearer.dropFirst() }
        while bearer.last == UInt8(ascii: " ") { bearer = bearer.dropLast() }
        let token = String(Substring(bearer))
        var context = context
        if let known = cache.get(token) {
            context.principal = known
        } else if let principal = try await tokens.authenticate(token: token) {
            cache.put(token, principal)
            context.principal = principal
        } else {
            throw APIError.unauthenticated
        }
        return try await next(request, context)
    }
}

/// Remembers checked tokens for a few seconds, so a busy client costs one lookup per interval,
/// not one per request. Revoking through this process evicts at once; another process's
/// revocation, an expiry or a disabled user takes effect within `ttl`.
public final class TokenCache: Sendable {
    private struct Entry { let principal: Principal; let until: ContinuousClock.Instant }
    private let entries = NIOLockedValueBox([String: Entry]())
    let ttl: Duration
    let capacity: Int

    public init(ttl: Duration = .seconds(5), capacity: Int = 10_000) {
        self.ttl = ttl
        self.capacity = capacity
    }

    func get(_ token: String) -> Principal? {
        let now = ContinuousClock.now
        return entries.withLockedValue { entries in
            guard let entry = entries[token] else { return nil }
            if entry.until < now { entries[token] = nil; return nil }
            return entry.principal
        }
    }

    func put(_ token: String, _ principal: Principal) {
        let until = ContinuousClock.now + ttl
        entries.withLockedValue { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[token] = Entry(principal: principal, until: until)
        }
    }

    func evict(districtID: Int64, tokenID: Int64) {
        entries.withLockedValue { entries in
            entries = entries.filter {
                !($0.value.principal.districtID == districtID && $0.value.principal.tokenID == tokenID)
            }
        }
    }

    func evictAll() { entries.withLockedValue { $0.removeAll() } }
}
