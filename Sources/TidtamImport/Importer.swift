import Foundation
import Metrics
import NIOPosix
import Postgres
import TidtamDomain
import TidtamStore

/// What each kind of import supplies: its columns, how a row becomes staged values, and the
/// SQL that stages, checks and loads them.
protocol ImportKind: SendableMetatype {
    static var name: String { get }
    static var columns: [ImportColumn] { get }
    /// The staging table (temporary, dropped at commit); its first column is `line`.
    static var createStaging: SQL { get }
    static var copyStaging: SQL { get }
    /// Statements run after COPY and before the checks (resolving codes to ids).
    static func prepares(district: Int64) -> [SQL]
    /// Each returns rows of (line, column, code, detail, detail_th) for rows the database refuses.
    static func checks(district: Int64) -> [SQL]
    /// Loads the staged rows; each statement's row count is reported under its name ("" for none).
    static func loads(district: Int64) -> [(name: String, sql: SQL)]
    /// One row's staged values (after `line`); a bad cell is nil, with its error in `reader`.
    static func stage(_ reader: inout RowReader) -> [String?]
    /// Work in the import's transaction after its rows are loaded (marking roll-ups due).
    static func afterLoad(_ tx: Transaction, district: Int64) throws
}

extension ImportKind {
    static func afterLoad(_ tx: Transaction, district: Int64) throws {}
}

