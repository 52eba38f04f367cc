import Foundation
import Logging
import Postgres
import ServiceLifecycle
import TidtamJobs
import TidtamStore

/// Runs one worker (as `tidtam worker` does) with `handlers` until `finished` says its work is
/// done, then stops it gracefully: how the benchmarks time work through the job runner.
func runOneWorker(
    _ app: Database, conninfo: String, handlers: [any JobHandler], concurrency: Int,
    until finished: @escaping @Sendable () async throws -> Bool
) async throws {
    var configuration = Worker.Configuration(listenConninfo: conninfo)
    configuration.concurrency = concurrency
    configuration.batchSize = 10
    var logger = Logger(label: "tidtam.bench")
    logger.logLevel = .warning
    let worker = Worker(configuration: configuration, db: app, handlers: handlers, logger: logger)
    let group = ServiceGroup(configuration: .init(services: [worker], logger: logger))
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        while try await !finished() { try await Task.sleep(for: .milliseconds(200)) }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
    }
}
