import Foundation
import Logging
import Postgres

/// Applies `sql/migrations/NNNN_name.sql` in order, each in its own transaction, recording a
/// SHA-256 checksum. An applied file that changed is refused; a session advisory lock keeps two
/// instances that start at once from migrating together (the second waits, then finds nothing to do).
public struct MigrationRunner: Sendable {
    public struct Migration: Sendable, Equatable {
        public let version: Int
        public let name: String
        public let sql: String
    }

    public enum Failure: Error, CustomStringConvertible {
        case badFileName(String)
        case duplicateVersion(Int)
        case changedAfterApplied(version: Int, name: String)
        case unknownApplied(version: Int)

        public var description: String {
            switch self {
            case .badFileName(let name): return "migration file \(name) is not named NNNN_name.sql"
            case .duplicateVersion(let version): return "two migration files share version \(version)"
            case .changedAfterApplied(let version, let name):
                return
                    "migration \(String(format: "%04d", version))_\(name).sql was changed after it was applied; add a new migration instead of editing a landed one"
            case .unknownApplied(let version):
                return "the database has migration \(version), which this build does not know; run a newer build"
            }
        }
    }

    /// Arbitrary but fixed: the key of the advisory lock that serialises migrators.
    static let lockKey: Int64 = 0x7469_6474_616d  // "tidtam"

    public let migrations: [Migration]
    let logger: Logger

    public init(directory: URL, logger: Logger = Logger(label: "tidtam.migrate")) throws {
        self.logger = logger
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".sql") }
            .sorted()
        var seen = Set<Int>()
        migrations = try files.map { file in
            let stem = file.dropLast(4)
            guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]) else {
                throw Failure.badFileName(file)
            }
            guard seen.insert(version).inserted else { throw Failure.duplicateVersion(version) }
            let sql = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            return Migration(version: version, name: String(stem[stem.index(after: underscore)...]), sql: sql)
        }
    }

    /// The latest version this build knows.
    public var latestVersion: Int { migrations.last?.version ?? 0 }

    /// Applies what is missing; returns the versions applied now.
    @discardableResult
    public func migrate(conninfo: String) throws -> [Int] {
        let connection = try Connection.connect(conninfo, applicationName: "tidtam-migrate")
        try connection.query("SELECT pg_advisory_lock(\(Self.lockKey))")
        defer { _ = try? connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))") }
        try connection.execute(
            script: """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    integer PRIMARY KEY,
                    name       text NOT NULL,
                    checksum   text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """)
        let applied = try Dictionary(
            uniqueKeysWithValues: connection.query("SELECT version, checksum FROM schema_migrations").rows.map {
                (try $0.decode("version", as: Int.self), try $0.decode("checksum", as: String.self))
            })
        if let unknown = applied.keys.filter({ v in !migrations.contains { $0.version == v } }).max() {
            throw Failure.unknownApplied(version: unknown)
        }
        var done: [Int] = []
        for migration in migrations {
            let checksum = try connection.query(
                "SELECT encode(sha256(convert_to(\(migration.sql), 'UTF8')), 'hex') AS sum"
            )
            .first!.decode("sum", as: String.self)
            if let recorded = applied[migration.version] {
                guard recorded == checksum else {
                    throw Failure.changedAfterApplied(version: migration.version, name: migration.name)
                }
                continue
            }
            let started = Date()
            try connection.transaction { tx in
                // On Citus, DDL inside one multi-statement transaction must run sequentially.
                try tx.execute(script: "SET LOCAL citus.multi_shard_modify_mode = 'sequential'")
                try tx.execute(script: migration.sql)
                try tx.query(
                    """
                    INSERT INTO schema_migrations (version, name, checksum) VALUES (\(migration.version), \(migration.name), \(checksum))
                    """)
            }
            logger.info(
                "applied migration",
                metadata: [
                    "version": "\(migration.version)", "name": "\(migration.name)",
                    "ms": "\(Int(Date().timeIntervalSince(started) * 1000))",
                ])
            done.append(migration.version)
        }
        // The service reads the applied version for /readyz.
        try connection.execute(
            script: """
                DO $$ BEGIN
                    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'tidtam_app') THEN
                        GRANT SELECT ON schema_migrations TO tidtam_app;
                    END IF;
                END $$
                """)
        return done
    }

    /// Where the migrations are: `TIDTAM_SQL_DIR`, else `sql/migrations` under the current directory.
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let dir = environment["TIDTAM_SQL_DIR"] { return URL(fileURLWithPath: dir) }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("sql/migrations")
    }
}
