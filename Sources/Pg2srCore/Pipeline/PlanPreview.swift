/// The plan of a seed without loading anything (`pg2sr plan`, `pg2sr ddl`).
public enum PlanPreview {
    public static func plan(source: SourceConnector, options: PlanOptions, snapshotName: String?, lockWaitTimeoutMilliseconds: Int = 10_000,
                            log: Logger) throws -> SeedPlan {
        let snapshot: SnapshotProvider = try snapshotName.map { try ExternalSnapshot(name: $0, connector: source) }
            ?? ExportedSnapshot(connector: source)
        defer { snapshot.release() }
        let locker = TableLocker(connector: source, timeoutMilliseconds: lockWaitTimeoutMilliseconds)
        return try SeedPlanner(connection: snapshot.catalogConnection, options: options, locking: locker).plan(log: log).0
    }
}
