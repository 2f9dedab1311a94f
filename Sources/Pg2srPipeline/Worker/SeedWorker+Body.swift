// A chunk's COPY as an upload body: started, uploaded, settled or abandoned.
import Foundation
import Pg2srModel
import Pg2srSource
import Pg2srSupport
import Pg2srTarget
import PostgresClient

extension SeedWorker {
    /// Starts a chunk's COPY and reads its first row before any HTTP request is made (StarRocks
    /// fails empty loads); nil when the chunk has no rows.
    func openChunk(_ copySQL: String, table: TablePlan, tableIndex: Int) throws -> CopyBodySource? {
        let body = try startCopy(copySQL, table: table, tableIndex: tableIndex)
        do {
            return try body.prefetchFirstRow() ? body : nil
        } catch let error as PostgresError {
            abandon(body, tableIndex: tableIndex)
            throw try sourceFailure(error, table: table.source, duringCopy: true)
        }
    }

    /// Starts the chunk's COPY in this worker's snapshot session and wraps it as an upload body.
    func startCopy(_ sql: String, table: TablePlan, tableIndex: Int) throws -> CopyBodySource {
        let session = try sourceSession()
        let stream: CopyOutStream
        do {
            stream = try session.copyOut(sql)
        } catch let error as PostgresError {
            throw try sourceFailure(error, table: table.source, duringCopy: false)
        }
        return CopyBodySource(stream: stream, rateLimiter: context.rateLimiter, cancellation: context.cancellation) { [progress = context.progress] bytes in
            progress.addInFlight(table: tableIndex, bytes: bytes)
        }
    }

    /// Uploads `body` with `upload` (a Stream Load or a transaction's load) and settles it: a
    /// transport failure is returned with no reply (the caller retries the chunk), any other
    /// error abandons the COPY and is thrown.
    func send<Reply>(_ body: CopyBodySource, tableIndex: Int, table: TablePlan,
                     _ upload: () throws -> Reply) throws -> (reply: Reply?, transportFailure: StreamLoadTransportError?) {
        var reply: Reply?
        var transportFailure: StreamLoadTransportError?
        do {
            reply = try upload()
        } catch let error as StreamLoadTransportError {
            transportFailure = error
        } catch {
            abandon(body, tableIndex: tableIndex)
            throw error
        }
        try settle(body, tableIndex: tableIndex, table: table)
        return (reply, transportFailure)
    }

    /// After the HTTP request: stops a COPY still running (the upload was aborted) and turns an
    /// interruption or a broken COPY into its error.
    func settle(_ body: CopyBodySource, tableIndex: Int, table: TablePlan) throws {
        if body.abandonIfRunning() { resetTransaction() }
        if body.abortedByCancellation || (context.cancellation.isSet && !body.isComplete) {
            context.progress.chunkAbandoned(table: tableIndex, sentBytes: body.bytesSent)
            throw ChunkCanceled()
        }
        if let error = body.sourceError {
            context.progress.chunkAbandoned(table: tableIndex, sentBytes: body.bytesSent)
            throw try sourceFailure(error, table: table.source, duringCopy: true)
        }
    }

    /// Gives a chunk up: its bytes leave the in-flight count, a COPY still running is stopped.
    func abandon(_ body: CopyBodySource, tableIndex: Int) {
        context.progress.chunkAbandoned(table: tableIndex, sentBytes: body.bytesSent)
        if body.abandonIfRunning() { resetTransaction() }
    }
}
