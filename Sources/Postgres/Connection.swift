import CLibPQ
import Foundation

/// One libpq connection. Every method blocks the calling thread, so it must only be used on the
/// pool's blocking threads (`ConnectionPool.withConnection`), never on Swift's cooperative pool.
/// Statements are always parameterised and prepared once per connection, then reused.
public final class Connection: @unchecked Sendable {
    let handle: OpaquePointer
    private var preparedNames: [String: String] = [:]
    private var preparedCount = 0

    private init(handle: OpaquePointer) { self.handle = handle }

    deinit { PQfinish(handle) }

    /// Connects with a URL (`postgresql://…`) or a conninfo string (`host=… dbname=…`).
    public static func connect(
        _ conninfo: String, applicationName: String = "tidtam",
        connectTimeoutSeconds: Int = 3
    ) throws -> Connection {
        let keywords = ["dbname", "application_name", "connect_timeout"]
        let values = [conninfo, applicationName, String(connectTimeoutSeconds)]
        let handle = withCStringArray(keywords) { keys in
            withCStringArray(values) { vals in PQconnectdbParams(keys, vals, 1) }
        }
        guard let handle else { throw PostgresError(.connection, "out of memory while connecting") }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(handle)).trimmingWhitespace()
            PQfinish(handle)
            throw PostgresError(.connection, message)
        }
        return Connection(handle: handle)
    }

    public var isHealthy: Bool { PQstatus(handle) == CONNECTION_OK }
    var isIdle: Bool { PQtransactionStatus(handle) == PQTRANS_IDLE }
    public var serverProcessID: Int32 { PQbackendPID(handle) }

    // MARK: statements

    /// Runs one statement whose interpolated values are its parameters (prepared on first use
    /// on this connection, keyed by its text).
    @discardableResult
    public func query(_ sql: SQL) throws -> QueryResult {
        let (text, binds) = sql.rendered
        return try query(text, binds)
    }

    /// Text and a positional array: inside this module only, where `SQL` renders to it.
    @discardableResult
    func query(_ sql: String, _ parameters: [any PostgresEncodable] = []) throws -> QueryResult {
        let name = try preparedName(for: sql, parameterCount: parameters.count)
        let result = withParameters(parameters) { values, count in
            PQexecPrepared(handle, name, count, values, nil, nil, 0)
        }
        return try check(result)
    }

    /// Runs SQL text with no parameters through the simple protocol: several statements may be
    /// sent at once. For migrations and fixed administrative statements only — never for SQL
    /// that carries a value.
    public func execute(script sql: String) throws {
        _ = try check(PQexec(handle, sql))
    }

    private func preparedName(for sql: String, parameterCount: Int) throws -> String {
        if let name = preparedNames[sql] { return name }
        let (name, _) = declarePrepared(sql)
        do {
            _ = try check(PQprepare(handle, name, sql, Int32(parameterCount), nil))
        } catch {
            forgetPrepared(sql)
            throw error
        }
        return name
    }

    /// The statement's name on this connection, and whether it is new (the caller prepares it,
    /// for example inside a pipeline, and forgets it again if that fails).
    func declarePrepared(_ sql: String) -> (name: String, isNew: Bool) {
        if let name = preparedNames[sql] { return (name, false) }
        preparedCount += 1
        let name = "tidtam_\(preparedCount)"
        preparedNames[sql] = name
        return (name, true)
    }

    func forgetPrepared(_ sql: String) { preparedNames[sql] = nil }

    func check(_ result: OpaquePointer?) throws -> QueryResult {
        guard let result else { throw PostgresError.fromResult(nil, connection: handle) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_COPY_IN, PGRES_PIPELINE_SYNC:
            return QueryResult(result)
        default:
            let error = PostgresError.fromResult(result, connection: handle)
            PQclear(result)
            throw error
        }
    }

    // MARK: transactions

    /// A transaction with no tenant settings, on a connection of its own: for the migrator and
    /// operators' commands, which connect as the schema owner (the service goes through `Database`).
    public func transaction<T>(_ body: (Connection) throws -> T) throws -> T {
        try transaction(settings: [], body)
    }

    /// Runs `body` in a transaction with the given settings applied by `SET LOCAL`: commits
    /// when it returns, rolls back when it throws. `BEGIN` and the settings share one round trip.
    func transaction<T>(settings: [TransactionSetting] = [], _ body: (Connection) throws -> T) throws -> T {
        do {
            try execute(script: (["BEGIN"] + settings.map(\.statement)).joined(separator: "; "))
        } catch let error as PostgresError where error.isConnectionLoss {
            throw StaleConnection(underlying: error)
        }
        let value: T
        do {
            value = try body(self)
        } catch {
            rollbackQuietly()
            throw error
        }
        let commit = try check(PQexec(handle, "COMMIT"))
        // COMMIT of a transaction that already failed answers "ROLLBACK" without an error.
        if commit.commandStatus == "ROLLBACK" {
            throw PostgresError(.server, "the transaction was rolled back after an earlier error", sqlState: "25P02")
        }
        return value
    }

    /// One statement in its own transaction, sent with `BEGIN`, the settings and `COMMIT` in a
    /// single flush (libpq pipeline mode): one round trip instead of four. For tenant-scoped reads.
    func pipelinedTransaction(
        settings: [TransactionSetting], _ sql: String,
        _ parameters: [any PostgresEncodable] = []
    ) throws -> QueryResult {
        let name = try preparedName(for: sql, parameterCount: parameters.count)
        guard PQenterPipelineMode(handle) == 1 else { throw PostgresError.fromResult(nil, connection: handle) }
        defer {
            PQexitPipelineMode(handle)
            if PQtransactionStatus(handle) != PQTRANS_IDLE { rollbackQuietly() }
        }
        guard queueTransaction(settings: settings, prepared: name, parameters) else {
            throw StaleConnection(underlying: PostgresError.fromResult(nil, connection: handle))
        }

        let statementIndex = settings.count + 1
        var answer: QueryResult?
        var failure: PostgresError?
        for index in 0...(settings.count + 2) {
            while let result = PQgetResult(handle) {
                let status = PQresultStatus(result)
                if status == PGRES_FATAL_ERROR, failure == nil {
                    failure = PostgresError.fromResult(result, connection: handle)
                    PQclear(result)
                } else if index == statementIndex, status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK {
                    answer = QueryResult(result)
                } else {
                    PQclear(result)
                }
            }
            if !isHealthy { break }
        }
        if isHealthy, let sync = PQgetResult(handle) { PQclear(sync) }  // PGRES_PIPELINE_SYNC
        if let failure {
            if failure.isConnectionLoss { throw StaleConnection(underlying: failure) }
            throw failure
        }
        guard let answer else { throw StaleConnection(underlying: PostgresError.fromResult(nil, connection: handle)) }
        return answer
    }

    func rollbackQuietly() {
        guard isHealthy, !isIdle else { return }
        if let result = PQexec(handle, "ROLLBACK") { PQclear(result) }
    }
}

