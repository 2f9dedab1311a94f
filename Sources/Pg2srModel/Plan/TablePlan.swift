// One table of a seed plan: its mapping, chunks, filter and key.

/// One table of what a seed run will do, decided before any data moves.
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

    public init(source: TableName, sourceKind: String, targetTable: String, columns: [ColumnMapping], chunks: [ChunkSpec],
                filter: String?, estimatedBytes: Int64, estimatedRows: Int64, keyColumns: [String]) {
        self.source = source
        self.sourceKind = sourceKind
        self.targetTable = targetTable
        self.columns = columns
        self.chunks = chunks
        self.filter = filter
        self.estimatedBytes = estimatedBytes
        self.estimatedRows = estimatedRows
        self.keyColumns = keyColumns
    }

    /// `mappings` in the order StarRocks wants them: key columns first, in key order, the
    /// others as they were.
    public static func keyColumnsFirst(_ mappings: [ColumnMapping]) -> [ColumnMapping] {
        mappings.enumerated().sorted { lhs, rhs in
            switch (lhs.element.keyPosition, rhs.element.keyPosition) {
            case (0, 0): return lhs.offset < rhs.offset
            case (0, _): return false
            case (_, 0): return true
            default: return lhs.element.keyPosition < rhs.element.keyPosition
            }
        }.map(\.element)
    }
}
