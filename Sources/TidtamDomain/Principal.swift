/// Who is calling, as learnt from their bearer token.
public struct Principal: Sendable, Equatable {
    public let userID: Int64
    /// nil for OBEC's national users, who read across districts.
    public let districtID: Int64?
    public let role: Role
    public let schoolID: Int64?
    public let tokenID: Int64

    public init(userID: Int64, districtID: Int64?, role: Role, schoolID: Int64?, tokenID: Int64) {
        self.userID = userID; self.districtID = districtID; self.role = role; self.schoolID = schoolID;
        self.tokenID = tokenID
    }

    public func may(_ action: Action) -> Bool { action.isAllowed(for: role) }
}
