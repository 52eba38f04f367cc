import Logging
import Metrics
import NIOConcurrencyHelpers
import NIOPosix

/// A bounded pool of libpq connections with a thread of its own for each one, so blocking libpq
/// calls never run on Swift's cooperative threads. Broken connections are dropped and replaced on
/// demand; when PostgreSQL is down, checkouts fail fast with a `.connection` error, and once it is
/// back the pool serves again without a restart.
final class ConnectionPool: Sendable {
    typealias Configuration = PoolConfiguration

    private enum Grant {
        case connection(Connection)
        case openNew
    }

    private struct Waiter {
        let id: UInt64
        let deadline: ContinuousClock.Instant
        let continuation: CheckedContinuation<Grant, any Error>
    }

    private struct State {
        var idle: [Connection] = []
        var open = 0
        var inUse = 0
        /// First come, first served; with one timeout for all, the oldest deadline is first.
        var waiters: [Waiter] = []
        var nextWaiterID: UInt64 = 0
        var reaperRunning = false

        /// The one place a checkout is granted: an idle connection, or a slot to open one.
        mutating func grant(maxConnections: Int) -> Grant? {
            if let connection = idle.popLast() {
                inUse += 1
                return .connection(connection)
            }
            if open < maxConnections {
                open += 1
                inUse += 1
                return .openNew
            }
            return nil
        }
    }

    let configuration: Configuration
    private let state = NIOLockedValueBox(State())
    private let threads: NIOThreadPool
    private let reactor = PostgresReactor()
    private let pipelined: PipelinedChannels?
    private let logger: Logger
    private let inUseGauge = Gauge(label: "tidtam_db_pool_connections_in_use")
    private let openGauge = Gauge(label: "tidtam_db_pool_connections_open")
    private let waitCounter = Counter(label: "tidtam_db_pool_waits_total")
    private let timeoutCounter = Counter(label: "tidtam_db_pool_timeouts_total")
    /// Reads that took a pooled connection because the pipelined one was closed, full or held up.
    private let divertedCounter = Counter(label: "tidtam_db_pipelined_diverted_total")

    init(_ configuration: Configuration, logger: Logger = Logger(label: "tidtam.db")) {
        self.configuration = configuration
        self.logger = logger
        let threads = NIOThreadPool(numberOfThreads: configuration.maxConnections)
        self.threads = threads
        threads.start()
        let info = configuration.conninfo, name = configuration.applicationName
        self.pipelined =
            configuration.pipelinedConnections == 0
            ? nil
            : PipelinedChannels(count: configuration.pipelinedConnections, maxInFlight: 128, reactor: reactor) {
                try await threads.runIfActive { try Connection.connect(info, applicationName: name) }
            }
    }

    /// Closes idle connections and stops the threads. Call once, after the last use.
    func shutdown() async {
        // Idle connections close (PQfinish) as they are released here.
        state.withLockedValue { state in
            state.open -= state.idle.count
            state.idle.removeAll()
        }
        reactor.shutdown()
        try? await threads.shutdownGracefully()
    }

