// One libpq connection: connect, statements, parameters, COPY, cancel.
#if canImport(Glibc)
import Glibc
#endif
import CPostgres

/// One libpq connection. Blocking: call it from a dedicated thread, never from Swift's
/// cooperative pool. Not thread-safe, except `requestCancel()`, which any thread may call.
public final class PostgresConnection: @unchecked Sendable {
    let handle: OpaquePointer
    private let cancelHandle: OpaquePointer?

    /// Connects with a libpq conninfo string or URI; PG* environment variables and
    /// `.pgpass` apply as in libpq. `overrides` (e.g. `application_name`, `replication`)
    /// win over values in `conninfo`.
    public init(conninfo: String, overrides: [String: String] = [:]) throws {
        var keys = ["dbname"] + overrides.keys.sorted()
        var values = [conninfo] + overrides.keys.sorted().map { overrides[$0]! }
        keys.append("fallback_application_name")
        values.append("pg2sr")
        let connection: OpaquePointer? = withCStrings(keys) { keyPointers in
            withCStrings(values) { valuePointers in
                PQconnectdbParams(keyPointers, valuePointers, 1)
            }
        }
        guard let connection else { throw PostgresError(message: "out of memory creating a libpq connection") }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(connection)).firstLineTrimmed()
            PQfinish(connection)
            throw PostgresError(sqlState: "08001", message: message)
        }
        // libpq prints notices (and the FATAL of a terminated backend) straight to stderr; pg2sr
        // reports failures itself, in one line.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        handle = connection
        cancelHandle = PQgetCancel(connection)
    }

    deinit {
        if let cancelHandle { PQfreeCancel(cancelHandle) }
        PQfinish(handle)
    }

    /// The server process serving this connection.
    public var backendPID: Int32 { PQbackendPID(handle) }
    /// e.g. 150018 for 15.18.
    public var serverVersion: Int { Int(PQserverVersion(handle)) }
    /// Host, port, database and user of the connection: what may be shown to a user.
    public var displayName: String {
        let host = String(cString: PQhost(handle))
        let port = String(cString: PQport(handle))
        return "\(String(cString: PQuser(handle)))@\(host):\(port)/\(String(cString: PQdb(handle)))"
    }

    /// Host, port, user and database as connected (after PG* variables and defaults).
    public var parameters: (host: String, port: String, user: String, database: String) {
        (String(cString: PQhost(handle)), String(cString: PQport(handle)), String(cString: PQuser(handle)), String(cString: PQdb(handle)))
    }

    /// The password libpq used (from the conninfo, PGPASSWORD or .pgpass), if any.
    public var password: String? {
        guard let value = PQpass(handle) else { return nil }
        let text = String(cString: value)
        return text.isEmpty ? nil : text
    }

    /// Runs one or more statements with the simple query protocol and returns the last result.
    @discardableResult
    public func execute(_ sql: String) throws -> PostgresResult {
        try checked(PQexec(handle, sql))
    }

    /// Runs one statement with text parameters `$1, $2, ...`.
    @discardableResult
    public func query(_ sql: String, _ parameters: [String?]) throws -> PostgresResult {
        var owned: [UnsafeMutablePointer<CChar>?] = parameters.map { $0.map { strdup($0) } ?? nil }
        defer { owned.forEach { free($0) } }
        let result = owned.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: max(buffer.count, 1)) { values in
                PQexecParams(handle, sql, Int32(parameters.count), nil, parameters.isEmpty ? nil : values, nil, nil, 0)
            }
        }
        return try checked(result)
    }

    /// Starts `COPY ... TO STDOUT`; read it with the returned stream until it ends.
    public func copyOut(_ sql: String) throws -> CopyOutStream {
        guard let result = PQexec(handle, sql) else { throw lastError() }
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_COPY_OUT else { throw error(from: result) }
        return CopyOutStream(connection: self)
    }

    /// Caps the kernel's receive buffer of this connection's socket (Linux otherwise grows it up
    /// to `tcp_rmem` max, tens of MB): with a slow reader the server then waits in `ClientWrite`
    /// after a bounded amount of data instead of filling the buffer (backpressure).
    public func limitReceiveBuffer(bytes: Int) {
        let socket = PQsocket(handle)
        guard socket >= 0 else { return }
        var size = Int32(bytes)
        _ = setsockopt(socket, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Asks the server to cancel what this connection is running. Safe from any thread.
    public func requestCancel() {
        guard let cancelHandle else { return }
        var buffer = [CChar](repeating: 0, count: 256)
        _ = PQcancel(cancelHandle, &buffer, Int32(buffer.count))
    }

    // MARK: - Internals

    func checked(_ result: OpaquePointer?) throws -> PostgresResult {
        guard let result else { throw lastError() }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_SINGLE_TUPLE:
            return PostgresResult(result)
        case PGRES_COPY_OUT, PGRES_COPY_IN, PGRES_COPY_BOTH:
            // Leave nothing half-done on the connection.
            throw PostgresError(message: "unexpected COPY in a plain query")
        default:
            throw error(from: result)
        }
    }

    func error(from result: OpaquePointer) -> PostgresError {
        func field(_ code: Int32) -> String? {
            guard let value = PQresultErrorField(result, code) else { return nil }
            return String(cString: value)
        }
        let primary = field(Int32(UInt8(ascii: "M"))) // PG_DIAG_MESSAGE_PRIMARY
        let message = primary ?? String(cString: PQresultErrorMessage(result)).firstLineTrimmed()
        return PostgresError(
            sqlState: field(Int32(UInt8(ascii: "C"))),
            message: message.isEmpty ? String(cString: PQerrorMessage(handle)).firstLineTrimmed() : message,
            detail: field(Int32(UInt8(ascii: "D")))
        )
    }

    func lastError() -> PostgresError {
        let message = String(cString: PQerrorMessage(handle)).firstLineTrimmed()
        let broken = PQstatus(handle) != CONNECTION_OK
        return PostgresError(sqlState: broken ? "08006" : nil, message: message.isEmpty ? "connection lost" : message)
    }
}

/// Calls `body` with a NULL-terminated array of C strings that live for the call.
func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    var owned: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    owned.append(nil)
    defer { owned.forEach { free($0) } }
    return owned.withUnsafeBufferPointer { buffer in
        buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buffer.count) { body($0) }
    }
}
