import Hummingbird
import NIOConcurrencyHelpers
import NIOCore

/// Runs each request's handler on the event loop of its own connection: when the database
/// answers, the handler resumes where the response will be written, with no extra thread hop.
struct EventLoopExecutorMiddleware: RouterMiddleware {
    typealias Context = TidtamRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let loop = context.eventLoop else { return try await next(request, context) }
        return try await withTaskExecutorPreference(EventLoopExecutor.for(loop)) {
            try await next(request, context)
        }
    }
}

final class EventLoopExecutor: TaskExecutor, @unchecked Sendable {
    private static let executors = NIOLockedValueBox([ObjectIdentifier: EventLoopExecutor]())
    let loop: any EventLoop

    private init(loop: any EventLoop) { self.loop = loop }

    static func `for`(_ loop: any EventLoop) -> EventLoopExecutor {
        executors.withLockedValue { executors in
            if let known = executors[ObjectIdentifier(loop)] { return known }
            let made = EventLoopExecutor(loop: loop)
            executors[ObjectIdentifier(loop)] = made
            return made
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
