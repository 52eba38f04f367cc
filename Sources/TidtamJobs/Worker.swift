import Foundation
import Logging
import Metrics
import NIOConcurrencyHelpers
import Postgres
import ServiceLifecycle

/// Runs jobs from one queue: claims in batches (round robin over districts), runs up to
/// `concurrency` handlers at once, completes in batches, keeps leases alive, returns the jobs of
/// dead workers, and wakes on NOTIFY with polling as the fallback. On graceful shutdown it stops
/// claiming, lets running handlers finish, and gives back anything claimed but not started.
public final class Worker: Service, Sendable {
    public struct Configuration: Sendable {
        public var queue = "default"
        public var concurrency = 16
        public var batchSize = 100
        public var leaseSeconds: Double = 15
        public var pollInterval: Duration = .seconds(1)
        /// Maximum running jobs of a kind per district.
        public var kindLimits: [String: Int] = [:]
        public var backoff = Backoff()
        /// Recurring jobs; every worker may carry the same list (each slot runs once).
        public var schedules: [Schedule] = []
        /// The deployment's time zone, for schedules.
        public var timeZone = TimeZone(identifier: "Asia/Bangkok")!
        /// Finished jobs are kept this many days in `job_archive`, then pruned (hourly).
        public var retentionDays = 30
        /// Where LISTEN connects (a connection of its own, never the pool's).
        public var listenConninfo: String
        public var workerID =
            "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(UUID().uuidString.prefix(8))"

        public init(listenConninfo: String) { self.listenConninfo = listenConninfo }
    }

    public let configuration: Configuration
    let queue: JobQueue
    let handlers: [String: any JobHandler]
    let logger: Logger
    private let state = NIOLockedValueBox(State())
    private let wake: AsyncStream<Void>
    private let wakeContinuation: AsyncStream<Void>.Continuation

    struct State {
        var running: [Int64: ClaimedJob] = [:]
        var finished: [ClaimedJob] = []
        var stopping = false
    }