/// Runs an import all-or-nothing: the rows are read and checked in Swift, streamed into a
/// staging table with COPY, checked again against the district's data in SQL, and loaded in
/// the same transaction. Any bad row anywhere rolls everything back and is reported.
public struct Importer: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case schools, projects, indicators, actuals
    }

    let db: Database
    public init(_ db: Database) { self.db = db }

    /// Where an import is: `stage` is "reading", "copying", "checking" or "loading …"; `done` of
    /// `total` counts rows while reading and copying, and statements after that.
    public typealias Progress = @Sendable (_ stage: String, _ done: Int, _ total: Int) -> Void

    /// Imports `data`; with `dryRun` everything is checked and loaded, then rolled back, and the
    /// report says what the file would add. Every outcome is kept in the import history, under
    /// `fileName` (the name the file had on the sender's side).
    public func run(
        _ kind: Kind, data: Data, fileName: String? = nil, tenant: DistrictTenant, dryRun: Bool = false,
        progress: Progress? = nil
    ) async throws -> ImportReport {
        switch kind {
        case .schools:
            return try await run(
                SchoolImport.self, data: data, fileName: fileName, tenant: tenant, dryRun: dryRun, progress: progress)
        case .projects:
            return try await run(
                ProjectImport.self, data: data, fileName: fileName, tenant: tenant, dryRun: dryRun, progress: progress)
        case .indicators:
            return try await run(
                IndicatorImport.self, data: data, fileName: fileName, tenant: tenant, dryRun: dryRun, progress: progress
            )
        case .actuals:
            return try await run(
                ActualImport.self, data: data, fileName: fileName, tenant: tenant, dryRun: dryRun, progress: progress)
        }
    }

    /// The transaction-level lock that runs a district's imports one at a time (`$1`: the district);
    /// the first key says "import" ("impt"). Public so that tests can hold it from outside.
    public static func districtLock(_ district: Int64) -> SQL {
        "SELECT pg_advisory_xact_lock(1768779892, (\(district)::bigint % 2147483647)::int)"
    }

    struct RolledBack: Error { let errors: [RowError] }
    struct DryRunDone: Error { let inserted: [String: Int] }

    func run<K: ImportKind>(
        _ kind: K.Type, data: Data, fileName: String?, tenant: DistrictTenant, dryRun: Bool,
        progress: Progress?
    ) async throws -> ImportReport {
        let district = tenant.districtID
        let started = Date()
        // Reading a large file takes seconds of CPU. Called from an HTTP handler this would run on
        // the connection's event loop and stall every other connection on it, so it runs on
        // NIO's thread pool for blocking work instead.
        let sent = try await NIOThreadPool.singleton.runIfActive { ImportFile(name: fileName, data: data) }
        @Sendable func history(
            _ outcome: ImportRunRecord.Outcome, rows: Int, inserted: [String: Int] = [:], errors: [RowError] = []
        ) -> ImportRunRecord {
            ImportRunRecord(
                kind: K.name, outcome: outcome, dryRun: dryRun, fileName: sent.name, sha256: sent.sha256,
                bytes: sent.bytes, rows: rows,
                insertedJSON: Self.json(inserted), errorCount: errors.count,
                firstErrorsJSON: Self.json(Array(errors.prefix(Self.errorsKept))), startedAt: started)
        }
        let file: ReadFile
        do {
            file = try await NIOThreadPool.singleton.runIfActive {
                try Self.read(K.self, data: data, progress: progress)
            }
        } catch ImportFailure.file(let why) {
            // A file that cannot be read at all (no header, unknown columns, broken CSV) is refused
            // as a whole: the history keeps that too.
            let refusal = RowError(line: 1, column: nil, code: "unreadable_file", detail: why.english, th: why.thai)
            _ = try await db.transaction(tenant) { tx in
                try ImportRunStore.record(tx, tenant, history(.refused, rows: 0, errors: [refusal]))
            }
            Self.count(K.name, .refused, rows: 0, since: started)
            throw ImportFailure.file(why)
        }
        let total = file.staged.count
        do {
            let loaded = try await db.transaction(tenant) { tx in
                // The service role's statement timeout (15 s) is for requests; a 64 MiB file's load
                // takes longer (300,000 projects: 11 s for the budget lines alone), and so may the
                // wait for another import into the district.
                try tx.query("SET LOCAL statement_timeout = '10min'")
                // Cost estimates on a large staging table would trip JIT compilation (100 ms and
                // more per statement) for statements that run in milliseconds.
                try tx.query("SET LOCAL jit = off")
                // Imports into one district run one at a time, so that each checks its rows against
                // what the one before it committed (two uploads of the same file: the second gets
                // every row reported as already there, not a key violation halfway through).
                try tx.query(Self.districtLock(district))
                try tx.query(K.createStaging)
                var done = 0
                try tx.copyIn(K.copyStaging) { writer in
                    for row in file.staged {
                        try writer.writeRow(row)
                        done += 1
                        if done % 2_000 == 0 { progress?("copying", done, total) }
                    }
                }
                progress?("copying", total, total)
                for statement in K.prepares(district: district) { try tx.query(statement) }
                var errors = file.errors
                let checks = K.checks(district: district)
                for (index, check) in checks.enumerated() {
                    progress?("checking", index, checks.count)
                    errors += try tx.query(check).rows.map { row in
                        RowError(
                            line: try row.decode("line"), column: try row.decode("column"),
                            code: try row.decode("code"),
                            detail: try row.decode("detail"), th: try row.decode("detail_th"))
                    }
                }
                if !errors.isEmpty { throw RolledBack(errors: errors) }
                // The rows loaded next are checked against rows loaded a moment earlier in the same
                // transaction (projects against the plans just created). Statistics cannot know those
                // yet, so a small table's foreign-key check could be planned as a scan per row (a
                // 50,000-row file then takes minutes); index lookups are right for every such check.
                try tx.query("SET LOCAL enable_seqscan = off")
                var inserted: [String: Int] = [:]
                let loads = K.loads(district: district)
                for (index, load) in loads.enumerated() {
                    progress?(load.name.isEmpty ? "loading" : "loading \(load.name)", index, loads.count)
                    let count = try tx.query(load.sql).affectedRows
                    if !load.name.isEmpty { inserted[load.name, default: 0] += count }
                }
                try K.afterLoad(tx, district: district)
                if dryRun { throw DryRunDone(inserted: inserted) }
                // In the same transaction: a loaded file always has its history row.
                return (
                    inserted: inserted,
                    id: try ImportRunStore.record(tx, tenant, history(.loaded, rows: file.rows, inserted: inserted))
                )
            }
            Self.count(K.name, .loaded, rows: file.rows, since: started)
            return ImportReport(
                kind: K.name, rows: file.rows, inserted: loaded.inserted, errors: [], importID: loaded.id)
        } catch let done as DryRunDone {
            // The import's transaction kept nothing; its history row is written on its own.
            let id = try await db.transaction(tenant) { tx in
                try ImportRunStore.record(tx, tenant, history(.dryRun, rows: file.rows, inserted: done.inserted))
            }
            Self.count(K.name, .dryRun, rows: file.rows, since: started)
            return ImportReport(
                kind: K.name, rows: file.rows, inserted: done.inserted, errors: [], dryRun: true, importID: id)
        } catch let rolledBack as RolledBack {
            // A file in the wrong district can have an error on each of 300,000 rows: sorted off the
            // event loop too.
            let sorted = try await NIOThreadPool.singleton.runIfActive { [headers = file.headers] in
                var sorted = rolledBack.errors.sorted { ($0.line, $0.column ?? "") < ($1.line, $1.column ?? "") }
                for index in sorted.indices { sorted[index].header = sorted[index].column.flatMap { headers[$0] } }
                return sorted
            }
            let (id, earlier) = try await db.transaction(tenant) { tx in
                (
                    try ImportRunStore.record(tx, tenant, history(.refused, rows: file.rows, errors: sorted)),
                    try ImportRunStore.loadedBefore(tx, district: district, kind: K.name, sha256: sent.sha256)
                )
            }
            Self.count(K.name, .refused, rows: file.rows, since: started)
            return ImportReport(
                kind: K.name, rows: file.rows, inserted: [:], errors: sorted, dryRun: dryRun, importID: id,
                loadedBefore: earlier)
        }
    }

    /// Imports by kind and outcome, the rows they read, and how long they took (Prometheus, for
    /// operators: a burst of refused files, or imports growing slow).
    static func count(_ kind: String, _ outcome: ImportRunRecord.Outcome, rows: Int, since started: Date) {
        let dimensions = [("kind", kind), ("outcome", outcome.rawValue)]
        Counter(label: "tidtam_imports_total", dimensions: dimensions).increment()
        Counter(label: "tidtam_import_rows_total", dimensions: dimensions).increment(by: rows)
        Timer(label: "tidtam_import_seconds", dimensions: dimensions).recordSeconds(Date().timeIntervalSince(started))
    }

    /// How many row errors of a refused file the history keeps (the answer has them all).
    static let errorsKept = 20

    static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }
}

