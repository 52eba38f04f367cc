import ArgumentParser
import Foundation
import TidtamDomain
import TidtamImport
import TidtamStore

extension Importer.Kind: ExpressibleByArgument {}

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract:
            "Import a CSV file of schools, projects (with budgets) or indicators into a district, all or nothing.",
        discussion: """
            The file is UTF-8 (with or without a byte-order mark) or Thai Windows text (code page 874, as Excel \
            saves "CSV" on a Thai Windows); column names in Thai or English; dates as 1/10/2568 (Buddhist Era), \
            1 ต.ค. 68, 1 ตุลาคม 2568 or 2025-10-01. A file with any bad row changes nothing: every bad row is \
            listed with its line and reason, and the command exits with status 1. Every import, loaded or not, \
            is kept in the import history. docs/operations.md lists the columns of each kind; docs/import.th.md \
            is the guide in Thai.
            """)

    @Argument(help: "schools, projects or indicators.") var kind: Importer.Kind
    @Argument(help: "The CSV file.") var file: String
    @Option(help: "The district's code.") var district: String
    @Flag(help: "Check the file and report what it would add, without keeping anything.") var dryRun = false

    func run() async throws {
        let settings = Settings()
        let db = try settings.database(applicationName: "tidtam-import")
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ValidationFailure("cannot read \(file)")
        }
        let tenant = try await districtTenant(db, code: district)
        let bar = ProgressBar(label: "", total: 1)
        let report: ImportReport
        do {
            report = try await Importer(db).run(kind, data: data, fileName: file, tenant: tenant, dryRun: dryRun) {
                stage, done, total in
                bar.update(done, of: total, note: stage)
            }
        } catch ImportFailure.file(let why) {
            await db.shutdown()
            throw ValidationFailure("\(file): \(why.english) (\(why.thai))")
        }
        bar.finish()
        await db.shutdown()
        // Where the outcome is in the import history.
        let run = report.importID.map { " (import \($0))" } ?? ""
        if report.succeeded {
            let counts = report.inserted.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(
                separator: ", ")
            print(
                report.dryRun
                    ? "checked \(file): \(report.rows) rows would add \(counts); nothing was kept (dry run)\(run)"
                    : "imported \(file): \(report.rows) rows → \(counts)\(run)")
        } else {
            print(
                "nothing imported from \(file): \(report.errors.count) problem(s) in \(Set(report.errors.map(\.line)).count) row(s)\(run)"
            )
            if let earlier = report.loadedBefore {
                print("  this very file was loaded by import \(earlier.importID) at \(earlier.finishedAt)")
            }
            for error in report.errors {
                let column =
                    error.column.map { column in ", " + (error.header.map { "\($0) (\(column))" } ?? column) } ?? ""
                print("  line \(error.line)\(column): \(error.detail) (\(error.detailTH))")
            }
            throw ExitCode(1)
        }
    }
}
