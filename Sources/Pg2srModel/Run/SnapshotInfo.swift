// The snapshot a run reads: its name, WAL position and time.

/// The consistent point every worker reads at.
public struct SnapshotInfo: Sendable, Codable {
    /// The exported snapshot's name (`SET TRANSACTION SNAPSHOT`).
    public var name: String
    /// WAL position of the snapshot (the slot's consistent point when a slot exported it).
    public var walLSN: String
    /// The server's clock at that moment, UTC ISO-8601.
    public var serverTime: String
    /// The replication slot that exported the snapshot, if any.
    public var slotName: String?

    public init(name: String, walLSN: String, serverTime: String, slotName: String?) {
        self.name = name
        self.walLSN = walLSN
        self.serverTime = serverTime
        self.slotName = slotName
    }
}
