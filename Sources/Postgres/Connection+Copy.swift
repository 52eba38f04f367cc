import CLibPQ

extension Connection {
    /// Streams data into `COPY … FROM STDIN`. `produce` is called with a writer until it returns;
    /// if it throws, the COPY is aborted (and with it the statement). Returns the rows copied.
    @discardableResult
    public func copyIn(_ sql: SQL, _ produce: (CopyWriter) throws -> Void) throws -> Int {
        let (text, binds) = sql.rendered
        // COPY takes no parameters: a statement that carries values cannot be one.
        guard binds.isEmpty else { throw PostgresError(.usage, "a COPY statement takes no parameters") }
        let started = PQexec(handle, text)
        guard PQresultStatus(started) == PGRES_COPY_IN else {
            _ = try check(started); throw PostgresError(.usage, "not a COPY FROM STDIN statement")
        }
        PQclear(started)
        let writer = CopyWriter(connection: self)
        do {
            try produce(writer)
            try writer.flush()
        } catch {
            _ = PQputCopyEnd(handle, "aborted by the client")
            drainResults()
            throw error
        }
        guard PQputCopyEnd(handle, nil) == 1 else { throw PostgresError.fromResult(nil, connection: handle) }
        var copied = 0
        var failure: PostgresError?
        while let result = PQgetResult(handle) {
            if PQresultStatus(result) == PGRES_COMMAND_OK {
                copied = Int(String(cString: PQcmdTuples(result))) ?? 0
                PQclear(result)
            } else {
                failure = failure ?? PostgresError.fromResult(result, connection: handle)
                PQclear(result)
            }
        }
        if let failure { throw failure }
        return copied
    }

    func drainResults() {
        while let result = PQgetResult(handle) { PQclear(result) }
    }
}

/// Buffers COPY data and hands it to libpq in chunks of about 64 KiB.
public final class CopyWriter {
    private let connection: Connection
    private var buffer: [UInt8] = []

    init(connection: Connection) {
        self.connection = connection
        buffer.reserveCapacity(1 << 16)
    }

    public func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { try flush() }
    }

    public func write(bytes: some Sequence<UInt8>) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 16 { try flush() }
    }

    func flush() throws {
        guard !buffer.isEmpty else { return }
        let status = buffer.withUnsafeBufferPointer { pointer in
            pointer.withMemoryRebound(to: CChar.self) {
                PQputCopyData(connection.handle, $0.baseAddress, Int32($0.count))
            }
        }
        guard status == 1 else { throw PostgresError.fromResult(nil, connection: connection.handle) }
        buffer.removeAll(keepingCapacity: true)
    }
}

extension CopyWriter {
    /// Escapes one field for COPY's text format (tab-separated, `\N` for NULL).
    public static func textField(_ value: String?) -> String {
        guard let value else { return "\\N" }
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for character in value.unicodeScalars {
            switch character {
            case "\\": out += "\\\\"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// Writes one row in COPY's text format, byte by byte into the buffer (imports stream
    /// millions of fields through here).
    public func writeRow(_ fields: [String?]) throws {
        for (index, field) in fields.enumerated() {
            if index > 0 { buffer.append(0x09) }
            guard let field else {
                buffer.append(contentsOf: [0x5C, 0x4E])  // \N
                continue
            }
            if !field.utf8.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
                buffer.append(contentsOf: field.utf8)
                continue
            }
            for byte in field.utf8 {
                switch byte {
                case 0x5C: buffer.append(contentsOf: [0x5C, 0x5C])
                case 0x09: buffer.append(contentsOf: [0x5C, 0x74])
                case 0x0A: buffer.append(contentsOf: [0x5C, 0x6E])
                case 0x0D: buffer.append(contentsOf: [0x5C, 0x72])
                default: buffer.append(byte)
                }
            }
        }
        buffer.append(0x0A)
        if buffer.count >= 1 << 16 { try flush() }
    }
}
