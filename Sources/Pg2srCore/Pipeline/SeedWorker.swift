import CurlClient
import Foundation
import PostgresClient

/// What became of one chunk.
enum ChunkOutcome {
    case loaded(rows: Int64, bytes: Int64)
    /// COPY returned no rows: nothing was sent (StarRocks fails empty loads).
    case empty
    /// The label was already committed by an earlier attempt or run.
    case alreadyLoaded
}

/// Shared, read-only context of a seed run's workers.
struct SeedContext: @unchecked Sendable {
    let connector: SourceConnector
    let snapshotName: String
    let target: StarRocksTarget
    let plan: SeedPlan
    let lockTimeoutMilliseconds: Int
    let loadTimeoutSeconds: Int
    let retry: RetryPolicy
    let rateLimiter: RateLimiter?
    let sleepBetweenChunks: Double
    /// Resumed run: ask StarRocks about each label before loading it.
    let checkLabelsFirst: Bool
    let cancellation: CancellationFlag
    let progress: ProgressTracker
    let log: Logger
}

/// One worker: a PostgreSQL session inside the shared snapshot and an HTTP connection,
/// on its own thread, loading chunks from the queue until it is empty.
final class SeedWorker {
    private let context: SeedContext
    private let id: Int
    private var connection: PostgresConnection?
    private let loads: StreamLoadClient

    init(id: Int, context: SeedContext) {
        self.id = id
        self.context = context
        loads = StreamLoadClient(target: context.target)
    }

    /// Runs until the queue is empty, the run is canceled, or a chunk fails for good.
    func run(queue: ChunkQueue) throws {
        defer { connection = nil }
        while !context.cancellation.isSet, let task = queue.next() {
            let outcome = try loadWithRetries(task)
            switch outcome {
            case .loaded(let rows, let bytes):
                context.progress.chunkFinished(table: task.tableIndex, rows: rows, bytes: bytes, sentBytes: bytes, skipped: false)
            case .empty:
                context.progress.chunkFinished(table: task.tableIndex, rows: 0, bytes: 0, sentBytes: 0, skipped: false)
            case .alreadyLoaded:
                context.progress.chunkFinished(table: task.tableIndex, rows: 0, bytes: 0, sentBytes: 0, skipped: true)
            }
            if context.sleepBetweenChunks > 0 { Thread.sleep(forTimeInterval: context.sleepBetweenChunks) }
        }
        if let connection { _ = try? connection.execute("COMMIT") }
    }

    private func loadWithRetries(_ task: ChunkTask) throws -> ChunkOutcome {
        var attempt = 0
        while true {
            do {
                return try load(task)
            } catch let failure as RetryableFailure {
                attempt += 1
                let table = context.plan.tables[task.tableIndex].source
                guard attempt <= context.retry.maxRetries, !context.cancellation.isSet else {
                    if context.cancellation.isSet { throw ChunkCanceled() }
                    throw failure.finalError(table: table, chunk: task.chunk.index, attempts: attempt)
                }
                let delay = context.retry.delay(forAttempt: attempt)
                context.log.warning("chunk \(task.chunk.index) of \(table): \(failure.message); retry \(attempt)/\(context.retry.maxRetries) in \(String(format: "%.1f", delay))s")
                Thread.sleep(forTimeInterval: delay)
            }
        }
    }

    private func load(_ task: ChunkTask) throws -> ChunkOutcome {
        let table = context.plan.tables[task.tableIndex]
        if context.checkLabelsFirst, try labelIsCommitted(task.label) {
            return .alreadyLoaded
        }
        let session = try sourceSession()
        let stream: CopyOutStream
        do {
            stream = try session.copyOut(task.copySQL)
        } catch let error as PostgresError {
            throw try sourceFailure(error, table: table.source, duringCopy: false)
        }
        let body = CopyBodySource(stream: stream, rateLimiter: context.rateLimiter, cancellation: context.cancellation) { [progress = context.progress] bytes in
            progress.addInFlight(table: task.tableIndex, bytes: bytes)
        }
        let hasRows: Bool
        do {
            hasRows = try body.prefetchFirstRow()
        } catch let error as PostgresError {
            throw try sourceFailure(error, table: table.source, duringCopy: true)
        }
        guard hasRows else { return .empty }

        var result: StreamLoadResult?
        var transportFailure: StreamLoadTransportError?
        do {
            let url = try loads.resolveLoadURL(table: table.targetTable, label: task.label)
            let headers = StreamLoadFormat.headers(label: task.label, columns: table.columns, timeoutSeconds: context.loadTimeoutSeconds)
            result = try loads.load(url: url, headers: headers, body: body)
        } catch let error as StreamLoadTransportError {
            transportFailure = error
        } catch {
            abandon(body, task: task)
            throw error
        }
        // Whatever happened, a COPY still running is canceled so the session can go on.
        let abandoned = body.abandonIfRunning()
        if abandoned { resetTransaction() }

        if body.abortedByCancellation {
            context.progress.chunkAbandoned(table: task.tableIndex, sentBytes: body.bytesSent)
            throw ChunkCanceled()
        }
        if let error = body.sourceError {
            context.progress.chunkAbandoned(table: task.tableIndex, sentBytes: body.bytesSent)
            throw try sourceFailure(error, table: table.source, duringCopy: true)
        }
        guard let result else {
            context.progress.chunkAbandoned(table: task.tableIndex, sentBytes: body.bytesSent)
            throw RetryableFailure(message: transportFailure?.message ?? "no reply from StarRocks")
        }
        return try judge(result, body: body, task: task, table: table)
    }

