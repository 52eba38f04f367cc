import ArgumentParser
import Foundation
import NIOCore
import NIOPosix

struct Tidtam: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tidtam",
        abstract: "Tidtam (ติดตาม): monitoring, evaluation and reporting for Thai district education offices.",
        subcommands: [
            Serve.self, WorkerCommand.self, JobsCommand.self, Migrate.self, Demo.self, ImportCommand.self, Admin.self,
            Bench.self,
        ]
    )
}

@main
enum Entry {
    static func main() async {
        // Swift concurrency's jobs run on NIO's event loops, so a request does not hop between
        // NIO's threads and a second thread pool on its way through (measured: docs/benchmarks.md).
        if let loops = ProcessInfo.processInfo.environment["TIDTAM_EVENT_LOOPS"].flatMap(Int.init), loops > 0 {
            NIOSingletons.groupLoopCountSuggestion = loops
        }
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        await Tidtam.main()
    }
}
