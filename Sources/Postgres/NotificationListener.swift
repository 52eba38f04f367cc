import CLibPQ
import Foundation

/// A notification received through LISTEN.
public struct Notification: Sendable, Equatable {
    public let channel: String
    public let payload: String
    public let senderProcessID: Int32
}

/// A connection of its own that LISTENs (never one from the pool, so a transaction-mode pooler in
/// front of the pool does not break it). Blocking: call `wait` from a blocking thread.
public final class NotificationListener: @unchecked Sendable {
    public let connection: Connection

    public init(conninfo: String, channels: [String]) throws {
        connection = try Connection.connect(conninfo, applicationName: "tidtam-listen")
        for channel in channels {
            guard !channel.isEmpty, channel.utf8.allSatisfy({ ($0 >= 97 && $0 <= 122) || $0 == UInt8(ascii: "_") })
            else {
                throw PostgresError(.usage, "channel names are lower-case letters and _ only")
            }
            try connection.execute(script: "LISTEN \(channel)")
        }
    }

    /// Waits up to `timeout` seconds for notifications and returns those that arrived (maybe none).
    public func wait(timeout: Double) throws -> [Notification] {
        var received = drain()
        if !received.isEmpty { return received }
        var descriptor = pollfd(fd: PQsocket(connection.handle), events: Int16(POLLIN), revents: 0)
        guard descriptor.fd >= 0 else { throw PostgresError(.connection, "the listening connection is closed") }
        let ready = poll(&descriptor, 1, Int32(timeout * 1000))
        if ready < 0, errno != EINTR { throw PostgresError(.connection, "poll failed: \(errno)") }
        if ready > 0 {
            guard PQconsumeInput(connection.handle) == 1 else {
                throw PostgresError.fromResult(nil, connection: connection.handle)
            }
            received = drain()
        }
        return received
    }

    private func drain() -> [Notification] {
        var out: [Notification] = []
        while let pointer = PQnotifies(connection.handle) {
            let note = pointer.pointee
            out.append(
                Notification(
                    channel: String(cString: note.relname), payload: String(cString: note.extra),
                    senderProcessID: note.be_pid))
            PQfreemem(pointer)
        }
        return out
    }
}
