import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Where a webhook may be posted: never to this machine or a private network (loopback,
/// RFC 1918, link-local, carrier-grade NAT, unique-local IPv6, …) unless the operator allows it
/// (`TIDTAM_WEBHOOK_ALLOW_PRIVATE=1`), so that an endpoint cannot make the service reach what only
/// it can reach. The host's every address is checked just before each post.
public struct DestinationPolicy: Sendable {
    public var allowPrivate: Bool
    public init(allowPrivate: Bool = false) { self.allowPrivate = allowPrivate }

    public enum Refusal: Error, Equatable, CustomStringConvertible {
        case notHTTP
        case unresolvable(String)
        case privateAddress(String)
        public var description: String {
            switch self {
            case .notHTTP: "the URL is not http or https"
            case .unresolvable(let host): "the host \(host) does not resolve"
            case .privateAddress(let address):
                "\(address) is a loopback or private address, which the operator does not allow"
            }
        }
    }

    /// Checks `url` now (resolving its host); returns nothing, or throws why not.
    public func check(_ url: URL) throws {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", let host = url.host,
            !host.isEmpty
        else { throw Refusal.notHTTP }
        if allowPrivate { return }
        let addresses = try Self.resolve(host)
        guard !addresses.isEmpty else { throw Refusal.unresolvable(host) }
        if let blocked = addresses.first(where: Self.isPrivate) { throw Refusal.privateAddress(blocked) }
    }

    static func resolve(_ host: String) throws -> [String] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        let bare = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        guard getaddrinfo(bare, nil, &hints, &result) == 0, let first = result else {
            throw Refusal.unresolvable(host)
        }
        defer { freeaddrinfo(first) }
        var addresses: [String] = []
        var next: UnsafeMutablePointer<addrinfo>? = first
        while let info = next {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(
                info.pointee.ai_addr, info.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST)
                == 0
            {
                addresses.append(String(cString: buffer))
            }
            next = info.pointee.ai_next
        }
        return addresses
    }

    /// Loopback, private, link-local, shared, unspecified, multicast and reserved addresses.
    public static func isPrivate(_ address: String) -> Bool {
        if let v4 = ipv4(address) { return isPrivateV4(v4) }
        let lower = address.lowercased().split(separator: "%").first.map(String.init) ?? ""
        if lower == "::1" || lower == "::" { return true }
        if lower.hasPrefix("::ffff:"), let v4 = ipv4(String(lower.dropFirst(7))) { return isPrivateV4(v4) }
        guard let first = lower.split(separator: ":").first, let word = UInt16(first, radix: 16) else { return true }
        return word & 0xfe00 == 0xfc00  // unique local fc00::/7
            || word & 0xffc0 == 0xfe80  // link-local fe80::/10
            || word & 0xff00 == 0xff00  // multicast
    }

    static func ipv4(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        let bytes = parts.compactMap { UInt8($0) }
        return bytes.count == 4 ? bytes : nil
    }

    static func isPrivateV4(_ b: [UInt8]) -> Bool {
        switch (b[0], b[1]) {
        case (0, _), (10, _), (127, _): true
        case (100, 64...127): true  // carrier-grade NAT
        case (169, 254): true
        case (172, 16...31): true
        case (192, 168): true
        case (192, 0) where b[2] == 0: true
        case (198, 18...19): true
        default: b[0] >= 224  // multicast and reserved
        }
    }
}
