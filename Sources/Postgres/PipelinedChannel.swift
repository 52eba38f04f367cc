import CLibPQ
import NIOConcurrencyHelpers
import NIOCore

/// One connection kept in libpq's pipeline mode that carries many callers' read transactions at
/// once. Each caller queues its `BEGIN`, tenant settings, statement, `COMMIT` and a sync without
/// waiting for the transactions before it; the reactor thread reads the answers and hands each
/// back in the order it was sent. PostgreSQL then reads and answers several transactions per
/// wake-up, and no caller waits for a free connection first (measured: docs/benchmarks.md).
///
/// Every transaction keeps its own `BEGIN … COMMIT` and `SET LOCAL`, so no setting outlives its
/// transaction. One that fails leaves the session in a failed transaction block; the channel
/// then queues a `ROLLBACK`, and the transactions sent between the failure and that `ROLLBACK`
/// fail with 25P02 without running their statement; the pool sends them again.
final class PipelinedChannel: @unchecked Sendable {
    /// One transaction sent and not yet answered.
    final class InFlight {
        /// The position of the statement's own result among the segment's results.
        let statementIndex: Int
        /// Nil for the channel's own recovery `ROLLBACK`.
        let continuation: CheckedContinuation<QueryResult, any Error>?
        /// A statement prepared inside this segment, forgotten again if the segment fails.
        let preparedSQL: String?
        let sentAt = ContinuousClock.now
        var seen = 0
        var answer: QueryResult?
        var failure: PostgresError?

        init(statementIndex: Int, continuation: CheckedContinuation<QueryResult, any Error>?, preparedSQL: String?) {
            self.statementIndex = statementIndex
            self.continuation = continuation
            self.preparedSQL = preparedSQL
        }
    }

    typealias Finished = (InFlight, Result<QueryResult, any Error>)

    let socket: Int32
    let maxInFlight: Int
    /// A transaction at the head for longer than this holds up every one behind it; new reads
    /// then go to the pool until it is answered, so one slow statement cannot stall the rest.
    let stallLimit: Duration
    // Everything below is guarded by `lock`: libpq's connection is not thread-safe, and callers
    // send on their own threads while the reactor reads.
    private let lock = NIOLock()
    private var connection: Connection?
    private var inFlight = CircularBuffer<InFlight>(initialCapacity: 64)
    private var recovering = false
    /// libpq refused part of a transaction: the channel must be retired.
    private var refusedSend = false

