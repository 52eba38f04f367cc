import ArgumentParser
import Foundation
import Postgres
import TidtamJobs
import TidtamStore

struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs", abstract: "Look at and act on queued and finished jobs.",
        subcommands: [List.self, Show.self, Retry.self, Cancel.self])

    static func queue() throws -> (JobQueue, Database) {
        let db = Database(
            PoolConfiguration(conninfo: try Settings().databaseURL, maxConnections: 2, applicationName: "tidtam-jobs"))
        return (JobQueue(db: db), db)
    }

    static func print(_ jobs: [JobSummary]) {
        Swift.print("district  id          state      attempts  kind                      at")
        for job in jobs {
            Swift.print(
                "\(String(job.districtID).padding(toLength: 9, withPad: " ", startingAt: 0)) "
                    + "\(String(job.id).padding(toLength: 11, withPad: " ", startingAt: 0)) "
                    + "\(job.state.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) "
                    + "\(String(job.attempts).padding(toLength: 9, withPad: " ", startingAt: 0)) "
                    + "\(job.kind.padding(toLength: 25, withPad: " ", startingAt: 0)) \(job.at)")
        }
    }

    struct List: AsyncParsableCommand {
        @Option(help: "District id (all districts when left out).") var district: Int64?
        @Option(help: "ready, running, done, dead or cancelled.") var state: JobState?
        @Option var kind: String?
        @Option var limit = 50

        func run() async throws {
            let (queue, db) = try JobsCommand.queue()
            JobsCommand.print(
                try await queue.list(
                    district.map { .district(.background($0)) } ?? .operatorsAcrossDistricts, state: state, kind: kind,
                    limit: limit))
            await db.shutdown()
        }
    }

    struct Show: AsyncParsableCommand {
        @Option var district: Int64
        @Argument var id: Int64

        func run() async throws {
            let (queue, db) = try JobsCommand.queue()
            guard let job = try await queue.list(.district(.background(district)), id: id, limit: 1).first else {
                throw ValidationFailure("no job \(id) in district \(district)")
            }
            JobsCommand.print([job])
            Swift.print("args: \(job.args)")
            if let error = job.lastError { Swift.print("last error: \(error)") }
            await db.shutdown()
        }
    }

    struct Retry: AsyncParsableCommand {
        @Option var district: Int64
        @Argument var id: Int64

        func run() async throws {
            try await JobsCommand.act(
                done: "job \(id) is queued again", refused: "job \(id) is not dead or cancelled; nothing changed"
            ) {
                try await $0.retry(districtID: district, id: id)
            }
        }
    }

    struct Cancel: AsyncParsableCommand {
        @Option var district: Int64
        @Argument var id: Int64

        func run() async throws {
            try await JobsCommand.act(
                done: "job \(id) is cancelled", refused: "job \(id) is not waiting to run; nothing changed"
            ) {
                try await $0.cancel(districtID: district, id: id)
            }
        }
    }

    static func act(done: String, refused: String, _ action: (JobQueue) async throws -> Bool) async throws {
        let (queue, db) = try JobsCommand.queue()
        let changed = try await action(queue)
        Swift.print(changed ? done : refused)
        await db.shutdown()
    }
}

extension JobState: ExpressibleByArgument {}
