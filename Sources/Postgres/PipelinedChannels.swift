import NIOConcurrencyHelpers

/// The pool's few pipelined connections for single-statement reads. Opened on first use and
/// reopened in the background after a loss (at most once a second per slot); while none is open
/// or all are full, reads take a pooled connection as before.
final class PipelinedChannels: Sendable {
    private struct Slot {
        var channel: PipelinedChannel?
        var opening = false
        var lastAttempt: ContinuousClock.Instant?
    }

    private let slots: NIOLockedValueBox<[Slot]>
    private let maxInFlight: Int
    private let reactor: PostgresReactor
    private let connect: @Sendable () async throws -> Connection

    init(
        count: Int, maxInFlight: Int, reactor: PostgresReactor,
        connect: @escaping @Sendable () async throws -> Connection
    ) {
        slots = NIOLockedValueBox(Array(repeating: Slot(), count: count))
        self.maxInFlight = maxInFlight
        self.reactor = reactor
        self.connect = connect
    }

    /// How many pipelined connections are open now.
    var openCount: Int { slots.withLockedValue { $0.filter { $0.channel?.isOpen == true }.count } }

    /// The open channel with the fewest transactions in flight and room for one more, if any.
    func pick() -> PipelinedChannel? {
        let now = ContinuousClock.now
        var best: (channel: PipelinedChannel, load: Int)?
        var reopen: [Int] = []
        slots.withLockedValue { slots in
            for index in slots.indices {
                if let channel = slots[index].channel {
                    if let load = channel.load {
                        if best.map({ load < $0.load }) ?? true { best = (channel, load) }
                        continue
                    }
                    if channel.isOpen { continue }  // busy, not closed
                    slots[index].channel = nil
                }
                let due = slots[index].lastAttempt.map { now - $0 >= .seconds(1) } ?? true
                if !slots[index].opening, due {
                    slots[index].opening = true
                    slots[index].lastAttempt = now
                    reopen.append(index)
                }
            }
        }
        for index in reopen { Task { await self.open(index) } }
        return best?.channel
    }

    private func open(_ index: Int) async {
        let channel: PipelinedChannel?
        do {
            channel = try PipelinedChannel(try await connect(), maxInFlight: maxInFlight)
        } catch {
            channel = nil  // PostgreSQL is away; reads use the pool until a later attempt succeeds
        }
        if let channel { reactor.attach(channel) }
        slots.withLockedValue { slots in
            slots[index].channel = channel
            slots[index].opening = false
        }
    }
}
