// A Stream Load body pulled straight from a running COPY: the backpressure path.
import CurlClient
import Pg2srSupport
import PostgresClient

/// The body of one Stream Load: bytes pulled straight from a running COPY. libcurl calls
/// `read` only when the socket can take more, and `read` calls libpq only then, so a slow
/// StarRocks stalls the COPY inside PostgreSQL instead of growing a buffer here. The only
/// buffering is the row in hand (libpq's) and libcurl's upload buffer.
final class CopyBodySource: HTTPBodySource {
    private let stream: CopyOutStream
    private let rateLimiter: RateLimiter?
    private let cancellation: CancellationFlag
    private let onBytes: (Int) -> Void
    private var row: UnsafeRawBufferPointer?
    private var rowOffset = 0
    private(set) var rowsSent: Int64 = 0
    private(set) var bytesSent: Int64 = 0
    /// True once COPY reported its end and every byte was handed to libcurl.
    private(set) var isComplete = false
    /// Why the body aborted the upload, if it did.
    private(set) var sourceError: PostgresError?
    private(set) var abortedByCancellation = false

    init(stream: CopyOutStream, rateLimiter: RateLimiter?, cancellation: CancellationFlag, onBytes: @escaping (Int) -> Void) {
        self.stream = stream
        self.rateLimiter = rateLimiter
        self.cancellation = cancellation
        self.onBytes = onBytes
    }

    /// Reads the first row before any HTTP request is made: a chunk without rows must not
    /// become a Stream Load (StarRocks fails empty loads). Returns false for an empty chunk.
    func prefetchFirstRow() throws -> Bool {
        guard let first = try stream.nextRow() else {
            isComplete = true
            return false
        }
        row = first
        rowsSent = 1
        return true
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> HTTPBodyRead {
        if cancellation.isSet {
            abortedByCancellation = true
            return .abort
        }
        var written = 0
        while written < buffer.count {
            if row == nil {
                do {
                    guard let next = try stream.nextRow() else {
                        isComplete = true
                        break
                    }
                    row = next
                    rowsSent += 1
                } catch let error as PostgresError {
                    sourceError = error
                    return .abort
                } catch {
                    sourceError = PostgresError(message: "\(error)")
                    return .abort
                }
            }
            let current = row!
            let count = min(current.count - rowOffset, buffer.count - written)
            (buffer.baseAddress! + written).copyMemory(from: current.baseAddress! + rowOffset, byteCount: count)
            written += count
            rowOffset += count
            if rowOffset == current.count {
                row = nil
                rowOffset = 0
            }
        }
        guard written > 0 else { return .end }
        bytesSent += Int64(written)
        onBytes(written)
        rateLimiter?.consume(written)
        return .bytes(written)
    }

    /// Rows COPY reported at its end (nil until then).
    var reportedRows: Int? { stream.reportedRows }

    /// Stops the COPY if it is still running (the transaction must then be reset).
    func abandonIfRunning() -> Bool {
        guard !stream.isFinished else { return false }
        stream.abandon()
        return true
    }
}