    public init(
        configuration: Configuration, db: Database, handlers: [any JobHandler],
        logger: Logger = Logger(label: "tidtam.worker")
    ) {
        self.configuration = configuration
        self.queue = JobQueue(db: db)
        self.handlers = Dictionary(handlers.map { ($0.kind, $0) }, uniquingKeysWith: { $1 })
        self.logger = logger
        (wake, wakeContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    public func run() async throws {
        let listener = startListening()
        defer { listener.stop() }
        try await withThrowingDiscardingTaskGroup { background in
            background.addTask {
                try await self.every(self.configuration.pollInterval) { self.wakeContinuation.yield() }
            }
            background.addTask {
                try await self.every(.milliseconds(Int(self.configuration.leaseSeconds * 1000 / 3))) {
                    let held = self.state.withLockedValue { Array($0.running.values) }
                    try await self.queue.heartbeat(held, leaseSeconds: self.configuration.leaseSeconds)
                }
            }
            background.addTask {
                try await self.every(.seconds(1)) {
                    let recovered = try await self.queue.reapExpiredLeases()
                    if recovered > 0 {
                        self.logger.warning("recovered jobs of a stopped worker", metadata: ["jobs": "\(recovered)"])
                    }
                }
            }
            if !configuration.schedules.isEmpty {
                // Slots missed while no worker ran are caught up for five minutes back.
                let scheduler = Scheduler(
                    queue: queue, schedules: configuration.schedules, timeZone: configuration.timeZone)
                let checked = NIOLockedValueBox(Date().addingTimeInterval(-300))
                background.addTask {
                    try await self.every(.seconds(1)) {
                        let now = Date()
                        try await scheduler.enqueueDueSlots(after: checked.withLockedValue { $0 }, now: now)
                        checked.withLockedValue { $0 = now }
                    }
                }
            }
            background.addTask {
                try await self.every(.seconds(3600)) {
                    let pruned = try await self.queue.prune(olderThanDays: self.configuration.retentionDays)
                    if pruned > 0 { self.logger.info("pruned finished jobs", metadata: ["jobs": "\(pruned)"]) }
                }
            }
            try await withGracefulShutdownHandler {
                try await self.claimLoop()
            } onGracefulShutdown: {
                self.state.withLockedValue { $0.stopping = true }
                self.wakeContinuation.yield()
            }
            background.cancelAll()
        }
    }

    private func every(_ interval: Duration, _ body: @escaping @Sendable () async throws -> Void) async throws {
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            do { try await body() } catch is CancellationError { return } catch {
                logger.warning("background step failed", metadata: ["error": "\(error)"])
            }
        }
    }

    private func claimLoop() async throws {
        try await withThrowingDiscardingTaskGroup { running in
            var wakes = wake.makeAsyncIterator()
            while true {
                try await flushFinished()
                let (stopping, free) = state.withLockedValue {
                    ($0.stopping, configuration.concurrency - $0.running.count)
                }
                if stopping { break }
                var claimed: [ClaimedJob] = []
                if free > 0 {
                    do {
                        claimed = try await queue.claim(
                            queue: configuration.queue, limit: min(free, configuration.batchSize),
                            leaseSeconds: configuration.leaseSeconds, workerID: configuration.workerID,
                            limits: configuration.kindLimits)
                    } catch {
                        logger.warning("claiming failed; retrying", metadata: ["error": "\(error)"])
                    }
                }
                for job in claimed {
                    state.withLockedValue { $0.running[job.id] = job }
                    Counter(label: "tidtam_jobs_claimed_total", dimensions: [("kind", job.kind)]).increment()
                    let waited = max(0, Date().timeIntervalSince(max(job.runAt, job.createdAt)))
                    Timer(label: "tidtam_jobs_wait_seconds", dimensions: [("kind", job.kind)]).recordSeconds(waited)
                    running.addTask { await self.perform(job) }
                }
                // A full batch means more may be waiting: claim again at once.
                if claimed.count == min(free, configuration.batchSize), free > 0 { continue }
                if await wakes.next() == nil { break }
            }
        }
        // Every handler has returned; record their completions, then give back what is left.
        try await flushFinished()
        let released = try await queue.release(workerID: configuration.workerID)
        logger.info("worker stopped", metadata: ["released": "\(released)"])
    }

    private func perform(_ job: ClaimedJob) async {
        let started = ContinuousClock.now
        var metadata: Logger.Metadata = [
            "job_id": "\(job.id)", "district_id": "\(job.districtID)", "kind": "\(job.kind)",
            "attempt": "\(job.attempt)",
        ]
        do {
            guard let handler = handlers[job.kind] else {
                throw JobError.unknownKind(job.kind)
            }
            try await handler.run(JobContext(job: job, db: queue.db))
            state.withLockedValue {
                $0.finished.append(job); $0.running[job.id] = nil
            }
            metadata["outcome"] = "done"
        } catch {
            state.withLockedValue { $0.running[job.id] = nil }
            // A handler that knows when to try again (a webhook's schedule) says so.
            let delay = (error as? RetryLater)?.seconds ?? configuration.backoff.delay(afterAttempt: job.attempt)
            let dead =
                (try? await queue.fail(
                    job, error: "\(error)", retryIn: delay, maxAttempts: handlers[job.kind]?.maxAttempts)) ?? false
            metadata["outcome"] = dead ? "dead" : "retry"
            metadata["error"] = "\(error)"
            Counter(
                label: "tidtam_jobs_failed_total", dimensions: [("kind", job.kind), ("dead", dead ? "true" : "false")]
            ).increment()
        }
        let elapsed = ContinuousClock.now - started
        Timer(label: "tidtam_jobs_run_seconds", dimensions: [("kind", job.kind)]).recordNanoseconds(
            elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
        metadata["ms"] = "\(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)"
        logger.info("job attempt", metadata: metadata)
        wakeContinuation.yield()
    }

    private func flushFinished() async throws {
        let batch = state.withLockedValue { state in
            defer { state.finished.removeAll() }; return state.finished
        }
        guard !batch.isEmpty else { return }
        do {
            try await queue.complete(batch)
            Counter(label: "tidtam_jobs_completed_total").increment(by: batch.count)
        } catch {
            // Put them back: the next flush tries again; the lease keeps them ours meanwhile.
            state.withLockedValue { $0.finished.append(contentsOf: batch) }
            throw error
        }
    }

    /// LISTEN on a connection and a thread of its own; reconnects after errors.
    private func startListening() -> ListenerThread {
        let thread = ListenerThread(conninfo: configuration.listenConninfo, logger: logger) { [wakeContinuation] in
            wakeContinuation.yield()
        }
        thread.start()
        return thread
    }
}

public enum JobError: Error, CustomStringConvertible {
    case unknownKind(String)
    public var description: String {
        switch self {
        case .unknownKind(let kind): return "no handler for job kind \(kind)"
        }
    }
}

/// A plain thread that waits on LISTEN (blocking libpq), so no cooperative thread ever blocks.
final class ListenerThread: @unchecked Sendable {
    private let conninfo: String
    private let logger: Logger
    private let onNotify: @Sendable () -> Void
    private let stopped = NIOLockedValueBox(false)

    init(conninfo: String, logger: Logger, onNotify: @escaping @Sendable () -> Void) {
        self.conninfo = conninfo
        self.logger = logger
        self.onNotify = onNotify
    }

    func start() {
        let thread = Thread { [self] in
            while !stopped.withLockedValue({ $0 }) {
                do {
                    let listener = try NotificationListener(conninfo: conninfo, channels: ["tidtam_jobs"])
                    onNotify()  // something may have been enqueued while we were not listening
                    while !stopped.withLockedValue({ $0 }) {
                        if try !listener.wait(timeout: 0.5).isEmpty { onNotify() }
                    }
                } catch {
                    logger.warning("LISTEN connection failed; reconnecting", metadata: ["error": "\(error)"])
                    Thread.sleep(forTimeInterval: 1)
                }
            }
        }
        thread.name = "tidtam-listen"
        thread.start()
    }

    func stop() { stopped.withLockedValue { $0 = true } }
}