/// The connection broke before anything of the transaction was done (an idle connection whose
/// server restarted): the pool may retry the whole transaction once on a fresh connection.
struct StaleConnection: Error {
    let underlying: PostgresError
}

/// A transaction-local setting (`SET LOCAL name = 'value'`). `SET LOCAL` takes no parameters, so
/// this is the one place a value is written into SQL text; both parts are validated here, and a
/// value may hold only ASCII letters, digits, `_` and `-` (ids and role names).
public struct TransactionSetting: Sendable, Equatable {
    public let name: String
    public let value: String

    public init(_ name: String, _ value: String) throws {
        let nameOK =
            !name.isEmpty && name.utf8.count <= 63 && name.contains(".")
            && name.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
        let valueOK =
            value.utf8.count <= 64
            && value.utf8.allSatisfy {
                ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == UInt8(ascii: "_")
                    || $0 == UInt8(ascii: "-")
            }
        guard nameOK, valueOK else {
            throw PostgresError(.usage, "refused transaction setting \(name.prefix(64))")
        }
        self.name = name
        self.value = value
    }

    var statement: String { "SET LOCAL \(name) = '\(value)'" }
}

extension QueryResult {
    var commandStatus: String { _commandStatus }
}

// MARK: C string plumbing

func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let pointers = strings.map { UnsafePointer(strdup($0)) }
    defer { pointers.forEach { free(UnsafeMutablePointer(mutating: $0)) } }
    return (pointers + [nil]).withUnsafeBufferPointer { body($0.baseAddress!) }
}

func withParameters<R>(
    _ parameters: [any PostgresEncodable],
    _ body: (UnsafePointer<UnsafePointer<CChar>?>?, Int32) -> R
) -> R {
    if parameters.isEmpty { return body(nil, 0) }
    let pointers: [UnsafePointer<CChar>?] = parameters.map { $0.postgresText.map { UnsafePointer(strdup($0)) } ?? nil }
    defer { pointers.forEach { $0.map { free(UnsafeMutablePointer(mutating: $0)) } } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress, Int32(parameters.count)) }
}
