// `COPY … TO STDOUT` read row by row from libpq, waiting for data in batches.
#if canImport(Glibc)
import Glibc
#endif
import CPostgres

/// Rows of a running `COPY ... TO STDOUT`, pulled one at a time (blocking).
/// Each row's bytes are valid until the next call; nothing is buffered beyond libpq's
/// socket buffer, so a reader that stops pulling makes the server wait (backpressure).
///
/// Waiting is batched: libpq's blocking `PQgetCopyData` polls the socket whenever its buffer
/// holds no complete row, and the server sends 8 KB at a time, so a reader faster than the
/// server would sleep and wake once per 8 KB (~23,000 context switches per 190 MB, the
/// largest share of the loader's CPU). Instead the stream reads whatever is queued, and when
/// nothing is, waits for `lowWaterMark` bytes (SO_RCVLOWAT) in slices of `waitSlice` ms after
/// which any queued byte counts, so the tail of a COPY is never held back (bench/ANALYSIS.md).
/// TLS connections keep libpq's own wait: decrypted bytes can sit in the TLS layer where the
/// socket's state does not show them.
public final class CopyOutStream: @unchecked Sendable {
    private let connection: PostgresConnection
    private var current: UnsafeMutablePointer<CChar>?
    public private(set) var isFinished = false
    /// Rows the server reported for the finished COPY.
    public private(set) var reportedRows: Int?
    private let socket: Int32
    private let batchesWaits: Bool
    private var lowWaterMarkIsSet = false

    /// 64 KB → 256 KB took a 352 MB TOAST-heavy COPY from ~4,800 to ~1,200 wake-ups and the
    /// reader's CPU down a third (bench/ANALYSIS.md). Linux caps it at half the receive buffer.
    static let lowWaterMark: Int32 = 256 * 1024
    static let waitSlice: Int32 = 2 // ms

    init(connection: PostgresConnection) {
        self.connection = connection
        socket = PQsocket(connection.handle)
        batchesWaits = socket >= 0 && PQsslInUse(connection.handle) == 0
    }

    deinit {
        release()
        setLowWaterMark(false)
    }

    /// The next row (with its trailing newline), or nil once the COPY has ended.
    /// Throws the server's error if the COPY failed (backend terminated, statement canceled...).
    public func nextRow() throws -> UnsafeRawBufferPointer? {
        release()
        guard !isFinished else { return nil }
        var readSocket = false
        while true {
            var buffer: UnsafeMutablePointer<CChar>?
            let length = PQgetCopyData(connection.handle, &buffer, batchesWaits ? 1 : 0)
            if length > 0, let buffer {
                current = buffer
                return UnsafeRawBufferPointer(start: buffer, count: Int(length))
            }
            if length == 0 {
                // No complete row buffered (async mode only). libpq reads at most its buffer's
                // free space (16 KB) at a time: take what the socket already holds before
                // waiting, or every wait would end at once with the rest of the batch queued.
                if readSocket {
                    try waitForData()
                }
                try consumeInput()
                readSocket = true
                continue
            }
            markFinished()
            if length == -1 {
                try finish()
                return nil
            }
            // -2: the connection failed; drain whatever result explains it.
            let error = connection.lastError()
            while let result = PQgetResult(connection.handle) { PQclear(result) }
            throw error
        }
    }

    /// Abandons a running COPY: cancels it on the server and drains the connection so it can be
    /// reused (the surrounding transaction is then aborted and must be rolled back).
    public func abandon() {
        release()
        guard !isFinished else { return }
        markFinished()
        connection.requestCancel()
        var buffer: UnsafeMutablePointer<CChar>?
        while PQgetCopyData(connection.handle, &buffer, 0) > 0 {
            PQfreemem(buffer)
            buffer = nil
        }
        while let result = PQgetResult(connection.handle) { PQclear(result) }
    }

    /// Blocks until the socket has a batch of bytes (or the COPY's tail).
    private func waitForData() throws {
        setLowWaterMark(true)
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        while true {
            let ready = poll(&descriptor, 1, Self.waitSlice)
            if ready > 0 { break }
            if ready < 0 {
                if errno == EINTR { continue }
                break // let PQconsumeInput report the socket's state
            }
            var queued: Int32 = 0
            if ioctl(socket, UInt(FIONREAD), &queued) == 0, queued > 0 { break } // a tail below the mark
            // Nothing at all: the server is busy (a filter, a lock). Wait for any byte without
            // the mark, so an idle COPY costs no periodic wake-ups; then batch again.
            setLowWaterMark(false)
            descriptor.revents = 0
            while poll(&descriptor, 1, -1) < 0 && errno == EINTR {}
            break
        }
    }

    /// Hands whatever the socket holds to libpq (non-blocking).
    private func consumeInput() throws {
        guard PQconsumeInput(connection.handle) == 1 else {
            markFinished()
            let error = connection.lastError()
            while let result = PQgetResult(connection.handle) { PQclear(result) }
            throw error
        }
    }

    /// SO_RCVLOWAT on the connection's socket; reset before the connection runs anything else
    /// (libpq's own waits have no timeout and would stall on a short reply).
    private func setLowWaterMark(_ on: Bool) {
        guard batchesWaits, on != lowWaterMarkIsSet else { return }
        var bytes: Int32 = on ? Self.lowWaterMark : 1
        if setsockopt(socket, SOL_SOCKET, SO_RCVLOWAT, &bytes, socklen_t(MemoryLayout<Int32>.size)) == 0 || !on {
            lowWaterMarkIsSet = on
        }
    }

    private func markFinished() {
        isFinished = true
        setLowWaterMark(false)
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
