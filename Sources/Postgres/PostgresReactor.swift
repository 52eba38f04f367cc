import CLibPQ
import Foundation
import NIOConcurrencyHelpers

/// Waits for many libpq sockets at once on one thread (epoll), so a pipelined read sent without
/// blocking from an async task is finished here and handed back, with no thread of the pool
/// parked per query. Under load one wake-up serves every connection that became readable.
final class PostgresReactor: @unchecked Sendable {
    private let epoll: Int32
    private let wakeFD: Int32
    private let pending = NIOLockedValueBox([Int32: PendingRead]())
    /// Pipelined channels stay registered (level-triggered) for their connection's life.
    private let channels = NIOLockedValueBox([Int32: PipelinedChannel]())
    private var thread: Thread?

    /// A pipeline in flight on a non-blocking connection: how many query results it still owes.
    final class PendingRead: @unchecked Sendable {
        let connection: Connection
        let statementIndex: Int
        var seen = 0
        var answer: QueryResult?
        var failure: PostgresError?
        let continuation: CheckedContinuation<QueryResult, any Error>

        init(connection: Connection, statementIndex: Int, continuation: CheckedContinuation<QueryResult, any Error>) {
            self.connection = connection
            self.statementIndex = statementIndex
            self.continuation = continuation
        }
    }

