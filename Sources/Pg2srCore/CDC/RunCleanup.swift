import PostgresClient

/// `pg2sr cleanup`: removes what pg2sr created on the source for a run — its replication slot
/// and, if pg2sr created it, its publication — and optionally stops the run's Routine Load jobs.
/// Nothing the user created is dropped.
public enum RunCleanup {
    public static func run(source: SourceConnector, target: StarRocksTarget, record: RunRecord, stopJobs: Bool, log: Logger) throws {
        let connection = try source.connect(role: "cleanup")
        if let slot = record.snapshot?.slotName {
            do {
                let exists = try connection.query("SELECT active FROM pg_replication_slots WHERE slot_name = $1", [slot])
                if exists.rows.isEmpty {
                    log.info("replication slot \(slot) is already gone")
                } else if exists.scalar == "t" {
                    throw Pg2srError.source("replication slot \(slot) is in use (Debezium is streaming from it): stop the connector first")
                } else {
                    try connection.query(SQLFile.text("postgres/drop_slot"), [slot])
                    log.info("dropped replication slot \(slot)")
                }
            } catch let error as PostgresError {
                throw error.asSourceError("cannot drop replication slot \(slot)")
            }
        }
        if let publication = record.publication {
            if record.createdPublication {
                do {
                    try connection.execute("DROP PUBLICATION IF EXISTS \(PostgresSQL.quoteIdentifier(publication))")
                    log.info("dropped publication \(publication)")
                } catch let error as PostgresError {
                    throw error.asSourceError("cannot drop publication \(publication)")
                }
            } else {
                log.info("publication \(publication) was not created by pg2sr: kept")
            }
        }
        guard stopJobs else { return }
        let session = try TargetSession(target: target)
        try session.useDatabase(create: false)
        for table in record.plan?.tables ?? [] {
            let name = RoutineLoadJob.name(runID: record.runID, table: table.targetTable)
            do {
                try session.connection.execute("STOP ROUTINE LOAD FOR \(StarRocksSQL.quoteIdentifier(target.database)).\(name)")
                log.info("stopped Routine Load job \(name)")
            } catch {
                log.info("Routine Load job \(name): \(error)")
            }
        }
    }
}
