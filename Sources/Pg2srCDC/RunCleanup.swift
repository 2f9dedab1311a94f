// `pg2sr cleanup`: undoes what a run created — its slot, its publication if pg2sr made it, optionally its jobs.
import Pg2srModel
import Pg2srSource
import Pg2srSupport
import Pg2srTarget

/// `pg2sr cleanup`: removes what pg2sr created on the source for a run — its replication slot
/// and, if pg2sr created it, its publication — and optionally stops the run's Routine Load jobs.
/// Nothing the user created is dropped.
public enum RunCleanup {
    public static func run(source: SourceConnector, target: StarRocksTarget, record: RunRecord, stopJobs: Bool, log: Logger) throws {
        try HandoffCleanup.run(record: record, connector: source, log: log)
        guard stopJobs else { return }
        let session = try TargetSession(target: target)
        try session.useDatabase(create: false)
        for table in record.plan?.tables ?? [] {
            let name = RoutineLoadJob.name(runID: record.runID, table: table.targetTable)
            do {
                try session.stopRoutineLoad(name)
                log.info("stopped Routine Load job \(name)")
            } catch {
                log.info("Routine Load job \(name): \(error)")
            }
        }
    }
}
