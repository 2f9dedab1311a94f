// What holds a run's snapshot open, and the two providers that need no replication slot.
import Pg2srModel
import Pg2srSupport
import PostgresClient

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
public final class ExportedSnapshot: SnapshotProvider {
    public let info: SnapshotInfo
    public let catalogConnection: PostgresConnection
    private var released = false

    public init(connector: SourceConnector) throws {
        let connection = try connector.connect(role: "snapshot")
        do {
            try SnapshotTransaction.begin(on: connection)
            let result = try connection.execute(SQLTemplate("postgres/export_snapshot").sql)
            info = SnapshotInfo(name: result.value(0, "snapshot_name")!, walLSN: result.value(0, "wal_lsn") ?? "",
                                serverTime: result.value(0, "server_time")!, slotName: nil)
        } catch let error as PostgresError {
            throw error.asSourceError("cannot export a snapshot")
        }
        catalogConnection = connection
    }

    public func release() {
        guard !released else { return }
        released = true
        SnapshotTransaction.commitQuietly(catalogConnection)
    }
}

/// A snapshot exported by another session (`--snapshot NAME`); the caller keeps it alive.
public final class ExternalSnapshot: SnapshotProvider {
    public let info: SnapshotInfo
    public let catalogConnection: PostgresConnection
    private var released = false

    public init(name: String, connector: SourceConnector) throws {
        let connection = try connector.connect(role: "snapshot")
        do {
            try SnapshotTransaction.join(name, on: connection)
            let result = try connection.execute(SQLTemplate("postgres/snapshot_position").sql)
            info = SnapshotInfo(name: name, walLSN: result.value(0, "wal_lsn") ?? "",
                                serverTime: result.value(0, "server_time")!, slotName: nil)
        } catch let error as PostgresError {
            throw error.asSourceError("cannot import snapshot '\(name)'")
        }
        catalogConnection = connection
    }

    public func release() {
        guard !released else { return }
        released = true
        SnapshotTransaction.commitQuietly(catalogConnection)
    }
}
