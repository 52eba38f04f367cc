import CLibPQ
import Foundation
import NIOConcurrencyHelpers

/// Waits on the pipelined connections' sockets on one thread (epoll): reads sent without blocking
/// from async tasks are answered here and handed back, with no thread parked per query. One
/// wake-up reads every answer that has arrived.
final class PostgresReactor: @unchecked Sendable {
    private let epoll: Int32
    private let wakeFD: Int32
    /// Pipelined channels stay registered (level-triggered) for their connection's life.
    private let channels = NIOLockedValueBox([Int32: PipelinedChannel]())

    init() {
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        wakeFD = eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK))
        var event = epoll_event(events: EPOLLIN.rawValue, data: epoll_data_t(fd: wakeFD))
        epoll_ctl(epoll, EPOLL_CTL_ADD, wakeFD, &event)
        // The thread holds the reactor until `shutdown` ends its loop. (It held it unowned once:
        // a pool made and dropped at once could be freed before the thread first ran, which then
        // read a freed reactor — seen as a crash when the machine was busy.)
        let thread = Thread { self.run() }
        thread.name = "tidtam-pg-reactor"
        thread.start()
    }

    /// Stops the thread; reads still waiting fail with a connection error.
    func shutdown() {
        var one: UInt64 = 1
        _ = write(wakeFD, &one, 8)
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
    func send(
        on channel: PipelinedChannel, settings: [TransactionSetting], _ sql: String,
        _ parameters: [any PostgresEncodable]
    ) async throws -> QueryResult {
        try await withCheckedThrowingContinuation { continuation in
            do {
                if try channel.send(settings: settings, sql, parameters, continuation: continuation) {
                    setInterest(channel, write: true)
                }
            } catch {
                continuation.resume(throwing: error)
                if channel.isBroken { retire(channel) }
            }
        }
    }

    /// Closes a channel, failing what it had in flight, and stops watching its socket.
    private func retire(
        _ channel: PipelinedChannel,
        _ error: PostgresError = PostgresError(.connection, "the connection to the server was lost")
    ) {
        let finished = channel.close(error)
        detach(channel)
        resume(finished)
    }

    /// Level-triggered interest in the channel's socket: always readable, writable while libpq
    /// holds output the socket did not take. Under the lock, so a closed channel's descriptor
    /// (whose number may be reused) is never touched.
    private func setInterest(_ channel: PipelinedChannel, write: Bool) {
        channels.withLockedValue { channels in
            guard channels[channel.socket] === channel else { return }
            var event = epoll_event(
                events: EPOLLIN.rawValue | (write ? EPOLLOUT.rawValue : 0), data: epoll_data_t(fd: channel.socket))
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
            // Once a second with nothing to read, a look for connections libpq dropped on
            // another thread (see `PipelinedChannel.isBroken`): nothing waits on a dead socket.
            let count = epoll_wait(epoll, &events, 64, 1000)
            if count < 0 { if errno == EINTR { continue }; break }
            if count == 0 {
                for channel in channels.withLockedValue({ Array($0.values) }) where channel.isBroken { retire(channel) }
            }
            for i in 0..<Int(count) {
                let fd = events[i].data.fd
                if fd == wakeFD { return failAll() }
                if let channel = channels.withLockedValue({ $0[fd] }) { serve(channel, events: events[i].events) }
            }
        }
    }

    private func failAll() {
        let shuttingDown = PostgresError(.connection, "the database client is shutting down")
        for channel in channels.withLockedValue({ Array($0.values) }) { retire(channel, shuttingDown) }
    }
}
