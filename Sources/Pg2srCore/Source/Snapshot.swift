import PostgresClient

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
}

/// Holds a snapshot open for the run's workers. Implementations: a REPEATABLE READ
/// transaction that exports one, an externally exported one, or (CDC) the one exported by
/// creating a logical replication slot.
public protocol SnapshotProvider: AnyObject {
    var info: SnapshotInfo { get }
    /// A connection inside the snapshot, for catalog reads and chunk planning.
    var catalogConnection: PostgresConnection { get }
    /// Lets the snapshot go (the exporting transaction ends).
    func release()
}

/// `BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT pg_export_snapshot()` on a dedicated
/// connection, held idle in its transaction until `release()`.
final class ExportedSnapshot: SnapshotProvider {
    let info: SnapshotInfo
    let catalogConnection: PostgresConnection
    private var released = false

    init(connector: SourceConnector) throws {
        let connection = try connector.connect(role: "snapshot")
        do {
            try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            let result = try connection.execute(SQLFile.text("postgres/export_snapshot"))
            info = SnapshotInfo(name: result.value(0, "snapshot_name")!, walLSN: result.value(0, "wal_lsn") ?? "",
                                serverTime: result.value(0, "server_time")!, slotName: nil)
        } catch let error as PostgresError {
            throw error.asSourceError("cannot export a snapshot")
        }
        catalogConnection = connection
    }

    func release() {
        guard !released else { return }
        released = true
        _ = try? catalogConnection.execute("COMMIT")
    }
}

/// A snapshot exported by another session (`--snapshot NAME`); the caller keeps it alive.
final class ExternalSnapshot: SnapshotProvider {
    let info: SnapshotInfo
    let catalogConnection: PostgresConnection
    private var released = false

    init(name: String, connector: SourceConnector) throws {
        let connection = try connector.connect(role: "snapshot")
        do {
            try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try connection.execute("SET TRANSACTION SNAPSHOT \(PostgresSQL.quoteLiteral(name))")
            let result = try connection.execute(SQLFile.text("postgres/snapshot_position"))
            info = SnapshotInfo(name: name, walLSN: result.value(0, "wal_lsn") ?? "",
                                serverTime: result.value(0, "server_time")!, slotName: nil)
        } catch let error as PostgresError {
            throw error.asSourceError("cannot import snapshot '\(name)'")
        }
        catalogConnection = connection
    }

    func release() {
        guard !released else { return }
        released = true
        _ = try? catalogConnection.execute("COMMIT")
    }
}
