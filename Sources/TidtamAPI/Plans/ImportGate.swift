import NIOConcurrencyHelpers

/// How many imports this process runs at once. A 64 MiB file costs some 300 MB while it is read
/// and staged, so a burst of uploads is turned away with 503 (and `Retry-After`) rather than
/// allowed to exhaust memory; the bodies of refused uploads are never read.
final class ImportGate: Sendable {
    let limit: Int
    private let running = NIOLockedValueBox(0)

    init(limit: Int) { self.limit = max(1, limit) }

    /// A slot, or false when `limit` imports are running.
    func enter() -> Bool {
        running.withLockedValue { running in
            guard running < limit else { return false }
            running += 1
            return true
        }
    }

    func leave() { running.withLockedValue { $0 -= 1 } }
}
