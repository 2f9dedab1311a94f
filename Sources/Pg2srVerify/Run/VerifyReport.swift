// What `pg2sr verify` found, per table, chunk and row (printed as JSON with `--output json`).
import Pg2srModel

/// What `pg2sr verify` found (printed as JSON with `--output json`).
public struct VerifyReport: Codable, Sendable {
    public var runID: String?
    /// The source snapshot of the first pass (every table is read in it).
    public var snapshot: SnapshotInfo?
    public var tables: [TableVerification] = []
    /// Reads of the source: the first over everything, then one per narrowing/recheck of the
    /// differing chunks (differences that vanished in a later pass were in flight).
    public var passes = 1

    public var differingTables: [TableVerification] { tables.filter { $0.status != "equal" } }
}

public struct TableVerification: Codable, Sendable {
    public var source: String
    public var target: String
    /// `equal` or `different`.
    public var status: String
    public var sourceRows: Int64
    public var targetRows: Int64
    /// Row count and wrapping sum of row digests, as 16 hex digits.
    public var sourceChecksum: String
    public var targetChecksum: String
    /// The column whose ranges make the chunks (the first key column, else the first column
    /// when StarRocks can range-scan it); nil = one chunk.
    public var rangeColumn: String?
    public var chunks: Int
    public var differingChunks: [ChunkDifference] = []
    public var note: String?
}

public struct ChunkDifference: Codable, Sendable {
    public var index: Int
    /// e.g. `id in [1000, 2000)`.
    public var range: String
    public var sourceRows: Int64
    public var targetRows: Int64
    /// Set when the chunk was narrowed down to rows (`--detail-chunks`).
    public var missingInTarget: Int?
    public var extraInTarget: Int?
    public var changed: Int?
    /// The first differing rows (`--max-differences` per table).
    public var examples: [RowDifference] = []
}

public struct RowDifference: Codable, Sendable {
    /// `missing in target`, `extra in target` or `changed`.
    public var kind: String
    /// Key values (or, for tables without a key, the row) in canonical form.
    public var key: String
    /// Changed rows: the columns that differ, with both values (canonical, shortened).
    public var columns: [ColumnDifference]?
}

public struct ColumnDifference: Codable, Sendable {
    public var column: String
    public var source: String?
    public var target: String?
}
