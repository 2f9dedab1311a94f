// The snapshot exported by creating the replication slot Debezium will stream from.
import Pg2srModel
import Pg2srSupport
import PostgresClient

/// The snapshot exported by creating the logical replication slot Debezium will stream from:
/// `CREATE_REPLICATION_SLOT ... LOGICAL pgoutput (SNAPSHOT 'export')` on a replication
/// connection. The copy and the slot start at exactly the same point, so CDC replays nothing
/// the snapshot has and misses nothing it lacks. The snapshot lives only while the replication
/// connection stays idle and open: it is never used for anything else until `release()`.
final class ReplicationSlotSnapshot: SnapshotProvider {
    let info: SnapshotInfo
    let catalogConnection: PostgresConnection
    private var replication: PostgresConnection?

    init(slot: String, connector: SourceConnector) throws {
        let replication: PostgresConnection
        do {
            replication = try PostgresConnection(conninfo: connector.conninfo,
                                                 overrides: ["replication": "database", "application_name": "pg2sr slot"])
        } catch let error as PostgresError {
            throw Pg2srError.source("cannot open a replication connection (REPLICATION privilege and a pg_hba.conf replication entry are needed): \(error.message)")
        }
        let created: PostgresResult
        do {
            created = try replication.execute(SQLTemplate("postgres/create_replication_slot").render(["slot": .identifier(slot)]))
        } catch let error as PostgresError {
            throw Pg2srError.source("cannot create replication slot \(slot): \(error.message)")
        }
        let snapshotName = created.value(0, "snapshot_name") ?? ""
        let consistentPoint = created.value(0, "consistent_point") ?? ""
        let connection = try connector.connect(role: "snapshot")
        do {
            try SnapshotTransaction.join(snapshotName, on: connection)
            let position = try connection.execute(SQLTemplate("postgres/snapshot_position").sql)
            info = SnapshotInfo(name: snapshotName, walLSN: consistentPoint, serverTime: position.value(0, "server_time")!, slotName: slot)
        } catch let error as PostgresError {
            throw error.asSourceError("cannot import the slot's snapshot")
        }
        catalogConnection = connection
        self.replication = replication
    }

    func release() {
        guard let replication else { return }
        SnapshotTransaction.commitQuietly(catalogConnection)
        withExtendedLifetime(replication) {}
        self.replication = nil // closing the connection ends the exported snapshot; the slot stays
    }
}
