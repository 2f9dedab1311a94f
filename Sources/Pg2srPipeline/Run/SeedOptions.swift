// The options of `pg2sr seed` beyond the plan.
import Pg2srSource
import Pg2srTarget

/// Options of `pg2sr seed` beyond the plan.
public struct SeedOptions: Sendable {
    public var plan = PlanOptions()
    /// `--snapshot NAME`: an externally exported snapshot.
    public var snapshotName: String?
    /// `--slot`: take the snapshot exported by creating the replication slot for Debezium.
    public var cdc: CDCHandoffOptions?
    public var jobs = 4
    public var lockWaitTimeoutMilliseconds = 10_000
    public var runID: String?
    public var resume = false
    public var createTables = false
    public var ddl = TableDDLOptions()
    public var maxRateBytesPerSecond: Double?
    public var sleepBetweenChunks: Double = 0
    public var loadTimeoutSeconds = 3600
    public var retry = RetryPolicy()
    public var runRecordTable = "pg2sr_runs"
    public var progress = ProgressMode.auto
    public var progressIntervalSeconds: Double = 10
    /// `--metrics-addr HOST:PORT`: serve Prometheus metrics while loading.
    public var metricsAddress: String?
    /// The arguments of this command without `--resume`/`--run-id`, shell-quoted: with them the
    /// run prints the command that resumes it when it stops early (secrets are redacted).
    public var resumeArguments: [String]?
    public init() {}
}
