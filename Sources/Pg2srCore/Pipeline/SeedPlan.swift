/// What a seed run will do, decided before any data moves; stored in the run record so a
/// resumed run uses the same chunks (and so the same labels).
public struct TablePlan: Codable, Sendable {
    public var source: TableName
    /// `r` ordinary or `p` partitioned (`pg_class.relkind`).
    public var sourceKind: String
    public var targetTable: String
    public var columns: [ColumnMapping]
    public var chunks: [ChunkSpec]
    /// `--where` for this table.
    public var filter: String?
    public var estimatedBytes: Int64
    public var estimatedRows: Int64
    /// PRIMARY KEY or DUPLICATE KEY in the target.
    public var keyColumns: [String]
}

public struct SeedPlan: Codable, Sendable {
    public var tables: [TablePlan]

    public var chunkCount: Int { tables.reduce(0) { $0 + $1.chunks.count } }
}

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

extension TablePlan {
    /// The `COPY ... TO STDOUT` of one chunk.
    public func copyStatement(for chunk: ChunkSpec) -> String {
        CopyStatement.copy(CopyStatement.select(table: source, kind: sourceKind, columns: columns, chunk: chunk, filter: filter))
    }
}
