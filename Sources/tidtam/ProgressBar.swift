import Foundation

/// A progress bar on stderr: redrawn in place on a terminal, a line per tenth otherwise (so
/// logs of a CI run stay short).
final class ProgressBar: @unchecked Sendable {
    let label: String
    private var total: Int
    private let lock = NSLock()
    private let started = ContinuousClock.now
    private let terminal = isatty(STDERR_FILENO) == 1
    private var lastTenth = -1
    private var lastNote = ""

    init(label: String, total: Int) {
        self.label = label
        self.total = max(total, 1)
    }

    /// For work whose size is known only once it starts (or that goes through stages, each with
    /// its own size, named in `note`).
    func update(_ done: Int, of total: Int, note: String = "") {
        lock.withLock {
            // A new stage starts its own count (and its own lines when stderr is not a terminal).
            if note != lastNote { lastTenth = -1; lastNote = note }
            self.total = max(total, 1)
        }
        update(done, note: note)
    }

    func update(_ done: Int, note: String = "") {
        lock.withLock {
            let fraction = min(1, Double(done) / Double(total))
            let elapsed = (ContinuousClock.now - started).components.seconds
            let text = [note, "\(done)/\(total)", label, "\(Int(fraction * 100))%", "\(elapsed)s"].filter {
                !$0.isEmpty
            }.joined(separator: " ")
            if terminal {
                let width = 30, filled = Int(fraction * Double(width))
                let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
                FileHandle.standardError.write(Data("\r\(bar) \(text)\u{1B}[K".utf8))
            } else if Int(fraction * 10) > lastTenth {
                lastTenth = Int(fraction * 10)
                FileHandle.standardError.write(Data("\(text)\n".utf8))
            }
        }
    }

    func finish() {
        if terminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