    /// Takes an open, idle connection and switches it to non-blocking pipeline mode for good.
    init(_ connection: Connection, maxInFlight: Int, stallLimit: Duration = .milliseconds(50)) throws {
        let handle = connection.handle
        // A recovery ROLLBACK with no transaction open draws a warning; nobody reads it.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        guard PQsetnonblocking(handle, 1) == 0, PQenterPipelineMode(handle) == 1 else {
            throw StaleConnection(underlying: PostgresError.fromResult(nil, connection: handle))
        }
        self.connection = connection
        self.socket = PQsocket(handle)
        self.maxInFlight = maxInFlight
        self.stallLimit = stallLimit
    }

    /// How many transactions are in flight, or nil when the channel should take no more now
    /// (closed, full, or its oldest transaction is slow).
    var load: Int? {
        let now = ContinuousClock.now
        return lock.withLock {
            guard connection != nil, inFlight.count < maxInFlight else { return nil }
            if let head = inFlight.first, now - head.sentAt > stallLimit { return nil }
            return inFlight.count
        }
    }

    var isOpen: Bool { lock.withLock { connection != nil } }

    /// Whether the channel must be retired: libpq refused part of a transaction, or gave up on
    /// the connection — it closes the socket when it meets EOF, on whichever thread that happens,
    /// and a closed socket is never reported by epoll again, so whoever sees this retires it.
    var isBroken: Bool {
        lock.withLock { connection.map { refusedSend || PQstatus($0.handle) != CONNECTION_OK } ?? false }
    }

    /// Queues one transaction; `continuation` is resumed by the reactor with the statement's
    /// result. Returns whether libpq still holds unsent output (the reactor should wait for the
    /// socket to become writable), or throws if the connection is gone.
    func send(
        settings: [TransactionSetting], _ sql: String, _ parameters: [any PostgresEncodable],
        continuation: CheckedContinuation<QueryResult, any Error>
    ) throws -> Bool {
        try lock.withLock {
            guard let connection else {
                throw StaleConnection(underlying: PostgresError(.connection, "the pipelined connection is closed"))
            }
            let handle = connection.handle
            var statementIndex = settings.count + 1
            var ok = true
            let (name, isNew) = connection.declarePrepared(sql)
            if isNew {
                ok = PQsendPrepare(handle, name, sql, Int32(parameters.count), nil) == 1
                statementIndex += 1
            }
            ok = ok && connection.queueTransaction(settings: settings, prepared: name, parameters)
            let flushed = ok ? PQflush(handle) : -1
            // A failed write makes libpq read what is left and, at EOF, close the socket itself,
            // here on the caller's thread; epoll then never reports it (the caller retires it).
            guard flushed >= 0, PQstatus(handle) == CONNECTION_OK else {
                // Part of the transaction may be queued without its place in `inFlight`: the
                // answers would no longer line up, so the channel is retired.
                refusedSend = true
                if isNew { connection.forgetPrepared(sql) }
                throw StaleConnection(underlying: PostgresError.fromResult(nil, connection: handle))
            }
            inFlight.append(
                InFlight(statementIndex: statementIndex, continuation: continuation, preparedSQL: isNew ? sql : nil))
            return flushed == 1
        }
    }

    /// On the reactor thread, when the socket is readable (or writable): reads every answer that
    /// is complete. Returns the finished transactions (to be resumed outside the lock), whether
    /// output is still unsent, and whether the connection died (then all in flight are finished).
    func socketReady() -> (finished: [Finished], wantWrite: Bool, dead: Bool) {
        lock.withLock {
            var finished: [Finished] = []
            guard let connection else { return (finished, false, true) }
            let handle = connection.handle
            guard PQflush(handle) >= 0, PQconsumeInput(handle) == 1 else { return (closeLocked(finished), false, true) }
            while let head = inFlight.first, PQisBusy(handle) == 0 {
                guard let result = PQgetResult(handle) else {
                    head.seen += 1  // the end of one statement's results
                    continue
                }
                let status = PQresultStatus(result)
                if status == PGRES_PIPELINE_SYNC {
                    PQclear(result)
                    inFlight.removeFirst()
                    finished.append((head, outcome(of: head, on: connection)))
                } else if status == PGRES_FATAL_ERROR {
                    if head.failure == nil { head.failure = PostgresError.fromResult(result, connection: handle) }
                    PQclear(result)
                } else if head.seen == head.statementIndex, head.answer == nil,
                    status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK
                {
                    head.answer = QueryResult(result)
                } else {
                    PQclear(result)
                }
            }
            guard PQstatus(handle) == CONNECTION_OK else { return (closeLocked(finished), false, true) }
            if finished.contains(where: { $0.0.failure != nil && $0.0.continuation != nil }), !recovering {
                // The failed transaction's block stays open and failed until a ROLLBACK.
                let ok =
                    PQsendQueryParams(handle, "ROLLBACK", 0, nil, nil, nil, nil, 0) == 1 && PQpipelineSync(handle) == 1
                guard ok else { return (closeLocked(finished), false, true) }
                inFlight.append(InFlight(statementIndex: 0, continuation: nil, preparedSQL: nil))
                recovering = true
            }
            let flushed = PQflush(handle)
            guard flushed >= 0 else { return (closeLocked(finished), false, true) }
            return (finished, flushed == 1, false)
        }
    }

    private func outcome(of head: InFlight, on connection: Connection) -> Result<QueryResult, any Error> {
        if head.continuation == nil { recovering = false }
        if let failure = head.failure {
            if let sql = head.preparedSQL { connection.forgetPrepared(sql) }
            return .failure(failure.isConnectionLoss ? StaleConnection(underlying: failure) : failure)
        }
        if let answer = head.answer { return .success(answer) }
        return .failure(PostgresError(.server, "the statement returned no result"))
    }

    /// Closes the connection and finishes everything in flight with a connection error (callers
    /// retry on a fresh connection). Then the reactor stops watching the socket and releases it.
    func close(_ error: PostgresError) -> [Finished] {
        lock.withLock {
            guard connection != nil else { return [] }
            return closeLocked([], error)
        }
    }

    private func closeLocked(_ finished: [Finished], _ error: PostgresError? = nil) -> [Finished] {
        var finished = finished
        let error =
            error ?? connection.map { PostgresError.fromResult(nil, connection: $0.handle) }
            ?? PostgresError(.connection, "the pipelined connection is closed")
        while let head = inFlight.popFirst() { finished.append((head, .failure(StaleConnection(underlying: error)))) }
        // The descriptor closes with the connection; the reactor has removed it from epoll by the
        // time the connection is released (it keeps this channel until then).
        retired = connection
        connection = nil
        return finished
    }

    /// The closed connection, kept until the reactor has stopped watching its socket.
    private var retired: Connection?

    /// Drops the closed connection (closing its socket). After the socket left epoll.
    func releaseRetired() { lock.withLock { retired = nil } }
}
