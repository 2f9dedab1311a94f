// A whole table in one Stream Load transaction (Duplicate Key tables): all of it or nothing.
import Foundation
import Pg2srModel
import Pg2srSource
import Pg2srSupport
import Pg2srTarget

extension SeedWorker {
    /// A table without a key in the target cannot take a chunk twice, nor chunks read from two
    /// snapshots: all its chunks go into one transaction, committed at the end, so the table
    /// shows either nothing or all of it. Any failure rolls the transaction back and the
    /// table starts again from its first chunk (same label: an aborted label may be reused).
    func loadTableWithRetries(_ task: ChunkTask) throws {
        let parts = try withRetries(task, what: "table") { try self.loadTable(task) }
        for index in task.transactionChunks.indices {
            let done = parts.map { $0[index] }
            context.progress.chunkFinished(table: task.tableIndex, rows: done?.rows ?? 0, bytes: done?.bytes ?? 0,
                                           sentBytes: done?.bytes ?? 0, skipped: parts == nil)
        }
    }

    /// Rows and bytes per chunk once committed, nil when an earlier run had committed the table.
    func loadTable(_ task: ChunkTask) throws -> [(rows: Int64, bytes: Int64)]? {
        let table = context.plan.tables[task.tableIndex]
        let label = task.label
        // Left open by an earlier process (killed) or attempt: roll it back first.
        switch try labelState(label) {
        case "VISIBLE", "COMMITTED":
            return nil
        case "PREPARE", "PREPARED":
            context.log.info("table \(table.source): rolling back the unfinished transaction \(label) of an earlier attempt")
            rollbackQuietly(label, be: nil)
            if try waitForLabel(label) { return nil }
        default:
            break
        }

        var be: String?
        var parts: [(rows: Int64, bytes: Int64)] = []
        var sentTotal: Int64 = 0
        do {
            for part in task.transactionChunks {
                if context.cancellation.isSet { throw ChunkCanceled() }
                guard let body = try openChunk(part.copySQL, table: table, tableIndex: task.tableIndex) else {
                    parts.append((0, 0))
                    continue
                }
                if be == nil {
                    be = try begin(task, table: table)
                    guard be != nil else { return nil }
                }
                let where_ = "chunk \(part.chunk.index) of \(table.source) (transaction \(label))"
                let (reply, transportFailure) = try send(body, tableIndex: task.tableIndex, table: table) {
                    let headers = StreamLoadFormat.headers(label: label, columns: table.columns, timeoutSeconds: context.loadTimeoutSeconds)
                    return try loads.transactionLoad(be: be!, table: table.targetTable, headers: headers, body: body, shouldAbort: shouldAbort)
                }
                guard let reply else {
                    context.progress.chunkAbandoned(table: task.tableIndex, sentBytes: body.bytesSent)
                    throw RetryableFailure(message: transportFailure?.message ?? "no reply from StarRocks")
                }
                guard reply.isOK else {
                    context.progress.chunkAbandoned(table: task.tableIndex, sentBytes: body.bytesSent)
                    throw transactionFailure(reply, where_: where_)
                }
                guard body.isComplete, let copied = body.reportedRows, Int64(copied) == body.rowsSent else {
                    context.progress.chunkAbandoned(table: task.tableIndex, sentBytes: body.bytesSent)
                    throw RetryableFailure(message: "\(where_): the load ended before the COPY did")
                }
                parts.append((Int64(copied), body.bytesSent))
                sentTotal += body.bytesSent
                if context.sleepBetweenChunks > 0 { Thread.sleep(forTimeInterval: context.sleepBetweenChunks) }
            }
            guard let be else { return parts } // no rows at all: nothing to commit
            if context.cancellation.isSet { throw ChunkCanceled() }
            let copied = parts.reduce(Int64(0)) { $0 + $1.rows }
            let reply: TransactionReply
            do {
                reply = try loads.commitTransaction(be: be, label: label, shouldAbort: nil)
            } catch let error as StreamLoadTransportError {
                // The commit may or may not have happened: ask.
                context.progress.chunkAbandoned(table: task.tableIndex, sentBytes: sentTotal)
                rollbackQuietly(label, be: be)
                if try waitForLabel(label) { return parts }
                throw RetryableFailure(message: error.message)
            }
            let where_ = "table \(table.source) (transaction \(label))"
            guard reply.isOK || reply.status == "PUBLISH_TIMEOUT" else {
                context.progress.chunkAbandoned(table: task.tableIndex, sentBytes: sentTotal)
                if reply.message.lowercased().contains("retry with same label"), try waitForLabel(label) { return parts }
                throw transactionFailure(reply, where_: where_)
            }
            guard reply.filteredRows == 0, reply.loadedRows == copied else {
                throw Pg2srError.dataRejected("\(where_): row count mismatch: COPY sent \(copied) rows, StarRocks loaded \(reply.loadedRows) and filtered \(reply.filteredRows)")
            }
            return parts
        } catch {
            if be != nil { rollbackQuietly(label, be: be) }
            throw error
        }
    }

    /// Begins the table's transaction; nil when the label turns out committed already.
    func begin(_ task: ChunkTask, table: TablePlan) throws -> String? {
        let reply: TransactionReply
        let be: String
        do {
            (be, reply) = try loads.beginTransaction(table: table.targetTable, label: task.label, timeoutSeconds: context.loadTimeoutSeconds)
        } catch let error as StreamLoadTransportError {
            throw RetryableFailure(message: error.message)
        }
        if reply.isOK { return be }
        if reply.existingJobStatus == "FINISHED" { return nil }
        if reply.status.uppercased().contains("LABEL_ALREADY_EXISTS") || reply.status == "Label Already Exists" {
            rollbackQuietly(task.label, be: nil)
            throw RetryableFailure(message: "transaction \(task.label) is still open on StarRocks")
        }
        throw transactionFailure(reply, where_: "table \(table.source) (begin of transaction \(task.label))")
    }

    func transactionFailure(_ reply: TransactionReply, where_: String) -> Error {
        let message = reply.message.isEmpty ? "Status \(reply.status)" : reply.message
        if reply.filteredRows > 0 || message.contains("too many filtered rows") {
            return rejectedRows(where_, message: message, errorURL: reply.errorURL)
        }
        if Self.isPermanent(message) { return Pg2srError.target("\(where_): \(message)") }
        return RetryableFailure(message: "StarRocks: \(message)")
    }

    func rollbackQuietly(_ label: String, be: String?) {
        _ = try? loads.rollbackTransaction(label: label, be: be)
    }
}
