import Foundation

/// A district office (สำนักงานเขตพื้นที่การศึกษา), the tenant.
public struct District: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case primary, secondary
        public var thaiName: String { self == .primary ? "ประถมศึกษา" : "มัธยมศึกษา" }
    }
    public var id: Int64
    public var code: String
    public var nameTH: String
    public var nameEN: String?
    public var kind: Kind
    public var provinceTH: String?
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: Int64, code: String, nameTH: String, nameEN: String?, kind: Kind, provinceTH: String?,
        version: Int, createdAt: Date, updatedAt: Date
    ) {
        self.id = id; self.code = code; self.nameTH = nameTH; self.nameEN = nameEN; self.kind = kind
        self.provinceTH = provinceTH; self.version = version; self.createdAt = createdAt; self.updatedAt = updatedAt
    }
}

/// A school (สถานศึกษา) of a district.
public struct School: Sendable, Codable, Equatable {
    public enum Size: String, Sendable, Codable, CaseIterable {
        case small, medium, large
        case extraLarge = "extra_large"
    }
    public var id: Int64
    public var districtID: Int64
    public var obecCode: String
    public var nameTH: String
    public var nameEN: String?
    public var provinceTH: String?
    public var addressTH: String?
    public var size: Size?
    public var studentCount: Int?
    /// The day the school opened and closed (ISO dates), when the district records them: a
    /// school is expected to report only for the periods it was open in.
    public var openedOn: String?
    public var closedOn: String?
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: Int64, districtID: Int64, obecCode: String, nameTH: String, nameEN: String?, provinceTH: String?,
        addressTH: String?, size: Size?, studentCount: Int?, openedOn: String? = nil, closedOn: String? = nil,
        version: Int, createdAt: Date, updatedAt: Date
    ) {
        self.id = id; self.districtID = districtID; self.obecCode = obecCode; self.nameTH = nameTH; self.nameEN = nameEN
        self.provinceTH = provinceTH; self.addressTH = addressTH; self.size = size; self.studentCount = studentCount
        self.openedOn = openedOn; self.closedOn = closedOn
        self.version = version; self.createdAt = createdAt; self.updatedAt = updatedAt
    }
}

extension School {
    /// Empty optional fields are sent as `null`, not left out: the same shape as the documents
    /// PostgreSQL renders for `GET /schools/{id}`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(districtID, forKey: .districtID)
        try c.encode(obecCode, forKey: .obecCode)
        try c.encode(nameTH, forKey: .nameTH)
        try c.encode(nameEN, forKey: .nameEN)
        try c.encode(provinceTH, forKey: .provinceTH)
        try c.encode(addressTH, forKey: .addressTH)
        try c.encode(size, forKey: .size)
        try c.encode(studentCount, forKey: .studentCount)
        try c.encode(openedOn, forKey: .openedOn)
        try c.encode(closedOn, forKey: .closedOn)
        try c.encode(version, forKey: .version)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(updatedAt, forKey: .updatedAt)
    }
}

/// A user account of a district together with its membership (role, and school for school staff).
public struct User: Sendable, Codable, Equatable {
    public var id: Int64
    public var districtID: Int64
    public var email: String
    public var displayName: String
    public var locale: String
    public var disabled: Bool
    public var role: Role
    public var schoolID: Int64?
    /// Changes whenever the account or its membership changes (the ETag).
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: Int64, districtID: Int64, email: String, displayName: String, locale: String, disabled: Bool,
        role: Role, schoolID: Int64?, version: Int, createdAt: Date, updatedAt: Date
    ) {
        self.id = id; self.districtID = districtID; self.email = email; self.displayName = displayName
        self.locale = locale; self.disabled = disabled; self.role = role; self.schoolID = schoolID
        self.version = version; self.createdAt = createdAt; self.updatedAt = updatedAt
    }
}

/// An API token's public description; the secret itself is shown once, at creation.
public struct APIToken: Sendable, Codable, Equatable {
    public var id: Int64
    public var districtID: Int64
    public var userID: Int64
    public var name: String
    public var prefix: String
    public var expiresAt: Date?
    public var revokedAt: Date?
    public var createdAt: Date

    public init(
        id: Int64, districtID: Int64, userID: Int64, name: String, prefix: String, expiresAt: Date?,
        revokedAt: Date?, createdAt: Date
    ) {
        self.id = id; self.districtID = districtID; self.userID = userID; self.name = name; self.prefix = prefix
        self.expiresAt = expiresAt; self.revokedAt = revokedAt; self.createdAt = createdAt
    }
}

/// One row of the append-only audit log.
public struct AuditEntry: Sendable, Codable, Equatable {
    public var id: Int64
    public var districtID: Int64
    public var at: Date
    public var actorID: Int64?
    public var actorRole: String?
    public var requestID: String?
    public var action: String
    public var entity: String
    public var entityID: Int64?
    public var schoolID: Int64?
    public var before: JSONValue?
    public var after: JSONValue?

    public init(
        id: Int64, districtID: Int64, at: Date, actorID: Int64?, actorRole: String?, requestID: String?,
        action: String, entity: String, entityID: Int64?, schoolID: Int64?, before: JSONValue?, after: JSONValue?
    ) {
        self.id = id; self.districtID = districtID; self.at = at; self.actorID = actorID; self.actorRole = actorRole
        self.requestID = requestID; self.action = action; self.entity = entity; self.entityID = entityID
        self.schoolID = schoolID; self.before = before; self.after = after
    }
}

/// One page of a list, with the cursor of the next page (nil on the last).
public struct Page<Item: Sendable & Codable & Equatable>: Sendable, Codable, Equatable {
    public var items: [Item]
    public var nextCursor: String?
    public init(items: [Item], nextCursor: String?) { self.items = items; self.nextCursor = nextCursor }
}
