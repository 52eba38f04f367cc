import ArgumentParser
import Foundation
import Logging
import Metrics
import Postgres
import ServiceLifecycle
import TidtamJobs

struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "worker", abstract: "Run jobs from the queue until SIGINT or SIGTERM.")

    @Option(help: "Queue to take jobs from.") var queue = "default"
    @Option(help: "Jobs run at once.") var concurrency = 16
    @Option(help: "Jobs claimed per round trip.") var batch = 100
    @Option(help: "Seconds a claimed job stays ours without a heartbeat.") var lease: Double = 15

    func run() async throws {
        let settings = Settings()
        Logging.bootstrap(level: settings.logLevel)
        let logger = Logger(label: "tidtam.worker")
        let pool = ConnectionPool(.init(conninfo: try settings.databaseURL, maxConnections: max(2, settings.poolSize / 2),
                                        applicationName: "tidtam-worker"))
        var configuration = Worker.Configuration(listenConninfo: try settings.databaseURL)
        configuration.queue = queue
        configuration.concurrency = concurrency
        configuration.batchSize = batch
        configuration.leaseSeconds = lease
        let worker = Worker(configuration: configuration, pool: pool, handlers: BuiltInJobs.all, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [worker], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        await pool.shutdown()
    }
}
