import ArgumentParser
import Foundation
import Postgres
import TidtamStore

/// `tidtam admin analyst create|list|revoke`: analysts' SQL logins, made as the schema owner.
struct AnalystCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyst", abstract: "Make, list and revoke analysts' SQL logins (the analytics views only).",
        subcommands: [Create.self, List.self, Revoke.self])

    static func logins() throws -> AnalystLogins {
        AnalystLogins(owner: try Connection.connect(try Settings().migrationURL, applicationName: "tidtam-admin"))
    }

    /// The owner's connection string with the analysts' host and port (TIDTAM_ANALYST_HOST,
    /// TIDTAM_ANALYST_PORT) when they name another server than the database's.
    static func analystHostURL() throws -> String? {
        let env = ProcessInfo.processInfo.environment
        guard let host = env["TIDTAM_ANALYST_HOST"], var url = URLComponents(string: try Settings().migrationURL)
        else { return nil }
        let query = url.queryItems ?? []
        let port = env["TIDTAM_ANALYST_PORT"] ?? query.first { $0.name == "port" }?.value ?? url.port.map(String.init)
        guard (query.first { $0.name == "host" }?.value ?? url.host) != host else { return nil }
        url.queryItems =
            query.filter { $0.name != "host" && $0.name != "port" } + [URLQueryItem(name: "host", value: host)]
            + (port.map { [URLQueryItem(name: "port", value: $0)] } ?? [])
        url.host = nil
        url.port = nil
        return url.string
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "A login bound to one district (or, with --national, reading every district); its password is shown once."
        )
        @Option(help: "The district's code.") var district: String?
        @Flag(help: "A national analyst: every district, read-only.") var national = false
        @Option(help: "Tells analysts of one district apart (a-z, 0-9).") var label: String?
        @Option(help: "Longest a statement may run.") var statementTimeout = "30s"
        @Option(help: "Sessions at once.") var connectionLimit = 3
        @Option(help: "Who it is for (kept as the role's comment).") var note: String?

        func validate() throws {
            guard (district == nil) == national else {
                throw ValidationError("Name a district with --district, or give --national.")
            }
        }

        func run() async throws {
            let settings = Settings()
            var districtID: Int64?
            if let district {
                let db = try settings.database(applicationName: "tidtam-admin")
                districtID = try await districtTenant(db, code: district).districtID
                await db.shutdown()
            }
            let made = try AnalystCommand.logins().create(
                district: districtID, label: label, statementTimeout: statementTimeout,
                connectionLimit: connectionLimit, note: note)
            // Where analysts connect: the replica when one is named, else the database itself.
            let url = URLComponents(string: try settings.migrationURL)
            let query = Dictionary(
                (url?.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
            let env = ProcessInfo.processInfo.environment
            let host = env["TIDTAM_ANALYST_HOST"] ?? query["host"] ?? url?.host ?? "localhost"
            let port = env["TIDTAM_ANALYST_PORT"] ?? query["port"] ?? url?.port.map(String.init) ?? "5432"
            let database = url.map { String($0.path.dropFirst()) } ?? "tidtam"
            print("login     \(made.name)")
            print("password  \(made.password)   (shown this once)")
            print("psql      psql \"host=\(host) port=\(port) dbname=\(database) user=\(made.name)\"")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every analyst's login.")
        func run() async throws {
            for login in try AnalystCommand.logins().list() {
                let scope = login.districtID.map { "district \($0)" } ?? "national"
                print(
                    "\(login.name)\t\(scope)\tconnections \(login.connectionLimit)\t\(login.settings.joined(separator: " "))\t\(login.note ?? "")"
                )
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "End a login and its sessions, and drop it.")
        @Argument var name: String
        func run() async throws {
            // The replica analysts connect to (TIDTAM_ANALYST_HOST), whose sessions are its own.
            let replicas = try AnalystCommand.analystHostURL().map {
                [try Connection.connect($0, applicationName: "tidtam-admin")]
            }
            let ended = try AnalystCommand.logins().revoke(name, replicas: replicas ?? [])
            print("revoked \(name); \(ended) session(s) ended")
        }
    }
}
