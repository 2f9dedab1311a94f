// `--split-larger-than`, `--chunk-size`, `--split-by`: how tables are cut into chunks.
import Pg2srModel

/// How the chunk planner cuts tables.
public struct ChunkingOptions: Sendable {
    /// Tables whose size (heap + TOAST) is above this are split.
    public var splitLargerThan: Int64 = 256 << 20
    /// Target size of a chunk of a split table.
    public var chunkSize: Int64 = 128 << 20
    /// `--split-by`: column per table (key nil = every table that has that column).
    public var splitBy: [TableName?: String] = [:]
    public init() {}

    func splitColumn(for table: SourceTable) -> String? {
        if let column = splitBy[table.name] { return column }
        if let column = splitBy[nil], table.columns.contains(where: { $0.name == column }) { return column }
        return nil
    }
}