/// A file's rows as read and checked in Swift, ready for COPY.
struct ReadFile: Sendable {
    var staged: [[String?]] = []
    var errors: [RowError] = []
    var rows = 0
    var headers: [String: String] = [:]
}

extension Importer {
    static func read<K: ImportKind>(_ kind: K.Type, data: Data, progress: Progress? = nil) throws -> ReadFile {
        var table = try CSVTable(data: data, columns: K.columns)
        var file = ReadFile(headers: table.headers)
        // Lines, not rows (a quoted cell may span lines): close enough for a progress bar.
        let lines = progress == nil ? 0 : data.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        while let record = table.next() {
            file.rows += 1
            if file.rows % 2_000 == 0 { progress?("reading", file.rows, lines) }
            if record.fields.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            var reader = RowReader(record, table)
            // A row with a bad cell is staged too (the cell as NULL), so that the database's checks
            // report its other problems in the same answer; any error rolls everything back.
            file.staged.append([String(record.line)] + K.stage(&reader))
            file.errors += reader.errors
        }
        if file.rows == 0 {
            throw ImportFailure.file(Explanation("The file has a header but no rows.", th: "ไฟล์มีแต่หัวตาราง ไม่มีข้อมูล"))
        }
        return file
    }
}

/// SQL pieces the checks share. Table names are constants of the import kinds, never input.
enum ImportSQL {
    /// Resolving each staged row's school code, for imports whose rows name a school (blank: the
    /// district office; for school staff, their own school).
    static func resolveSchools(_ table: SQL, district: Int64) -> [SQL] {
        [
            "UPDATE \(table) i SET school_id = s.id FROM school s WHERE s.district_id = \(district) AND s.obec_code = i.school_code",
            "UPDATE \(table) SET school_id = \(ownSchool) WHERE school_code IS NULL",
        ]
    }

    /// Rows naming a school the caller may not import for, or that the district does not have.
    static func schoolChecks(_ table: SQL) -> [SQL] {
        [
            """
            SELECT line, \(error("school_code", "not_own_school", "'School staff import their own school''s rows only.'",
                                 "'เจ้าหน้าที่สถานศึกษานำเข้าได้เฉพาะข้อมูลของโรงเรียนตนเอง'"))
            FROM \(table) WHERE \(ownSchool) IS NOT NULL AND school_id IS DISTINCT FROM \(ownSchool)
            """,
            """
            SELECT line, \(error("school_code", "unknown_school", "'No school of this district has the code ' || school_code || '.'",
                                 "'ไม่พบโรงเรียนรหัส ' || school_code || ' ในเขตพื้นที่'"))
            FROM \(table) WHERE school_code IS NOT NULL AND school_id IS NULL AND \(ownSchool) IS NULL
            """,
        ]
    }

    /// The caller's own school when the caller is school staff (NULL for district roles).
    static let ownSchool: SQL = "nullif(current_setting('tidtam.school_id', true), '')::bigint"

    /// A row error as the checks return it: the column and code are constants of the code, the
    /// detail and its Thai are SQL expressions over the staged row.
    static func error(_ column: String, _ code: String, _ detail: SQL, _ th: SQL) -> SQL {
        "\(SQL.constant(column)) AS column, \(SQL.constant(code)) AS code, \(detail) AS detail, \(th) AS detail_th"
    }
}
