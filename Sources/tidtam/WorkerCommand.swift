import ArgumentParser
import Foundation
import Logging
import Metrics
import Hummingbird
import Postgres
import Prometheus
import ServiceLifecycle
import TidtamDelivery
import TidtamJobs

struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Run jobs from the queue until SIGINT or SIGTERM.")

    @Option(help: "Queue to take jobs from.") var queue = "default"
    @Option(help: "Jobs run at once.") var concurrency = 16
    @Option(help: "Jobs claimed per round trip.") var batch = 100
    @Option(help: "Seconds a claimed job stays ours without a heartbeat.") var lease: Double = 15
    @Option(help: "Port of the worker's /metrics (Prometheus), on 127.0.0.1; 0 turns it off.")
    var metricsPort = Int(ProcessInfo.processInfo.environment["WORKER_METRICS_PORT"] ?? "") ?? 9091

    func run() async throws {
        let settings = Settings()
        Logging.bootstrap(level: settings.logLevel)
        let logger = Logger(label: "tidtam.worker")
        // Before the pool: a gauge made before the bootstrap reports to nowhere.
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let db = Database(
            PoolConfiguration(
                conninfo: try settings.databaseURL, maxConnections: max(2, settings.poolSize / 2),
                applicationName: "tidtam-worker"))
        var configuration = Worker.Configuration(listenConninfo: try settings.databaseURL)
        configuration.queue = queue
        configuration.concurrency = concurrency
        configuration.batchSize = batch
        configuration.leaseSeconds = lease
        configuration.schedules = ReportingJobs.schedules
        let http = WebhookPoster.makeClient()
        let poster = WebhookPoster(
            client: http, policy: DestinationPolicy(allowPrivate: settings.webhooksMayReachPrivateAddresses),
            timeout: .seconds(settings.webhookTimeoutSeconds))
        let channels = DeliveryChannels(
            mail: try settings.smtp.map(SMTPMailer.init), webhooks: poster, publicURL: settings.publicURL)
        if let mail = channels.mail?.configuration {
            logger.info(
                "reminders are e-mailed",
                metadata: ["smtp": "\(mail.host):\(mail.port)", "security": "\(mail.security)"])
        } else {
            logger.info("reminders go to the in-app inbox only (TIDTAM_SMTP_HOST is not set)")
        }
        let worker = Worker(
            configuration: configuration, db: db, handlers: BuiltInJobs.productionHandlers(channels: channels),
            logger: logger)
        // The database first, so that it is shut down last, after the worker has finished.
        var services: [any Service] = [db, worker]
        if metricsPort > 0 {
            // Claimed, completed and failed counts, wait and run times by kind; queue depth is on the API's /metrics.
            let router = Router()
            router.get("/metrics") { _, _ in
                var buffer: [UInt8] = []
                registry.emit(into: &buffer)
                return Response(
                    status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
            }
            services.append(
                Application(
                    router: router, configuration: .init(address: .hostname("127.0.0.1", port: metricsPort)),
                    logger: logger))
        }
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        // The webhook client is shut down however the group ends (a worker stopped while the
        // database is away ends with that error): a client left running is a crash at exit.
        do {
            try await group.run()
        } catch {
            try? await http.shutdown()
            throw error
        }
        try await http.shutdown()
    }
}
