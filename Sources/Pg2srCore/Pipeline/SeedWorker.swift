import CurlClient
import Foundation
import PostgresClient

/// What became of one chunk.
enum ChunkOutcome {
    case loaded(rows: Int64, bytes: Int64)
    /// COPY returned no rows: nothing was sent (StarRocks fails empty loads).
    case empty
    /// The label was already committed by an earlier run.
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
    /// Rows and bytes of an attempt of the current chunk whose whole body reached StarRocks
    /// without a verdict (reply lost, "retry with same label"): if the label turns out
    /// committed, these are the rows it holds.
    private var completedAttempt: (rows: Int64, bytes: Int64)?

    init(id: Int, context: SeedContext) {
        self.id = id
        self.context = context
        loads = StreamLoadClient(target: context.target)
    }

    private var shouldAbort: () -> Bool {
        { [cancellation = context.cancellation] in cancellation.isSet }
    }

    /// Runs until the queue is empty, the run is canceled, or a chunk fails for good.
    func run(queue: ChunkQueue) throws {
        defer { connection = nil }
        while !context.cancellation.isSet, let task = queue.next() {
            if task.isTransaction {
                try loadTableWithRetries(task)
            } else {
                completedAttempt = nil
                let outcome = try withRetries(task, what: "chunk \(task.chunk.index) of") { try self.load(task) }
                switch outcome {
                case .loaded(let rows, let bytes):
                    context.progress.chunkFinished(table: task.tableIndex, rows: rows, bytes: bytes, sentBytes: bytes, skipped: false)
                case .empty:
                    context.progress.chunkFinished(table: task.tableIndex, rows: 0, bytes: 0, sentBytes: 0, skipped: false)
                case .alreadyLoaded:
                    context.progress.chunkFinished(table: task.tableIndex, rows: 0, bytes: 0, sentBytes: 0, skipped: true)
                }
            }
            if context.sleepBetweenChunks > 0 { Thread.sleep(forTimeInterval: context.sleepBetweenChunks) }
        }
        if let connection { _ = try? connection.execute("COMMIT") }
    }

    /// Retries `body` after transient failures, with exponential backoff and jitter. Every
    /// attempt reuses the label, so a retry can never load the same rows twice.
    private func withRetries<T>(_ task: ChunkTask, what: String, _ body: () throws -> T) throws -> T {
        var attempt = 0
        let table = context.plan.tables[task.tableIndex].source
        while true {
            do {
                return try body()
            } catch let failure as RetryableFailure {
                attempt += 1
                if context.cancellation.isSet { throw ChunkCanceled() }
                guard attempt <= context.retry.maxRetries else {
                    throw failure.finalError(what: "\(what) \(table)", attempts: attempt)
                }
                let delay = context.retry.delay(forAttempt: attempt)
                context.log.warning("\(what) \(table): \(failure.message); retry \(attempt)/\(context.retry.maxRetries) in \(String(format: "%.1f", delay))s")
                // Sleep in small steps: an interruption must not wait for the backoff.
                let deadline = Date().addingTimeInterval(delay)
                while Date() < deadline {
                    if context.cancellation.isSet { throw ChunkCanceled() }
                    Thread.sleep(forTimeInterval: min(0.1, max(0, deadline.timeIntervalSinceNow)))
                }
            }
        }
    }

    // MARK: - One chunk, one Stream Load (tables whose target deduplicates by key)

