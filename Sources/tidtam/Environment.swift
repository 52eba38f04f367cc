import Foundation
import Logging
import Postgres
import TidtamDelivery
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

    /// Where reminders are e-mailed: `TIDTAM_SMTP_HOST` turns the channel on; nil without it.
    var smtp: SMTPConfiguration? {
        get throws {
            guard let host = environment["TIDTAM_SMTP_HOST"], !host.isEmpty else { return nil }
            let securityText = environment["TIDTAM_SMTP_SECURITY"] ?? "starttls"
            guard let security = SMTPConfiguration.Security(rawValue: securityText) else {
                throw ValidationFailure("TIDTAM_SMTP_SECURITY is starttls, tls or none, not \(securityText)")
            }
            let port = environment["TIDTAM_SMTP_PORT"].flatMap(Int.init) ?? (security == .tls ? 465 : 587)
            let fromText = environment["TIDTAM_SMTP_FROM"] ?? "Tidtam <noreply@\(host)>"
            guard let from = Self.address(fromText), from.isValid else {
                throw ValidationFailure("TIDTAM_SMTP_FROM is an address, or a name and <address>, not \(fromText)")
            }
            return SMTPConfiguration(
                host: host, port: port, security: security, username: environment["TIDTAM_SMTP_USERNAME"],
                password: environment["TIDTAM_SMTP_PASSWORD"], from: from,
                heloName: environment["TIDTAM_SMTP_HELO"] ?? ProcessInfo.processInfo.hostName,
                trustRootsFile: environment["TIDTAM_SMTP_CA_FILE"],
                timeout: .seconds(environment["TIDTAM_SMTP_TIMEOUT"].flatMap(Int.init) ?? 30))
        }
    }
    /// Whether webhooks may be posted to loopback and private addresses (a test receiver, an
    /// integration inside the same network); off unless `TIDTAM_WEBHOOK_ALLOW_PRIVATE=1`.
    var webhooksMayReachPrivateAddresses: Bool { environment["TIDTAM_WEBHOOK_ALLOW_PRIVATE"] == "1" }
    /// Seconds one webhook post may take.
    var webhookTimeoutSeconds: Int { environment["TIDTAM_WEBHOOK_TIMEOUT"].flatMap(Int.init) ?? 15 }
    /// The API's address as people reach it, for links in e-mail.
    var publicURL: String { environment["TIDTAM_PUBLIC_URL"] ?? "http://127.0.0.1:8080" }

    /// "ชื่อ <a@b>" or "a@b".
    static func address(_ text: String) -> MailAddress? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let open = trimmed.lastIndex(of: "<"), trimmed.hasSuffix(">") else { return MailAddress(trimmed) }
        let name = trimmed[..<open].trimmingCharacters(in: .whitespaces)
        let address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
        return MailAddress(address, name: name.isEmpty ? nil : name)
    }

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
