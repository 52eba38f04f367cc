import ArgumentParser
import Foundation
import Logging
import Postgres
import TidtamStore

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load demo data: a small believable set with tokens, or the whole country's size for benchmarks.",
        discussion: """
            --scale small (default): three district offices, a dozen schools each, users of every role with
            fresh tokens (printed), and a year of plans.
            --scale national: 245 district offices, 29,000 schools and a fiscal year of plans, projects,
            indicators and monthly actuals, generated as the schema owner (MIGRATION_DATABASE_URL). An
            interrupted run resumes: districts already there are skipped.
            """)

    enum Scale: String, ExpressibleByArgument, CaseIterable { case small, national }

    @Option(help: "small or national.") var scale: Scale = .small
    @Option(help: "Fiscal year (Buddhist Era) of the national plans.") var fiscalYear: Int = 2569
    @Option(help: "Connections generating districts at once (national).") var workers: Int = 2

    func run() async throws {
        let settings = Settings()
        switch scale {
        case .small:
            let db = try settings.database(applicationName: "tidtam-demo")
            let tokens: [DemoData.IssuedToken]
            do {
                tokens = try await DemoData(db).load()
            } catch {
                await db.shutdown()
                throw error
            }
            await db.shutdown()
            print("Demo tokens (shown once; use as `Authorization: Bearer <token>`):")
            for token in tokens {
                print(
                    "  \(token.district.padding(toLength: 7, withPad: " ", startingAt: 0)) \(token.role.rawValue.padding(toLength: 15, withPad: " ", startingAt: 0)) \(token.token)"
                )
            }
        case .national:
            let owner = Database(
                PoolConfiguration(
                    conninfo: try settings.migrationURL, maxConnections: workers + 1,
                    checkoutTimeout: .seconds(600), applicationName: "tidtam-demo-national"))
            let sql = MigrationRunner.defaultDirectory().deletingLastPathComponent()
            let generator = try NationalDemo(owner: owner, sqlDirectory: sql)
            let bar = ProgressBar(label: "districts", total: NationalDemo.districtCount)
            let started = ContinuousClock.now
            let result = try await generator.generate(fiscalYear: fiscalYear, workers: workers) { progress in
                bar.update(progress.districtsDone, note: "\(progress.rows.formatted()) rows")
            }
            bar.finish()
            await owner.shutdown()
            let seconds = (ContinuousClock.now - started).seconds
            print(
                "national data set: \(result.districtsDone) districts, \(result.rows.formatted()) rows generated in \(String(format: "%.1f", seconds)) s"
            )
        }
    }
}
