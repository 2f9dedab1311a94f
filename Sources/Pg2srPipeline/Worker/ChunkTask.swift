// The units of work the chunk queue hands to the workers.
import Pg2srModel
import Pg2srSource

/// One queued unit of work: a chunk in its own Stream Load, or (`transactionChunks` not empty)
/// a whole table in one Stream Load transaction, its chunks loaded one after the other.
struct ChunkTask: Sendable {
    var tableIndex: Int
    var chunk: ChunkSpec
    var label: String
    var copySQL: String
    var transactionChunks: [TransactionChunk] = []
    var estimatedBytes: Int64

    var isTransaction: Bool { !transactionChunks.isEmpty }
}

struct TransactionChunk: Sendable {
    var chunk: ChunkSpec
    var copySQL: String
}

extension ChunkTask {
    /// The run's tasks: a chunk per task where the target deduplicates by key; otherwise the
    /// whole table in one transaction (atomic, and never two snapshots in one table).
    static func tasks(for plan: SeedPlan, deduplicates: [Bool], runID: String) -> [ChunkTask] {
        var tasks: [ChunkTask] = []
        for (index, table) in plan.tables.enumerated() {
            if table.chunks.count > 1 && !deduplicates[index] {
                tasks.append(ChunkTask(tableIndex: index, chunk: table.chunks[0],
                                       label: StreamLoadLabel.makeForTable(runID: runID, table: table.targetTable),
                                       copySQL: "", transactionChunks: table.chunks.map { TransactionChunk(chunk: $0, copySQL: table.copyStatement(for: $0)) },
                                       estimatedBytes: table.chunks.reduce(0) { $0 + $1.estimatedBytes }))
                continue
            }
            for chunk in table.chunks {
                tasks.append(ChunkTask(tableIndex: index, chunk: chunk,
                                       label: StreamLoadLabel.make(runID: runID, table: table.targetTable, chunk: chunk.index),
                                       copySQL: table.copyStatement(for: chunk), estimatedBytes: chunk.estimatedBytes))
            }
        }
        return tasks
    }
}
