import Foundation
import Logging
import Postgres
import TidtamStore

/// Configuration comes from the environment (docs/operations.md lists every variable).
struct Settings {
    let environment = ProcessInfo.processInfo.environment

    var databaseURL: String {
        get throws {
            guard let url = environment["DATABASE_URL"] else {
                throw ValidationFailure("DATABASE_URL is not set (the service's connection, as tidtam_app)")
            }
            return url
        }
    }
    /// The owner's connection for migrations; defaults to DATABASE_URL.
    var migrationURL: String { get throws { try environment["MIGRATION_DATABASE_URL"] ?? databaseURL } }
    var poolSize: Int { environment["TIDTAM_POOL_SIZE"].flatMap(Int.init) ?? 8 }
    /// Connections that carry many reads at once in pipeline mode, beside the pool.
    var pipelinedConnections: Int { environment["TIDTAM_PIPELINED_CONNECTIONS"].flatMap(Int.init) ?? 1 }
    var logLevel: Logger.Level { environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info }
    var openAPIPath: String { environment["TIDTAM_OPENAPI"] ?? "docs/openapi.yaml" }
    /// CSV imports one server runs at once (each holds some 300 MB while a 64 MiB file is read).
    var maxConcurrentImports: Int { environment["TIDTAM_MAX_IMPORTS"].flatMap(Int.init) ?? 2 }

    func database(applicationName: String = "tidtam") throws -> Database {
        Database(
            PoolConfiguration(
                conninfo: try databaseURL, maxConnections: poolSize, applicationName: applicationName,
                pipelinedConnections: pipelinedConnections))
    }
}

struct ValidationFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// One JSON object per log line on stderr, for machines to read.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var fields: [String: String] = [
            "ts": Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true)),
            "level": event.level.rawValue, "logger": label, "msg": event.message.description,
        ]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            fields[key] = value.description
        }
        if let data = try? JSONSerialization.data(
            withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])
        {
            FileHandle.standardError.write(data + Data("\n".utf8))
        }
    }
}

enum Logging {
    static func bootstrap(level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            var handler = JSONLogHandler(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
