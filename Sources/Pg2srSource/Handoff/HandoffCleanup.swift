// `pg2sr cleanup` on the source: drops the run's replication slot and the publication pg2sr created.
import Pg2srModel
import Pg2srSupport
import PostgresClient

/// Removes what pg2sr created on the source for a run — its replication slot and, if pg2sr
/// created it, its publication. Nothing the user created is dropped.
public enum HandoffCleanup {
    public static func run(record: RunRecord, connector: SourceConnector, log: Logger) throws {
        let connection = try connector.connect(role: "cleanup")
        if let slot = record.snapshot?.slotName {
            do {
                let exists = try connection.query(SQLTemplate("postgres/slot_active").sql, [slot])
                if exists.rows.isEmpty {
                    log.info("replication slot \(slot) is already gone")
                } else if exists.scalar == "t" {
                    throw Pg2srError.source("replication slot \(slot) is in use (Debezium is streaming from it): stop the connector first")
                } else {
                    try connection.query(SQLTemplate("postgres/drop_slot").sql, [slot])
                    log.info("dropped replication slot \(slot)")
                }
            } catch let error as PostgresError {
                throw error.asSourceError("cannot drop replication slot \(slot)")
            }
        }
        guard let publication = record.publication else { return }
        guard record.createdPublication else {
            log.info("publication \(publication) was not created by pg2sr: kept")
            return
        }
        do {
            try connection.execute(SQLTemplate("postgres/drop_publication").render(["publication": .identifier(publication)]))
            log.info("dropped publication \(publication)")
        } catch let error as PostgresError {
            throw error.asSourceError("cannot drop publication \(publication)")
        }
    }
}
