// The run record: what a run did and where it stands, as stored in the target.

/// The run record: one row per run in the target database (`pg2sr_runs` by default), written
/// over the MySQL protocol. With the chunk labels it is all a resumed run needs.
public struct RunRecord: Codable, Sendable {
    public var runID: String
    public var status: String
    public var snapshot: SnapshotInfo?
    public var publication: String?
    /// pg2sr created the publication (and so `cleanup` may drop it).
    public var createdPublication = false
    public var source: String
    public var target: String
    public var startedAt: String
    public var finishedAt: String?
    public var totalRows: Int64 = 0
    public var totalBytes: Int64 = 0
    public var tables: [TableProgress] = []
    public var plan: SeedPlan?
    public var error: String?

    public init(runID: String, status: String, snapshot: SnapshotInfo?, publication: String?, source: String, target: String,
                startedAt: String, plan: SeedPlan?) {
        self.runID = runID
        self.status = status
        self.snapshot = snapshot
        self.publication = publication
        self.source = source
        self.target = target
        self.startedAt = startedAt
        self.plan = plan
    }
}