    private func load(_ task: ChunkTask) throws -> ChunkOutcome {
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

    private func committedEarlier() -> ChunkOutcome {
        if let completedAttempt { return .loaded(rows: completedAttempt.rows, bytes: completedAttempt.bytes) }
        return .alreadyLoaded
    }

    /// Starts a chunk's COPY and reads its first row before any HTTP request is made (StarRocks
    /// fails empty loads); nil when the chunk has no rows.
    private func openChunk(_ copySQL: String, table: TablePlan, tableIndex: Int) throws -> CopyBodySource? {
        let body = try startCopy(copySQL, table: table, tableIndex: tableIndex)
        do {
            return try body.prefetchFirstRow() ? body : nil
        } catch let error as PostgresError {
            abandon(body, tableIndex: tableIndex)
            throw try sourceFailure(error, table: table.source, duringCopy: true)
        }
    }

    /// Starts the chunk's COPY in this worker's snapshot session and wraps it as an upload body.
    private func startCopy(_ sql: String, table: TablePlan, tableIndex: Int) throws -> CopyBodySource {
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

    /// After the HTTP request: stops a COPY still running (the upload was aborted) and turns an
    /// interruption or a broken COPY into its error.
    /// Uploads `body` with `upload` (a Stream Load or a transaction's load) and settles it: a
    /// transport failure is returned with no reply (the caller retries the chunk), any other
    /// error abandons the COPY and is thrown.
    private func send<Reply>(_ body: CopyBodySource, tableIndex: Int, table: TablePlan,
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

    private func settle(_ body: CopyBodySource, tableIndex: Int, table: TablePlan) throws {
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

    private func rejectedRows(_ where_: String, message: String, errorURL: String?) -> Pg2srError {
        let excerpt = errorURL.map { loads.errorLogExcerpt($0) } ?? ""
        return Pg2srError.dataRejected("\(where_): StarRocks rejected rows (\(message))\(excerpt.isEmpty ? "" : ": \(excerpt)")")
    }

    /// Failures that retrying cannot fix: credentials, missing objects, malformed requests.
    static func isPermanent(_ message: String) -> Bool { StreamLoadClient.isPermanent(message) }

    // MARK: - A whole table in one Stream Load transaction (Duplicate Key tables)

    /// A table without a key in the target cannot take a chunk twice, nor chunks read from two
    /// snapshots: all its chunks go into one transaction, committed at the end, so the table
    /// shows either nothing or all of it. Any failure rolls the transaction back and the
    /// table starts again from its first chunk (same label: an aborted label may be reused).
    private func loadTableWithRetries(_ task: ChunkTask) throws {
        let parts = try withRetries(task, what: "table") { try self.loadTable(task) }
        for index in task.transactionChunks.indices {
            let done = parts.map { $0[index] }
            context.progress.chunkFinished(table: task.tableIndex, rows: done?.rows ?? 0, bytes: done?.bytes ?? 0,
                                           sentBytes: done?.bytes ?? 0, skipped: parts == nil)
        }
    }

    /// Rows and bytes per chunk once committed, nil when an earlier run had committed the table.
    private func loadTable(_ task: ChunkTask) throws -> [(rows: Int64, bytes: Int64)]? {
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
    private func begin(_ task: ChunkTask, table: TablePlan) throws -> String? {
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

    private func transactionFailure(_ reply: TransactionReply, where_: String) -> Error {
        let message = reply.message.isEmpty ? "Status \(reply.status)" : reply.message
        if reply.filteredRows > 0 || message.contains("too many filtered rows") {
            return rejectedRows(where_, message: message, errorURL: reply.errorURL)
        }
        if Self.isPermanent(message) { return Pg2srError.target("\(where_): \(message)") }
        return RetryableFailure(message: "StarRocks: \(message)")
    }

    private func rollbackQuietly(_ label: String, be: String?) {
        _ = try? loads.rollbackTransaction(label: label, be: be)
    }

    // MARK: - Labels

    private func labelState(_ label: String) throws -> String {
        do { return try loads.loadState(label: label) } catch let error as StreamLoadTransportError {
            throw RetryableFailure(message: error.message)
        }
    }

    private func labelIsCommitted(_ label: String) throws -> Bool {
        let state = try labelState(label)
        if state == "VISIBLE" || state == "COMMITTED" { return true }
        if state == "PREPARE" || state == "PREPARED" { return try waitForLabel(label) }
        return false
    }

    /// Polls `get_load_state` until the label's transaction is final; true if it committed.
    private func waitForLabel(_ label: String) throws -> Bool {
        let deadline = Date().addingTimeInterval(Double(context.loadTimeoutSeconds))
        while Date() < deadline {
            if context.cancellation.isSet { throw ChunkCanceled() }
            switch try labelState(label) {
            case "VISIBLE", "COMMITTED": return true
            case "ABORTED", "UNKNOWN": return false
            default: Thread.sleep(forTimeInterval: 0.5)
            }
        }
        throw RetryableFailure(message: "label \(label) stayed in progress past the load timeout")
    }

    // MARK: - Source session

    /// This worker's session, inside the run's snapshot (connecting and importing it if needed).
    private func sourceSession() throws -> PostgresConnection {
        if let connection { return connection }
        let connection: PostgresConnection
        do {
            connection = try context.connector.connect(role: "worker \(id)")
        } catch let error as Pg2srError {
            // The server may be restarting or the network down: worth another attempt.
            throw RetryableFailure(message: "PostgreSQL: \(error)")
        }
        // Bounded kernel buffering between PostgreSQL and this worker: a slow StarRocks makes the
        // COPY wait in PostgreSQL after about this much data.
        connection.limitReceiveBuffer(bytes: 512 * 1024)
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

    private func abandon(_ body: CopyBodySource, tableIndex: Int) {
        context.progress.chunkAbandoned(table: tableIndex, sentBytes: body.bytesSent)
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
            return Pg2srError.source("the run's snapshot \(context.snapshotName) no longer exists (\(error.message)); resume the run (pg2sr seed --resume) to continue from a new snapshot")
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

    func finalError(what: String, attempts: Int) -> Pg2srError {
        let text = "\(what) failed after \(attempts) attempts: \(message)"
        return message.hasPrefix("PostgreSQL") ? .source(text) : .target(text)
    }
}

/// The run was interrupted while this chunk was in flight (its load was aborted).
struct ChunkCanceled: Error {}
