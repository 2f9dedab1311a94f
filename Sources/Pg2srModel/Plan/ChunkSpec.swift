// One chunk of a table: the slice one COPY reads into one Stream Load.

/// One unit of work: a slice of one table, copied by one COPY into one Stream Load.
public struct ChunkSpec: Codable, Sendable, Equatable {
    /// 0-based position in the table's chunk list; part of the Stream Load label.
    public var index: Int
    /// SQL predicate selecting the slice (nil = the whole table).
    public var predicate: String?
    public var estimatedBytes: Int64
    /// e.g. `blocks 0..4096` or `id in [1000, 2000)`, for plans and progress.
    public var summary: String

    public init(index: Int, predicate: String?, estimatedBytes: Int64, summary: String) {
        self.index = index
        self.predicate = predicate
        self.estimatedBytes = estimatedBytes
        self.summary = summary
    }
}