    /// Success is the JSON `Status`; rows are proven by COPY's count against `NumberLoadedRows`.
    private func judge(_ result: StreamLoadResult, body: CopyBodySource, task: ChunkTask, table: TablePlan) throws -> ChunkOutcome {
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
            if existing == "FINISHED" { return .alreadyLoaded }
            // RUNNING: an earlier attempt is still committing; wait for its verdict.
            if try waitForLabel(task.label) { return .alreadyLoaded }
            throw RetryableFailure(message: "an earlier load with label \(task.label) was aborted")
        case .fail, .other:
            context.progress.chunkAbandoned(table: task.tableIndex, sentBytes: body.bytesSent)
            let message = result.message
            if result.filteredRows > 0 || message.contains("too many filtered rows") {
                let excerpt = result.errorURL.map { loads.errorLogExcerpt($0) } ?? ""
                throw Pg2srError.dataRejected("\(where_): StarRocks rejected rows (\(message))\(excerpt.isEmpty ? "" : ": \(excerpt)")")
            }
            if Self.isPermanent(message) {
                throw Pg2srError.target("\(where_): \(message)")
            }
            throw RetryableFailure(message: "StarRocks: \(message)")
        }
    }

    /// Failures that retrying cannot fix: credentials, missing objects, malformed requests.
    static func isPermanent(_ message: String) -> Bool {
        let lowered = message.lowercased()
        let permanent = ["access denied", "password", "no valid basic authorization", "unknown database", "unknown table",
                         "does not exist", "not exist", "unknown column", "label format error", "invalid", "there is no 100-continue"]
        return permanent.contains { lowered.contains($0) } && !lowered.contains("you can retry")
    }

    private func labelIsCommitted(_ label: String) throws -> Bool {
        do {
            let state = try loads.loadState(label: label)
            if state == "VISIBLE" || state == "COMMITTED" { return true }
            if state == "PREPARE" || state == "PREPARED" { return try waitForLabel(label) }
            return false
        } catch let error as StreamLoadTransportError {
            throw RetryableFailure(message: error.message)
        }
    }

    /// Polls `get_load_state` until the label's transaction is final; true if it committed.
    private func waitForLabel(_ label: String) throws -> Bool {
        let deadline = Date().addingTimeInterval(Double(context.loadTimeoutSeconds))
        while Date() < deadline {
            if context.cancellation.isSet { throw ChunkCanceled() }
            let state: String
            do { state = try loads.loadState(label: label) } catch let error as StreamLoadTransportError {
                throw RetryableFailure(message: error.message)
            }
            switch state {
            case "VISIBLE", "COMMITTED": return true
            case "ABORTED", "UNKNOWN": return false
            default: Thread.sleep(forTimeInterval: 1)
            }
        }
        throw RetryableFailure(message: "label \(label) stayed in progress past the load timeout")
    }

    // MARK: - Source session

    /// This worker's session, inside the run's snapshot (connecting and importing it if needed).
    private func sourceSession() throws -> PostgresConnection {
        if let connection { return connection }
        let connection = try context.connector.connect(role: "worker \(id)")
        do {
            try connection.execute("SET lock_timeout = \(context.lockTimeoutMilliseconds)")
            try importSnapshot(connection)
        } catch let error as PostgresError {
            throw try sourceFailure(error, table: nil, duringCopy: false)
        }
        self.connection = connection
        return connection
    }

    private func importSnapshot(_ connection: PostgresConnection) throws {
        try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try connection.execute("SET TRANSACTION SNAPSHOT \(PostgresSQL.quoteLiteral(context.snapshotName))")
    }

    /// After an abandoned COPY the transaction is aborted: start a new one in the same snapshot.
    private func resetTransaction() {
        guard let connection else { return }
        do {
            try connection.execute("ROLLBACK")
            try importSnapshot(connection)
        } catch {
            self.connection = nil // reconnect on the next chunk
        }
    }

    private func abandon(_ body: CopyBodySource, task: ChunkTask) {
        context.progress.chunkAbandoned(table: task.tableIndex, sentBytes: body.bytesSent)
        if body.abandonIfRunning() { resetTransaction() }
    }

    /// Classifies a PostgreSQL error: a rejected value or a lock wait is final, a broken
    /// connection is retried (from the start of the chunk, in a new session).
    private func sourceFailure(_ error: PostgresError, table: TableName?, duringCopy: Bool) throws -> Error {
        if let range = error.message.range(of: ValueGuard.marker) {
            var detail = String(error.message[range.upperBound...])
            if detail.hasSuffix("\"") { detail.removeLast() }
            return Pg2srError.dataRejected(detail)
        }
        if error.isLockTimeout, let table {
            return Pg2srError.source("lock wait on \(table) exceeded --lock-wait-timeout (\(context.lockTimeoutMilliseconds) ms): another session holds or awaits a conflicting lock")
        }
        if error.message.contains("snapshot") && (error.message.contains("does not exist") || error.message.contains("invalid snapshot")) {
            return Pg2srError.source("the run's snapshot \(context.snapshotName) no longer exists: \(error.message)")
        }
        if error.isConnectionFailure || error.sqlState == "57014" || error.sqlState == "25P02" {
            connection = nil
            return RetryableFailure(message: "PostgreSQL: \(error.message)")
        }
        return Pg2srError.source("\(table.map { "\($0)" } ?? "worker session"): \(error.message)")
    }
}

/// A failure worth another attempt of the same chunk with the same label.
struct RetryableFailure: Error {
    let message: String

    func finalError(table: TableName, chunk: Int, attempts: Int) -> Pg2srError {
        let text = "chunk \(chunk) of \(table) failed after \(attempts) attempts: \(message)"
        return message.hasPrefix("PostgreSQL") ? .source(text) : .target(text)
    }
}

/// The run was interrupted while this chunk was in flight (its load was aborted).
struct ChunkCanceled: Error {}
