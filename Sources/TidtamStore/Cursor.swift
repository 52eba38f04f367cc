import Foundation
import TidtamDomain

/// Opaque keyset cursors: the sort key of the last row of a page, base64url-encoded. A cursor
/// says where to continue, so pages stay stable while rows are added (no OFFSET).
public enum Cursor {
    public static func encode(_ parts: [String]) -> String {
        Data(parts.joined(separator: "\u{1F}").utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Decodes a cursor of `count` parts; a damaged one is a field error, not a crash.
    public static func decode(_ text: String, count: Int) throws -> [String] {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let joined = String(data: data, encoding: .utf8) else {
            throw DomainError.invalid([Self.invalid])
        }
        let parts = joined.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == count else { throw DomainError.invalid([Self.invalid]) }
        return parts
    }

    static let invalid = FieldError(
        .parameter("cursor"), code: "invalid_cursor", detail: "The cursor is not one this API gave out.",
        th: "ค่า cursor ไม่ถูกต้อง")
}

/// How many rows a page holds and where it starts.
public struct PageRequest: Sendable {
    public var limit: Int
    public var cursor: String?
    public init(limit: Int = 50, cursor: String? = nil) {
        self.limit = min(max(limit, 1), 200)
        self.cursor = cursor
    }
}

extension Cursor {
    /// A cursor that holds one id (lists ordered by id).
    public static func decodeID(_ cursor: String?) throws -> Int64? {
        guard let cursor else { return nil }
        guard let id = Int64(try decode(cursor, count: 1)[0]) else { throw DomainError.invalid([invalid]) }
        return id
    }
}

extension Page {
    /// Stores fetch `limit + 1` rows: the extra one only tells that another page exists.
    public static func trimmed(_ fetched: [Item], limit: Int, cursor: (Item) -> [String]) -> Page {
        guard fetched.count > limit else { return Page(items: fetched, nextCursor: nil) }
        let items = Array(fetched.prefix(limit))
        return Page(items: items, nextCursor: items.last.map { Cursor.encode(cursor($0)) })
    }
}
