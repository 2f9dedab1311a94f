// One seed worker: its thread, its sessions, the queue loop and the retries around each task.
import CurlClient
import Foundation
import Pg2srModel
import Pg2srSource
import Pg2srSupport
import Pg2srTarget
import PostgresClient

/// One worker: a PostgreSQL session inside the shared snapshot and an HTTP connection,
/// on its own thread, loading chunks from the queue until it is empty.
final class SeedWorker {
    let context: SeedContext
    let id: Int
    var connection: PostgresConnection?
    let loads: StreamLoadClient
    /// Rows and bytes of an attempt of the current chunk whose whole body reached StarRocks
    /// without a verdict (reply lost, "retry with same label"): if the label turns out
    /// committed, these are the rows it holds.
    var completedAttempt: (rows: Int64, bytes: Int64)?

    init(id: Int, context: SeedContext) {
        self.id = id
        self.context = context
        loads = StreamLoadClient(target: context.target)
    }

    var shouldAbort: () -> Bool {
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
        if let connection { SnapshotTransaction.commitQuietly(connection) }
    }

    /// Retries `body` after transient failures, with exponential backoff and jitter. Every
    /// attempt reuses the label, so a retry can never load the same rows twice.
    func withRetries<T>(_ task: ChunkTask, what: String, _ body: () throws -> T) throws -> T {
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
}
