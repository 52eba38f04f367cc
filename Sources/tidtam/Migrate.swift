import ArgumentParser
import Logging
import TidtamStore

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply the SQL migrations that are missing (as the schema owner).")

    func run() async throws {
        let settings = Settings()
        Logging.bootstrap(level: settings.logLevel)
        let runner = try MigrationRunner(directory: MigrationRunner.defaultDirectory())
        let applied = try runner.migrate(conninfo: try settings.migrationURL)
        print(applied.isEmpty ? "database is up to date (migration \(runner.latestVersion))"
                              : "applied migrations \(applied.map(String.init).joined(separator: ", "))")
    }
}

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Load the demo districts, schools and users, and print their tokens.")

    func run() async throws {
        let settings = Settings()
        let db = try settings.database(applicationName: "tidtam-demo")
        defer { Task { await db.pool.shutdown() } }
        let tokens = try await DemoData(db).load()
        print("Demo tokens (shown once; use as `Authorization: Bearer <token>`):")
        for token in tokens {
            print("  \(token.district.padding(toLength: 7, withPad: " ", startingAt: 0)) \(token.role.rawValue.padding(toLength: 15, withPad: " ", startingAt: 0)) \(token.token)")
        }
    }
}
