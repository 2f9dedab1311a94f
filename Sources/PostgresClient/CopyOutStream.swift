import CPostgres

/// Rows of a running `COPY ... TO STDOUT`, pulled one at a time (blocking).
/// Each row's bytes are valid until the next call; nothing is buffered beyond libpq's
/// socket buffer, so a reader that stops pulling makes the server wait (backpressure).
public final class CopyOutStream: @unchecked Sendable {
    private let connection: PostgresConnection
    private var current: UnsafeMutablePointer<CChar>?
    public private(set) var isFinished = false
    /// Rows the server reported for the finished COPY.
    public private(set) var reportedRows: Int?

    init(connection: PostgresConnection) {
        self.connection = connection
    }

    deinit { release() }

    /// The next row (with its trailing newline), or nil once the COPY has ended.
    /// Throws the server's error if the COPY failed (backend terminated, statement canceled...).
    public func nextRow() throws -> UnsafeRawBufferPointer? {
        release()
        guard !isFinished else { return nil }
        var buffer: UnsafeMutablePointer<CChar>?
        let length = PQgetCopyData(connection.handle, &buffer, 0)
        if length > 0, let buffer {
            current = buffer
            return UnsafeRawBufferPointer(start: buffer, count: Int(length))
        }
        if length == -1 {
            isFinished = true
            try finish()
            return nil
        }
        isFinished = true
        // -2: the connection failed; drain whatever result explains it.
        let error = connection.lastError()
        while let result = PQgetResult(connection.handle) { PQclear(result) }
        throw error
    }

    /// Abandons a running COPY: cancels it on the server and drains the connection so it can be
    /// reused (the surrounding transaction is then aborted and must be rolled back).
    public func abandon() {
        release()
        guard !isFinished else { return }
        isFinished = true
        connection.requestCancel()
        var buffer: UnsafeMutablePointer<CChar>?
        while PQgetCopyData(connection.handle, &buffer, 0) > 0 {
            PQfreemem(buffer)
            buffer = nil
        }
        while let result = PQgetResult(connection.handle) { PQclear(result) }
    }

    private func finish() throws {
        var failure: PostgresError?
        while let result = PQgetResult(connection.handle) {
            if PQresultStatus(result) == PGRES_COMMAND_OK {
                reportedRows = Int(String(cString: PQcmdTuples(result)))
            } else if failure == nil {
                failure = connection.error(from: result)
            }
            PQclear(result)
        }
        if let failure { throw failure }
    }

    private func release() {
        if let current { PQfreemem(current) }
        current = nil
    }
}