    /// Checks a connection out, runs `body` with it on a blocking thread, and checks it back in
    /// (or drops it if it broke).
    func withConnection<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        let connection = try await checkout()
        do {
            let value = try await threads.runIfActive { try body(connection) }
            checkin(connection)
            return value
        } catch {
            checkin(connection)
            throw error
        }
    }

    /// A transaction with tenant settings; retried once on a fresh connection when the first
    /// round trip finds the connection dead (for example after PostgreSQL restarted).
    func transaction<T: Sendable>(
        settings: [TransactionSetting] = [],
        _ body: @escaping @Sendable (Connection) throws -> T
    ) async throws -> T {
        try await retryingStale {
            try await self.withConnection { try $0.transaction(settings: settings, body) }
        }
    }

    /// One statement in its own pipelined transaction (one round trip), with tenant settings.
    /// It goes on the shared pipelined connection when one is open and has room, and the reactor
    /// thread collects the answer, so no thread waits on the network; otherwise on a pooled
    /// connection, on its thread.
    func read(
        settings: [TransactionSetting], _ sql: String,
        _ parameters: [any PostgresEncodable] = []
    ) async throws -> QueryResult {
        try await retryingStale {
            if let pipelined = self.pipelined {
                if let channel = pipelined.pick() {
                    do {
                        return try await self.reactor.send(on: channel, settings: settings, sql, parameters)
                    } catch let error as PostgresError where error.sqlState == "25P02" {
                        // Sent between another transaction's failure and its ROLLBACK, so it never
                        // ran; once more on a connection of its own.
                    }
                }
                self.divertedCounter.increment()
            }
            return try await self.readOnPooledConnection(settings: settings, sql, parameters)
        }
    }

    private func readOnPooledConnection(
        settings: [TransactionSetting], _ sql: String,
        _ parameters: [any PostgresEncodable]
    ) async throws -> QueryResult {
        try await withConnection { try $0.pipelinedTransaction(settings: settings, sql, parameters) }
    }

    private func retryingStale<T>(_ work: () async throws -> T) async throws -> T {
        do {
            return try await work()
        } catch let stale as StaleConnection {
            logger.warning(
                "database connection lost; retrying on a fresh one", metadata: ["error": "\(stale.underlying)"])
            dropIdle()
            do {
                return try await work()
            } catch let again as StaleConnection {
                throw again.underlying
            }
        }
    }

    /// After a connection is found dead, the idle ones most likely are too (a server restart).
    private func dropIdle() {
        let dropped: [Connection] = state.withLockedValue { state in
            let dropped = state.idle
            state.idle.removeAll()
            state.open -= dropped.count
            return dropped
        }
        openGauge.record(state.withLockedValue { $0.open })
        _ = dropped
    }

    // MARK: checkout and checkin

    private func checkout() async throws -> Connection {
        let max = configuration.maxConnections
        let grant: Grant
        if let immediate = state.withLockedValue({ $0.grant(maxConnections: max) }) {
            grant = immediate
        } else {
            waitCounter.increment()
            grant = try await waitForGrant()
        }
        switch grant {
        case .connection(let connection):
            recordGauges()
            return connection
        case .openNew:
            recordGauges()
            do {
                let info = configuration.conninfo, name = configuration.applicationName
                return try await threads.runIfActive { try Connection.connect(info, applicationName: name) }
            } catch {
                releaseSlot()
                throw error
            }
        }
    }

    /// Queues the caller until a connection is checked in, its deadline passes, or its task is
    /// cancelled: a cancelled waiter leaves the queue at once, so it neither holds a place nor
    /// is handed a connection nobody will use.
    private func waitForGrant() async throws -> Grant {
        let deadline = ContinuousClock.now + configuration.checkoutTimeout
        let max = configuration.maxConnections
        let id = state.withLockedValue { state -> UInt64 in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let startReaper = state.withLockedValue { state -> Bool in
                    // A connection may have come back between the first look and now.
                    if let grant = state.grant(maxConnections: max) {
                        continuation.resume(returning: grant)
                        return false
                    }
                    // Checked under the lock: a cancellation before this point finds no waiter to remove.
                    if Task.isCancelled {
                        continuation.resume(throwing: CancellationError())
                        return false
                    }
                    state.waiters.append(Waiter(id: id, deadline: deadline, continuation: continuation))
                    defer { state.reaperRunning = true }
                    return !state.reaperRunning
                }
                if startReaper { startReaping() }
            }
        } onCancel: {
            let waiter = state.withLockedValue { state -> Waiter? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Callers waiting for a connection now (for tests).
    var waiting: Int { state.withLockedValue { $0.waiters.count } }

    /// One task per pool, alive only while callers wait, fails the waiters whose time is up. (A
    /// timer task per waiting checkout cost a task, a dispatch timer and a cancellation for
    /// nearly every request under load.)
    private func startReaping() {
        let tick = min(Duration.milliseconds(50), configuration.checkoutTimeout / 4)
        Task.detached { [weak self] in
            while true {
                try? await Task.sleep(for: tick)
                guard let self, self.expireOverdueWaiters() else { return }
            }
        }
    }

    /// Fails the waiters past their deadline; false (and the reaper stops) when none is left.
    private func expireOverdueWaiters() -> Bool {
        let now = ContinuousClock.now
        let (overdue, anyLeft) = state.withLockedValue { state -> ([Waiter], Bool) in
            let count = state.waiters.prefix(while: { $0.deadline <= now }).count
            let overdue = Array(state.waiters.prefix(count))
            state.waiters.removeFirst(count)
            if state.waiters.isEmpty { state.reaperRunning = false }
            return (overdue, state.reaperRunning)
        }
        for waiter in overdue {
            timeoutCounter.increment()
            waiter.continuation.resume(
                throwing: PostgresError(.poolTimeout, "no database connection became free in time"))
        }
        return anyLeft
    }

    private func checkin(_ connection: Connection) {
        // Transactions end on the connection's own thread; one still open here (it should not
        // happen) is not rolled back on this thread, which may be a concurrency thread: the
        // connection is dropped instead, and PostgreSQL rolls it back.
        let healthy = connection.isHealthy && connection.isIdle
        let handoff: (Waiter, Grant)? = state.withLockedValue { state in
            if !state.waiters.isEmpty {
                let waiter = state.waiters.removeFirst()
                if healthy { return (waiter, .connection(connection)) }
                return (waiter, .openNew)  // the slot passes on; the waiter opens a fresh connection
            }
            state.inUse -= 1
            if healthy { state.idle.append(connection) } else { state.open -= 1 }
            return nil
        }
        if let (waiter, grant) = handoff { waiter.continuation.resume(returning: grant) }
        recordGauges()
    }

    private func releaseSlot() {
        let waiter: Waiter? = state.withLockedValue { state in
            if !state.waiters.isEmpty { return state.waiters.removeFirst() }
            state.open -= 1
            state.inUse -= 1
            return nil
        }
        waiter?.continuation.resume(returning: .openNew)
        recordGauges()
    }

    private func recordGauges() {
        let (inUse, open) = state.withLockedValue { ($0.inUse, $0.open) }
        inUseGauge.record(inUse)
        openGauge.record(open)
    }

    /// Pipelined connections open now (for tests).
    var pipelinedOpen: Int { pipelined?.openCount ?? 0 }

    /// Connections open and in use now (for tests and `/metrics`).
    var usage: (open: Int, inUse: Int, idle: Int) {
        state.withLockedValue { ($0.open, $0.inUse, $0.idle.count) }
    }
}

/// How the service reaches PostgreSQL: where, how many connections, how long a caller waits.
public struct PoolConfiguration: Sendable {
    var conninfo: String
    var maxConnections: Int
    /// How long a caller may wait for a free connection before it gets `.poolTimeout`.
    var checkoutTimeout: Duration
    var applicationName: String
    /// Connections kept in pipeline mode for single-statement reads, beside `maxConnections`
    /// (0: every read takes a pooled connection).
    var pipelinedConnections: Int

    public init(
        conninfo: String, maxConnections: Int = 8, checkoutTimeout: Duration = .seconds(5),
        applicationName: String = "tidtam", pipelinedConnections: Int = 1
    ) {
        self.conninfo = conninfo
        self.maxConnections = max(1, maxConnections)
        self.checkoutTimeout = checkoutTimeout
        self.applicationName = applicationName
        self.pipelinedConnections = max(0, pipelinedConnections)
    }
}
