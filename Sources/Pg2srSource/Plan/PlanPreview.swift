// `pg2sr plan` and `pg2sr ddl`: the plan of a seed, without loading anything.
import Pg2srModel
import Pg2srSupport

/// The plan of a seed without loading anything (`pg2sr plan`, `pg2sr ddl`).
public enum PlanPreview {
    public static func plan(source: SourceConnector, options: PlanOptions, snapshotName: String?, lockWaitTimeoutMilliseconds: Int = 10_000,
                            log: Logger) throws -> SeedPlan {
        let snapshot: SnapshotProvider = try snapshotName.map { try ExternalSnapshot(name: $0, connector: source) }
            ?? ExportedSnapshot(connector: source)
        defer { snapshot.release() }
        return try SeedPlanner(snapshot: snapshot, connector: source, options: options,
                               lockWaitTimeoutMilliseconds: lockWaitTimeoutMilliseconds).plan(log: log)
    }
}
