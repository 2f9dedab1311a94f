// The options of `pg2sr verify`.
import Pg2srSource

/// Options of `pg2sr verify`.
public struct VerifyOptions: Sendable {
    /// Verify the tables (and mappings) of this seed run, read from its run record.
    public var runID: String?
    /// Without a run id: the same selection options as `seed`.
    public var plan = PlanOptions()
    public var runRecordTable = "pg2sr_runs"
    public var jobs = 4
    /// Rows per chunk (key range) of a table.
    public var chunkRows = 100_000
    /// Example rows listed per table.
    public var maxDifferences = 20
    /// Differing chunks per table narrowed down to rows.
    public var detailChunks = 8
    /// Re-read differing chunks this many more times (each in a fresh snapshot) before calling
    /// them different: on a live target, changes still travelling through CDC then drop out.
    public var rechecks = 0
    public var recheckDelaySeconds: Double = 5
    public var lockWaitTimeoutMilliseconds = 10_000
    public init() {}
}
