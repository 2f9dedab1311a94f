// One chunk in one Stream Load (tables whose target deduplicates by key), proven by its row count.
import Foundation
import Pg2srModel
import Pg2srSource
import Pg2srSupport
import Pg2srTarget

extension SeedWorker {
    func load(_ task: ChunkTask) throws -> ChunkOutcome {
        let table = context.plan.tables[task.tableIndex]
        if context.checkLabelsFirst || completedAttempt != nil, try labelIsCommitted(task.label) {
            return committedEarlier()
        }
        guard let body = try openChunk(task.copySQL, table: table, tableIndex: task.tableIndex) else { return .empty }

        let (result, transportFailure) = try send(body, tableIndex: task.tableIndex, table: table) {
            let url = try loads.resolveLoadURL(table: table.targetTable, label: task.label)
            let headers = StreamLoadFormat.headers(label: task.label, columns: table.columns, timeoutSeconds: context.loadTimeoutSeconds)
            return try loads.load(url: url, headers: headers, body: body, shouldAbort: shouldAbort)
        }
        if body.isComplete, let copied = body.reportedRows, Int64(copied) == body.rowsSent {
            completedAttempt = (Int64(copied), body.bytesSent)
        }
        guard let result else {
            context.progress.chunkAbandoned(table: task.tableIndex, sentBytes: body.bytesSent)
            throw RetryableFailure(message: transportFailure?.message ?? "no reply from StarRocks")
        }
        return try judge(result, body: body, task: task, table: table)
    }

    func committedEarlier() -> ChunkOutcome {
        if let completedAttempt { return .loaded(rows: completedAttempt.rows, bytes: completedAttempt.bytes) }
        return .alreadyLoaded
    }

    /// Success is the JSON `Status`; rows are proven by COPY's count against `NumberLoadedRows`.
    func judge(_ result: StreamLoadResult, body: CopyBodySource, task: ChunkTask, table: TablePlan) throws -> ChunkOutcome {
        let where_ = "chunk \(task.chunk.index) of \(table.source) (label \(task.label))"
        switch result.status {
        case .success, .publishTimeout:
            guard body.isComplete, let copied = body.reportedRows else {
                // StarRocks committed without having the whole chunk: never report that as done.
                throw Pg2srError.dataRejected("\(where_): StarRocks committed before the COPY ended (\(result.loadedRows) rows); the target table holds a partial chunk")
            }
            guard result.filteredRows == 0, result.loadedRows == Int64(copied), Int64(copied) == body.rowsSent else {
                throw Pg2srError.dataRejected("\(where_): row count mismatch: COPY sent \(copied) rows, StarRocks loaded \(result.loadedRows) and filtered \(result.filteredRows)")
            }
            return .loaded(rows: Int64(copied), bytes: body.bytesSent)
        case .labelAlreadyExists(let existing):
            context.progress.chunkAbandoned(table: task.tableIndex, sentBytes: body.bytesSent)
            if existing == "FINISHED" { return committedEarlier() }
            // RUNNING: an earlier attempt is still committing; wait for its verdict.
            if try waitForLabel(task.label) { return committedEarlier() }
            throw RetryableFailure(message: "an earlier load with label \(task.label) was aborted")
        case .fail, .other:
            context.progress.chunkAbandoned(table: task.tableIndex, sentBytes: body.bytesSent)
            let message = result.message
            if result.filteredRows > 0 || message.contains("too many filtered rows") {
                throw rejectedRows(where_, message: message, errorURL: result.errorURL)
            }
            if Self.isPermanent(message) {
                throw Pg2srError.target("\(where_): \(message)")
            }
            throw RetryableFailure(message: "StarRocks: \(message.isEmpty ? "Status \(result.statusText)" : message)")
        }
    }

    func rejectedRows(_ where_: String, message: String, errorURL: String?) -> Pg2srError {
        let excerpt = errorURL.map { loads.errorLogExcerpt($0) } ?? ""
        return Pg2srError.dataRejected("\(where_): StarRocks rejected rows (\(message))\(excerpt.isEmpty ? "" : ": \(excerpt)")")
    }

    /// Failures that retrying cannot fix: credentials, missing objects, malformed requests.
    static func isPermanent(_ message: String) -> Bool { StreamLoadClient.isPermanent(message) }
}
