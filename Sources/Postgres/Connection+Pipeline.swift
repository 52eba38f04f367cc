import CLibPQ

extension Connection {
    /// Whether `sql` is already prepared on this connection (so it can be sent without a round trip).
    func isPrepared(_ sql: String) -> Bool { preparedName(ifKnown: sql) != nil }

    /// Sends `BEGIN`, the settings, the prepared statement and `COMMIT` as one pipeline without
    /// blocking; the reactor collects the results. Returns whether output is still unflushed.
    func sendPipelinedTransaction(settings: [TransactionSetting], _ sql: String,
                                  _ parameters: [any PostgresEncodable]) throws -> Bool {
        guard let name = preparedName(ifKnown: sql) else { throw PostgresError(.usage, "statement not prepared") }
        PQsetnonblocking(handle, 1)
        guard PQenterPipelineMode(handle) == 1 else {
            PQsetnonblocking(handle, 0)
            throw StaleConnection(underlying: PostgresError.fromResult(nil, connection: handle))
        }
        let sent = queueTransaction(settings: settings, prepared: name, parameters)
        let flushed = sent ? PQflush(handle) : -1
        guard flushed >= 0 else {
            let error = PostgresError.fromResult(nil, connection: handle)
            leavePipeline()
            throw StaleConnection(underlying: error)
        }
        return flushed == 1
    }

    /// Queues `BEGIN`, the settings, the prepared statement, `COMMIT` and a sync on a connection
    /// in pipeline mode. False if libpq refused any of them (the connection is broken).
    func queueTransaction(settings: [TransactionSetting], prepared name: String, _ parameters: [any PostgresEncodable]) -> Bool {
        var sent = PQsendQueryParams(handle, "BEGIN", 0, nil, nil, nil, nil, 0) == 1
        for setting in settings {
            sent = sent && PQsendQueryParams(handle, setting.statement, 0, nil, nil, nil, nil, 0) == 1
        }
        sent = sent && withParameters(parameters) { values, count in
            PQsendQueryPrepared(handle, name, count, values, nil, nil, 0)
        } == 1
        sent = sent && PQsendQueryParams(handle, "COMMIT", 0, nil, nil, nil, nil, 0) == 1
        return sent && PQpipelineSync(handle) == 1
    }

    /// Back to ordinary blocking use after a pipeline (rolling back if it left a transaction open).
    func leavePipeline() {
        PQexitPipelineMode(handle)
        PQsetnonblocking(handle, 0)
        if isHealthy, !isIdle { rollbackQuietly() }
    }
}
