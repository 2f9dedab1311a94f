// One table's progress: live in the seed run, stored in the run record.

/// Rows, bytes and chunks of one table, as loaded so far.
public struct TableProgress: Sendable, Codable {
    public var table: String
    public var target: String
    public var rows: Int64 = 0
    public var bytes: Int64 = 0
    public var chunksDone = 0
    public var chunksTotal: Int
    public var chunksSkipped = 0
    public var estimatedBytes: Int64

    public init(table: String, target: String, chunksTotal: Int, estimatedBytes: Int64) {
        self.table = table
        self.target = target
        self.chunksTotal = chunksTotal
        self.estimatedBytes = estimatedBytes
    }
}
