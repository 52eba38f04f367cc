import Logging
import ServiceLifecycle

/// Who a transaction acts for, as the settings that row-level security reads. The service's
/// tenant type is the only conformer: it derives the settings in one place, so no other code
/// writes a `SET LOCAL`.
public protocol TransactionTenant: Sendable {
    /// The `SET LOCAL` settings of a transaction acting for this tenant. A one-statement read
    /// (`forWrite: false`) may leave out what only writes need (the actor, for the audit log):
    /// each setting is one statement more in the read's single round trip.
    func transactionSettings(forWrite: Bool) throws -> [TransactionSetting]
}

/// The service's one door into PostgreSQL: a pool of connections as the non-owner role, handed
/// out only as transactions bound to a tenant. The pool itself is not reachable from outside
/// this module, so nothing can walk round the tenant. It runs as a `Service`: on graceful
/// shutdown it closes its connections once the services listed after it have stopped.
public final class Database: Service, Sendable {
    let pool: ConnectionPool

    public init(_ configuration: PoolConfiguration, logger: Logger = Logger(label: "tidtam.db")) {
        pool = ConnectionPool(configuration, logger: logger)
    }

    public var configuration: PoolConfiguration { pool.configuration }

    /// A transaction acting for `tenant`: it commits when `body` returns and rolls back when it
    /// throws. Serialization failures and deadlocks are retried a few times; a connection found
    /// dead on the first round trip is replaced once.
    public func transaction<T: Sendable>(
        _ tenant: some TransactionTenant,
        _ body: @escaping @Sendable (Transaction) throws -> T
    ) async throws -> T {
        let settings = try tenant.transactionSettings(forWrite: true)
        var attempt = 0
        while true {
            do {
                return try await pool.transaction(settings: settings) { try body(Transaction(connection: $0)) }
            } catch let error as PostgresError where error.isRetryable && attempt < 3 {
                attempt += 1
                try await Task.sleep(for: .milliseconds(5 * attempt))
            }
        }
    }

    /// One statement in its own transaction acting for `tenant`, sent in one round trip.
    public func read(_ tenant: some TransactionTenant, _ sql: SQL) async throws -> QueryResult {
        let (text, binds) = sql.rendered
        return try await pool.read(settings: tenant.transactionSettings(forWrite: false), text, binds)
    }

    public func run() async throws {
        try? await gracefulShutdown()
        await pool.shutdown()
    }

    /// Closes the connections; for commands and tests that do not run a service group.
    public func shutdown() async { await pool.shutdown() }

    /// Connections open, in use and idle now (for tests and `/metrics`).
    public var usage: (open: Int, inUse: Int, idle: Int) { pool.usage }
    /// Pipelined connections open now (for tests).
    public var pipelinedOpen: Int { pool.pipelinedOpen }
}

/// A transaction in progress, bound to its tenant. Statements are `SQL` values, whose
/// interpolations are parameters; there is no way to send text with values written into it.
public struct Transaction: Sendable {
    let connection: Connection

    @discardableResult
    public func query(_ sql: SQL) throws -> QueryResult { try connection.query(sql) }

    /// `COPY … FROM STDIN` into the transaction (for imports into a staging table).
    @discardableResult
    public func copyIn(_ sql: SQL, _ produce: (CopyWriter) throws -> Void) throws -> Int {
        try connection.copyIn(sql, produce)
    }
}
