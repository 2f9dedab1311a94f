// Reading a run's record for the commands that follow a seed.
import Pg2srModel
import Pg2srSupport

/// Reading run records for the commands that follow a seed (debezium-config, routine-load, status, cleanup).
public enum RunRecords {
    public static func read(target: StarRocksTarget, runID: String, table: String = "pg2sr_runs") throws -> RunRecord {
        let session = try TargetSession(target: target)
        try session.useDatabase(create: false)
        let store = RunRecordStore(session: session, table: table, replicationNumber: nil)
        let record: RunRecord?
        do { record = try store.read(runID: runID, target: target.description) } catch {
            throw Pg2srError.target("cannot read run \(runID) from \(target.database).\(table): \(error)")
        }
        guard let record else { throw Pg2srError.usage("no run \(runID) in \(target.database).\(table)") }
        return record
    }
}
