import ArgumentParser
import Foundation
import TidtamDomain
import Postgres
import TidtamStore

struct Admin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Bootstrap districts, users and tokens (operators only).",
        subcommands: [
            CreateDistrict.self, CreateUser.self, CreateToken.self, CreateNationalToken.self, AnalystCommand.self,
        ]
    )
}

extension District.Kind: ExpressibleByArgument {}
extension Role: ExpressibleByArgument {}

/// Finds a district by its code, for the commands below.
func districtTenant(_ db: Database, code: String) async throws -> DistrictTenant {
    guard let id = try await DistrictStore(db).find(code: code) else {
        throw ValidationFailure("no district with code \(code)")
    }
    return .background(id)
}

struct CreateDistrict: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "district", abstract: "Create a district office.")
    @Option var code: String
    @Option(name: .customLong("name-th")) var nameTH: String
    @Option(name: .customLong("name-en")) var nameEN: String?
    @Option var kind: District.Kind
    @Option(name: .customLong("province-th")) var provinceTH: String?

    func run() async throws {
        let db = try Settings().database(applicationName: "tidtam-admin")
        let district = try await DistrictStore(db).create(
            DistrictInput(code: code, nameTH: nameTH, nameEN: nameEN, kind: kind, provinceTH: provinceTH))
        print("district \(district.id) \(district.code) \(district.nameTH)")
    }
}

struct CreateUser: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Create a user of a district with a role.")
    @Option(help: "District code.") var district: String
    @Option var email: String
    @Option var name: String
    @Option var role: Role
    @Option(help: "School id (school staff only).") var school: Int64?

    func run() async throws {
        let db = try Settings().database(applicationName: "tidtam-admin")
        let tenant = try await districtTenant(db, code: district)
        let user = try await UserStore(db).create(
            tenant, UserInput(email: email, displayName: name, role: role, schoolID: school))
        print("user \(user.id) \(user.email) \(user.role.rawValue)")
    }
}

struct CreateToken: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Make an API token for a user (shown once).")
    @Option(help: "District code.") var district: String
    @Option var email: String
    @Option var name = "cli"
    @Option(help: "Days until it expires (none by default).") var days: Int?

    func run() async throws {
        let db = try Settings().database(applicationName: "tidtam-admin")
        let tenant = try await districtTenant(db, code: district)
        guard
            let user = try await UserStore(db).list(
                tenant, filter: UserFilter(email: email), page: PageRequest(limit: 1)
            ).items.first
        else {
            throw ValidationFailure("no user \(email) in \(district)")
        }
        let expires = days.map { Date().addingTimeInterval(Double($0) * 86400) }
        let (_, secret) = try await TokenStore(db).create(tenant, userID: user.id, name: name, expiresAt: expires)
        print(secret)
    }
}

struct CreateNationalToken: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "national-token", abstract: "Make a token for an OBEC (national) reader.")
    @Option var email: String
    @Option var name: String

    func run() async throws {
        let db = try Settings().database(applicationName: "tidtam-admin")
        print(try await TokenStore(db).createNational(email: email, displayName: name, name: "cli"))
    }
}
