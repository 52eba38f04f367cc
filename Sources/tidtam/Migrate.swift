import ArgumentParser
import Logging
import TidtamStore

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply the SQL migrations that are missing (as the schema owner).")

    func run() async throws {
        let settings = Settings()
        Logging.bootstrap(level: settings.logLevel)
        let runner = try MigrationRunner(directory: MigrationRunner.defaultDirectory())
        let applied = try runner.migrate(conninfo: try settings.migrationURL)
        print(
            applied.isEmpty
                ? "database is up to date (migration \(runner.latestVersion))"
                : "applied migrations \(applied.map(String.init).joined(separator: ", "))")
    }
}
