import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import TidtamAPI
import TidtamStore

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the HTTP JSON API until SIGINT or SIGTERM.")

    @Option(help: "Address to listen on.") var host = ProcessInfo.processInfo.environment["HOST"] ?? "127.0.0.1"
    @Option(help: "Port to listen on.") var port = Int(ProcessInfo.processInfo.environment["PORT"] ?? "") ?? 8080
    @Flag(help: "Do not apply migrations at start-up.") var noMigrate = false

    func run() async throws {
        let settings = Settings()
        Logging.bootstrap(level: settings.logLevel)
        let logger = Logger(label: "tidtam")
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))

        let runner = try MigrationRunner(directory: MigrationRunner.defaultDirectory())
        if !noMigrate {
            try runner.migrate(conninfo: try settings.migrationURL)
        }
        let document = (try? String(contentsOfFile: settings.openAPIPath, encoding: .utf8)) ?? "openapi: 3.1.0\n"
        let db = try settings.database()
        let services = APIServices(
            db: db, registry: registry, openAPIDocument: document, latestMigration: runner.latestVersion,
            maxConcurrentImports: settings.maxConcurrentImports)
        let app = buildApplication(services, host: host, port: port, logger: logger)
        // The database is listed first, so it is shut down last: after the server has stopped.
        let group = ServiceGroup(
            configuration: .init(services: [db, app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