    init() {
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        wakeFD = eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK))
        var event = epoll_event(events: EPOLLIN.rawValue, data: epoll_data_t(fd: wakeFD))
        epoll_ctl(epoll, EPOLL_CTL_ADD, wakeFD, &event)
        let thread = Thread { [unowned self] in self.run() }
        thread.name = "tidtam-pg-reactor"
        self.thread = thread
        thread.start()
    }

    /// Stops the thread; reads still waiting fail with a connection error.
    func shutdown() {
        var one: UInt64 = 1
        _ = write(wakeFD, &one, 8)
    }

    /// Registers a connection whose pipeline was sent (and flushed, or not yet: `wantWrite`).
    /// A socket seen before is re-armed (MOD); a new one, or a reused descriptor number whose old
    /// registration went with its closed socket, is added.
    func watch(_ read: PendingRead, wantWrite: Bool) {
        let fd = PQsocket(read.connection.handle)
        pending.withLockedValue { $0[fd] = read }
        var event = epoll_event(events: EPOLLIN.rawValue | (wantWrite ? EPOLLOUT.rawValue : 0) | EPOLLONESHOT.rawValue,
                                data: epoll_data_t(fd: fd))
        if epoll_ctl(epoll, EPOLL_CTL_MOD, fd, &event) != 0 {
            epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event)
        }
    }

    /// Starts watching a pipelined channel's socket for answers.
    func attach(_ channel: PipelinedChannel) {
        channels.withLockedValue { channels in
            channels[channel.socket] = channel
            var event = epoll_event(events: EPOLLIN.rawValue, data: epoll_data_t(fd: channel.socket))
            epoll_ctl(epoll, EPOLL_CTL_ADD, channel.socket, &event)
        }
    }

    /// Sends one transaction on a pipelined channel and waits for its answer.
    func send(on channel: PipelinedChannel, settings: [TransactionSetting], _ sql: String,
              _ parameters: [any PostgresEncodable]) async throws -> QueryResult {
        try await withCheckedThrowingContinuation { continuation in
            do {
                if try channel.send(settings: settings, sql, parameters, continuation: continuation) {
                    setInterest(channel, write: true)
                }
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }

    /// Level-triggered interest in the channel's socket: always readable, writable while libpq
    /// holds output the socket did not take. Under the lock, so a closed channel's descriptor
    /// (whose number may be reused) is never touched.
    private func setInterest(_ channel: PipelinedChannel, write: Bool) {
        channels.withLockedValue { channels in
            guard channels[channel.socket] === channel else { return }
            var event = epoll_event(events: EPOLLIN.rawValue | (write ? EPOLLOUT.rawValue : 0), data: epoll_data_t(fd: channel.socket))
            epoll_ctl(epoll, EPOLL_CTL_MOD, channel.socket, &event)
        }
    }

    private func serve(_ channel: PipelinedChannel, events: UInt32) {
        let (finished, wantWrite, dead) = channel.socketReady()
        if dead {
            detach(channel)
        } else if wantWrite {
            setInterest(channel, write: true)
        } else if events & EPOLLOUT.rawValue != 0 {
            setInterest(channel, write: false)
        }
        resume(finished)
    }

    private func detach(_ channel: PipelinedChannel) {
        channels.withLockedValue { channels in
            guard channels[channel.socket] === channel else { return }
            channels[channel.socket] = nil
            epoll_ctl(epoll, EPOLL_CTL_DEL, channel.socket, nil)
        }
        channel.releaseRetired()
    }

    private func resume(_ finished: [PipelinedChannel.Finished]) {
        for (transaction, outcome) in finished { transaction.continuation?.resume(with: outcome) }
    }

    private func run() {
        var events = [epoll_event](repeating: epoll_event(), count: 64)
        while true {
            let count = epoll_wait(epoll, &events, 64, -1)
            if count < 0 { if errno == EINTR { continue }; break }
            for i in 0..<Int(count) {
                let fd = events[i].data.fd
                if fd == wakeFD { return failAll() }
                if let channel = channels.withLockedValue({ $0[fd] }) {
                    serve(channel, events: events[i].events)
                    continue
                }
                guard let read = pending.withLockedValue({ $0[fd] }) else { continue }
                if let finished = advance(read) {
                    // The socket stays registered, disarmed by EPOLLONESHOT: the connection's next
                    // read re-arms it with one EPOLL_CTL_MOD (a DEL now and an ADD then cost two).
                    pending.withLockedValue { _ = $0.removeValue(forKey: fd) }
                    finish(read, finished)
                } else {
                    let wantWrite = PQflush(read.connection.handle) == 1
                    var event = epoll_event(events: EPOLLIN.rawValue | (wantWrite ? EPOLLOUT.rawValue : 0) | EPOLLONESHOT.rawValue,
                                            data: epoll_data_t(fd: fd))
                    epoll_ctl(epoll, EPOLL_CTL_MOD, fd, &event)
                }
            }
        }
    }

    /// Reads what arrived; returns nil while results are still owed.
    private func advance(_ read: PendingRead) -> Result<QueryResult, any Error>? {
        let handle = read.connection.handle
        guard PQflush(handle) >= 0, PQconsumeInput(handle) == 1 else {
            return .failure(StaleConnection(underlying: PostgresError.fromResult(nil, connection: handle)))
        }
        while PQisBusy(handle) == 0 {
            guard let result = PQgetResult(handle) else {
                // The end of one query's results.
                read.seen += 1
                continue
            }
            let status = PQresultStatus(result)
            if status == PGRES_PIPELINE_SYNC {
                PQclear(result)
                if let failure = read.failure {
                    return .failure(failure.isConnectionLoss ? StaleConnection(underlying: failure) : failure)
                }
                if let answer = read.answer { return .success(answer) }
                return .failure(PostgresError(.server, "the statement returned no result"))
            }
            if status == PGRES_FATAL_ERROR, read.failure == nil {
                read.failure = PostgresError.fromResult(result, connection: handle)
                PQclear(result)
            } else if read.seen == read.statementIndex, status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK {
                read.answer = QueryResult(result)
            } else {
                PQclear(result)
            }
        }
        if PQstatus(handle) != CONNECTION_OK {
            return .failure(StaleConnection(underlying: PostgresError.fromResult(nil, connection: handle)))
        }
        return nil
    }

    private func finish(_ read: PendingRead, _ outcome: Result<QueryResult, any Error>) {
        read.connection.leavePipeline()
        read.continuation.resume(with: outcome)
    }

    private func failAll() {
        let all = pending.withLockedValue { pending in defer { pending.removeAll() }; return Array(pending.values) }
        let shuttingDown = PostgresError(.connection, "the database client is shutting down")
        for read in all { finish(read, .failure(shuttingDown)) }
        for channel in channels.withLockedValue({ Array($0.values) }) {
            let finished = channel.close(shuttingDown)
            detach(channel)
            resume(finished)
        }
    }
}
