import CLibPQ

extension Connection {
    /// Queues `BEGIN`, the settings, the prepared statement, `COMMIT` and a sync on a connection
    /// in pipeline mode. False if libpq refused any of them (the connection is broken).
    func queueTransaction(settings: [TransactionSetting], prepared name: String, _ parameters: [any PostgresEncodable])
        -> Bool
    {
        var sent = PQsendQueryParams(handle, "BEGIN", 0, nil, nil, nil, nil, 0) == 1
        for setting in settings {
            sent = sent && PQsendQueryParams(handle, setting.statement, 0, nil, nil, nil, nil, 0) == 1
        }
        sent =
            sent
            && withParameters(parameters) { values, count in
                PQsendQueryPrepared(handle, name, count, values, nil, nil, 0)
            } == 1
        sent = sent && PQsendQueryParams(handle, "COMMIT", 0, nil, nil, nil, nil, 0) == 1
        return sent && PQpipelineSync(handle) == 1
    }
}
